"""A real PC/SC stack for tests: ``pcscd`` with vsmartcard's vpcd driver, and virtual cards of ours.

``pcscd`` runs in the foreground as our child with a reader configuration of our own (``-c``): one
vpcd entry on a free port pair (vpcd's two slots), so the tests never depend on /etc. pcscd's socket
and pid file are fixed (/run/pcscd), so only one pcscd runs on a machine: a pcscd already running
(a hall machine's, socket-activated) is stopped first and not restarted afterwards; the tests run as
root, as ``make test`` does. Nothing here is mocked: the driver under test talks to libpcsclite,
libpcsclite to pcscd, pcscd to libifdvpcd, and libifdvpcd over TCP to :class:`VirtualCard`.

A reader is "unplugged" by restarting pcscd with a configuration without it, and plugged back in by
restarting it with the configuration: pcsc-lite 1.9 built with libudev (Debian's) changes no
configured reader of a running daemon (``pcscd --hotplug`` sends SIGUSR1, whose rescan of serial
readers is empty in ``hotplug_libudev.c``), and vpcd is such a reader. A USB reader pulled out
disappears from a running daemon; the driver sees both the same way: the reader missing from the list.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from smartcard import scard

from devices.pcsc.virtual_card import CardBehaviour, VirtualCard

PCSCD = shutil.which("pcscd", path="/usr/local/sbin:/usr/sbin:/sbin:/usr/bin")
VPCD = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")  # not read: the driver pcscd loads, named in its reader.conf
# pcscd's socket and pid file are the machine's, so the suite's processes take turns on this lock
MACHINE_LOCK = Path("/run/lock/onetrip-tests-pcscd.lock")  # not read: a lock, its content empty
MACHINE_LOCK_WAIT_S = 100.0  # under the per-test timeout (120 s); the longest module on pcscd takes about 15 s


@contextlib.contextmanager
def machine_pcscd():
    """Held while a test module runs its pcscd: the suite's processes (pytest-xdist's workers) take
    turns, as only one pcscd runs on a machine. Waits at most ``MACHINE_LOCK_WAIT_S``."""
    MACHINE_LOCK.parent.mkdir(parents=True, exist_ok=True)
    with open(MACHINE_LOCK, "a") as lock:
        deadline = time.monotonic() + MACHINE_LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                assert time.monotonic() < deadline, f"another test process held pcscd for {MACHINE_LOCK_WAIT_S} s"
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def wait_for(predicate, timeout_s: float = 8.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"{what} not met in {timeout_s} s"
        time.sleep(0.02)


def _free_port_pair() -> int:
    for _ in range(50):
        with socket.socket() as a:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
            if port >= 65535:
                continue
            with socket.socket() as b:
                try:
                    b.bind(("0.0.0.0", port + 1))
                except OSError:
                    continue
            return port
    raise RuntimeError("no two free ports in a row")


def _readers() -> list[str] | None:
    code, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if code != scard.SCARD_S_SUCCESS:
        return None
    try:
        code, readers = scard.SCardListReaders(context, [])
        return list(readers) if code == scard.SCARD_S_SUCCESS else []
    finally:
        scard.SCardReleaseContext(context)


class PcscStack:
    def __init__(self, root: Path) -> None:
        assert PCSCD, "pcscd is missing: scripts/system-deps.sh installs it"
        assert VPCD.exists(), f"{VPCD} is missing: scripts/system-deps.sh installs vsmartcard-vpcd"
        self.conf = root / "reader.conf.d"
        self.conf.mkdir(parents=True, exist_ok=True)
        self.log = root / "pcscd.log"
        self.port = _free_port_pair()
        self.reader = "Virtual PCD 00 00"     # vpcd's first slot, on self.port
        self._process: subprocess.Popen | None = None

    def _write_reader(self) -> None:
        (self.conf / "vpcd").write_text(
            f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:0x{self.port:04X}\n'
            f"LIBPATH {VPCD}\nCHANNELID 0x{self.port:04X}\n")

    def start(self, *, with_reader: bool = True) -> None:
        _stop_other_pcscd()
        if with_reader:
            self._write_reader()
        else:
            (self.conf / "vpcd").unlink(missing_ok=True)
        with open(self.log, "ab") as log:
            self._process = subprocess.Popen([PCSCD, "--foreground", "--config", str(self.conf)],
                                             stdout=log, stderr=subprocess.STDOUT)
        wanted = [self.reader] if with_reader else []
        wait_for(lambda: (_readers() or []) [:len(wanted)] == wanted and _readers() is not None,
                 what="pcscd answering with its readers")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    def restart(self, *, with_reader: bool = True) -> None:
        self.stop()
        self.start(with_reader=with_reader)

    def unplug_reader(self) -> None:
        self.restart(with_reader=False)

    def plug_reader(self) -> None:
        self.restart(with_reader=True)

    def insert(self, respond, behaviour: CardBehaviour | None = None) -> VirtualCard:
        card = VirtualCard(respond, port=self.port, behaviour=behaviour)
        card.insert()
        return card


def _stop_other_pcscd() -> None:
    if subprocess.run(["pgrep", "-x", "pcscd"], stdout=subprocess.DEVNULL).returncode != 0:
        return
    subprocess.run(["pkill", "-x", "pcscd"], check=False)
    wait_for(lambda: subprocess.run(["pgrep", "-x", "pcscd"], stdout=subprocess.DEVNULL).returncode != 0,
             what="the running pcscd stopped")

