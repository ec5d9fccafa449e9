"""Array helpers the page finder calls dozens of times a frame, computing what numpy's own do without
their per-call overhead (the sixteenth pass of docs/page-finding.md).

``np.roll`` builds its result by slicing and concatenating in Python (about 20 us a call); a quad's
next or previous corners are one ``take`` of a fixed index (3 us). ``np.linalg.norm`` along an axis
checks its arguments and then computes ``sqrt(add.reduce(x * x, axis))`` for a real array;
:func:`norm` is that expression itself, so the numbers are the same to the last bit. Both are for
floating-point arrays, as the finder's are (``np.linalg.norm`` first turns integers into floats).
"""

from __future__ import annotations

import numpy as np

_NEXT = np.array([1, 2, 3, 0])
_PREVIOUS = np.array([3, 0, 1, 2])


def next_corners(quads: np.ndarray, axis: int) -> np.ndarray:
    """``np.roll(quads, -1, axis)`` for an axis of four corners: corner i + 1 in place i."""
    return quads.take(_NEXT, axis=axis)


def previous_corners(quads: np.ndarray, axis: int) -> np.ndarray:
    """``np.roll(quads, 1, axis)`` for an axis of four corners: corner i - 1 in place i."""
    return quads.take(_PREVIOUS, axis=axis)


def norm(a: np.ndarray, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    """``np.linalg.norm(a, axis=axis, keepdims=keepdims)`` for a floating-point array, as numpy computes it."""
    return np.sqrt(np.add.reduce(a * a, axis=axis, keepdims=keepdims))
