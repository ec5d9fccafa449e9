"""The simulated ID-card reader: the real serial driver, talking to a protocol simulator on a pty.

``place_card``, ``remove_card`` and ``inject`` drive the simulated reader; everything the terminal
sees comes through :class:`~devices.idcard.serial_sam.SerialSamIdReader` and real bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.idcard.pty_sim import FIND_AFTER_READ, SamReaderSimulator
from devices.idcard.serial_sam import SerialSamIdReader, SerialSamIdReaderOptions


@dataclass(frozen=True)
class SimIdReaderOptions:
    read_delay_s: float = 0.05    # the simulated reader's time to read the chip
    baudrate: int = 115200        # the simulated reader's speed (the driver tries 115200, then 9600)
    pace: bool = True             # deliver bytes no faster than the baud rate allows
    slow_s: float = 2.0           # the extra delay of the "slow" fault
    reconnect_interval_s: float = 0.3
    photo_decoder: str = ""
    find_after_read: str = "80"   # what "find" answers while a card that was read stays: "80" or "9F"

    def __post_init__(self) -> None:
        if self.find_after_read not in FIND_AFTER_READ:
            raise ValueError(f"find_after_read: expected one of {', '.join(FIND_AFTER_READ)}, got {self.find_after_read!r}")


class SimIdReader(SerialSamIdReader):
    faults = SamReaderSimulator.faults

    def __init__(self, name: str = "id_reader", options: SimIdReaderOptions = SimIdReaderOptions()) -> None:
        self.simulator = SamReaderSimulator(baudrate=options.baudrate, pace=options.pace,
                                            read_delay_s=options.read_delay_s, slow_s=options.slow_s,
                                            find_after_read=options.find_after_read)
        super().__init__(name, SerialSamIdReaderOptions(
            port=self.simulator.port, reconnect_interval_s=options.reconnect_interval_s,
            photo_decoder=options.photo_decoder))

    def start(self) -> None:
        self.simulator.start()
        super().start()

    def stop(self) -> None:
        super().stop()
        self.simulator.stop()

    # Commands (any thread), as the demo's F2/F3 keys and the tests use them.
    def place_card(self, sample: str = "resident") -> None:
        self.simulator.place_card(sample)

    def remove_card(self) -> None:
        self.simulator.remove_card()

    def inject(self, fault: str) -> None:
        self.simulator.inject(fault)
