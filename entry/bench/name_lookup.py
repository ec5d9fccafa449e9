"""Calls to the backend by its host name from a process that sees a DNS server of the rig's as the hall's: for the
tests and ``kiosk bench names``.

:class:`LookupProcess` starts this module in a mount namespace of its own (``unshare --mount``, root) where
``/etc/resolv.conf`` names only the rig's server (``entry.bench.dns_server``) and ``/etc/hosts`` knows nothing of the
backend's name, so glibc's resolver asks that server as it would the hall's. Its calls are asked one at a time over
stdin (a JSON line each) and answered on stdout; the process lives across calls, as the terminal does, so what the
terminal knows of a name (``common.names``) carries from one call to the next. Each call is made on a new
client (a new connection, as after the backend's keep-alive ended): ``client`` is the terminal's BackendClient (GET
/services), ``library`` requests alone with the same timeouts (the reference: the system's resolver unbounded); ``doctor``:
``kiosk doctor``'s check of the backend's name; ``tcp``: a network printer's connection (``common.names.tcp_connection``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TERMINAL = "T-BENCH-NAMES"


class LookupProcess:
    """The calling process (module docstring); a context manager. ``resolv_conf``: the file's text."""

    def __init__(self, resolv_conf: str, fresh_s: float | None = None, keep: Path | None = None) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="onetrip-names-"))
        (self._dir / "resolv.conf").write_text(resolv_conf)
        (self._dir / "hosts").write_text("127.0.0.1 localhost\n")
        script = 'mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts && shift 2 && exec "$@"'
        command = [sys.executable, "-m", "entry.bench.name_lookup", "" if fresh_s is None else str(fresh_s),
                   "" if keep is None else str(keep)]  # keep: the terminal's names file (Names.keep_in)
        self.log = self._dir / "stderr"  # what the process logged (the names said stale, the client's attempts)
        with self.log.open("w") as err:
            self._process = subprocess.Popen(
                ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script, "sh",
                 str(self._dir / "resolv.conf"), str(self._dir / "hosts"), *command],
                cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True)
        try:
            ready = _read_line(self._process, 30, self.log)
        except (TimeoutError, RuntimeError):
            self.close()
            raise
        if ready.strip() != "ready":
            self.close()
            raise RuntimeError(f"the lookup process did not start: {ready!r}")

    def call(self, how: str, url: str, connect_s: float, read_s: float, retries: int = 0, *, together: int = 1,
             ca_bundle: str = "", timeout_s: float = 120.0) -> list[dict[str, Any]]:
        """``together`` calls at once (``client`` or ``library``), each on a thread of its own: each one's seconds,
        whether it was answered, and what it said."""
        assert self._process.stdin and self._process.stdout
        self._process.stdin.write(json.dumps({"how": how, "url": url, "connect_s": connect_s, "read_s": read_s,
                                              "retries": retries, "together": together,
                                              "ca_bundle": ca_bundle}) + "\n")
        self._process.stdin.flush()
        return json.loads(_read_line(self._process, timeout_s, self.log))

    def close(self) -> None:
        if self._process.poll() is None:
            try:
                if self._process.stdin:
                    self._process.stdin.close()
                self._process.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait(10)
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> "LookupProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_line(process: subprocess.Popen, timeout_s: float, log: Path) -> str:
    import select

    assert process.stdout
    ready, _, _ = select.select([process.stdout], [], [], timeout_s)
    if not ready:
        raise TimeoutError(f"no answer from the lookup process within {timeout_s} s")
    line = process.stdout.readline()
    if not line:
        raise RuntimeError("the lookup process ended: " + log.read_text(errors="replace")[-2000:])
    return line


def _call(request: dict[str, Any]) -> dict[str, Any]:
    import requests

    from common.signing import Signer, demo_key
    from kiosk.backend.client import BackendClient
    from kiosk.config import BackendConfig

    started = time.monotonic()
    try:
        if request["how"] == "doctor":
            from entry.doctor import Findings, check_backend_name

            findings = Findings()
            check_backend_name(request["url"], findings)
            return {"s": round(time.monotonic() - started, 3), "ok": not findings.failed and not findings.warned,
                    "said": "\n".join(findings.lines), "stale": []}
        if request["how"] == "tcp":  # a network printer's connection (devices): host and port from the URL
            from urllib.parse import urlsplit

            from common.names import tcp_connection

            where = urlsplit(request["url"])
            with tcp_connection(where.hostname or "", where.port or 9100, request["connect_s"]) as connection:
                said = f"connected to {connection.getpeername()[0]}"
        elif request["how"] == "library":
            answer = requests.get(request["url"] + "/api/v1/services",
                                  timeout=(request["connect_s"], request["read_s"]))
            said = f"HTTP {answer.status_code}"
        else:
            config = BackendConfig(url=request["url"], connect_timeout_s=request["connect_s"],
                                   read_timeout_s=request["read_s"], retries=request["retries"],
                                   ca_bundle=request["ca_bundle"])
            client = BackendClient(config, TERMINAL, signer=Signer(TERMINAL, demo_key(TERMINAL)))
            said = f"{len(client.catalogue())} services"
        ok = True
    except Exception as exc:  # noqa: BLE001 - what the call said is the measurement
        ok, said = False, f"{type(exc).__name__}: {getattr(exc, 'detail', None) or exc}"
    from common import names

    return {"s": round(time.monotonic() - started, 3), "ok": ok, "said": said[:300], "stale": names.NAMES.stale()}


def main() -> None:
    import logging
    from concurrent.futures import ThreadPoolExecutor

    from common import names

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    fresh, keep = (sys.argv[1:] + ["", ""])[:2]
    if fresh:
        names.NAMES.fresh_s = float(fresh)
    if keep:
        names.NAMES.keep_in(Path(keep))
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        with ThreadPoolExecutor(max_workers=request["together"]) as pool:
            made = [pool.submit(_call, request) for _ in range(request["together"])]
        print(json.dumps([call.result() for call in made]), flush=True)
    os._exit(0)  # a lookup thread may still wait on a server that never answers


if __name__ == "__main__":
    main()
