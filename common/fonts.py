"""Where the CJK font lives: Qt, the virtual printer and the PDF layouts all draw Chinese with it."""

from __future__ import annotations

import functools
from pathlib import Path

_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


class FontMissingError(RuntimeError):
    pass


@functools.lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """A TrueType font with Chinese glyphs (WenQuanYi Micro Hei, installed by ``make``)."""
    for candidate in _CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    import shutil  # only where the font is not where make puts it: subprocess costs ~10 ms before the first paint
    import subprocess

    if shutil.which("fc-match"):
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh-cn:fontformat=TrueType"],
                                   capture_output=True, text=True, timeout=5).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            found = ""
        if found and Path(found).is_file() and found.endswith((".ttf", ".ttc")):
            return Path(found)
    raise FontMissingError("no Chinese TrueType font found; install fonts-wqy-microhei (make does)")
