"""PC/SC through pyscard's ``smartcard.scard`` (the PC/SC C API, call for call), every failure typed.

We use the C API rather than pyscard's ``CardMonitor`` and ``ReaderMonitor``: those run their own
threads, call observers there, and stop for good, without a word, when ``pcscd`` restarts or the
reader goes (their loop ends on the first error). Here the caller asks ``SCardGetStatusChange`` with
a zero timeout from its own thread (a device's worker), sees each error, and makes a new context.

What the return codes mean to a terminal (pcsc-lite 1.9, ``winscard.h`` and ``pcsclite.h``):

- the service is gone: ``SCARD_E_NO_SERVICE`` (no pcscd), ``SCARD_E_SERVICE_STOPPED`` and
  ``SCARD_E_INVALID_HANDLE`` (pcscd restarted under an old context; the context stays invalid even
  when the new pcscd is up, so a new context is needed), ``SCARD_F_COMM_ERROR``;
- the reader is gone: ``SCARD_E_UNKNOWN_READER``, ``SCARD_E_READER_UNAVAILABLE``;
- the card is gone or was reset under us: ``SCARD_W_REMOVED_CARD``, ``SCARD_E_NO_SMARTCARD``,
  ``SCARD_W_RESET_CARD``;
- the card does not answer: ``SCARD_W_UNRESPONSIVE_CARD``, ``SCARD_W_UNPOWERED_CARD``,
  ``SCARD_E_PROTO_MISMATCH``, ``SCARD_W_UNSUPPORTED_CARD``;
- another program holds it exclusively: ``SCARD_E_SHARING_VIOLATION``.

PC/SC has no timeout on ``SCardTransmit``: the reader's driver has one (CCID's is about a card's
waiting time; vpcd's none at all). The device worker runs these calls, so no other thread waits on them.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartcard import scard

from common.i18n import N_
from devices.errors import DeviceError, DeviceOfflineError

SHARE = scard.SCARD_SHARE_SHARED
PROTOCOLS = scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
_SERVICE_GONE = {scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED, scard.SCARD_E_INVALID_HANDLE,
                 scard.SCARD_F_COMM_ERROR}
_READER_GONE = {scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_READER_UNAVAILABLE}
_CARD_GONE = {scard.SCARD_W_REMOVED_CARD, scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_RESET_CARD}
_CARD_MUTE = {scard.SCARD_W_UNRESPONSIVE_CARD, scard.SCARD_W_UNPOWERED_CARD, scard.SCARD_E_PROTO_MISMATCH,
              scard.SCARD_W_UNSUPPORTED_CARD}

# A reader's state bits, as PC/SC tools print them (pcsc_scan's names).
STATE_NAMES = ((scard.SCARD_STATE_IGNORE, "ignore"), (scard.SCARD_STATE_UNKNOWN, "unknown"),
               (scard.SCARD_STATE_UNAVAILABLE, "unavailable"), (scard.SCARD_STATE_EMPTY, "empty"),
               (scard.SCARD_STATE_PRESENT, "present"), (scard.SCARD_STATE_ATRMATCH, "atr_match"),
               (scard.SCARD_STATE_EXCLUSIVE, "exclusive"), (scard.SCARD_STATE_INUSE, "in_use"),
               (scard.SCARD_STATE_MUTE, "mute"), (scard.SCARD_STATE_UNPOWERED, "unpowered"))


class PcscError(DeviceError):
    """A PC/SC call failed. ``code`` is its return code; ``detail`` names it."""

    default = N_("The card reader is not working right now.")

    def __init__(self, code: int = 0, call: str = "") -> None:
        self.code = code
        what = f"0x{code & 0xFFFFFFFF:08X} {scard.SCardGetErrorMessage(code)}" if code else ""
        super().__init__(detail=f"{call}: {what}" if what else call)


class ServiceGoneError(PcscError, DeviceOfflineError):
    default = N_("The smart card service is not running.")


class ReaderGoneError(PcscError, DeviceOfflineError):
    default = N_("The card reader is not connected.")


class CardGoneError(PcscError):
    default = N_("The card was taken out while it was being read. Please insert it again and leave it in "
                 "until the screen changes.")


class CardMuteError(PcscError):
    default = N_("The card does not answer. Please check that it is inserted the right way round, chip first.")


class CardBusyError(PcscError):
    default = N_("The card is in use by another program on this terminal. Please ask the staff for help.")


def check(code: int, call: str) -> None:
    if code == scard.SCARD_S_SUCCESS:
        return
    for codes, error in ((_SERVICE_GONE, ServiceGoneError), (_READER_GONE, ReaderGoneError),
                         (_CARD_GONE, CardGoneError), (_CARD_MUTE, CardMuteError)):
        if code in codes:
            raise error(code, call)
    if code == scard.SCARD_E_SHARING_VIOLATION:
        raise CardBusyError(code, call)
    raise PcscError(code, call)


def state_names(state: int) -> list[str]:
    return [name for bit, name in STATE_NAMES if state & bit]


@dataclass(frozen=True)
class ReaderState:
    reader: str
    state: int      # SCARD_STATE_* bits, without SCARD_STATE_CHANGED
    atr: bytes

    @property
    def present(self) -> bool:
        return bool(self.state & scard.SCARD_STATE_PRESENT)

    @property
    def mute(self) -> bool:
        return bool(self.state & scard.SCARD_STATE_MUTE)

    @property
    def unavailable(self) -> bool:
        return bool(self.state & (scard.SCARD_STATE_UNAVAILABLE | scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_IGNORE))

    @property
    def names(self) -> list[str]:
        return state_names(self.state)


class Context:
    """One PC/SC context. Not thread-safe: one thread (a device's worker) uses it."""

    def __init__(self) -> None:
        code, self._handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        check(code, "SCardEstablishContext")
        self._known: dict[str, int] = {}   # the state last seen of each reader, told back to PC/SC
        self._atrs: dict[str, bytes] = {}

    def readers(self) -> list[str]:
        code, readers = scard.SCardListReaders(self._handle, [])
        if code == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        check(code, "SCardListReaders")
        return list(readers)

    def states(self, readers: list[str]) -> list[ReaderState]:
        """Each reader's state now (``SCardGetStatusChange`` with a zero timeout)."""
        if not readers:
            return []
        query = [(reader, self._known.get(reader, scard.SCARD_STATE_UNAWARE)) for reader in readers]
        code, answers = scard.SCardGetStatusChange(self._handle, 0, query)
        if code == scard.SCARD_E_TIMEOUT:  # nothing changed since the states we told it
            answers = [(reader, state, self._atrs.get(reader, b"")) for reader, state in query]
        else:
            check(code, "SCardGetStatusChange")
        result = []
        for reader, state, atr in answers:
            state &= ~scard.SCARD_STATE_CHANGED
            result.append(ReaderState(reader, state, bytes(atr)))
        self._atrs = {r.reader: r.atr for r in result}
        self._known = {r.reader: r.state for r in result}
        return result

    def connect(self, reader: str) -> "Card":
        return Card(self._handle, reader)

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            scard.SCardReleaseContext(handle)  # after a restart of pcscd this fails, and that is fine


class Card:
    """A connection to the card in one reader, in shared mode, T=0 or T=1."""

    def __init__(self, context: int, reader: str) -> None:
        code, self._handle, protocol = scard.SCardConnect(context, reader, SHARE, PROTOCOLS)
        check(code, "SCardConnect")
        self.protocol = protocol
        self._pci = scard.SCARD_PCI_T0 if protocol == scard.SCARD_PROTOCOL_T0 else scard.SCARD_PCI_T1

    def transmit(self, command: bytes) -> bytes:
        code, response = scard.SCardTransmit(self._handle, self._pci, list(command))
        check(code, "SCardTransmit")
        return bytes(response)

    def disconnect(self) -> None:
        """Idempotent; the card is left as it is (shared mode: another program may be using it)."""
        handle, self._handle = self._handle, None
        if handle is not None:
            scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
