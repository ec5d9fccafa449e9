"""zbar through pyzbar's ctypes binding, in binary mode: the code's raw bytes, not zbar's guessed text.

``pyzbar.decode`` returns zbar's *converted* text re-encoded as UTF-8, and zbar guesses Shift_JIS
before UTF-8 for codes without an ECI header, so short Chinese UTF-8 payloads come back garbled.
With ``ZBAR_CFG_BINARY`` (value 4; pyzbar's enum calls it ``CFG_NUM``) zbar hands over the bytes
of the data segments unconverted, and :mod:`devices.qr.text` decodes them.

One scanner per thread (zbar scanners are not thread-safe), made on first use and reused.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

import numpy as np

ZBAR_QRCODE = 64
ZBAR_NONE = 0
CFG_ENABLE = 0
CFG_BINARY = 4  # pyzbar: ZBarConfig.CFG_NUM
CFG_X_DENSITY = 0x100
CFG_Y_DENSITY = 0x101
_FOURCC_Y800 = 0x30303859  # 'Y800', 8-bit grey

_local = threading.local()


@dataclass(frozen=True)
class ZbarSymbol:
    data: bytes
    points: tuple[tuple[int, int], ...]
    quality: int


def _scanner(binary: bool):
    from pyzbar import wrapper as w

    key = "binary" if binary else "text"
    scanner = getattr(_local, key, None)
    if scanner is None:
        scanner = w.zbar_image_scanner_create()
        # QR only: skipping the linear symbologies is faster and cannot misread a 1-D code.
        w.zbar_image_scanner_set_config(scanner, ZBAR_NONE, CFG_ENABLE, 0)
        w.zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, CFG_ENABLE, 1)
        if binary:
            w.zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, CFG_BINARY, 1)
        setattr(_local, key, scanner)  # lives as long as the thread; zbar frees it at exit
    return scanner


def scan(gray: np.ndarray, *, binary: bool = True) -> list[ZbarSymbol]:
    """QR codes in an 8-bit greyscale image (C-contiguous, 2-D). Never raises on odd sizes."""
    from pyzbar import wrapper as w

    if gray.ndim != 2 or gray.dtype != np.uint8 or gray.shape[0] < 8 or gray.shape[1] < 8:
        return []
    gray = np.ascontiguousarray(gray)
    height, width = gray.shape
    scanner = _scanner(binary)
    image = w.zbar_image_create()
    try:
        w.zbar_image_set_format(image, _FOURCC_Y800)
        w.zbar_image_set_size(image, width, height)
        w.zbar_image_set_data(image, gray.ctypes.data_as(ctypes.c_void_p), gray.size, None)
        if w.zbar_scan_image(scanner, image) <= 0:
            return []
        found = []
        symbol = w.zbar_image_first_symbol(image)
        while symbol:
            length = w.zbar_symbol_get_data_length(symbol)
            data = ctypes.string_at(w.zbar_symbol_get_data(symbol), length)
            n = w.zbar_symbol_get_loc_size(symbol)
            points = tuple((w.zbar_symbol_get_loc_x(symbol, i), w.zbar_symbol_get_loc_y(symbol, i))
                           for i in range(n))
            found.append(ZbarSymbol(data, points, w.zbar_symbol_get_quality(symbol)))
            symbol = w.zbar_symbol_next(symbol)
        return found
    finally:
        w.zbar_image_destroy(image)  # also frees its symbol set; keep gray alive until here
