"""``kiosk bench qr-ceiling``: what codes2's frames hold, whatever the decoder: the ceiling of the frame rate.

Each frame of a codes2 corpus is drawn again (:mod:`entry.bench.scenes2.code_geometry`: the same
``render``, the same seed, the generator's own module matrix, thumb, smear and blur; no decoder is
run) and judged by criteria fixed before any decoder's result was looked at:

**Lost modules (a physical bound, any decoder).** A module is *lost* when all of 3 x 3 points
spread over its middle (at -1/3, 0, 1/3 of its pitch) are under a finger (coverage >= 0.5: skin or
nail, not the finger's shadow) or outside the frame, or when its pitch in the frame is below one
pixel along a row or a column of the code (the alternating pattern of such modules is finer than
the sensor's sampling: the sampling theorem's limit), or when the sensor clipped it to the other
colour's level (a module drawn dark whose every point reads 250 or more in the grey frame, under a
glare or on an over-exposed screen; one drawn light whose every point reads 3 or less). Counting
only these leaves out modules merely washed out, so the count of frames lost is a lower bound. A Reed-Solomon block of n codewords, k of them
data, is a binary linear code of 8k information bits in 8n; with more than 8(n - k) of its bits
lost, the bits left are fewer than the information and several payloads fit them: **no decoder can
read the frame**. With more than n - k codewords touched by a lost module, an erasure decoder
(ours: devices/qr/erasure.py) cannot either; that is reported beside it.

**A reading with the grid known (an ideal sampler, no deblurring).** Each module's level is the
mean of the grey frame (the JPEG the corpus holds, encoded again at the corpus's quality) at 3 x 3
points at -1/4, 0, 1/4 of its pitch around its centre (for a moving hand, the centre averaged over
the exposure), compared with an ideal local threshold: halfway between the mean level of the
modules truly dark and truly light within 3 modules (a 7 x 7 window; the truth told where they
are). Lost modules are erasures; a codeword with a wrong bit is an error; a frame is read when
every block has 2 errors + erasures <= n - k. This is what a decoder reaches that finds the grid
perfectly and binarises it as well as a threshold can; it is not a bound on a decoder that undoes
blur (a smear or a disc spreads a module over its neighbours; knowing the spread, a deconvolution
can get some of it back). For that, the smear and the disc are reported in modules.

The format information is assumed read (it has two copies and a decoder may try all 32 formats).
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

THRESHOLD_REACH = 3  # modules each side in the ideal local threshold's window
COVERED = 0.5        # a finger's coverage at which a point counts as hidden
CLIP_HIGH, CLIP_LOW = 250.0, 3.0  # grey levels at which the frame no longer tells dark from light


@dataclass
class FrameCeiling:
    name: str
    kind: str
    lost_bits_over: bool       # some block lost more bits than it has check bits: no decoder reads it
    lost_words_over: bool      # some block lost more codewords than n - k: no erasure decoder reads it
    lost_modules: int
    grid_read: bool            # the ideal sampler with the grid known reads it
    worst_block: str           # "errors+erasures/n-k" of the worst block for the ideal sampler
    pitch_px: float            # the median module pitch in the frame
    min_pitch_px: float
    smear_modules: tuple[float, float]  # least and most any module moved during the exposure, in modules
    spin_deg: float
    defocus_modules: float     # the disc's radius in modules
    hidden_fraction: float     # lost modules over all modules


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--generator", type=int, choices=(2,), default=2, help="the scene generator (2: codes2)")
    parser.add_argument("--seed", type=int, required=True, help="the corpus seed (as given to kiosk bench qr --make-corpus)")
    parser.add_argument("--count", type=int, default=240, help="presentations (as for --make-corpus; default 240)")
    parser.add_argument("--kinds", default="", help="only these kinds, comma-separated (default all)")
    parser.add_argument("--misses", type=Path, default=None,
                        help="a kiosk bench qr --list-misses output for the same corpus: adds what that run read")
    parser.add_argument("--list", action="store_true", help="a line per frame")
    parser.add_argument("--write-corpus", type=Path, default=None, metavar="DIR",
                        help="also write the corpus (make_corpus's files and manifest, as kiosk bench qr --make-corpus "
                             "--generator 2 writes them) while drawing it once")


def _sample(gray: np.ndarray, centres: np.ndarray, spread: float) -> np.ndarray:
    """(n, n) each module's mean level at 3 x 3 points +-spread of its local pitch around its centre."""
    import cv2

    right = np.gradient(centres, axis=1)
    down = np.gradient(centres, axis=0)
    levels = np.zeros(centres.shape[:2], np.float64)
    for dy in (-spread, 0.0, spread):
        for dx in (-spread, 0.0, spread):
            p = (centres + dx * right + dy * down).astype(np.float32)
            levels += cv2.remap(gray, p[..., 0], p[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return levels / 9


def _box_mean(values: np.ndarray, weights: np.ndarray, reach: int) -> np.ndarray:
    import cv2

    k = 2 * reach + 1
    total = cv2.boxFilter(values * weights, -1, (k, k), normalize=False, borderType=cv2.BORDER_CONSTANT)
    count = cv2.boxFilter(weights, -1, (k, k), normalize=False, borderType=cv2.BORDER_CONSTANT)
    return total / np.maximum(count, 1e-9), count


def clipped(gray: np.ndarray, centres: np.ndarray, dark: np.ndarray) -> np.ndarray:
    """(n, n) bool: modules the sensor clipped to the other colour's level: a module drawn dark whose
    every point (3 x 3 at +-1/3 pitch) is at least CLIP_HIGH (a glare or an over-exposed screen), or
    one drawn light whose every point is at most CLIP_LOW."""
    import cv2

    right, down = np.gradient(centres, axis=1), np.gradient(centres, axis=0)
    low, high = np.full(dark.shape, np.inf), np.full(dark.shape, -np.inf)
    for dy in (-1 / 3, 0.0, 1 / 3):
        for dx in (-1 / 3, 0.0, 1 / 3):
            p = (centres + dx * right + dy * down).astype(np.float32)
            v = cv2.remap(gray, p[..., 0], p[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            low, high = np.minimum(low, v), np.maximum(high, v)
    levels = _sample(gray, centres, 0.25)
    drawn_dark = dark if levels[dark].mean() <= levels[~dark].mean() else ~dark
    return (drawn_dark & (low >= CLIP_HIGH)) | (~drawn_dark & (high <= CLIP_LOW))


def grid_reading(gray: np.ndarray, centres: np.ndarray, dark: np.ndarray, lost: np.ndarray) -> np.ndarray:
    """(n, n) bool: the modules the ideal local threshold reads wrong (lost ones excluded)."""
    seen = ~lost
    if not (dark & seen).any() or not (~dark & seen).any():
        return np.zeros_like(seen)  # nothing of one colour left to read: every module is lost, none read wrong
    levels = _sample(gray, centres, 0.25)
    if levels[dark & seen].mean() > levels[~dark & seen].mean():
        levels = -levels  # light modules on a dark screen
    d = (dark & seen).astype(np.float64)
    li = (~dark & seen).astype(np.float64)
    dark_mean, dark_count = _box_mean(levels, d, THRESHOLD_REACH)
    light_mean, light_count = _box_mean(levels, li, THRESHOLD_REACH)
    global_dark, global_light = levels[dark & seen].mean(), levels[~dark & seen].mean()
    dark_mean = np.where(dark_count > 0, dark_mean, global_dark)
    light_mean = np.where(light_count > 0, light_mean, global_light)
    read_dark = levels < (dark_mean + light_mean) / 2
    return (read_dark != dark) & seen


def _blocks(version: int, level: str) -> tuple[list[tuple[int, int]], list[list[int]], np.ndarray]:
    from devices.qr.symbol import block_indexes, block_layout, data_positions

    layout = block_layout(version, level)
    positions = data_positions(version)
    count = len(positions) // 8
    return layout, block_indexes(layout), positions[:count * 8].reshape(count, 8, 2)


def judge(drawn, gray: np.ndarray, name: str) -> FrameCeiling:
    """The criteria of the module docstring on one drawn frame."""
    n = drawn.matrix.shape[0]
    version = (n - 17) // 4
    centres = drawn.mean_centres
    along_row = np.linalg.norm(np.diff(centres, axis=1), axis=-1)   # (n, n-1)
    along_col = np.linalg.norm(np.diff(centres, axis=0), axis=-1)   # (n-1, n)
    pitch_row = np.minimum(np.pad(along_row, ((0, 0), (0, 1)), mode="edge"), np.pad(along_row, ((0, 0), (1, 0)), mode="edge"))
    pitch_col = np.minimum(np.pad(along_col, ((0, 1), (0, 0)), mode="edge"), np.pad(along_col, ((1, 0), (0, 0)), mode="edge"))
    pitch = float(np.median(np.r_[along_row.ravel(), along_col.ravel()]))
    under_sampled = np.minimum(pitch_row, pitch_col) < 1.0
    hidden = ((drawn.cover >= COVERED) | ~drawn.inside).all(axis=-1)
    dark = drawn.matrix.astype(bool)
    lost = hidden | under_sampled | clipped(gray, centres, dark)
    wrong = grid_reading(gray, centres, dark, lost)
    layout, blocks, words = _blocks(version, drawn.level)
    word_lost = lost[words[..., 0], words[..., 1]]      # (codewords, 8)
    word_wrong = wrong[words[..., 0], words[..., 1]].any(axis=1)
    bits_over = words_over = False
    read = True
    worst, worst_load = "", -1.0
    for (size, data), indexes in zip(layout, blocks):
        check = size - data
        bits = int(word_lost[indexes].sum())
        erased = int(word_lost[indexes].any(axis=1).sum())
        errors = int((word_wrong[indexes] & ~word_lost[indexes].any(axis=1)).sum())
        bits_over |= bits > 8 * check
        words_over |= erased > check
        read &= 2 * errors + erased <= check
        if (2 * errors + erased) / check > worst_load:
            worst_load, worst = (2 * errors + erased) / check, f"{errors}e+{erased}x/{check}"
    path = np.linalg.norm(np.diff(drawn.centres, axis=0), axis=-1).sum(axis=0) if len(drawn.centres) > 1 else np.zeros((n, n))
    first, last = drawn.centres[0], drawn.centres[-1]
    angle = lambda c: np.degrees(np.arctan2(*(c[n // 2, -1] - c[n // 2, 0])[::-1]))  # noqa: E731
    spin = float((angle(last) - angle(first) + 180) % 360 - 180)
    return FrameCeiling(name, drawn.kind, bits_over, words_over, int(lost.sum()), bool(read and not bits_over), worst,
                        pitch, float(np.minimum(pitch_row, pitch_col).min()),
                        (float(path.min() / pitch), float(path.max() / pitch)), spin,
                        drawn.defocus_px / pitch, float(lost.mean()))


def frame_name(index: int, kind: str, step: int) -> str:
    """The file name make_corpus gives the frame."""
    from entry.bench.scenes2 import codes

    steps = codes.FRAMES_PER_MOTION if kind == "motion" else 1
    return f"c2-{index:04d}-{kind}" + (f"-{step}" if steps > 1 else "") + ".jpg"


def jpeg_quality(seed: int, index: int, step: int) -> int:
    """The JPEG quality make_corpus writes the frame at."""
    return int(np.random.default_rng([seed, index, step, 0x1BE6]).integers(45, 96))


def frames(count: int, kinds: set[str]):
    """(index, kind, step) of each frame of a corpus of ``count`` presentations, in make_corpus's order."""
    from entry.bench.scenes2 import codes

    for i in range(count):
        kind = codes.KINDS[i % len(codes.KINDS)]
        if kinds and kind not in kinds:
            continue
        for step in range(codes.FRAMES_PER_MOTION if kind == "motion" else 1):
            yield i, kind, step


def read_misses(path: Path) -> set[str]:
    """The frames a kiosk bench qr --list-misses run names as missed or misread by ours."""
    missed = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*(c2-\S+\.jpg): (\d+)/(\d+) decoded, (\d+) wrong", line)
        if m and (m.group(2) != m.group(3) or m.group(4) != "0"):
            missed.add(m.group(1))
    return missed


def run(args: argparse.Namespace) -> int:
    import cv2

    from entry.bench.scenes2 import code_geometry, codes, optics

    cv2.setNumThreads(1)
    kinds = {k for k in args.kinds.split(",") if k}
    if kinds and args.write_corpus:
        print("kiosk bench qr-ceiling: --write-corpus draws every kind; leave out --kinds")
        return 2
    print(f"generator {codes.version()}, seed {args.seed}, {args.count} presentations"
          + (f", kinds {sorted(kinds)}" if kinds else "") + (f"; writing the corpus to {args.write_corpus}" if args.write_corpus else ""),
          flush=True)
    missed = read_misses(args.misses) if args.misses else None
    results: list[FrameCeiling] = []

    def seen(drawn: code_geometry.DrawnCode, index: int, step: int) -> None:
        name = frame_name(index, drawn.kind, step)
        jpeg = np.frombuffer(optics.encode_jpeg(drawn.frame, jpeg_quality(args.seed, index, step)), np.uint8)
        gray = cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE).astype(np.float32)
        result = judge(drawn, gray, name)
        results.append(result)
        if args.list:
            ours = "" if missed is None else (" ours: missed" if name in missed else " ours: read")
            print(f"{name:28s} pitch {result.pitch_px:4.2f} (min {result.min_pitch_px:4.2f}) px  "
                  f"smear {result.smear_modules[0]:4.1f}-{result.smear_modules[1]:4.1f} mod  spin {result.spin_deg:+4.1f}  "
                  f"disc {result.defocus_modules:4.2f} mod  lost {result.hidden_fraction:5.1%}  "
                  f"{'BEYOND(bits) ' if result.lost_bits_over else ''}{'beyond(erasures) ' if result.lost_words_over else ''}"
                  f"grid {'read' if result.grid_read else 'no'} {result.worst_block}{ours}", flush=True)

    if args.write_corpus:
        with code_geometry.drawing_corpus(seen):
            print(f"wrote {codes.make_corpus(args.write_corpus, args.count, args.seed)}", flush=True)
    else:
        for index, kind, step in frames(args.count, kinds):
            seen(code_geometry.redraw(args.seed, index, kind, step), index, step)
    for line in summary(results, missed):
        print(line)
    return 0


def summary(results: list[FrameCeiling], missed: set[str] | None) -> list[str]:
    by_kind: dict[str, list[FrameCeiling]] = defaultdict(list)
    for r in results:
        by_kind[r.kind].append(r)
    head = (f"{'kind':14s} {'frames':>6s} {'no decoder':>10s} {'no erasure':>10s} {'grid read':>9s}"
            + ("" if missed is None else f" {'ours':>5s} {'grid, not ours':>14s} {'ours, not grid':>14s}"))
    lines = ["", "per kind: frames no decoder can read (bits lost), beyond an erasure decoder, read by the ideal sampler",
             head]
    totals = np.zeros(7, int)
    for kind in sorted(by_kind):
        rs = by_kind[kind]
        row = [len(rs), sum(r.lost_bits_over for r in rs), sum(r.lost_words_over for r in rs), sum(r.grid_read for r in rs)]
        extra = ""
        if missed is not None:
            ours = [r.name not in missed for r in rs]
            row += [sum(ours), sum(r.grid_read and not o for r, o in zip(rs, ours)),
                    sum(o and not r.grid_read for r, o in zip(rs, ours))]
            extra = f" {row[4]:5d} {row[5]:14d} {row[6]:14d}"
        totals[:len(row)] += row
        lines.append(f"{kind:14s} {row[0]:6d} {row[1]:10d} {row[2]:10d} {row[3]:9d}" + extra)
    extra = "" if missed is None else f" {totals[4]:5d} {totals[5]:14d} {totals[6]:14d}"
    lines.append(f"{'all':14s} {totals[0]:6d} {totals[1]:10d} {totals[2]:10d} {totals[3]:9d}" + extra)
    n = max(totals[0], 1)
    lines.append(f"ceiling (frames not lost by bits): {totals[0] - totals[1]} of {totals[0]} ({(totals[0] - totals[1]) / n:.1%}); "
                 f"beyond an erasure decoder: {totals[2]}; ideal sampler with the grid known: {totals[3]} ({totals[3] / n:.1%})")
    for kind, label in (("motion", "smear, most any module moved (modules)"), ("defocus", "disc radius (modules)"),
                        ("small", "median pitch (px)"), ("occlusion", "modules lost (fraction)")):
        rs = by_kind.get(kind)
        if not rs:
            continue
        values = {"motion": [r.smear_modules[1] for r in rs], "defocus": [r.defocus_modules for r in rs],
                  "small": [r.pitch_px for r in rs], "occlusion": [r.hidden_fraction for r in rs]}[kind]
        q = np.percentile(values, [0, 25, 50, 75, 100])
        lines.append(f"{kind}: {label}: min {q[0]:.2f}, quartiles {q[1]:.2f} / {q[2]:.2f} / {q[3]:.2f}, max {q[4]:.2f}")
    return lines
