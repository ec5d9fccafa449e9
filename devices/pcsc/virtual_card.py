"""A virtual smart card for vsmartcard's ``vpcd`` reader driver: the card side of its socket protocol.

``pcscd`` with ``libifdvpcd`` shows readers ("Virtual PCD 00 00", "... 00 01") that wait for a card
on a TCP port (35963 for the first slot by default, the next port for the next slot; the port is the
``DEVICENAME /dev/null:0x8C7B`` of the reader's configuration). A card is inserted by connecting to
that port and removed by closing the connection. Every message either way is a 2-byte big-endian
length, then the message. From the reader, a one-byte message is a control: 0 power off, 1 power on,
2 reset, 4 "send your ATR" (answered with the ATR); anything longer is a command APDU, answered with
the response APDU. (vsmartcard's ``virtualsmartcard/VirtualSmartcard.py`` and ``vpcd/vpcd.c``, which
Debian's ``vicc`` would run; that package is broken, so this is ours.)

The card's behaviour is a function from command to response (:class:`devices.sscard.model.SsCardModel`
or any other). :class:`CardBehaviour` adds the ways real cards go wrong: a card that answers every
command with an error, a card pulled out after a number of commands (the connection closed in the
middle of a read), a card that never answers a command (the reader's wait runs out).

Test and simulator tooling: it runs one thread per inserted card and never touches PC/SC itself.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
from dataclasses import dataclass
from typing import Callable

log = logging.getLogger(__name__)

CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0, 1, 2, 4
DEFAULT_PORT = 0x8C7B  # 35963, vpcd's first slot
# A T=0 ATR for the model: TS 3B, T0 6A (TB1 and TC1 present, 10 historical bytes), then "OneTripSSC".
# It is no real card's ATR and says so in its historical bytes.
MODEL_ATR = bytes.fromhex("3B6A0000") + b"OneTripSSC"

Respond = Callable[[bytes], bytes]


@dataclass
class CardBehaviour:
    """How a virtual card departs from its model. ``pull_after``: close the connection (the card is
    pulled out) instead of answering that command (1 = the first); ``error_sw``: answer every command
    with this status word; ``mute_after``: stop answering from that command on."""

    pull_after: int = 0
    error_sw: int = 0
    mute_after: int = 0


class VirtualCard:
    """One card inserted into one vpcd slot: connect, answer until removed."""

    def __init__(self, respond: Respond, *, atr: bytes = MODEL_ATR, host: str = "127.0.0.1",
                 port: int = DEFAULT_PORT, behaviour: CardBehaviour | None = None,
                 connect_timeout_s: float = 2.0) -> None:
        self._respond = respond
        self.atr = atr
        self._address = (host, port)
        self._behaviour = behaviour or CardBehaviour()
        self._connect_timeout_s = connect_timeout_s
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self.commands = 0          # command APDUs received
        self.powered = False
        self.pulled = threading.Event()  # set when the card went away by itself (pull_after) or was removed

    def insert(self) -> None:
        """Connect to the reader's port (vpcd accepts one card per slot)."""
        sock = socket.create_connection(self._address, timeout=self._connect_timeout_s)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        self.pulled.clear()
        self._thread = threading.Thread(target=self._serve, args=(sock,), name="virtual-card", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            _close(sock)
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(2.0)
        self.pulled.set()

    @property
    def inserted(self) -> bool:
        return self._sock is not None and not self.pulled.is_set()

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                message = _receive(sock)
                if message is None:
                    return
                reply = self._handle(message)
                if reply is None:
                    if self._behaviour.pull_after and self.commands >= self._behaviour.pull_after:
                        return  # pulled out: the connection closes below
                    continue
                sock.sendall(struct.pack("!H", len(reply)) + reply)
        except OSError:
            return  # the reader went away (pcscd stopped) or remove() closed the socket
        finally:
            _close(sock)
            self.pulled.set()

    def _handle(self, message: bytes) -> bytes | None:
        if len(message) == 1:
            control = message[0]
            if control == CTRL_ATR:
                return self.atr
            self.powered = control in (CTRL_ON, CTRL_RESET)
            return None
        self.commands += 1
        behaviour = self._behaviour
        if behaviour.pull_after and self.commands >= behaviour.pull_after:
            return None
        if behaviour.mute_after and self.commands >= behaviour.mute_after:
            return None
        if behaviour.error_sw:
            return behaviour.error_sw.to_bytes(2, "big")
        return self._respond(message)


def _receive(sock: socket.socket) -> bytes | None:
    header = _exactly(sock, 2)
    if header is None:
        return None
    (length,) = struct.unpack("!H", header)
    return _exactly(sock, length) if length else b""


def _exactly(sock: socket.socket, n: int) -> bytes | None:
    data = bytearray()
    while len(data) < n:
        # vpcd sends a message's length and body in two writes; acknowledging at once keeps Nagle's
        # algorithm on its side from holding the body back for our delayed ACK (about 40 ms a message).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
