"""A formal A4 page as PDF: a title, lines of text wrapped to the page, a QR code, drawn with reportlab.

The Chinese font is common/fonts.py's (WenQuanYi Micro Hei), embedded in the PDF as a subset with its
ToUnicode map (reportlab always embeds TrueType fonts), so the page prints the same on any printer and
its text can be read back (tests/test_window_documents.py reads it with poppler's pdftotext). Pure:
no device, no Qt; blocking (a page takes tens of milliseconds): call it from the task runner.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from common.fonts import cjk_font_path

# reportlab is imported where a page is made, not with the desk: ~85 ms of every terminal's start-up otherwise

FONT = "OneTripCJK"  # the name sandbox/licence_pdf.py registers the same font under
MARGIN = 72.0  # one inch
BODY_PT, TITLE_PT, LEADING = 12.5, 22.0, 1.55
QR_SIZE = 110.0


@dataclass(frozen=True)
class Para:
    """One paragraph: wrapped to the page's width; ``indent`` for a list item's continuation."""

    text: str
    bold: bool = False
    indent: float = 0.0
    align: str = "left"  # or "right" (the hall and the date at a document's foot)
    space_before: float = 0.0


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(cjk_font_path()), subfontIndex=0))
    return FONT


def preload() -> None:
    """The CJK font parsed and registered now (on a worker), not at the first document: the window calls it before
    it sets aside what it keeps for life (ui/long_lived.py). Parsed later, its 35,000 glyph lists were walked by
    every full collection on the GUI thread (3.8 ms more each; ``kiosk bench soak --terminal window``)."""
    _font()


def wrap(line: str, width: float, size: float) -> list[str]:
    """``line`` broken to ``width`` points: between words in Latin text, anywhere in Chinese, never before closing
    punctuation (a line that would start with it takes it onto the line before)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = _font()
    out: list[str] = []
    current = ""
    for token in _tokens(line):
        candidate = current + token
        if current and stringWidth(candidate.rstrip(), font, size) > width and token.strip() \
                and token[0] not in "，。、；：）」』》？！,.;:)":
            out.append(current.rstrip())
            current = token.lstrip()
        else:
            current = candidate
    out.append(current.rstrip())
    return out


def _tokens(line: str) -> list[str]:
    """Latin words with their following space stay whole; each CJK character is a token of its own."""
    tokens, word = [], ""
    for ch in line:
        if ord(ch) < 0x2E80:
            word += ch
            if ch == " ":
                tokens.append(word)
                word = ""
        else:
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
    if word:
        tokens.append(word)
    return tokens


def page_pdf(title: str, paras: list[Para], qr_payload: str = "", qr_caption: str = "", pdf_title: str = "") -> bytes:
    """One A4 page (paragraphs past its foot go on to a second): the title centred, the paragraphs, the QR code in
    the bottom right corner of the last page."""
    import segno
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    font = _font()
    buf = BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=BODY_PT)
    pdf.setTitle(pdf_title or title)
    pdf.setLineWidth(0.35)
    width, height = A4
    pdf.setFont(font, TITLE_PT)
    pdf.drawCentredString(width / 2, height - MARGIN - TITLE_PT, title)
    y = height - MARGIN - TITLE_PT * 2.6
    usable = width - 2 * MARGIN
    for para in paras:
        y -= para.space_before
        for line in wrap(para.text, usable - para.indent, BODY_PT):
            if y < MARGIN + BODY_PT:
                pdf.showPage()
                y = height - MARGIN
            x = width - MARGIN - stringWidth(line, font, BODY_PT) if para.align == "right" else MARGIN + para.indent
            words = pdf.beginText(x, y)
            words.setFont(font, BODY_PT)
            words.setTextRenderMode(2 if para.bold else 0)  # the font has no bold face: bold is filled and stroked
            words.textLine(line)
            pdf.drawText(words)
            y -= BODY_PT * LEADING
    if qr_payload:
        if y < MARGIN + QR_SIZE + 20:
            pdf.showPage()
        image = BytesIO()
        segno.make_qr(qr_payload, error="m").save(image, kind="png", scale=6, border=2)
        image.seek(0)
        pdf.drawImage(ImageReader(image), width - MARGIN - QR_SIZE, MARGIN + 14, QR_SIZE, QR_SIZE)
        if qr_caption:
            pdf.setFont(font, 9)
            pdf.drawRightString(width - MARGIN, MARGIN, qr_caption)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
