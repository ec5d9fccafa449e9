"""``SdkIdReader``: an ID-card reader driven through its vendor's SDT library (``libsdtapi.so``), by ctypes.

Most second-generation readers (神思, 新中新, 华大, 精伦, 华视 and others) ship the same C API, the
公安部 reader API: ``SDT_OpenPort``, ``SDT_StartFindIDCard``, ``SDT_SelectIDCard``, ``SDT_ReadBaseMsg``
and the rest. We follow the public header ``sdtapi.h`` as published in libinqi/idr-routon
(``tmp/include/sdtapi.h``): every function returns ``int`` and takes the port first and ``iIfOpen``
last (0: the port stays open between calls); ``STDCALL`` is empty off Windows, so on Linux these are
plain cdecl calls and ``ctypes.CDLL`` is right. The functions we call::

    int SDT_OpenPort(int iPortID);  int SDT_ClosePort(int iPortID);
    int SDT_GetSAMStatus(int iPortID, int iIfOpen);                        (optional: self-test)
    int SDT_GetSAMIDToStr(int iPortID, char *pcSAMID, int iIfOpen);        (optional: self-test)
    int SDT_StartFindIDCard(int iPortID, unsigned char *pucIIN, int iIfOpen);
    int SDT_SelectIDCard(int iPortID, unsigned char *pucSN, int iIfOpen);
    int SDT_ReadBaseMsg(int iPortID, unsigned char *pucCHMsg, unsigned int *puiCHMsgLen,
                        unsigned char *pucPHMsg, unsigned int *puiPHMsgLen, int iIfOpen);
    int SDT_ReadNewAppMsg(int iPortID, unsigned char *pucAppMsg, unsigned int *puiAppMsgLen, int iIfOpen);
                                                                           (optional: appended address)

A vendor implementation of the same API (a Routon ``Sdtapi.cpp`` in public code) shows what they
return: each sends the SAM command our serial driver sends (``20 01``, ``20 02``, ``30 01``, ``30 03``)
and returns the reply's SW3 unchanged, so the status words are those of ``devices/idcard/frames.py``
(``90`` success, ``9F`` found, ``80`` no card, ``81`` not selected, ``41`` read failed, ...) and the
read hands back the same 256-byte text block and 1024-byte photo; ports are 1-16 (COM1-16) and
1001-1016 (USB). The SDT manuals' return-code tables (e.g. the VB and Delphi constants in public
reader samples) add the library's own transport codes: ``01`` port not open or invalid, ``02`` no
answer in time, ``03`` data transfer (checksum) error, ``04`` USB device not configured, ``05`` SAM
port unavailable, ``06`` USB device disabled.

The placement rules (one read per placement, removal after ``lift_polls`` polls) are the serial
driver's, shared through ``devices/idcard/placement.py``. Repeated transport errors close and reopen
the port, at most once per ``reconnect_interval_s``. The library is loaded on the worker when the
device opens; a missing library or function leaves the reader OFFLINE or in ERROR with a plain
reason, and the terminal runs on without it (the self-test tries to load it again).

What guards a hanging library: every SDT call runs on the device's worker thread, so a hung call
stalls only this reader's polling; callers of blocking device calls (``self_test``, ``stop``) wait
through ``DeviceWorker.call(timeout_s)`` and get a ``DeviceTimeoutError``. What cannot be guarded:
a thread inside foreign C code cannot be interrupted from Python, so a call that never returns
keeps that worker (and the port the library holds) until the process ends; the vendor's own
timeouts (about 2-5 s in the implementation above) are all that bound a single call. The text and
photo buffers handed to the library are zeroed after every read; nothing of the card is logged.
"""

from __future__ import annotations

import ctypes
import logging
import time
from dataclasses import dataclass
from typing import Callable

from devices.errors import DeviceError, DeviceOfflineError, DeviceTimeoutError, ProtocolError
from devices.health import DeviceState, SelfTestResult
from devices.idcard import frames as f
from devices.idcard.base import IdCardReader
from devices.idcard.errors import DamagedReplyError, ReaderStatusError
from devices.idcard.placement import CardReadOptions, Placements
from devices.idcard.serial_link import NOT_CONNECTED
from devices.idcard.text_block import TEXT_LEN, appended_address, parse_text_block
from devices.worker import on_worker
from common.domain import CardType, Identity
from common.i18n import N_, text

log = logging.getLogger(__name__)

NO_LIBRARY = N_("The ID card reader's software library could not be loaded. Please ask the hall staff.")
MISSING_FUNCTION = N_("The ID card reader's software library lacks a function this terminal needs. "
                      "Please ask the hall staff.")

TEXT_CAPACITY = 1024   # the SDK writes 256 bytes of text; room for libraries that write more
PHOTO_CAPACITY = 4096  # and 1024 of photo
APP_CAPACITY = 1024
PORTS = (range(1, 17), range(1001, 1017))

_C_INT, _BYTES, _UINT_P = ctypes.c_int, ctypes.c_char_p, ctypes.POINTER(ctypes.c_uint)
_REQUIRED: dict[str, tuple] = {
    "SDT_OpenPort": (_C_INT,),
    "SDT_ClosePort": (_C_INT,),
    "SDT_StartFindIDCard": (_C_INT, ctypes.c_void_p, _C_INT),
    "SDT_SelectIDCard": (_C_INT, ctypes.c_void_p, _C_INT),
    "SDT_ReadBaseMsg": (_C_INT, ctypes.c_void_p, _UINT_P, ctypes.c_void_p, _UINT_P, _C_INT),
}
_OPTIONAL: dict[str, tuple] = {
    "SDT_GetSAMStatus": (_C_INT, _C_INT),
    "SDT_GetSAMIDToStr": (_C_INT, ctypes.c_void_p, _C_INT),
    "SDT_ReadNewAppMsg": (_C_INT, ctypes.c_void_p, _UINT_P, _C_INT),
}

# The library's own codes (not the SAM's status words): what they mean for the connection.
_TRANSPORT: dict[int, type[DeviceError]] = {
    0x01: DeviceOfflineError,   # port not open, or an invalid port
    0x02: DeviceTimeoutError,   # no answer of the expected length in time
    0x03: ProtocolError,        # data transfer error: a wrong checksum
    0x04: DeviceOfflineError,   # USB device not configured
    0x05: DeviceOfflineError,   # SAM port unavailable
    0x06: DeviceOfflineError,   # USB device disabled
}


def sdk_error(code: int) -> DeviceError:
    """The typed error for an SDT return code: a transport failure, or the SAM's status word."""
    transport = _TRANSPORT.get(code)
    if transport is not None:
        return transport(detail=f"SDT return code {code:#04x}")
    return f.status_error(code)


@dataclass(frozen=True)
class SdkIdReaderOptions(CardReadOptions):
    library: str                       # the vendor's SDT library, e.g. /opt/vendor/lib/libsdtapi.so (required)
    port: int = 1001                   # SDT port number: 1-16 serial (COM1-16), 1001-1016 USB
    poll_interval_s: float = 0.15
    reconnect_interval_s: float = 1.0  # at least this long between two attempts to (re)open the port
    max_errors: int = 3                # transport errors in a row before the port is closed and reopened

    def __post_init__(self) -> None:
        if not isinstance(self.library, str) or not self.library.strip():
            raise ValueError("library: the path of the vendor's SDT library (libsdtapi.so) is required")
        if not any(self.port in ports for ports in PORTS):
            raise ValueError(f"port: {self.port} is not an SDT port (1-16 serial, 1001-1016 USB)")
        self.check(("poll_interval_s", "reconnect_interval_s"), ("max_errors",))


class SdkIdReader(IdCardReader):
    def __init__(self, name: str, options: SdkIdReaderOptions) -> None:
        super().__init__(name, poll_interval_s=options.poll_interval_s)
        self.options = options
        self._decoder = options.decoder()
        self._placements = Placements(name, self.health, self.events, self, options.lift_polls)
        self._sdk: dict[str, Callable[..., int]] | None = None
        self._opened = False
        self._errors = 0                   # transport errors in a row
        self._next_connect = 0.0
        self._info = (ctypes.c_ubyte * 64)()
        self._text = (ctypes.c_ubyte * TEXT_CAPACITY)()
        self._photo = (ctypes.c_ubyte * PHOTO_CAPACITY)()
        self._app = (ctypes.c_ubyte * APP_CAPACITY)()

    # -- the library ----------------------------------------------------------------------------

    def _load(self) -> bool:
        """Load the library and look up its functions; a plain reason in the health when it cannot be."""
        try:
            library = ctypes.CDLL(self.options.library)
        except OSError as exc:
            log.warning("%s: cannot load %s (%s)", self.name, self.options.library, exc)
            self.health.set_state(DeviceState.OFFLINE, text(NO_LIBRARY))
            return False
        functions: dict[str, Callable[..., int]] = {}
        for symbol, argtypes in {**_REQUIRED, **_OPTIONAL}.items():
            try:
                function = getattr(library, symbol)
            except AttributeError:
                if symbol in _REQUIRED:
                    log.warning("%s: %s does not export %s", self.name, self.options.library, symbol)
                    self.health.set_state(DeviceState.ERROR, text(MISSING_FUNCTION))
                    return False
                continue
            function.argtypes, function.restype = argtypes, ctypes.c_int
            functions[symbol] = function
        self._sdk = functions
        return True

    def _call(self, symbol: str, *args) -> int:
        """One SDT call; the transport-error count restarts whenever the reader itself answered."""
        assert self._sdk is not None
        code = self._sdk[symbol](self.options.port, *args)
        if code not in _TRANSPORT:
            self._errors = 0
        return code

    # -- connection ----------------------------------------------------------------------------

    @on_worker
    def _open(self) -> None:
        if self._load():
            self._connect()

    @on_worker
    def _close(self) -> None:
        if self._opened:
            self._opened = False
            self._call("SDT_ClosePort")

    def _connect(self) -> bool:
        self.health.count("connect_attempts")
        self._next_connect = time.monotonic() + self.options.reconnect_interval_s
        code = self._call("SDT_OpenPort")
        if code != f.SW_SUCCESS:
            log.warning("%s: SDT_OpenPort(%d) returned %#04x", self.name, self.options.port, code)
            self.health.set_state(DeviceState.OFFLINE, text(NOT_CONNECTED))
            return False
        self._opened, self._errors = True, 0
        self._placements.connected()
        status = self._call("SDT_GetSAMStatus", 0) if "SDT_GetSAMStatus" in self._sdk else f.SW_SUCCESS
        if status == f.SW_SUCCESS:
            self.health.set_state(DeviceState.READY)
        else:
            self.health.set_state(DeviceState.ERROR, sdk_error(status).message)
        return True

    def _disconnected(self, reason: str) -> None:
        log.warning("%s: reader lost (%s); closing port %d", self.name, reason, self.options.port)
        self._close()
        self._next_connect = time.monotonic() + self.options.reconnect_interval_s
        self._placements.lost()
        self.health.set_state(DeviceState.OFFLINE, text(NOT_CONNECTED))

    # -- polling -------------------------------------------------------------------------------

    @on_worker
    def _poll(self) -> None:
        if self._sdk is None:
            return
        if not self._opened and (time.monotonic() < self._next_connect or not self._connect()):
            return
        try:
            self._placements.poll()
        except DeviceOfflineError as exc:
            self._disconnected(exc.detail)
        except (DeviceTimeoutError, ProtocolError) as exc:
            self._errors += 1
            self.health.count("sdk_errors")
            if self._errors >= self.options.max_errors:
                self._disconnected(f"{self._errors} transport errors in a row ({exc.detail})")
        except ReaderStatusError as exc:
            log.warning("%s: reader reports %s", self.name, exc.detail)
            self.health.set_state(DeviceState.ERROR, exc.message)
        finally:
            self.health.count("polls")  # a finished look at the reader, with whatever it reported already emitted

    # -- the card link (devices/idcard/placement.py) --------------------------------------------

    def find_card(self) -> int:
        return self._checked(self._call("SDT_StartFindIDCard", self._info, 0))

    def select_card(self) -> int:
        return self._checked(self._call("SDT_SelectIDCard", self._info, 0))

    @staticmethod
    def _checked(code: int) -> int:
        if code in _TRANSPORT:
            raise sdk_error(code)
        return code

    def read_card(self, seen: Callable[..., bool]) -> Identity | None:
        selected = self.select_card()
        if selected != f.SW_SUCCESS:
            raise f.status_error(selected)
        text_len, photo_len = ctypes.c_uint(0), ctypes.c_uint(0)
        try:
            code = self._call("SDT_ReadBaseMsg", self._text, ctypes.byref(text_len), self._photo,
                              ctypes.byref(photo_len), 0)
            if code != f.SW_SUCCESS:
                raise sdk_error(code)
            if text_len.value != TEXT_LEN or photo_len.value > PHOTO_CAPACITY:
                raise DamagedReplyError(detail=f"SDT_ReadBaseMsg gave {text_len.value} bytes of text, "
                                               f"{photo_len.value} of photo")
            card_text = memoryview(self._text)[:TEXT_LEN]
            photo = memoryview(self._photo)[:photo_len.value]
            if seen(card_text, photo):
                return None
            identity = parse_text_block(card_text)
            identity.raw = bytearray(card_text)
            identity.raw += photo
            identity.photo = self._decoder.decode(photo)
        finally:
            ctypes.memset(self._text, 0, TEXT_CAPACITY)
            ctypes.memset(self._photo, 0, PHOTO_CAPACITY)
        if identity.card_type is CardType.RESIDENT and self.options.read_appended_address:
            identity.appended_address = self._appended_address()
        return identity

    def _appended_address(self) -> str:
        """The address endorsement, or "" when the card has none (``91``), the library lacks the call, or it fails."""
        if "SDT_ReadNewAppMsg" not in self._sdk:
            return ""
        length = ctypes.c_uint(0)
        try:
            code = self._call("SDT_ReadNewAppMsg", self._app, ctypes.byref(length), 0)
            if code != f.SW_SUCCESS or not 0 < length.value <= APP_CAPACITY:
                return ""
            return appended_address(memoryview(self._app)[:length.value])
        finally:
            ctypes.memset(self._app, 0, APP_CAPACITY)

    # -- maintenance ---------------------------------------------------------------------------

    @on_worker
    def _self_test(self) -> SelfTestResult:
        if self._sdk is None and not self._load():
            return SelfTestResult(self.name, False, self.health.snapshot().reason or text(NO_LIBRARY))
        if not self._opened and not self._connect():
            return SelfTestResult(self.name, False, text(NOT_CONNECTED))
        details = {"library": self.options.library, "port": str(self.options.port)}
        if "SDT_GetSAMStatus" in self._sdk:
            status = self._call("SDT_GetSAMStatus", 0)
            if status != f.SW_SUCCESS:
                return SelfTestResult(self.name, False, sdk_error(status).message, details)
        if "SDT_GetSAMIDToStr" in self._sdk:
            sam_id = ctypes.create_string_buffer(128)
            if self._call("SDT_GetSAMIDToStr", sam_id, 0) == f.SW_SUCCESS:
                details["sam_id"] = sam_id.value.decode("ascii", "replace")
        counters = self.health.snapshot().counters
        details.update({name: str(counters.get(name, 0)) for name in ("sdk_errors", "connect_attempts")})
        return SelfTestResult(self.name, True, text("The ID card reader and its security module are working."),
                              details)
