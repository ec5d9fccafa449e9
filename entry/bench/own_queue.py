"""A CUPS queue of a test's or a bench's own whose printer is a loopback listener switched on and off.

Listening, the "printer" takes each connection and never reads or closes it: a printer jammed, out of paper or hung,
whose job CUPS keeps sending. Not listening, the address refuses: a printer switched off or unplugged from the
network. The queue is deleted afterwards (scripts/test-services.sh starts CUPS)."""

from __future__ import annotations

import socket
import subprocess
import threading
import uuid

from entry.bench.cups_queue import PPD


class OwnQueue:
    def __init__(self, *options: str) -> None:
        """``options``: lpadmin's ``-o`` settings (``printer-error-policy=abort-job``)."""
        probe = socket.create_server(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.name = "OneTrip-Own-" + uuid.uuid4().hex[:6]
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._held: list[socket.socket] = []
        settings = [arg for option in options for arg in ("-o", option)]
        subprocess.run(["lpadmin", "-p", self.name, "-E", "-v", f"socket://127.0.0.1:{self.port}", "-m", PPD,
                        *settings], check=True, capture_output=True, timeout=30)

    def listen(self) -> None:
        """The printer answers (and never takes a job)."""
        listener = socket.create_server(("127.0.0.1", self.port))
        listener.settimeout(0.2)
        self._listener = listener
        self._thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._thread.start()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                self._held.append(listener.accept()[0])
            except OSError:
                continue

    def unplug(self) -> None:
        """The printer no longer answers: its address refuses."""
        listener, self._listener = self._listener, None
        if self._thread is not None:
            self._thread.join(5)
        for connection in self._held:
            connection.close()
        self._held.clear()
        if listener is not None:
            listener.close()

    def remove(self) -> None:
        subprocess.run(["lpadmin", "-x", self.name], capture_output=True, timeout=30)
        self.unplug()
