"""The serial SAM driver and the protocol simulator on a real pty, wired for a test: nothing mocked."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from devices.health import DeviceState
from devices.idcard.base import ReadFailed
from devices.idcard.pty_sim import SamReaderSimulator
from devices.idcard.serial_sam import SerialSamIdReader, SerialSamIdReaderOptions


def wait_for(predicate, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


@dataclass
class Rig:
    sim: SamReaderSimulator
    reader: SerialSamIdReader
    events: list = field(default_factory=list)

    def kinds(self) -> list[str]:
        return [type(event).__name__ for event in self.events]

    def place(self, sample: str = "resident", count: int = 1):
        self.sim.place_card(sample)
        wait_for(lambda: len(self.events) >= count)
        return self.events[count - 1]

    def refused_once(self, sample: str, message: str, polls: int = 8) -> None:
        """``sample`` placed is refused with ``message``, and not again while it lies there."""
        event = self.place(sample)
        assert isinstance(event, ReadFailed) and event.message.msgid == message
        self.after_polls(polls)
        assert self.kinds() == ["ReadFailed"]

    def state(self, state: DeviceState, timeout_s: float = 5.0) -> None:
        wait_for(lambda: self.reader.health.state is state, timeout_s)

    def polls(self) -> int:
        return self.reader.health.snapshot().counters.get("polls", 0)

    def after_polls(self, count: int = 3) -> None:
        """Wait until ``count`` polls that began after this call have finished: whatever they saw is reported.

        The counter goes up at the end of a poll, so the one in progress now is not counted."""
        start = self.polls()
        wait_for(lambda: self.polls() >= start + 1 + count)


@pytest.fixture
def rig():
    made: list[Rig] = []

    def make(sim_baudrate: int = 115200, slow_s: float = 0.6, start_sim: bool = True, find_after_read: str = "80",
             **options) -> Rig:
        sim = SamReaderSimulator(baudrate=sim_baudrate, pace=False, read_delay_s=0.0, slow_s=slow_s,
                                 find_after_read=find_after_read)
        settings = dict(port=sim.port, reply_timeout_s=0.3, read_timeout_s=0.6, poll_interval_s=0.05,
                        reconnect_interval_s=0.2)
        settings.update(options)
        built = Rig(sim, SerialSamIdReader("id_reader", SerialSamIdReaderOptions(**settings)))
        built.reader.events.subscribe(built.events.append)
        made.append(built)
        if start_sim:
            sim.start()
        built.reader.start()
        return built

    yield make
    for built in made:
        built.reader.stop()
        built.sim.stop()
