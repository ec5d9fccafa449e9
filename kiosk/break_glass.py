"""The break-glass PIN: maintenance when no staff member can sign in, kept only as a salted slow hash,
with a lockout that survives a restart.

The hash: ``scrypt$N$r$p$<salt hex>$<hash hex>`` (``terminal.break_glass_pin_hash``, made by
``kiosk config hash-pin``). scrypt rather than PBKDF2: both are in hashlib, but scrypt is
memory-hard, so guessing on graphics cards or custom chips gains far less over our CPU. With
N = 2^15, r = 8, p = 1 one guess costs 32 MB and about 60-100 ms here, so the million six-digit PINs
take about a day of one core: the hash slows a thief of the site file, it does not stop one; a
longer PIN (up to 12 digits, what the keypad takes) and the file's 0600 do the rest. On the
terminal itself, the lockout does: ``MAX_ATTEMPTS`` wrong PINs in a row lock the pad for
``terminal.pin_lockout_s``.

The lockout's file (``maintenance/pin_lockout.json`` under the data dir, 0600) holds the count of
wrong PINs and the lock's end as a point on ``CLOCK_MONOTONIC`` with the boot it belongs to
(``/proc/sys/kernel/random/boot_id``). The monotonic clock runs on across processes of one boot and
is not moved by setting the wall clock, so neither a restart nor a changed clock shortens a lock. A
reboot starts the monotonic clock again: then a lock still standing is counted again in full from
the start (a reboot never shortens it; at worst it lengthens it by the time the machine was off).
A lockout file that cannot be read counts as a lock just begun: whoever damaged it gains nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from common.private_files import private_dir, write_private

log = logging.getLogger(__name__)

DEMO_PIN = "246810"  # the README's PIN: only ever in a demo configuration (terminal.demo)
PIN_LENGTHS = (6, 12)  # digits, as the keypad enters them
MAX_ATTEMPTS = 5
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_LIMITS = {"N": (2**14, 2**20), "r": (1, 32), "p": (1, 16)}  # a hash asking for more would stall the terminal


class PinHashError(ValueError):
    """Not a break-glass hash of ours (``str()`` says what is wrong)."""


@dataclass(frozen=True)
class PinHash:
    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes

    def matches(self, pin: str) -> bool:
        return hmac.compare_digest(_scrypt(pin, self.salt, self.n, self.r, self.p), self.digest)

    def __str__(self) -> str:
        return f"scrypt${self.n}${self.r}${self.p}${self.salt.hex()}${self.digest.hex()}"


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * r * n * p + 2**20, dklen=32)


def pin_problem(pin: str) -> str:
    """Why ``pin`` cannot be a break-glass PIN outside a demo, or "" when it can."""
    if not pin.isdigit() or not PIN_LENGTHS[0] <= len(pin) <= PIN_LENGTHS[1] or not pin.isascii():
        return f"a PIN is {PIN_LENGTHS[0]} to {PIN_LENGTHS[1]} digits (what the maintenance keypad enters)"
    if pin == DEMO_PIN:
        return f"{DEMO_PIN} is the README's demo PIN, known to everyone"
    if len(set(pin)) == 1:
        return "a PIN of one digit repeated is guessed first"
    return ""


def hash_pin(pin: str) -> PinHash:
    salt = secrets.token_bytes(16)
    return PinHash(SCRYPT_N, SCRYPT_R, SCRYPT_P, salt, _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P))


def parse_pin_hash(value: str) -> PinHash:
    parts = value.strip().split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise PinHashError("expected scrypt$N$r$p$<salt hex>$<hash hex>, as `kiosk config hash-pin` writes it")
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, digest = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:
        raise PinHashError("N, r and p must be whole numbers and the salt and hash hexadecimal") from None
    for name, value_, (low, high) in (("N", n, _LIMITS["N"]), ("r", r, _LIMITS["r"]), ("p", p, _LIMITS["p"])):
        if not low <= value_ <= high:
            raise PinHashError(f"{name} = {value_} is outside {low}..{high}")
    if n & (n - 1):
        raise PinHashError(f"N = {n} is not a power of two")
    if len(salt) < 16 or len(digest) != 32:
        raise PinHashError("the salt must be at least 16 bytes and the hash 32")
    return PinHash(n, r, p, salt, digest)


def boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text("ascii").strip()
    except OSError:
        return ""  # unknown: every start counts as a new boot (a standing lock is counted again in full)


@dataclass(frozen=True)
class Attempt:
    unlocked: bool
    locked_for_s: int = 0  # > 0: the pad is locked, the PIN was not even compared


class PinLockout:
    """Wrong PINs counted, and the lock, in a file that outlives the process (see the module's docstring)."""

    def __init__(self, path: Path, lockout_s: float, *, clock: Callable[[], float] = time.monotonic,
                 boot: Callable[[], str] = boot_id) -> None:
        self._path, self._lockout_s, self._clock = path, lockout_s, clock
        self._boot = boot()
        self._lock = threading.Lock()
        self._failures, self._locked_until = self._read()

    def _read(self) -> tuple[int, float]:
        try:
            state = json.loads(self._path.read_bytes())
            failures, until, boot = int(state["failures"]), float(state["locked_until"]), str(state["boot"])
        except FileNotFoundError:
            return 0, 0.0
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("maintenance: the PIN lockout file %s cannot be read (%s): locked as after %d wrong PINs",
                        self._path, type(exc).__name__, MAX_ATTEMPTS)
            return 0, self._clock() + self._lockout_s
        now = self._clock()
        if until > now and (boot != self._boot or not self._boot):
            until = now + self._lockout_s  # another boot's monotonic clock: counted again in full
        return max(0, failures), min(until, now + self._lockout_s)

    def _write(self) -> None:
        state = {"failures": self._failures, "locked_until": self._locked_until, "boot": self._boot}
        private_dir(self._path.parent)
        tmp = self._path.with_suffix(".tmp")
        write_private(tmp, json.dumps(state).encode())
        os.replace(tmp, self._path)

    def remaining_s(self) -> int:
        with self._lock:
            return self._remaining(self._clock())

    def _remaining(self, now: float) -> int:
        return math.ceil(self._locked_until - now) if now < self._locked_until else 0

    def attempt(self, check: Callable[[], bool]) -> Attempt:
        """Run ``check`` (the PIN compared) unless locked; count the outcome durably."""
        with self._lock:
            locked = self._remaining(self._clock())
            if locked:
                return Attempt(False, locked)
            if check():
                self._failures, self._locked_until = 0, 0.0
                self._write()
                return Attempt(True)
            self._failures += 1
            if self._failures >= MAX_ATTEMPTS:
                self._failures, self._locked_until = 0, self._clock() + self._lockout_s
            self._write()
            return Attempt(False, self._remaining(self._clock()))


class BreakGlassPin:
    """The configured break-glass PIN, compared under the lockout. ``plain`` is a demo configuration's."""

    def __init__(self, lockout: PinLockout, *, pin_hash: str = "", plain: str | None = None) -> None:
        self.lockout = lockout
        self._hash = parse_pin_hash(pin_hash) if pin_hash else None
        self._plain = plain

    @property
    def configured(self) -> bool:
        return self._hash is not None or self._plain is not None

    def _matches(self, pin: str) -> bool:
        if self._hash is not None:
            return self._hash.matches(pin)
        return self._plain is not None and hmac.compare_digest(pin.encode(), self._plain.encode())

    def attempt(self, pin: str) -> Attempt:
        """Blocking (scrypt, and the lockout file written): run it on the task pool."""
        return self.lockout.attempt(lambda: self._matches(pin))
