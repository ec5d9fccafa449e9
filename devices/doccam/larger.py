"""Is the page finder's pick part of a larger sheet? Two of its sides running on past both ends of a third.

One page of an open booklet, the visible part of a page the frame cuts whose corners all lie inside
the frame, a sheet's half cut off by a finger: each is a quadrilateral with a true paper edge on two
opposite sides, and the ranker may trust it (0.7-0.95 on the first generator's development seeds,
eleventh pass of docs/page-finding.md). What gives it away is past its corners: the two sides do not
stop there. Beyond each corner of one side, along the line of the side that meets it, there is still
paper on the inside and the desk on the outside (the other page of the spread; the rest of the page
up to the frame's edge). On a page lying alone, past a corner is desk on both sides.

:func:`runs_on` measures, for each side, the share of points along both continuations (from
:data:`FROM` to :data:`TO` of the continued side's length beyond the corner, inside the frame) where
the strip just inside is the continued side's paper and the strip just outside is nearer its surround
than its paper, allowing the line to wander :data:`OFFSETS` pixels (a spread's two pages are not quite
in line, a gutter's shadow breaks the first pixels); the smaller of the two continuations is the
side's share, and the largest over the four sides is returned. :func:`devices.doccam.detect.find_page`
says "not found" at :data:`SHARE` and more, unless a candidate holding the pick is trusted and does
not run on (the whole spread: ``detect._holding``, twelfth pass).

Measured on the first generator's development seeds 5, 13, 3 (420 frames) with the shipped finder:
of the 24 confidently wrong picks, 8 have a share of 0.66-1.0 (3 pages off the frame, 4 single pages
of spreads, a page picked across the fingers on it), the others 0.44 or less; of the 357 right ones
one has more than 0.35 (an overlapping top sheet on wood, 0.66, whose sheet beneath lies in line with
two of its sides). Desk textures (checks, granite, wood grain) are steps too: a step on the continued
line is not enough (right picks reach 0.46 that way), the colours either side must be the side's own.
"""

from __future__ import annotations

import numpy as np

from devices.doccam.order_stats import median

FROM = 0.08          # continuations start this share of the continued side past the corner ...
TO = 0.4             # ... and end at this share
POINTS = 32          # points along each continuation
OFFSETS = (-3.0, -1.5, 0.0, 1.5, 3.0)   # pixels across the line, at working scale (512 px long side)
PROBE = 3.0          # the strips either side of the line, this far from it
MIN_RUN = 4.0        # a continuation with less than this many pixels inside the frame does not run on
SHARE = 0.5          # "part of a larger sheet" at this share on both ends of one side
TOLERANCE = 15.0     # CIELAB (a*, b* weighted, as the finder's) distance still counted as the side's paper
MARGIN = 6.0         # points nearer the frame's edge than this are not looked at

_ALONG_SIDE = np.linspace(0.1, 0.9, 24)[None, :, None]     # where a side's own paper and surround are read
_ALONG_RUN = np.linspace(0.0, 1.0, POINTS)[None, :, None]
_WALKS = [(c, o) for c in range(4) for o in ((c - 1) % 4, (c + 1) % 4)]   # corner, the side's other corner
_CORNER = np.array([c for c, _ in _WALKS])
_OTHER = np.array([o for _, o in _WALKS])


def _sample(lab: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """The colours at ``pts`` (..., 2), nearest pixel, clamped to the image: one gather."""
    h, w = lab.shape[:2]
    xi = np.rint(pts[..., 0]).astype(np.intp)
    yi = np.rint(pts[..., 1]).astype(np.intp)
    np.minimum(np.maximum(xi, 0, out=xi), w - 1, out=xi)
    np.minimum(np.maximum(yi, 0, out=yi), h - 1, out=yi)
    return lab.reshape(h * w, -1).take(yi * w + xi, axis=0)


def _far(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return ((a - b) ** 2).sum(axis=-1)


def runs_on(lab: np.ndarray, quad: np.ndarray) -> float:
    """The largest share (0-1), over the four sides of ``quad`` (working-scale corners in order, on
    ``lab``, the finder's weighted CIELAB image), of the two sides meeting it running on past its
    ends as paper edges: 0 for a sheet lying alone, near 1 for one page of a spread."""
    q = np.asarray(quad, np.float64)
    h, w = lab.shape[:2]
    corner, other = q[_CORNER], q[_OTHER]                    # 8 walks: from each corner along each side
    d = corner - other                                       # away from the side's other corner
    length = np.maximum(np.linalg.norm(d, axis=1), 1e-6)
    u = d / length[:, None]
    n = np.stack([u[:, 1], -u[:, 0]], axis=1)
    outward = ((corner + other) / 2 - q.mean(axis=0))
    n *= np.where((n * outward).sum(axis=1) < 0, -1.0, 1.0)[:, None]
    side = other[:, None, :] + _ALONG_SIDE * d[:, None, :]                      # 8, 24, 2
    start = np.maximum(4.0, FROM * length)
    span = np.maximum(TO * length, 8.0) - start
    p = corner[:, None, :] + (start[:, None, None] + _ALONG_RUN * span[:, None, None]) * u[:, None, :]   # 8, P, 2
    inside = ((p[..., 0] >= MARGIN) & (p[..., 1] >= MARGIN) & (p[..., 0] <= w - 1 - MARGIN)
              & (p[..., 1] <= h - 1 - MARGIN))
    across = n[None, :, None, :] * np.array([[-PROBE], [PROBE]])[:, None, None, :]   # 2, 8, 1, 2: inner, outer
    strips = _sample(lab, side[None] + across)                                         # 2, 8, 24, 3
    paper = median(strips[0], axis=1)[:, None, :]                                      # 8, 1, 3
    surround = median(strips[1], axis=1)[:, None, :]
    shift = np.array(OFFSETS)[:, None, None, None, None] * n[None, None, :, None, :]   # O, 1, 8, 1, 2
    probes = _sample(lab, p[None, None] + shift + across[None])                        # O, 2, 8, P, 3
    inner, outer = probes[:, 0], probes[:, 1]
    in_paper = _far(inner, paper)
    ok = ((in_paper < TOLERANCE ** 2) & (in_paper < _far(inner, surround))
          & (_far(outer, surround) < _far(outer, paper))).any(axis=0)
    counts = inside.sum(axis=1)
    enough = counts * span / (POINTS - 1) >= MIN_RUN
    shares = np.where(enough, (ok & inside).sum(axis=1) / np.maximum(counts, 1), 0.0)
    # Side i runs from corner i to corner i+1: its ends are continued by walk 2i (corner i, away from
    # corner i-1) and walk 2(i+1)+1 (corner i+1, away from corner i+2).
    return float(max(min(shares[2 * i], shares[2 * ((i + 1) % 4) + 1]) for i in range(4)))
