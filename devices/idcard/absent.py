"""No reader of this kind at this terminal (``type = "none"``): a hall without a social security
card reader says so, rather than leaving a simulator configured or a PC/SC reader reported missing.

It has the reader's interface and never reports a card; it has no worker. ``installed`` is False,
so the terminal leaves it out of its device list: maintenance, the heartbeat, self-tests and
``kiosk doctor`` do not show it, and the card screen does not invite the citizen to use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from common.i18n import N_, text
from devices.health import DeviceState, SelfTestResult
from devices.idcard.base import IdCardReader


@dataclass(frozen=True)
class NoCardReaderOptions:
    pass


class NoCardReader(IdCardReader):
    installed = False

    def __init__(self, name: str, options: NoCardReaderOptions = NoCardReaderOptions()) -> None:
        super().__init__(name, poll_interval_s=None)
        self.health.set_state(DeviceState.OFFLINE, text(N_("Not installed at this terminal.")))

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def self_test(self, timeout_s: float | None = None) -> SelfTestResult:
        return SelfTestResult(self.name, True, text(N_("Not installed at this terminal.")))
