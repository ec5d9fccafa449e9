"""One read per placement, whatever "find" answers after a read: shared by every ID-card driver.

Every second-generation reader does the same three steps, whether spoken over its serial protocol
(``devices/idcard/serial_sam.py``) or called through the vendor's SDK (``devices/idcard/sdk.py``):
find card, select card, read. Readers differ in what "find" answers while a card that was read
lies there. Most answer "not found" (``80``), and select still succeeds; once a reader has shown it
is one of those (asked once right after a read, until it is reconnected), a card that answers
"found" again was reset by leaving the field, and is a new placement. Others keep answering "found"
(``9F``): the card is then selected and read again, and its data compared (a keyed digest, held in
memory only) with the card of this placement; the same card is not reported again, another card is
(its predecessor's removal first). A failed read is reported once per placement too. A placement
ends when "find" and select both say no card for ``lift_polls`` polls in a row: :class:`CardRemoved`
is reported, and the next card found is a new placement.

A driver hands :class:`Placements` a :class:`CardLink` (its three steps) and calls :meth:`poll` from
its poll; transport errors (:class:`DeviceTimeoutError`, :class:`DeviceOfflineError`,
:class:`ProtocolError`) and status errors pass through to the driver, which knows what they mean for
its connection.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Callable, Protocol, Union

from devices.errors import DeviceOfflineError, DeviceTimeoutError, ProtocolError
from devices.events import Listeners
from devices.health import DeviceState, HealthTracker
from devices.idcard import frames as f
from devices.idcard.base import CardEvent, CardRead, CardRemoved, IdCardError, ReadFailed
from devices.idcard.photo import PhotoDecoder
from common.domain import Identity

log = logging.getLogger(__name__)

Buffer = Union[bytes, bytearray, memoryview]
SW_NO_CARD = 0x80


@dataclass(frozen=True, kw_only=True)
class CardReadOptions:
    """The options every ID-card driver shares: when a placement ends, what is read, how the photo is decoded."""

    lift_polls: int = 2                # polls in a row without the card before its placement ends
    read_appended_address: bool = True
    photo_decoder: str = ""            # the vendor's photo library (libwlt.so); empty: a placeholder photo
    photo_decoder_symbol: str = "unpack"
    photo_decoder_mode: int = 602

    def check(self, above_zero: tuple[str, ...], at_least_one: tuple[str, ...]) -> None:
        """A plain ValueError naming the first option out of range (the registry names the section)."""
        for name in above_zero:
            if getattr(self, name) <= 0:
                raise ValueError(f"{name}: must be above 0")
        for name in (*at_least_one, "lift_polls"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}: must be at least 1")

    def decoder(self) -> PhotoDecoder:
        return PhotoDecoder(self.photo_decoder, self.photo_decoder_symbol, self.photo_decoder_mode)


class Presence(enum.Enum):
    NONE = "none"        # no card, or it was taken away
    READ = "read"        # read and reported; waiting for its removal
    FAILED = "failed"    # its read failed and was reported; waiting for it to be placed again


class CardLink(Protocol):
    def find_card(self) -> int:
        """Ask "find card"; the status word (``9F`` found, ``80`` none, else an error)."""

    def select_card(self) -> int:
        """Ask "select card"; the status word (``90`` selected)."""

    def read_card(self, seen: Callable[..., bool]) -> Identity | None:
        """Select and read the card. Hand the card's raw data to ``seen`` as soon as it is read: when
        ``seen`` answers True it is this placement's card, and the read ends with None."""


class Placements:
    def __init__(self, name: str, health: HealthTracker, events: Listeners[CardEvent], link: CardLink,
                 lift_polls: int) -> None:
        self.name = name
        self.health = health
        self.events = events
        self.link = link
        self.lift_polls = lift_polls
        self.presence = Presence.NONE
        self._card_digest: bytes | None = None   # this placement's card data, keyed digest; None: not known
        self._read_digest: bytes | None = None   # the digest of the data the last read received
        self._same_as: bytes | None = None       # during a read: the digest that means "the same card"
        self._digest_key = secrets.token_bytes(16)
        self._misses = 0                         # polls in a row without the placed card
        self._quiet_reader = False               # "find" answered "not found" while a read card lay there

    def connected(self) -> None:
        """The reader was (re)connected: what "find" does after a read is to be learnt again."""
        self._quiet_reader = False
        self.end()

    def lost(self) -> None:
        """The reader was lost: a card read and reported is reported gone."""
        if self.presence is Presence.READ:
            self.events.emit(CardRemoved())
        self.end()

    def end(self) -> None:
        self.presence, self._card_digest, self._misses = Presence.NONE, None, 0

    def seen(self, *parts: Buffer) -> bool:
        """Record the digest of what a read received; True when it is this placement's card."""
        digest = hashlib.blake2b(key=self._digest_key, digest_size=16)
        for part in parts:
            digest.update(part)
        self._read_digest = digest.digest()
        return self._same_as is not None and self._read_digest == self._same_as

    def poll(self) -> None:
        found = self.link.find_card()
        if found == f.SW_CARD_FOUND:
            self._misses = 0
            self._card_found()
            return
        if found != SW_NO_CARD:
            raise f.status_error(found)
        if self.health.state is DeviceState.ERROR:
            self.health.set_state(DeviceState.READY)
        if self.presence is Presence.NONE:
            return
        if self.link.select_card() == f.SW_SUCCESS:
            self._misses, self._quiet_reader = 0, True
            return
        self._misses += 1
        if self._misses >= self.lift_polls:
            self.lost()

    def _card_found(self) -> None:
        """"Find" answered "found": a new placement, or the card of this one on a reader that keeps saying so."""
        if self._quiet_reader:
            self.lost()  # the card had gone quiet: answering again, it left the field and came back
        placed = self.presence
        if placed is Presence.NONE:
            self.health.set_state(DeviceState.BUSY)
        self._read_digest = None
        self._same_as = self._card_digest if placed is not Presence.NONE else None
        try:
            identity = self.link.read_card(self.seen)
        except DeviceOfflineError as exc:
            if placed is Presence.NONE:
                self.presence = Presence.FAILED
                self.events.emit(ReadFailed(exc.message))
            raise
        except IdCardError as exc:
            if placed is not Presence.NONE and self._read_digest in (None, self._card_digest):
                self.health.count("same_card_errors")  # this placement's outcome was reported already
                return
            self.lost()
            self.presence, self._card_digest = Presence.FAILED, self._read_digest
            self.health.count("read_errors")
            log.warning("%s: card not read: %s (%s)", self.name, type(exc).__name__, exc.detail)
            self.health.set_state(DeviceState.READY)
            self.events.emit(ReadFailed(exc.message))
            return
        finally:
            self._same_as = None
        if identity is None:
            self.health.count("same_card_found")  # read again and found unchanged: not reported again
            return
        self.lost()
        self.presence, self._card_digest = Presence.READ, self._read_digest
        self._learn_find_after_read()
        self.health.count("cards_read")
        log.info("%s: read a %s card", self.name, identity.card_type.value)
        self.health.set_state(DeviceState.READY)
        self.events.emit(CardRead(identity))

    def _learn_find_after_read(self) -> None:
        """Right after a read: does "find" go quiet while the card lies there (most readers), or keep saying "found"?"""
        if self._quiet_reader:
            return
        try:
            if self.link.find_card() == SW_NO_CARD:
                self._quiet_reader = self.link.select_card() == f.SW_SUCCESS
        except (DeviceTimeoutError, DeviceOfflineError, ProtocolError) as exc:
            log.debug("%s: find after a read not answered (%s); the next poll asks again", self.name, exc.detail)
        if self._quiet_reader:
            log.info("%s: after a read, find answers \"not found\" while the card lies there", self.name)
