"""A licence document the sandbox hands out to print (A4 PDF, Chinese text)."""

from __future__ import annotations

import base64
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from kiosk.fonts import cjk_font_path
from kiosk.masking import mask_id_number

_FONT = "OneTripCJK"


def _font() -> str:
    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_FONT, str(cjk_font_path()), subfontIndex=0))
    return _FONT


def licence_pdf_base64(case: dict, holder: str) -> str:
    buf = BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.setTitle(f"licence {case['case_number']}")
    width, height = A4
    font = _font()
    pdf.setFont(font, 26)
    pdf.drawCentredString(width / 2, height - 120, case["service_name_zh"] + "（样证）")
    pdf.setFont(font, 14)
    lines = [f"办件编号：{case['case_number']}", f"持证人证件号码：{mask_id_number(holder)}",
             f"提交时间：{case['submitted_at']}", "本证照由演示后台生成，不具法律效力。"]
    for i, line in enumerate(lines):
        pdf.drawString(90, height - 200 - 28 * i, line)
    pdf.showPage()
    pdf.save()
    return base64.b64encode(buf.getvalue()).decode()
