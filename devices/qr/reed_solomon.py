"""Reed-Solomon over QR's field, GF(256) with polynomial 0x11d and first root alpha^0, with erasures.

A block of n codewords with n-k check codewords is corrected when 2 * errors + erasures <= n - k:
told where the unreadable codewords are, it corrects twice as many as by errors alone. The
syndromes and the erasures' values (Forney's formula) are computed in numpy here; the error search
(Forney syndromes, Berlekamp-Massey, Chien search) is ``reedsolo``'s, whose own loops cost about
1 ms a block in Python.
"""

from __future__ import annotations

import functools

import numpy as np


class Uncorrectable(Exception):
    """No codeword within reach of the block, its erasures and the errors allowed."""


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
    Berlekamp-Massey, Chien search, Forney's formula) with the syndromes in numpy. Raises
    :class:`Uncorrectable` if there is none within reach."""
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
        raise Uncorrectable("errors besides the erasures")
    try:
        fsynd = reedsolo.rs_forney_syndromes(synd, erased, len(msg), 2)
        locator = reedsolo.rs_find_error_locator(fsynd, nsym, erase_count=len(erased))
        if len(locator) - 1 > max_errors:
            raise Uncorrectable(f"{len(locator) - 1} errors")
        errors = reedsolo.rs_find_errors(locator[::-1], len(msg), 2)
        if errors is None:
            raise Uncorrectable("errors not located")
        msg = reedsolo.rs_correct_errata(msg, synd, list(erased) + list(errors), 0, 2)
    except reedsolo.ReedSolomonError as exc:
        raise Uncorrectable(str(exc)) from None
    if any(syndromes(msg, nsym)):
        raise Uncorrectable("not a codeword after correction")
    return bytes(msg)
