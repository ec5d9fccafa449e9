"""The card's photo: 1024 compressed bytes that only the reader vendor's library can decode.

Where the configuration names that library (``photo_decoder``), it is loaded through ctypes and
called in memory: ``int unpack(char *src, char *dst, int mode)``, the entry point of the common
Linux ``libwlt`` builds (``src`` 1024 bytes, ``dst`` 102 x 126 BGR pixels or a whole BMP, ``mode``
a vendor code that selects in-memory output, 602 in the public SDKs; 1 means success). Anything
else (no library, a missing symbol, a failed decode) gives a neutral placeholder, and the read goes
on: a photo never stops a citizen.

Nothing is written to disk; the buffers handed to the library are zeroed after each call.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import struct
import threading

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 102, 126
RAW_SIZE = WIDTH * HEIGHT * 3
OUT_CAPACITY = 40960  # a BMP of 38862 bytes, with room for libraries that write past it
IN_SIZE = 1024


def bmp_header(width: int, height: int) -> bytes:
    row = (width * 3 + 3) & ~3
    size = 54 + row * height
    return (b"BM" + struct.pack("<IHHI", size, 0, 0, 54)
            + struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, row * height, 2835, 2835, 0, 0))


def bmp_from_bgr(pixels: memoryview, width: int = WIDTH, height: int = HEIGHT) -> bytearray:
    """A 24-bit BMP from unpadded BGR rows (in BMP order, bottom row first)."""
    stride, row = width * 3, (width * 3 + 3) & ~3
    out = bytearray(bmp_header(width, height))
    pad = bytes(row - stride)
    for y in range(height):
        out += pixels[y * stride:(y + 1) * stride]
        out += pad
    return out


@functools.lru_cache(maxsize=1)
def _placeholder() -> bytes:
    """A grey head-and-shoulders outline: says "no photo" without looking like an error."""
    background, figure = b"\xe6\xe6\xe6", b"\xb4\xb4\xb4"
    pixels = bytearray()
    for y_up in range(HEIGHT):
        y = HEIGHT - 1 - y_up  # BMP rows run bottom-up
        for x in range(WIDTH):
            head = (x - 51) ** 2 + (y - 46) ** 2 <= 22 ** 2
            shoulders = ((x - 51) / 46) ** 2 + ((y - 128) / 42) ** 2 <= 1.0
            pixels += figure if head or shoulders else background
    return bytes(bmp_from_bgr(memoryview(pixels)))


def placeholder_bmp() -> bytearray:
    return bytearray(_placeholder())


def is_placeholder(photo: bytes | bytearray) -> bool:
    return bytes(photo) == _placeholder()


class PhotoDecoder:
    """Decodes card photos with the vendor library named in the configuration, if any."""

    def __init__(self, library: str = "", symbol: str = "unpack", mode: int = 602) -> None:
        self.library, self.symbol, self.mode = library, symbol, mode
        self._function = None
        self._tried = False
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return self._load() is not None

    def _load(self):
        with self._lock:
            if self._tried or not self.library:
                return self._function
            self._tried = True
            try:
                function = getattr(ctypes.CDLL(self.library), self.symbol)
            except (OSError, AttributeError) as exc:
                log.warning("photo decoder %s unusable (%s); card photos show a placeholder", self.library, exc)
                return None
            function.argtypes = (ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
            function.restype = ctypes.c_int
            self._function = function
            return function

    def decode(self, compressed: memoryview | bytes | bytearray) -> bytearray:
        """The photo as a BMP; the placeholder when there is no decoder or it fails."""
        function = self._load()
        if function is None or len(compressed) != IN_SIZE:
            return placeholder_bmp()
        source = (ctypes.c_char * IN_SIZE).from_buffer_copy(compressed)
        target = (ctypes.c_char * OUT_CAPACITY)()
        try:
            result = function(ctypes.addressof(source), ctypes.addressof(target), self.mode)
            if result != 1:
                log.warning("photo decoder returned %d; showing a placeholder", result)
                return placeholder_bmp()
            return _as_bmp(memoryview(target).cast("B"))
        except Exception as exc:  # a vendor library's failure never stops the read
            log.warning("photo decoder failed (%s); showing a placeholder", type(exc).__name__)
            return placeholder_bmp()
        finally:
            ctypes.memset(source, 0, IN_SIZE)
            ctypes.memset(target, 0, OUT_CAPACITY)


def _as_bmp(out: memoryview) -> bytearray:
    if bytes(out[:2]) == b"BM":
        size = int.from_bytes(out[2:6], "little")
        if 54 < size <= len(out):
            return bytearray(out[:size])
    return bmp_from_bgr(out[:RAW_SIZE])
