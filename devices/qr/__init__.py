"""QR code scanners: camera, keyboard-wedge and serial; the simulator; and ``decode(frame)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from devices.qr.decoder import QrResult


def decode(frame: "np.ndarray", **options: Any) -> "list[QrResult]":
    """Every QR code in a BGR or greyscale frame; see :mod:`devices.qr.decoder`. Never raises.

    ``budget_ms`` (keyword): the fix passes' time budget; None runs them all (tests, offline use).
    """
    from devices.qr.decoder import decode as _decode

    return _decode(frame, **options)
