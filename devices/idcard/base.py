"""The ID-card reader interface: it reports a card once per placement, and its removal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from devices.base import Device
from devices.errors import DeviceError
from devices.events import Listeners
from common.domain import Identity
from common.i18n import N_, Text


class IdCardError(DeviceError):
    default = N_("The ID card could not be read. Please place it flat on the reader and try again.")


@dataclass(frozen=True)
class CardRead:
    identity: Identity


@dataclass(frozen=True)
class CardRemoved:
    pass


@dataclass(frozen=True)
class ReadFailed:
    message: Text


CardEvent = Union[CardRead, CardRemoved, ReadFailed]


class IdCardReader(Device):
    kind = "id_reader"

    def __init__(self, name: str, poll_interval_s: float | None = 0.15) -> None:
        super().__init__(name, poll_interval_s=poll_interval_s)
        self.events: Listeners[CardEvent] = Listeners(f"{name} events")
