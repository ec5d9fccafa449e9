"""What a QR symbol of each version looks like (ISO/IEC 18004:2015), for reading one module by module.

Sizes, function patterns (finders, separators, timing, alignment, format and version information,
the dark module), the data modules in placement order, the eight mask patterns, the blocks and how
they are interleaved, and the format and version information read back through their BCH codes (a
bit that could not be read left out of the distance). Used by :mod:`devices.qr.erasure`; zxing-cpp
has the same tables inside, out of reach from Python.
"""

from __future__ import annotations

import functools
from typing import Sequence

import numpy as np

# Per version (index 1-40) and level (L, M, Q, H): check codewords per block, blocks (ISO/IEC
# 18004:2015 table 9; the same as zxing-cpp's Version.cpp).
_ECC_PER_BLOCK = {
    "L": (0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30,
          26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "M": (0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28,
          28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28),
    "Q": (0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30,
          30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "H": (0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30,
          30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
}
_BLOCKS = {
    "L": (0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15,
          16, 17, 18, 19, 19, 20, 21, 22, 24, 25),
    "M": (0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25,
          26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49),
    "Q": (0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34,
          35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68),
    "H": (0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40,
          42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81),
}
_LEVEL_BITS = {"L": 1, "M": 0, "Q": 3, "H": 2}  # the format information's two level bits


def size_of(version: int) -> int:
    return 17 + 4 * version


def alignment_centres(version: int) -> list[int]:
    if version == 1:
        return []
    count = version // 7 + 2
    step = 26 if version == 32 else (version * 4 + count * 2 + 1) // (count * 2 - 2) * 2
    size = size_of(version)
    return [6] + [size - 7 - i * step for i in reversed(range(count - 1))]


@functools.lru_cache(maxsize=64)
def function_mask(version: int) -> np.ndarray:
    """True where a module is a function pattern (finders, separators, timing, alignment, format,
    version, the dark module): everything that is not data or check codewords."""
    n = size_of(version)
    mask = np.zeros((n, n), bool)
    mask[:9, :9] = mask[:9, n - 8:] = mask[n - 8:, :9] = True  # finders, separators, format
    mask[6, :] = mask[:, 6] = True
    centres = alignment_centres(version)
    for r in centres:
        for c in centres:
            if (r, c) in ((6, 6), (6, n - 7), (n - 7, 6)):
                continue
            mask[r - 2:r + 3, c - 2:c + 3] = True
    if version >= 7:
        mask[:6, n - 11:n - 8] = mask[n - 11:n - 8, :6] = True
    return mask


@functools.lru_cache(maxsize=64)
def known_modules(version: int) -> tuple[np.ndarray, np.ndarray]:
    """(dark, light) masks of the modules every symbol of this version has: finders, separators,
    timing, alignment patterns, the dark module."""
    n = size_of(version)
    dark = np.zeros((n, n), bool)
    light = np.zeros((n, n), bool)
    finder = np.ones((7, 7), bool)
    finder[1:6, 1:6] = False
    finder[2:5, 2:5] = True
    for r, c in ((0, 0), (0, n - 7), (n - 7, 0)):
        dark[r:r + 7, c:c + 7] = finder
        light[r:r + 7, c:c + 7] = ~finder
        r0, c0 = max(r - 1, 0), max(c - 1, 0)
        sep = np.zeros((n, n), bool)
        sep[r0:r0 + 9, c0:c0 + 9] = True
        sep[r:r + 7, c:c + 7] = False
        light |= sep & ~mask_format_version(version)
    for i in range(8, n - 8):
        (dark if i % 2 == 0 else light)[6, i] = True
        (dark if i % 2 == 0 else light)[i, 6] = True
    pattern = np.ones((5, 5), bool)
    pattern[1:4, 1:4] = False
    pattern[2, 2] = True
    centres = alignment_centres(version)
    for r in centres:
        for c in centres:
            if (r, c) in ((6, 6), (6, n - 7), (n - 7, 6)):
                continue
            dark[r - 2:r + 3, c - 2:c + 3] |= pattern
            light[r - 2:r + 3, c - 2:c + 3] |= ~pattern
    dark[n - 8, 8] = True
    return dark, light & ~dark


@functools.lru_cache(maxsize=64)
def mask_format_version(version: int) -> np.ndarray:
    n = size_of(version)
    mask = np.zeros((n, n), bool)
    for r, c in format_positions(n)[0] + format_positions(n)[1]:
        mask[r, c] = True
    mask[n - 8, 8] = True
    if version >= 7:
        mask[:6, n - 11:n - 8] = mask[n - 11:n - 8, :6] = True
    return mask


def format_positions(n: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(row, column) of format bit i (0 the least significant) in each of its two copies."""
    first = [(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)] + [(8, 14 - i) for i in range(9, 15)]
    second = [(8, n - 1 - i) for i in range(8)] + [(n - 15 + i, 8) for i in range(8, 15)]
    return first, second


@functools.lru_cache(maxsize=64)
def data_positions(version: int) -> np.ndarray:
    """(row, column) of each data bit in placement order: two-column strips from the bottom
    right, up and down in turn, the timing column skipped."""
    n = size_of(version)
    function = function_mask(version)
    order = []
    right = n - 1
    while right >= 1:
        if right == 6:
            right = 5
        upward = ((right + 1) & 2) == 0
        for vert in range(n):
            row = n - 1 - vert if upward else vert
            for col in (right, right - 1):
                if not function[row, col]:
                    order.append((row, col))
        right -= 2
    return np.array(order, np.int32)


@functools.lru_cache(maxsize=64)
def mask_pattern(mask: int, n: int) -> np.ndarray:
    row, col = np.indices((n, n))
    return {
        0: (row + col) % 2 == 0,
        1: row % 2 == 0,
        2: col % 3 == 0,
        3: (row + col) % 3 == 0,
        4: (row // 2 + col // 3) % 2 == 0,
        5: (row * col) % 2 + (row * col) % 3 == 0,
        6: ((row * col) % 2 + (row * col) % 3) % 2 == 0,
        7: ((row + col) % 2 + (row * col) % 3) % 2 == 0,
    }[mask]


def _bch_format(data: int) -> int:
    rem = data
    for _ in range(10):
        rem = (rem << 1) ^ ((rem >> 9) * 0x537)
    return ((data << 10) | rem) ^ 0x5412


def _bch_version(version: int) -> int:
    rem = version
    for _ in range(12):
        rem = (rem << 1) ^ ((rem >> 11) * 0x1F25)
    return (version << 12) | rem


_FORMATS = [(level, mask, _bch_format(bits << 3 | mask)) for level, bits in _LEVEL_BITS.items() for mask in range(8)]
_FORMAT_WORDS = [((level, mask), word) for level, mask, word in _FORMATS]
_VERSION_WORDS = [(version, _bch_version(version)) for version in range(7, 41)]


def block_layout(version: int, level: str) -> list[tuple[int, int]]:
    """(codewords, data codewords) of each block, in order."""
    blocks = _BLOCKS[level][version]
    ecc = _ECC_PER_BLOCK[level][version]
    total = len(data_positions(version)) // 8
    short = total // blocks
    long_count = total % blocks
    return [(short, short - ecc)] * (blocks - long_count) + [(short + 1, short + 1 - ecc)] * long_count


def block_indexes(layout: list[tuple[int, int]]) -> list[list[int]]:
    """Each block's codewords' indexes in the symbol's sequence: the data codewords taken a column
    at a time across the blocks (short blocks first, one shorter), then the check codewords."""
    count = len(layout)
    ecc = layout[0][0] - layout[0][1]
    order = [b for i in range(max(k for _, k in layout)) for b in range(count) if i < layout[b][1]]
    order += [b for _ in range(ecc) for b in range(count)]
    blocks: list[list[int]] = [[] for _ in layout]
    for index, b in enumerate(order):
        blocks[b].append(index)
    return blocks


def _nearest(read: Sequence[int | None], words: Sequence[tuple[object, int]], width: int, limit: int) -> object | None:
    """The word whose bits differ least from ``read`` (None: erased, left out); None unless it is
    within ``limit`` and nearer by more than 2 than any other, and most bits were read."""
    known = np.array([bit is not None for bit in read])
    if known.sum() < width - 4:
        return None
    bits = np.array([bit or 0 for bit in read])
    table = _word_bits(tuple(word for _, word in words), width)
    distances = ((table != bits[None, :]) & known[None, :]).sum(axis=1)
    order = np.argsort(distances, kind="stable")
    best = int(distances[order[0]])
    if best > limit or (len(order) > 1 and int(distances[order[1]]) <= best + 2):
        return None
    return words[int(order[0])][0]


@functools.lru_cache(maxsize=4)
def _word_bits(words: tuple[int, ...], width: int) -> np.ndarray:
    return np.array([[(word >> i) & 1 for i in range(width)] for word in words])


def _bits(modules: np.ndarray, erased: np.ndarray, positions: Sequence[tuple[int, int]]) -> list[int | None]:
    return [None if erased[r, c] else int(modules[r, c]) for r, c in positions]


def read_format(modules: np.ndarray, erased: np.ndarray) -> tuple[str, int] | None:
    """(level, mask) from the two copies of the format information, or None."""
    n = modules.shape[0]
    words = _FORMAT_WORDS
    for copy in format_positions(n):
        found = _nearest(_bits(modules, erased, copy), words, 15, 3)
        if found is not None:
            return found  # type: ignore[return-value]
    first, second = format_positions(n)
    both = [a if a is not None else b for a, b in zip(_bits(modules, erased, first), _bits(modules, erased, second))]
    return _nearest(both, words, 15, 3)  # type: ignore[return-value]


def version_agrees(modules: np.ndarray, erased: np.ndarray, version: int) -> bool:
    """Versions 7 and up: either copy of the version information names ``version``."""
    if version < 7:
        return True
    n = modules.shape[0]
    upper = [(i // 3, n - 11 + i % 3) for i in range(18)]
    lower = [(n - 11 + i % 3, i // 3) for i in range(18)]
    return any(_nearest(_bits(modules, erased, copy), _VERSION_WORDS, 18, 3) == version for copy in (upper, lower))
