"""Array helpers the page finder calls dozens of times a frame, computing what numpy's own do without
their per-call overhead (the sixteenth pass of docs/page-finding.md).

``np.roll`` builds its result by slicing and concatenating in Python (about 20 us a call); a quad's
next or previous corners are one ``take`` of a fixed index (3 us). ``np.linalg.norm`` along an axis
checks its arguments and then computes ``sqrt(add.reduce(x * x, axis))`` for a real array;
:func:`norm` is that expression itself, so the numbers are the same to the last bit (along a last axis of
two or three, the finder's points and colours, the sum is written out as the additions numpy makes). Both are for
floating-point arrays, as the finder's are (``np.linalg.norm`` first turns integers into floats).
:func:`distinct_rows` groups equal rows, as ``np.unique(rows, axis=0)`` does, several times faster (the
seventeenth pass: candidates' shared sides probed once).
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
    if axis in (-1, a.ndim - 1) and a.shape[-1] in (2, 3):
        # Points and colours: numpy sums a row this short from its first element on, one addition at a time,
        # which the same additions written out do too (three times faster: no reduction over a short axis).
        square = a * a
        total = square[..., 0] + square[..., 1]
        if a.shape[-1] == 3:
            total += square[..., 2]
        total = np.sqrt(total, out=total)
        return total[..., None] if keepdims else total
    return np.sqrt(np.add.reduce(a * a, axis=axis, keepdims=keepdims))


# Odd 64-bit multipliers that spread each column's bits over the whole code (any odd numbers would do:
# the code only sorts the rows, and equal codes are checked row by row).
_MIX = tuple(np.uint64(m) for m in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                                     0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0x94D049BB133111EB))


def distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of a 2-D float64 array that are the same bit for bit, grouped: (``first``, ``inverse``) with
    ``rows[first][inverse]`` equal to ``rows``, bit for bit (``first`` holds one row of each group, in no
    particular order). Like ``np.unique(rows, axis=0, return_index=True, return_inverse=True)``, without
    sorting the rows themselves: each row is mixed into one 64-bit code, the codes sorted, and the grouping
    checked against the rows (a code two different rows share, however unlikely, falls back to sorting the
    rows' bytes). Rows differing only in the sign of a zero are distinct here. At most six columns."""
    bits = np.ascontiguousarray(rows, dtype=np.float64).view(np.uint64)
    if len(bits) == 0:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    code = bits[:, 0] * _MIX[0]
    for j in range(1, bits.shape[1]):
        code ^= bits[:, j] * _MIX[j]
    order = np.argsort(code)
    ordered = code[order]
    new = np.empty(len(code), bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    inverse = np.empty(len(code), np.intp)
    inverse[order] = np.cumsum(new) - 1
    first = order[new]
    if not np.array_equal(bits[first].take(inverse, axis=0), bits):
        whole = bits.view(np.dtype((np.void, bits.itemsize * bits.shape[1]))).ravel()
        _, first, inverse = np.unique(whole, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
    return first, inverse
