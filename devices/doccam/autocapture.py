"""Auto-capture: take the picture by itself once the page has lain still and sharp for a while.

A plain state machine fed one observation per preview frame (the page's corners or none, its
sharpness and glare, the time); every transition goes through :meth:`AutoCapture._set_state`.

    SEARCHING --page seen--> STEADYING --still and sharp for still_s--> CAPTURE
        ^                        |  moved / blurred / glare: starts over      |
        |                        v                                            v
        +------ page taken away or moved (REMOVE: wait for the next page) <---+
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from devices.doccam.base import CaptureState
from devices.doccam.quality import GLARE_MAX, SHARPNESS_MIN, MSG_BLURRED, MSG_GLARE, MSG_MOVING, MSG_NOT_FOUND, MSG_READY
from common.i18n import N_, Text, text

MSG_TAKE_NEXT = N_("Captured. Lay the next page, or take the page away.")


@dataclass(frozen=True)
class AutoCaptureOptions:
    still_s: float = 1.0            # how long the page must lie still and sharp
    motion_tolerance: float = 0.01  # corner movement allowed, as a share of the page's diagonal
    sharpness_min: float = SHARPNESS_MIN
    glare_max: float = GLARE_MAX


@dataclass(frozen=True)
class Observation:
    t: float                          # time.monotonic() of the frame
    quad: np.ndarray | None           # page corners (any consistent scale), or None
    sharpness: float = 0.0
    glare: float = 0.0


class AutoCapture:
    def __init__(self, options: AutoCaptureOptions = AutoCaptureOptions()) -> None:
        self.options = options
        self.state = CaptureState.SEARCHING
        self.advice: Text = text(MSG_NOT_FOUND)
        self._anchor: np.ndarray | None = None  # corners when the page came to rest
        self._still_since = 0.0
        self._captured: np.ndarray | None = None

    def _set_state(self, state: CaptureState, advice: str) -> None:
        self.state = state
        self.advice = text(advice)

    def _moved(self, a: np.ndarray, b: np.ndarray) -> bool:
        diagonal = float(np.linalg.norm(a[2] - a[0])) or 1.0
        return float(np.abs(a - b).max()) > self.options.motion_tolerance * diagonal

    def feed(self, obs: Observation) -> CaptureState:
        """Advance on one frame; returns the new state (CAPTURE exactly once per still page)."""
        o = self.options
        if self.state in (CaptureState.CAPTURE, CaptureState.REMOVE):
            if obs.quad is None or self._captured is None or self._moved(self._captured, obs.quad):
                self._captured = None
                self._anchor = None
                if obs.quad is None:
                    self._set_state(CaptureState.SEARCHING, MSG_NOT_FOUND)
                    return self.state
            else:
                self._set_state(CaptureState.REMOVE, MSG_TAKE_NEXT)
                return self.state
        if obs.quad is None:
            self._anchor = None
            self._set_state(CaptureState.SEARCHING, MSG_NOT_FOUND)
            return self.state
        quad = np.asarray(obs.quad, np.float64)
        problem = MSG_BLURRED if obs.sharpness < o.sharpness_min else MSG_GLARE if obs.glare > o.glare_max else None
        if self._anchor is None or self._moved(self._anchor, quad) or problem is not None:
            self._anchor = quad
            self._still_since = obs.t
            self._set_state(CaptureState.STEADYING, problem or MSG_MOVING)
            return self.state
        if obs.t - self._still_since >= o.still_s:
            self._captured = quad
            self._set_state(CaptureState.CAPTURE, MSG_READY)
            return self.state
        self._set_state(CaptureState.STEADYING, MSG_READY)
        return self.state

    def reset(self) -> None:
        self._anchor = self._captured = None
        self._set_state(CaptureState.SEARCHING, MSG_NOT_FOUND)
