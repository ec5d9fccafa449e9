"""Run the sandbox backend in a thread (tests, demo) or in the foreground (``kiosk sandbox``)."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from typing import Iterable
from pathlib import Path

import uvicorn

from common.signing import demo_key
from sandbox.app import create_app, key_lookup
from sandbox.faults import FaultAnswers, FaultMiddleware, FaultSwitches, quiet_line_cuts
from sandbox.signing_check import SigningMiddleware
from sandbox.store import DRAFT_KEEP_DAYS, Store


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _bound(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` (0: any free one), held until the server listens on it: a port found free
    and bound again later was taken meanwhile by another test process now and then ("address already in use", the
    sandbox "did not start" in CI)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class _QuickServer(uvicorn.Server):
    """uvicorn's server ticking every 10 ms instead of 100, so ``stop`` takes effect at once: the tests
    start and stop a sandbox some 400 times, and the tick was most of a stop."""

    async def main_loop(self) -> None:
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 8_640_000
            await asyncio.sleep(0.01)
            should_exit = await self.on_tick(counter)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """A forced exit (``SandboxServer.stop``) closes at once: uvicorn's own shutdown first sleeps
        100 ms so that the connections it has asked to close can finish, which a forced exit does not
        wait for anyway (the tests stop a sandbox some 370 times: 37 s of sleep). A graceful exit (Ctrl+C on
        ``kiosk sandbox``) keeps uvicorn's shutdown."""
        if not self.force_exit:
            await super().shutdown(sockets)
            return
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()


def _parse_urls_uncached() -> None:
    """Starlette parses each request's URL with the standard library's ``urlsplit``, which keeps the last 128 it
    parsed; the terminal's backend client empties that cache after each call, so that a look-up's ``?id_number=``
    does not stay in memory (kiosk/backend/client.py). In the tests and the monkeys the sandbox shares the
    terminal's process: its parses would be taken for the terminal's memory of a person gone, and emptying the
    cache here would hide the terminal's own (entry/bench/monkey_common.py ``in_memory``). So it parses uncached."""
    from urllib.parse import urlsplit

    from starlette import datastructures

    datastructures.urlsplit = getattr(urlsplit, "__wrapped__", urlsplit)


class SandboxServer:
    """A real HTTP(S) server on loopback. ``with SandboxServer() as s: s.url``.

    ``keys`` maps terminal ids to signing keys; with ``demo_keys`` (the default) any terminal
    that signs with its demo key (``common.signing.demo_key``) is accepted. ``windows``: terminals
    registered as the hall's windows (with those registered in ``db`` before).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, db: Path | None = None, *,
                 keys: dict[str, bytes] | None = None, demo_keys: bool = True, advance_s: float = 60.0,
                 draft_keep_days: float = DRAFT_KEEP_DAYS, ssl_certfile: str | None = None,
                 ssl_keyfile: str | None = None, signing: bool = True, windows: Iterable[str] = ()) -> None:
        self.host = host
        self._socket = _bound(host, port)
        self.port = self._socket.getsockname()[1]
        self.store = Store(db if db is not None else ":memory:", advance_s=advance_s, draft_keep_days=draft_keep_days)
        for terminal_id in windows:  # the hall's window terminals (sandbox/window_register.py)
            self.store.windows.register(terminal_id)
        self.faults = FaultSwitches()
        self.keys = dict(keys or {})
        _parse_urls_uncached()
        self.app = create_app(self.store, self.faults)
        self.catalogue_changes = self.app.state.catalogue_changes  # the hall's changes, put back between seeds
        # The backend's own bad answers are signed like any; the line's faults sit outside the signing.
        signed = SigningMiddleware(FaultAnswers(self.app, self.faults), self.store,
                                   key_lookup(self.keys, demo_key if demo_keys else None), enabled=signing)
        self.scheme = "https" if ssl_certfile else "http"
        config = uvicorn.Config(FaultMiddleware(signed, self.faults), host=self.host, port=self.port,
                                log_level="warning", access_log=False, lifespan="off", timeout_keep_alive=5,
                                ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile, limit_concurrency=1000,
                                backlog=2048)
        quiet_line_cuts(logging.getLogger("uvicorn.error"))  # after the config: it sets uvicorn's logging up
        self._server = _QuickServer(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    @property
    def remote_config(self) -> dict:
        return self.app.state.settings["remote_config"]

    def start(self, timeout_s: float = 10.0) -> "SandboxServer":
        self._thread = threading.Thread(target=self._server.run, args=([self._socket],), name="sandbox-http",
                                        daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"sandbox backend did not start on {self.url}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        # force_exit: no wait for idle keep-alive connections to close (a stand-in's clients are gone or done)
        self._server.should_exit = self._server.force_exit = True
        if self._thread is not None:
            self._thread.join(5)
        self._socket.close()
        self.store.close()

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_forever(self) -> None:
        try:
            self._server.run([self._socket])
        finally:
            self._socket.close()
