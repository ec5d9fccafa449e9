"""A network printer's SNMP agent for the tests and ``kiosk bench a4-printer``: net-snmp's snmpd on a loopback UDP
port, answering the printer's ``hrPrinterDetectedErrorState`` (RFC 2790) with whatever bits are set, as a JetDirect
printer's agent does.

snmpd's own Host Resources module would answer that object for this machine (no printer: noSuchName), so it is left
out (``-I -hr_print``), and a ``pass_persist`` script of the rig's answers it from a file the test writes. Community
``public``, read-only, from 127.0.0.1 only. ``close()`` stops it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from devices.docprinter.snmp import ERROR_STATE_OID, SnmpError, ask_error_state

PASS = """#!/bin/sh
# snmpd's pass_persist protocol (snmpd.conf(5)): PING is answered PONG; "get" then an OID is answered by three lines,
# the OID, its type, its value (or NONE); the state is read anew for each get (plain pass answers are cached)
while read -r command; do
  case "$command" in
    PING) echo PONG ;;
    get) read -r oid; if [ "$oid" = ".{oid}" ]; then echo "$oid"; echo octet; cat "{state}"; else echo NONE; fi ;;
    getnext) read -r oid; echo NONE ;;
    set) read -r oid; read -r value; echo not-writable ;;
    *) exit 0 ;;
  esac
done
"""
CONFIG = """agentAddress udp:127.0.0.1:{port}
rocommunity public 127.0.0.1
pass_persist .{table} {script}
"""


class SnmpAgent:
    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="onetrip-snmp-"))
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.say(b"\x00\x00")
        script = self._dir / "pass.sh"
        script.write_text(PASS.format(oid=ERROR_STATE_OID, state=self._dir / "state"))
        script.chmod(0o755)
        config = self._dir / "snmpd.conf"
        config.write_text(CONFIG.format(port=self.port, table=ERROR_STATE_OID.rsplit(".", 2)[0], script=script))
        self._process = subprocess.Popen(["snmpd", "-f", "-Lf", str(self._dir / "log"), "-C", "-I", "-hr_print",
                                          "-c", str(config), "-p", str(self._dir / "pid")],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self._wait_answering()
        except BaseException:
            self.close()
            raise

    def _wait_answering(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"snmpd ended: {self.log()[-500:]}")
            try:
                ask_error_state(("127.0.0.1", self.port), "public", 0.5)
                return
            except (SnmpError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"snmpd did not answer within 15 s: {self.log()[-500:]}")

    def say(self, error_state: bytes) -> None:
        """The printer's hrPrinterDetectedErrorState from now: b"\\x40\\x00" out of paper, b"\\x04\\x00" jammed,
        b"\\x80\\x00" paper low, b"\\x00\\x00" nothing wrong."""
        (self._dir / "state").write_text(" ".join(f"{byte:02X}" for byte in error_state) + "\n")

    def log(self) -> str:
        path = self._dir / "log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(10)
        shutil.rmtree(self._dir, ignore_errors=True)
