"""A frame source hands out the newest frame; stale frames are dropped, never queued."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class FrameSource(Protocol):
    def open(self) -> None: ...
    def read(self, timeout_s: float) -> np.ndarray | None: ...
    def close(self) -> None: ...
