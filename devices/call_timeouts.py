"""How long a caller waits for a device's blocking calls: a leaf of its own, so the terminal's timeouts
table (kiosk/timeouts.py, read with the configuration before the first paint) needs nothing else of
the devices."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CallTimeouts:
    """How long a caller waits for a device's blocking calls (on its worker) before giving up with
    ``DeviceTimeoutError``. These are the defaults; the terminal's configuration sets them
    (``[device_calls]``, kiosk/timeouts.py) through :meth:`Device.set_call_timeouts`."""

    self_test_s: float = 10.0
    close_s: float = 3.0
    receipt_print_s: float = 20.0
    document_print_s: float = 60.0
    capture_s: float = 10.0  # a document camera's page, or one side of an ID card
