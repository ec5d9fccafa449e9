"""Pages out: JPEG within a size budget, and one PDF of many pages at their true size.

Everything stays in memory (``bytearray``, so a caller can zero it); nothing is written to disk.
"""

from __future__ import annotations

import io

import cv2
import numpy as np

from devices.doccam.geometry import MM_PER_INCH

PAGE_BUDGET = 500_000   # bytes per page: legible print, and a case file that uploads quickly
MIN_QUALITY = 45


def encode_jpeg(image: np.ndarray, budget: int = PAGE_BUDGET, *, max_quality: int = 90,
                min_quality: int = MIN_QUALITY) -> tuple[bytearray, int]:
    """JPEG of ``image`` at the best quality that fits ``budget`` bytes; (bytes, quality).

    If even ``min_quality`` does not fit, the image is shrunk until it does (print stays legible
    longer at a smaller size than at a crushed quality).
    """
    img = image
    while True:
        lo, hi, best = min_quality, max_quality, None
        while lo <= hi:
            q = (lo + hi) // 2
            ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q, cv2.IMWRITE_JPEG_OPTIMIZE, 1])
            if not ok:
                raise ValueError("could not encode the page as JPEG")
            if data.size <= budget:
                best = (data, q)
                lo = q + 1
            else:
                hi = q - 1
        if best is not None:
            out = bytearray(best[0].tobytes())
            best[0].fill(0)
            return out, best[1]
        img = cv2.resize(img, None, fx=0.85, fy=0.85, interpolation=cv2.INTER_AREA)


def pages_pdf(pages: list[tuple[bytes | bytearray, int, int, float]], *, title: str = "") -> bytearray:
    """A PDF with one page per ``(jpeg, width_px, height_px, dpi)``, each at its true size.

    The JPEG data goes into the PDF as it is (no re-encoding), so the per-page budget holds there too.
    """
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pageCompression=1)
    if title:
        pdf.setTitle(title)
    pdf.setCreator("OneTrip document camera")
    for jpeg, width, height, dpi in pages:
        w_pt, h_pt = width / dpi * 72.0, height / dpi * 72.0
        pdf.setPageSize((w_pt, h_pt))
        pdf.drawImage(ImageReader(io.BytesIO(bytes(jpeg))), 0, 0, w_pt, h_pt)
        pdf.showPage()
    pdf.save()
    data = bytearray(buffer.getbuffer())
    buffer.seek(0)
    buffer.write(bytes(len(data)))  # leave no copy of the pages behind in the buffer
    return data


def mm_to_px(mm: float, dpi: float) -> int:
    return int(round(mm / MM_PER_INCH * dpi))
