"""Encryption at rest: AES-256-GCM by default, SM4-GCM selectable; the item id as associated data.

The key file holds 32 random bytes, readable only by the service user. Each
algorithm gets its own key derived from it (HKDF-SHA256), so switching the
algorithm never reuses a key across ciphers. A sealed blob is::

    version (1 byte) | algorithm (1 byte) | nonce (12 bytes) | ciphertext+tag
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = 1
ALGORITHMS = {"AES-256-GCM": 1, "SM4-GCM": 2}
NONCE = 12
TAG = 16


class KeyFileError(Exception):
    """The key file is missing, unreadable, the wrong size, or readable by others."""


class DamagedKeyError(KeyFileError):
    """The key file is there but holds no key: the wrong size (cut by a disk that filled as it was written, or by
    the disk itself), or not a file at all."""


class TamperedError(Exception):
    """A sealed blob does not authenticate: tampered, truncated, or sealed under another key or item."""


def load_or_create_key(path: Path) -> bytes:
    """Read the 32-byte master key; create it (mode 0600) if there is none."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(32))
            fh.flush()
            os.fsync(fh.fileno())
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise DamagedKeyError(f"{path}: the queue key is not a file")
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyFileError(f"{path}: the queue key must be readable by its owner only (chmod 600)")
        key = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read the queue key ({exc.strerror})") from None
    if len(key) != 32:
        raise DamagedKeyError(f"{path}: the queue key must be exactly 32 bytes, found {len(key)}")
    return key


def _derive(master: bytes, algorithm: str) -> bytes:
    length = 32 if algorithm == "AES-256-GCM" else 16
    return HKDF(hashes.SHA256(), length, salt=None, info=f"onetrip-queue/{algorithm}".encode()).derive(master)


@dataclass
class Sealer:
    master: bytes
    algorithm: str = "AES-256-GCM"

    def __post_init__(self) -> None:
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"unknown cipher {self.algorithm!r}; known: {', '.join(ALGORITHMS)}")
        self._keys = {name: _derive(self.master, name) for name in ALGORITHMS}
        self._aes = AESGCM(self._keys["AES-256-GCM"])
        key = self._keys[self.algorithm]
        self._cipher = algorithms.AES(key) if self.algorithm == "AES-256-GCM" else algorithms.SM4(key)

    def seal(self, plaintext: bytes, associated: bytes) -> bytes:
        if len(plaintext) >= 64 * 1024:
            return bytes(self.seal_into(plaintext, associated))
        nonce, header = os.urandom(NONCE), bytes([VERSION, ALGORITHMS[self.algorithm]])
        if self.algorithm == "AES-256-GCM":
            return header + nonce + self._aes.encrypt(nonce, plaintext, header + associated)
        encryptor = Cipher(self._cipher, modes.GCM(nonce)).encryptor()  # a small case: no buffer juggling
        encryptor.authenticate_additional_data(header + associated)
        return header + nonce + encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag

    def seal_chunks(self, plaintext: bytes, associated: bytes, chunk: int = 256 * 1024):
        """The sealed blob as a stream of chunks (same bytes as :meth:`seal`), for writing while encrypting.

        Every ciphertext chunk is a view of one reused buffer: the consumer must use a chunk
        before asking for the next (``write_durably`` does). Reusing the buffer matters: a new
        256 KB object per chunk costs more in page faults than the encryption itself.
        """
        nonce = os.urandom(NONCE)
        header = bytes([VERSION, ALGORITHMS[self.algorithm]])
        encryptor = Cipher(self._cipher, modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(header + associated)
        yield header + nonce
        out = memoryview(bytearray(min(chunk, len(plaintext)) + 15))
        view = memoryview(plaintext)
        for start in range(0, len(view), chunk):
            yield out[:encryptor.update_into(view[start:start + chunk], out)]
        yield encryptor.finalize() + encryptor.tag

    def seal_into(self, plaintext: bytes, associated: bytes) -> bytearray:
        """Seal into one preallocated buffer (no copies of a large scan beyond the ciphertext itself)."""
        nonce = os.urandom(NONCE)
        header = bytes([VERSION, ALGORITHMS[self.algorithm]])
        out = bytearray(2 + NONCE + len(plaintext) + 15 + TAG)
        out[:2], out[2:2 + NONCE] = header, nonce
        encryptor = Cipher(self._cipher, modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(header + associated)
        view = memoryview(out)
        n = encryptor.update_into(plaintext, view[2 + NONCE:])
        encryptor.finalize()
        end = 2 + NONCE + n
        out[end:end + TAG] = encryptor.tag
        del view
        del out[end + TAG:]
        return out

    def open(self, blob: bytes, associated: bytes) -> bytes:
        """Decrypt a blob sealed under either algorithm (the header says which)."""
        if len(blob) < 2 + NONCE + TAG or blob[0] != VERSION:
            raise TamperedError("not a sealed queue blob")
        names = {v: k for k, v in ALGORITHMS.items()}
        name = names.get(blob[1])
        if name is None:
            raise TamperedError("unknown cipher in blob header")
        header, nonce, body = blob[:2], blob[2:2 + NONCE], blob[2 + NONCE:]
        key = self._keys[name]
        try:
            if name == "AES-256-GCM":
                return self._aes.decrypt(nonce, body, header + associated)  # same GCM as the Cipher API
            decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, body[-TAG:])).decryptor()
            decryptor.authenticate_additional_data(header + associated)
            return decryptor.update(body[:-TAG]) + decryptor.finalize()
        except InvalidTag:
            raise TamperedError("authentication failed") from None
