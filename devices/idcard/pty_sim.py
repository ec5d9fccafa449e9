"""A SAM reader on a pseudo-terminal: a protocol peer for the real driver, with faults on command.

It answers as real readers do: find card ``00 00 9F`` plus four zero bytes (``80`` when there is
no fresh card), select ``00 00 90`` plus eight, the full 1295-byte read, ``91`` for no appended
address, ``10`` for a command with a bad checksum, ``21`` for an unknown command. Only a card that
answered "find" can be selected. Readers differ in what "find" answers while a card that was read
stays in the field (``find_after_read``): ``80`` (most readers: a selected card stays quiet until it
leaves the field) or ``9F`` (the reader wakes the card again, and every "find" answers "found"
until the card is lifted). It answers only
at its own baud rate (read from the pty's settings, as the driver sets them), and paces its bytes
at that rate.

The port is a stable symlink (``port``) to the current pty, so "unplugging" and "plugging in"
again look to the driver like a USB-serial reader coming back at the same path.

Faults (``inject``): ``garbage`` junk before every reply; ``bad_checksum`` a wrong checksum on
card reads; ``slow`` a slow card read; ``removed_mid_read`` the card leaves halfway through the
next read; ``read_error`` the next read answers ``41``; ``sam_failure`` the security module fails
its self-test (``60``); ``damaged`` a wrong checksum on every reply; ``truncated`` every reply
broken off after its header; ``unplugged`` the reader is gone. ``clear`` ends them all.
"""

from __future__ import annotations

import collections
import errno
import fcntl
import itertools
import logging
import os
import pty
import select
import tempfile
import termios
import threading
import time
import tty
from dataclasses import dataclass, field
from pathlib import Path

from devices.base import FaultInjection
from devices.idcard import frames as f
from devices.idcard.samples import ALL_SAMPLES, sample_appended_address, sample_photo, sample_text_block

log = logging.getLogger(__name__)

SAM_ID = bytes.fromhex("0501000031323334353637383930aa55")  # a fictitious security module
GARBAGE = b"\x00\xff\xaa\xaa\x13" + f.PREAMBLE + b"\xff\xff\x42\x96"  # includes a false preamble
FIND_AFTER_READ = ("80", "9F")  # what "find" answers while a card that was read stays on the reader
_counter = itertools.count(1)


@dataclass
class _Card:
    sample: str
    text: bytearray
    photo: bytearray
    appended_address: str = ""
    found: bool = False     # answered "find" since it entered the field: it can be selected
    selected: bool = False  # a selected card does not answer "find" until it leaves the field

    def wipe(self) -> None:
        for buf in (self.text, self.photo):
            buf[:] = bytes(len(buf))


@dataclass
class _Pty:
    master: int
    slave: int
    name: str
    closed: bool = field(default=False)


class SamReaderSimulator(FaultInjection):
    faults = ("garbage", "bad_checksum", "slow", "removed_mid_read", "read_error", "sam_failure", "damaged",
              "truncated", "unplugged")

    def __init__(self, *, baudrate: int = 115200, pace: bool = True, read_delay_s: float = 0.05,
                 slow_s: float = 2.0, find_after_read: str = "80") -> None:
        super().__init__()
        if find_after_read not in FIND_AFTER_READ:
            raise ValueError(f"find_after_read: expected one of {', '.join(FIND_AFTER_READ)}, got {find_after_read!r}")
        self.find_after_read = find_after_read
        self.baudrate, self.pace, self.read_delay_s, self.slow_s = baudrate, pace, read_delay_s, slow_s
        self.port = str(Path(tempfile.gettempdir()) / f"onetrip-samsim-{os.getpid()}-{next(_counter)}" / "ttySAM0")
        self.commands: collections.Counter[str] = collections.Counter()
        self.last_reply_done = 0.0  # perf_counter() when the last byte of the last reply was written
        self.card_found_at = 0.0    # perf_counter() when a "find" that found a card arrived
        self._request_at = 0.0
        self._lock = threading.RLock()
        self._pty: _Pty | None = None
        self._to_close: list[int] = []
        self._card: _Card | None = None
        self._scripted: dict[tuple[int, int], collections.deque[int]] = collections.defaultdict(collections.deque)
        self._thread: threading.Thread | None = None
        self._running = threading.Event()

    # -- life ------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        Path(self.port).parent.mkdir(parents=True, exist_ok=True)
        self._plug()
        self._running.set()
        self._thread = threading.Thread(target=self._loop, name="sam-reader-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._running.clear()
        if self._thread is not None:
            self._thread.join(3.0)
            self._thread = None
        self._unplug()
        self._close_unplugged()
        self.remove_card()
        try:
            Path(self.port).parent.rmdir()
        except OSError:
            pass

    def _plug(self) -> None:
        with self._lock:
            if self._pty is not None:
                return
            master, slave = pty.openpty()
            tty.setraw(slave)
            flags = fcntl.fcntl(master, fcntl.F_GETFL)
            fcntl.fcntl(master, fcntl.F_SETFL, flags | os.O_NONBLOCK)
            self._pty = _Pty(master, slave, os.ttyname(slave))
            link = Path(self.port)
            link.unlink(missing_ok=True)
            link.symlink_to(self._pty.name)
            if self._card is not None:
                self._card.found = self._card.selected = False  # the reader powered up again: a fresh card

    def _unplug(self) -> None:
        """The reader is gone. Its descriptors are closed by the loop thread, the only one that uses
        them, so a number the kernel hands out again is never read by a stale loop iteration."""
        with self._lock:
            Path(self.port).unlink(missing_ok=True)
            if self._pty is not None:
                self._pty.closed = True
                self._to_close += [self._pty.master, self._pty.slave]
                self._pty = None
            if not self._running.is_set():
                self._close_unplugged()

    def _close_unplugged(self) -> None:
        with self._lock:
            closing, self._to_close = self._to_close, []
        for fd in closing:
            try:
                os.close(fd)
            except OSError:
                pass

    # -- commands (any thread) -------------------------------------------------------------------

    def place_card(self, sample: str = "resident") -> None:
        if sample not in ALL_SAMPLES:
            raise ValueError(f"unknown sample card {sample!r}; known: {', '.join(ALL_SAMPLES)}")
        with self._lock:
            if self._card is not None:
                self._card.wipe()
            self._card = _Card(sample, sample_text_block(sample), sample_photo(sample),
                               sample_appended_address(sample))

    def remove_card(self) -> None:
        with self._lock:
            if self._card is not None:
                self._card.wipe()
            self._card = None

    @property
    def card_present(self) -> bool:
        return self._card is not None

    def inject(self, fault: str) -> None:
        super().inject(fault)
        if fault == "unplugged":
            self._unplug()
        elif fault == "clear" and self._running.is_set():
            self._plug()

    def clear(self, fault: str) -> None:
        super().clear(fault)
        if fault == "unplugged" and self._running.is_set():
            self._plug()

    def script(self, code: int, para: int, sw3: int) -> None:
        """Answer the next ``code para`` command with status ``sw3`` and no data (any status word)."""
        self._scripted[(code, para)].append(sw3)

    # -- the reader's loop -----------------------------------------------------------------------

    def _loop(self) -> None:
        received = bytearray()
        while self._running.is_set():
            self._close_unplugged()
            with self._lock:
                port = self._pty
            if port is None:
                received.clear()
                time.sleep(0.01)
                continue
            try:
                ready, _, _ = select.select([port.master], [], [], 0.05)
                if not ready:
                    continue
                received += os.read(port.master, 4096)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EIO, errno.EBADF):
                    log.warning("simulator: read failed: %s", exc)
                time.sleep(0.01)
                continue
            self._serve(port, received)

    def _serve(self, port: _Pty, received: bytearray) -> None:
        while True:
            found = f.scan(received, min_body=3)
            del received[:found.start]
            if found.end is None:
                return
            request = bytes(received[:found.end - found.start])
            del received[:len(request)]
            self._request_at = time.perf_counter()
            if not self._at_my_baud_rate(port):
                continue  # at another speed the reader sees only line noise, and stays silent
            if self.pace:
                time.sleep(len(request) * 10 / self.baudrate)  # the request's own time on the wire
            reply = self._answer(request)
            if reply is not None:
                self._send(port, reply)

    def _at_my_baud_rate(self, port: _Pty) -> bool:
        try:
            speed = termios.tcgetattr(port.slave)[5]
        except (termios.error, OSError):
            return False
        return speed == getattr(termios, f"B{self.baudrate}", None)

    def _answer(self, request: bytes) -> bytearray | None:
        try:
            code, para, _ = f.parse_command(request)
        except f.FrameChecksumError:
            return f.build_reply(0x10)
        except f.FrameError:
            return f.build_reply(0x11)
        command = next((c for c in f.COMMANDS if (c.code, c.para) == (code, para)), None)
        self.commands[command.name if command else f"{code:02X} {para:02X}"] += 1
        scripted = self._scripted.get((code, para))
        if scripted:
            return f.build_reply(scripted.popleft())
        if self.fault("sam_failure") and command is not f.RESET_SAM:
            return f.build_reply(0x60)
        if command is None:
            return f.build_reply(0x21)
        if command in (f.READ_TEXT_PHOTO, f.READ_TEXT_PHOTO_FINGERPRINT) and not self.fault("read_error"):
            time.sleep(self.read_delay_s + (self.slow_s if self.fault("slow") else 0.0))  # the chip's time
        with self._lock:
            return self._card_command(command)

    def _card_command(self, command: f.Command) -> bytearray | None:
        card = self._card
        if command in (f.SAM_STATUS, f.RESET_SAM):
            return f.build_reply(f.SW_SUCCESS)
        if command is f.SAM_ID:
            return f.build_reply(f.SW_SUCCESS, SAM_ID)
        if command is f.FIND_CARD:
            if card is None or (card.selected and self.find_after_read == "80"):
                return f.build_reply(0x80)
            card.found, self.card_found_at = True, self._request_at
            return f.build_reply(f.SW_CARD_FOUND, bytes(4))
        if command is f.SELECT_CARD:
            if card is None or not card.found:
                return f.build_reply(0x81)
            card.selected = True
            return f.build_reply(f.SW_SUCCESS, bytes(8))
        if card is None or not card.selected:
            return f.build_reply(0x41)
        if command is f.READ_APPENDED_ADDRESS:
            if not card.appended_address:
                return f.build_reply(0x91)
            return f.build_reply(f.SW_SUCCESS, card.appended_address.ljust(35).encode("utf-16-le"))
        return self._read_reply(card, command)

    def _read_reply(self, card: _Card, command: f.Command) -> bytearray:
        if self.fault("read_error"):
            self.clear("read_error")
            return f.build_reply(0x41)
        fingerprint = b"" if command is f.READ_TEXT_PHOTO_FINGERPRINT else None
        reply = f.card_data_reply(card.text, card.photo, fingerprint)
        if self.fault("bad_checksum"):
            reply[-1] ^= 0x5A
        if self.fault("removed_mid_read"):
            self.clear("removed_mid_read")
            half = len(reply) // 2
            reply[half:] = bytes(len(reply) - half)
            del reply[half:]
            self._card = None
            card.wipe()
        return reply

    def _send(self, port: _Pty, reply: bytearray) -> None:
        if self.fault("damaged"):
            reply[-1] ^= 0x5A
        if self.fault("truncated"):
            reply[f.HEADER_LEN + 2:] = bytes(len(reply) - f.HEADER_LEN - 2)
            del reply[f.HEADER_LEN + 2:]
        data = bytearray(GARBAGE) + reply if self.fault("garbage") else reply
        try:
            self._write_paced(port, data)
        finally:
            data[:] = bytes(len(data))
            reply[:] = bytes(len(reply))

    def _write_paced(self, port: _Pty, data: bytearray) -> None:
        """Write ``data``, each byte no earlier than it would have arrived at the baud rate (8N1)."""
        bytes_per_s = self.baudrate / 10
        chunk = max(1, int(bytes_per_s * 0.002)) if self.pace else len(data)
        start = time.perf_counter()
        view = memoryview(data)
        sent = 0
        while sent < len(data):
            end = min(sent + chunk, len(data))
            if self.pace:
                delay = start + end / bytes_per_s - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            if not self._write_all(port, view[sent:end]):
                return
            sent = end
        self.last_reply_done = time.perf_counter()

    def _write_all(self, port: _Pty, view: memoryview) -> bool:
        deadline = time.monotonic() + 1.0
        while view:
            if port.closed:
                return False
            try:
                view = view[os.write(port.master, view):]
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return False  # nobody reads the port: the bytes are lost, as on a real line
                select.select([], [port.master], [], 0.05)
            except OSError:
                return False
        return True
