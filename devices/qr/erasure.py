"""A QR code with a thumb over it, read by Reed-Solomon erasure decoding.

zxing-cpp corrects errors only: a block of n codewords with n-k check codewords survives
(n-k)/2 wrong codewords. A thumb, a sticker or a fold does not make modules wrong at random; it
makes them *unreadable*, neither dark nor light, and a decoder that knows where the unreadable
codewords are (erasures) corrects twice as many: ``2 * errors + erasures <= n - k`` per block
(ISO/IEC 18004 annex on error correction; the RS code is over GF(256) with polynomial 0x11d and
the generator's first root alpha^0).

The pass (:func:`read`): zxing-cpp's ``return_errors=True`` hands back the symbols it located but
could not decode, with their four corners. From those corners this module samples the module grid
(3 x 3 points in each module's centre, through a perspective transform), checks the version (version information, v7 and up)
and the format information (BCH(15,5), either copy, a bit under a thumb left out of the distance),
marks as erased each module that is neither dark nor light against the levels of the finder
patterns (a grey or skin-coloured blob), or that lies in a run of such grey, unmasks, reads the
codewords in the standard placement order, de-interleaves them into blocks and corrects each
block with its erasures (``reedsolo``). Then the segments (numeric, alphanumeric, byte, kanji,
GB2312 hanzi, ECI) become the payload's bytes, and :mod:`devices.qr.text` decides their text as
for any other code.

No wrong text: a result is accepted only if every block decodes with redundancy to spare
(``2 * errors + erasures <= n - k - SPARE``), the corrected codewords are a codeword, the segments
parse to the end and the padding after the terminator is the standard one; else nothing.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Iterable, Sequence

import cv2
import numpy as np

from devices.qr import text as qrtext

log = logging.getLogger(__name__)

SAMPLES = 3  # points a side sampled in each module
_OFFSETS = np.linspace(0.2, 0.6, SAMPLES, dtype=np.float32)  # as a warp to 5 px a module sampled them (centred: 1-2 fewer on dev)
SPARE = 2  # check codewords each block must have left after its errors and erasures
# A module whose level lies within GREY_BAND * contrast of the dark/light midpoint is erased.
GREY_BAND = 0.25
# ... and so is one in a 3x3 patch of like modules at least UNIFORM_OFF * contrast from both levels.
UNIFORM_OFF = 0.14
UNIFORM_SPREAD = 0.08
MIN_MODULE_PX = 2.0  # a candidate's modules must be at least this wide
MAX_CANDIDATES = 2  # located-but-unread symbols tried per frame (each ~1 ms when it fails)

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
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
# ECI assignment number to Python codec (AIM ECI; zxing-cpp's CharacterSet table).
_ECI_CODECS = {0: "cp437", 1: "iso-8859-1", 2: "cp437", 3: "iso-8859-1", **{n: f"iso-8859-{n - 2}" for n in range(4, 12)},
               **{n: f"iso-8859-{n - 2}" for n in range(13, 19)}, 20: "shift_jis", 21: "cp1250", 22: "cp1251",
               23: "cp1252", 24: "cp1256", 25: "utf-16-be", 26: "utf-8", 27: "ascii", 28: "big5", 29: "gb18030",
               30: "euc-kr", 32: "gb18030"}


@dataclass(frozen=True)
class ErasureRead:
    text: str
    raw: bytes  # the payload's bytes, ECI designators left out
    erasures: int  # codewords erased over all blocks
    errors: int  # codewords corrected that were not erased


class _Reject(Exception):
    """The symbol cannot be read with certainty."""


# -- the symbol's layout ------------------------------------------------------------------------

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
def _known_modules(version: int) -> tuple[np.ndarray, np.ndarray]:
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
    for r, c in _format_positions(n)[0] + _format_positions(n)[1]:
        mask[r, c] = True
    mask[n - 8, 8] = True
    if version >= 7:
        mask[:6, n - 11:n - 8] = mask[n - 11:n - 8, :6] = True
    return mask


def _format_positions(n: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
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
def _mask_pattern(mask: int, n: int) -> np.ndarray:
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


# -- sampling -----------------------------------------------------------------------------------

def _rectify(gray: np.ndarray, corners: np.ndarray, n: int) -> np.ndarray:
    """Each module's level: the mean of SAMPLES x SAMPLES points in it (at _OFFSETS of its width), the
    points mapped into the frame through the perspective transform from the grid to ``corners``
    (TL, TR, BR, BL of the symbol, quiet zone excluded). Only those points are sampled: warping the
    whole grid cost 4x as much."""
    square = np.array([[0, 0], [n, 0], [n, n], [0, n]], np.float32)
    transform = cv2.getPerspectiveTransform(square, corners.astype(np.float32))
    steps = (np.arange(n, dtype=np.float32)[:, None] + _OFFSETS[None, :]).ravel()
    u, v = np.meshgrid(steps, steps)
    points = cv2.perspectiveTransform(np.stack([u, v], axis=-1).reshape(-1, 1, 2), transform).reshape(len(steps), len(steps), 2)
    sampled = cv2.remap(gray, points[..., 0], points[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return sampled.reshape(n, SAMPLES, n, SAMPLES).astype(np.float32).mean(axis=(1, 3))


def _levels(means: np.ndarray, version: int) -> tuple[float, float]:
    dark, light = _known_modules(version)
    d = float(np.median(means[dark]))
    lt = float(np.median(means[light]))
    return d, lt


def _erasures(means: np.ndarray, dark: float, light: float, band: float) -> np.ndarray:
    contrast = light - dark
    mid = (dark + light) / 2
    grey = np.abs(means - mid) < band * contrast
    off = np.minimum(np.abs(means - dark), np.abs(means - light)) > UNIFORM_OFF * contrast
    # a 3x3 patch of modules within UNIFORM_SPREAD * contrast of each other: a blob, not a code
    high = cv2.dilate(means, np.ones((3, 3), np.uint8))
    low = cv2.erode(means, np.ones((3, 3), np.uint8))
    flat = (high - low) < UNIFORM_SPREAD * contrast
    blob = cv2.dilate((flat & off).astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & off
    return grey | blob


# -- format, version ----------------------------------------------------------------------------

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
    for copy in _format_positions(n):
        found = _nearest(_bits(modules, erased, copy), words, 15, 3)
        if found is not None:
            return found  # type: ignore[return-value]
    first, second = _format_positions(n)
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


# -- codewords and Reed-Solomon -----------------------------------------------------------------

def _gf_tables() -> tuple[np.ndarray, np.ndarray]:
    exp = np.zeros(512, np.int32)
    log_ = np.zeros(256, np.int32)
    x = 1
    for i in range(255):
        exp[i] = x
        log_[x] = i
        x <<= 1
        if x & 0x100:
            x ^= 0x11D
    exp[255:510] = exp[:255]
    return exp, log_


_EXP, _LOG = _gf_tables()
_EXP_LIST, _LOG_LIST = _EXP.tolist(), _LOG.tolist()


def syndromes(block: bytes, nsym: int) -> list[int]:
    """S_j = block(alpha^j), j < nsym (the block's first codeword the highest power): all zero for
    a codeword. numpy, as reedsolo's own loop costs ~1 ms a block."""
    c = np.frombuffer(bytes(block), np.uint8).astype(np.int32)
    powers = np.arange(len(c) - 1, -1, -1, dtype=np.int32)
    nonzero = c != 0
    terms = _EXP[(_LOG[c][None, :] + (np.arange(nsym, dtype=np.int32)[:, None] * powers[None, :]) % 255) % 255]
    return np.bitwise_xor.reduce(terms * nonzero[None, :], axis=1).tolist()


def _gf_mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.where((a == 0) | (b == 0), 0, _EXP[(_LOG[a] + _LOG[b]) % 255])


def _erasure_values(synd: list[int], erased: list[int], n: int) -> list[int]:
    """Forney's formula for erasures alone (fcr 0): with X_k = alpha^(n-1-position), the locator
    L(x) = prod(1 + X_k x) and the evaluator W(x) = S(x) L(x) mod x^nsym, the value to add at
    position k is W(1/X_k) / prod_{i != k}(1 + X_i / X_k). Vectorised: reedsolo's loop costs
    ~0.7 ms a block of 20 erasures, this ~0.1."""
    nsym = len(synd)
    xlog = (n - 1 - np.asarray(erased, np.int32)) % 255
    exp, log_ = _EXP_LIST, _LOG_LIST
    coefficients = [1]
    for x in xlog.tolist():  # times (1 + X x): a short loop, cheaper in plain ints than in numpy
        shifted = [0] + [exp[log_[c] + x] if c else 0 for c in coefficients]
        coefficients = [a ^ b for a, b in zip(coefficients + [0], shifted)]
    locator = np.array(coefficients, np.int32)
    s = np.asarray(synd, np.int32)
    products = _gf_mul(locator[:, None], s[None, :])  # [i, j]: L_i S_j, for x^(i+j)
    degree = np.add.outer(np.arange(len(locator)), np.arange(nsym))
    evaluator = np.zeros(nsym, np.int32)
    keep = degree < nsym
    np.bitwise_xor.at(evaluator, degree[keep], products[keep])
    inverse = (255 - xlog) % 255  # log of 1/X_k
    terms = np.where(evaluator[None, :] == 0, 0,
                     _EXP[(_LOG[evaluator][None, :] + np.outer(inverse, np.arange(nsym))) % 255])
    numerators = np.bitwise_xor.reduce(terms, axis=1)
    ratios = 1 ^ _EXP[(xlog[None, :] + inverse[:, None]) % 255]  # [k, i]: 1 + X_i / X_k
    np.fill_diagonal(ratios, 1)
    denominators = _EXP[_LOG[ratios].sum(axis=1) % 255]
    return np.where(numerators == 0, 0, _EXP[(_LOG[numerators] - _LOG[denominators]) % 255]).tolist()


@functools.lru_cache(maxsize=1)
def _reedsolo():
    import reedsolo

    reedsolo.init_tables(prim=0x11D, generator=2, c_exp=8)  # QR's field (reedsolo's default too)
    return reedsolo


def rs_correct(received: bytes, nsym: int, erased: list[int], max_errors: int | None = None) -> bytes:
    """The codeword nearest ``received`` given its erased positions, with at most ``max_errors``
    errors besides them (default: all that ``nsym`` allows); reedsolo's algebra (Forney syndromes,
    Berlekamp-Massey, Chien search, Forney's formula) with the syndromes in numpy. Raises _Reject
    if there is none within reach."""
    if max_errors is None:
        max_errors = (nsym - len(erased)) // 2
    reedsolo = _reedsolo()
    msg = bytearray(received)
    for position in erased:
        msg[position] = 0
    synd = [0] + syndromes(msg, nsym)
    if max(synd) == 0:
        return bytes(msg)
    if erased:  # most blocks under a thumb have no errors besides their erasures: try that first
        guess = bytearray(msg)
        for position, value in zip(erased, _erasure_values(synd[1:], erased, len(msg))):
            guess[position] ^= value
        if not any(syndromes(guess, nsym)):
            return bytes(guess)
    if max_errors <= 0:  # errors too, and no room for them: reedsolo's slow path could only refuse
        raise _Reject("errors besides the erasures")
    try:
        fsynd = reedsolo.rs_forney_syndromes(synd, erased, len(msg), 2)
        locator = reedsolo.rs_find_error_locator(fsynd, nsym, erase_count=len(erased))
        if len(locator) - 1 > max_errors:
            raise _Reject(f"{len(locator) - 1} errors")
        errors = reedsolo.rs_find_errors(locator[::-1], len(msg), 2)
        if errors is None:
            raise _Reject("errors not located")
        msg = reedsolo.rs_correct_errata(msg, synd, list(erased) + list(errors), 0, 2)
    except reedsolo.ReedSolomonError as exc:
        raise _Reject(str(exc)) from None
    if any(syndromes(msg, nsym)):
        raise _Reject("not a codeword after correction")
    return bytes(msg)


def _codewords(modules: np.ndarray, doubt: np.ndarray, version: int, mask: int) -> tuple[np.ndarray, np.ndarray]:
    """The codewords in placement order (unmasked) and each one's doubt: the sum of its modules'."""
    positions = data_positions(version)
    count = len(positions) // 8
    rows, cols = positions[:count * 8, 0], positions[:count * 8, 1]
    bits = modules[rows, cols] ^ _mask_pattern(mask, modules.shape[0])[rows, cols]
    words = np.packbits(bits.astype(np.uint8))
    return words, doubt[rows, cols].reshape(count, 8).sum(axis=1)


def _interleaving(layout: list[tuple[int, int]]) -> list[list[int]]:
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


def correct(words: np.ndarray, doubt: np.ndarray, version: int, level: str) -> tuple[bytes, int, int]:
    """The data codewords, de-interleaved and corrected block by block; (data, erasures, errors).

    A block's codewords with doubt (a module under a blob) are erased, the most doubtful first, at
    most ``n - k - SPARE`` of them; the rest are trusted (a codeword the blob's edge grazes is often
    right; erasing two fewer to leave room for one error read nothing more on the dev seeds, and
    reedsolo's error search is the slow part). A block with far more doubtful
    codewords than it can erase is not tried (more than cap/6 + 1 over: the most a block read on
    the dev seeds had was 4 over 24); the worst
    block goes first, so a hopeless symbol costs one block. Raises _Reject when a block cannot be
    corrected with SPARE check codewords left over."""
    layout = block_layout(version, level)
    ecc = layout[0][0] - layout[0][1]
    cap = ecc - SPARE
    blocks = _interleaving(layout)
    ranked = []
    for indexes in blocks:
        scores = doubt[indexes]
        ranked.append([int(j) for j in np.argsort(-scores, kind="stable") if scores[j] > 0])
    fixed: dict[int, bytes] = {}
    erasures = errors = 0
    for b in sorted(range(len(blocks)), key=lambda b: -len(ranked[b])):
        doubtful = ranked[b]
        if len(doubtful) - cap > cap // 6 + 1:
            raise _Reject(f"block {b}: {len(doubtful)} doubtful codewords, {ecc} check codewords")
        received = bytes(int(words[i]) for i in blocks[b])
        erased = doubtful[:cap]
        try:
            candidate = rs_correct(received, ecc, erased, max_errors=(cap - len(erased)) // 2)
        except _Reject as why:
            raise _Reject(f"block {b}: {len(doubtful)} doubtful codewords, {ecc} check codewords: {why}") from None
        gone = set(erased)
        wrong = sum(1 for j in range(len(received)) if j not in gone and candidate[j] != received[j])
        if 2 * wrong + len(erased) > cap:
            raise _Reject(f"block {b}: {wrong} errors and {len(erased)} erasures, {ecc} check codewords")
        fixed[b] = candidate
        erasures += len(erased)
        errors += wrong
    data = b"".join(fixed[b][:k] for b, (_, k) in enumerate(layout))
    return data, erasures, errors


# -- segments -----------------------------------------------------------------------------------

class _Bits:
    def __init__(self, data: bytes) -> None:
        self.value = int.from_bytes(data, "big")
        self.size = len(data) * 8
        self.pos = 0

    def left(self) -> int:
        return self.size - self.pos

    def take(self, count: int) -> int:
        if count > self.left():
            raise _Reject("segment runs past the data")
        self.pos += count
        return (self.value >> (self.size - self.pos)) & ((1 << count) - 1)


def _count_bits(mode: int, version: int) -> int:
    band = 0 if version <= 9 else 1 if version <= 26 else 2
    return {1: (10, 12, 14), 2: (9, 11, 13), 4: (8, 16, 16), 8: (8, 10, 12), 13: (8, 10, 12)}[mode][band]


def parse_segments(data: bytes, version: int) -> tuple[bytes, str | None]:
    """The payload's bytes (ECI designators left out) and its text when an ECI named the
    character sets; raises _Reject on anything a standard encoder does not write."""
    bits = _Bits(data)
    raw = bytearray()
    pieces: list[tuple[bytes, str | None]] = []  # bytes and the codec in force
    codec: str | None = None
    eci_seen = False
    while bits.left() >= 4:
        mode = bits.take(4)
        if mode == 0:
            break
        if mode == 7:  # ECI
            first = bits.take(8)
            if first & 0x80 == 0:
                number = first
            elif first & 0xC0 == 0x80:
                number = (first & 0x3F) << 8 | bits.take(8)
            elif first & 0xE0 == 0xC0:
                number = (first & 0x1F) << 16 | bits.take(16)
            else:
                raise _Reject("bad ECI designator")
            codec = _ECI_CODECS.get(number)
            eci_seen = True
            continue
        if mode == 3:  # structured append: symbol sequence and parity
            bits.take(16)
            continue
        if mode == 5:  # FNC1 in first position
            continue
        if mode == 9:  # FNC1 in second position: the application indicator
            bits.take(8)
            continue
        if mode not in (1, 2, 4, 8, 13):
            raise _Reject(f"mode {mode}")
        if mode == 13 and bits.take(4) != 1:  # GB/T 18284 hanzi: only the GB2312 subset
            raise _Reject("hanzi subset")
        count = bits.take(_count_bits(mode, version))
        piece = _segment(bits, mode, count)
        raw += piece
        pieces.append((piece, "ascii" if mode in (1, 2) else "shift_jis" if mode == 8 else
                       "gb2312" if mode == 13 else codec))
    _check_padding(data, bits)
    if not eci_seen:
        return bytes(raw), None
    parts = []
    for piece, name in pieces:
        if name is None:
            parts.append(qrtext.decode_bytes(piece))
            continue
        try:
            parts.append(piece.decode(name))
        except (UnicodeDecodeError, LookupError):
            raise _Reject("segment not in its ECI's character set") from None
    return bytes(raw), "".join(parts)


def _segment(bits: _Bits, mode: int, count: int) -> bytes:
    out = bytearray()
    if mode == 1:
        while count >= 3:
            value = bits.take(10)
            if value > 999:
                raise _Reject("numeric group")
            out += b"%03d" % value
            count -= 3
        if count:
            value = bits.take(7 if count == 2 else 4)
            if value >= 10 ** count:
                raise _Reject("numeric group")
            out += b"%0*d" % (count, value)
    elif mode == 2:
        while count >= 2:
            value = bits.take(11)
            if value >= 45 * 45:
                raise _Reject("alphanumeric pair")
            out += (_ALNUM[value // 45] + _ALNUM[value % 45]).encode()
            count -= 2
        if count:
            value = bits.take(6)
            if value >= 45:
                raise _Reject("alphanumeric character")
            out += _ALNUM[value].encode()
    elif mode == 4:
        for _ in range(count):
            out.append(bits.take(8))
    else:  # kanji (Shift_JIS) or hanzi (GB2312): 13 bits a character
        for _ in range(count):
            value = bits.take(13)
            if mode == 8:
                word = (value // 0xC0) << 8 | value % 0xC0
                word += 0x8140 if word < 0x1F00 else 0xC140
            else:
                word = (value // 0x60) << 8 | value % 0x60
                word += 0xA1A1 if word < 0x0A00 else 0xA6A1
            out += word.to_bytes(2, "big")
    return bytes(out)


def _check_padding(data: bytes, bits: _Bits) -> None:
    """After the terminator: zero bits to the byte, then 0xEC 0x11 in turn to the end (segno 1.6
    writes a whole zero byte when the terminator ends on a byte: one is allowed)."""
    rest = bits.left() % 8
    if rest and bits.take(rest) != 0:
        raise _Reject("padding bits")
    start = bits.pos // 8
    if data[start:start + 1] == b"\0":
        start += 1
    for i, byte in enumerate(data[start:]):
        if byte != (0xEC, 0x11)[i % 2]:
            raise _Reject("pad codewords")


# -- the pass -----------------------------------------------------------------------------------

def read_symbol(gray: np.ndarray, corners: np.ndarray, version: int) -> ErasureRead | None:
    """The symbol of ``version`` whose corners (TL, TR, BR, BL) are given, read with erasures."""
    if not 1 <= version <= 40:
        return None
    n = size_of(version)
    means = _rectify(gray, corners, n)
    dark, light = _levels(means, version)
    inverted = dark > light  # dark mode: light modules on a dark screen
    if abs(light - dark) < 20:
        return None
    modules = (means < (dark + light) / 2) ^ inverted
    known_dark, known_light = _known_modules(version)
    agree = (modules[known_dark].sum() + (~modules[known_light]).sum()) / (known_dark.sum() + known_light.sum())
    if agree < 0.85:  # the grid is not where the corners say
        return None
    lo, hi = min(dark, light), max(dark, light)
    erased = _erasures(means, lo, hi, GREY_BAND)
    # a module's doubt: 1 under a blob, plus how near the midpoint it is (0 at a level, 1 there)
    closeness = 1 - np.clip(np.abs(means - (lo + hi) / 2) / ((hi - lo) / 2), 0, 1)
    doubt = np.where(erased, 1 + closeness, 0.0)
    try:
        return _read(modules, erased, doubt, version)
    except _Reject as why:
        log.debug("erasure read of a v%d symbol: %s", version, why)
    return None


def _read(modules: np.ndarray, erased: np.ndarray, doubt: np.ndarray, version: int) -> ErasureRead:
    if not version_agrees(modules, erased, version):
        raise _Reject("version information")
    found = read_format(modules, erased)
    if found is None:
        raise _Reject("format information")
    level, mask = found
    words, scores = _codewords(modules, doubt, version, mask)
    data, erasures, errors = correct(words, scores, version, level)
    raw, eci_text = parse_segments(data, version)
    # no ECI: the text layer weighs the standard's ISO 8859-1 against UTF-8 and the CJK sets, as it
    # does for zxing-cpp's reads of such codes
    text = eci_text if eci_text is not None else qrtext.reconcile(raw, raw.decode("iso-8859-1"))
    return ErasureRead(text, raw, erasures, errors)


def candidates(barcodes: Iterable[object]) -> list[tuple[np.ndarray, int]]:
    """(corners, version) of zxing-cpp's located-but-unread QR codes (model 2; not Micro QR or
    rMQR), largest first, without near-duplicates."""
    found: list[tuple[float, np.ndarray, int]] = []
    for barcode in barcodes:
        if getattr(barcode, "valid", True):
            continue
        extra = getattr(barcode, "extra", None) or {}
        version = str(extra.get("Version", ""))
        if not version.isdigit():
            continue
        p = barcode.position  # type: ignore[attr-defined]
        corners = np.array([[p.top_left.x, p.top_left.y], [p.top_right.x, p.top_right.y],
                            [p.bottom_right.x, p.bottom_right.y], [p.bottom_left.x, p.bottom_left.y]], np.float32)
        area = abs(float(cv2.contourArea(corners)))
        if area < (MIN_MODULE_PX * size_of(int(version))) ** 2 or int(version) > 40:
            continue  # modules too small to tell grey from dark or light (or a version that is not)
        side = np.sqrt(area)
        if any(int(version) == v and np.abs(corners - c).max() < 0.05 * side for _, c, v in found):
            continue  # the same symbol found twice (zxing-cpp tries several ways)
        found.append((area, corners, int(version)))
    found.sort(key=lambda item: -item[0])
    return [(corners, version) for _, corners, version in found[:MAX_CANDIDATES]]


def read(gray: np.ndarray, barcodes: Iterable[object]) -> list[tuple[ErasureRead, np.ndarray]]:
    """Erasure reads of zxing-cpp's failed symbols (``return_errors=True``) on ``gray``, with
    their corners; [] when none reads with certainty."""
    out = []
    for corners, version in candidates(barcodes):
        try:
            result = read_symbol(gray, corners, version)
        except (ValueError, cv2.error):  # a degenerate quadrilateral
            log.debug("erasure read failed on corners %s", corners.tolist(), exc_info=True)
            continue
        if result is not None and all(result.raw != r.raw for r, _ in out):
            out.append((result, corners))
    return out
