"""A licence document the sandbox hands out to print (A4 PDF, Chinese text)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from io import BytesIO

import segno
from reportlab.lib.utils import ImageReader

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from common.fonts import cjk_font_path
from common.masking import mask_id_number

_FONT = "OneTripCJK"
_VERIFY_SECRET = b"onetrip-sandbox licence verification (demo)"


def verification_code(licence_id: str) -> str:
    """8 characters of base32 HMAC: what the OTL1 QR code on a printed licence carries."""
    digest = hmac.new(_VERIFY_SECRET, licence_id.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:8]


def verification_payload(licence_id: str) -> str:
    return f"OTL1:{licence_id}:{verification_code(licence_id)}"


def _font() -> str:
    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_FONT, str(cjk_font_path()), subfontIndex=0))
    return _FONT


def _beijing(when: str) -> str:
    """An ISO time as a licence prints it, in Beijing time to the minute ("2026-11-20 10:14"); as stored if not."""
    try:
        at = dt.datetime.fromisoformat(when)
    except (TypeError, ValueError):
        return str(when)
    if at.tzinfo is not None:
        at = at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    return at.strftime("%Y-%m-%d %H:%M")


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
             f"提交时间：{_beijing(case['submitted_at'])}", "本证照由演示后台生成，不具法律效力。"]
    for i, line in enumerate(lines):
        pdf.drawString(90, height - 200 - 28 * i, line)
    qr = BytesIO()
    segno.make_qr(verification_payload("LIC-" + case["case_number"]), error="m").save(qr, kind="png", scale=6)
    qr.seek(0)
    pdf.drawImage(ImageReader(qr), width - 220, 90, 130, 130)
    pdf.setFont(font, 10)
    pdf.drawString(width - 230, 76, "扫码核验证照真伪")
    pdf.showPage()
    pdf.save()
    return base64.b64encode(buf.getvalue()).decode()
