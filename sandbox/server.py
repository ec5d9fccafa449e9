"""Run the sandbox backend in a thread (tests, demo) or in the foreground (``kiosk sandbox``)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn

from sandbox.app import create_app, open_store
from sandbox.faults import FaultMiddleware, FaultSwitches


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class SandboxServer:
    """A real HTTP server on loopback. ``with SandboxServer() as s: s.url``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, db: Path | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.store = open_store(db)
        self.app = create_app(self.store)
        self.faults = FaultSwitches()
        config = uvicorn.Config(FaultMiddleware(self.app, self.faults), host=self.host, port=self.port, log_level="warning",
                                access_log=False, lifespan="off", timeout_keep_alive=5)
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout_s: float = 10.0) -> "SandboxServer":
        self._thread = threading.Thread(target=self._server.run, name="sandbox-http", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"sandbox backend did not start on {self.url}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(5)
        self.store.close()

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_forever(self) -> None:
        self._server.run()
