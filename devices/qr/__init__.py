"""QR code scanners: camera, keyboard-wedge and serial; the simulator; and ``decode(frame)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from devices.qr.decoder import QrResult


def decode(frame: "np.ndarray") -> "list[QrResult]":
    """Every QR code in a BGR or greyscale frame; see :mod:`devices.qr.decoder`. Never raises."""
    from devices.qr.decoder import decode as _decode

    return _decode(frame)
