"""A QR code's bytes to text: ECI, UTF-8, and Shift_JIS against GB18030 (on real Japanese codes)."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
import segno

from devices.qr import decode
from devices.qr import zbar
from devices.qr.text import decode_bytes, reconcile

CORPUS = Path(__file__).resolve().parent / "data" / "qr-real"  # see its README, LICENSE and NOTICE


def code_image(text: str, *, encoding: str | None = None, eci: bool = False, scale: int = 6) -> np.ndarray:
    qr = segno.make_qr(text, encoding=encoding, eci=eci)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=4)
    return cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_GRAYSCALE)


@pytest.mark.parametrize("text, codec", [
    ("OTR1:SQ2026112700042", "ascii"),
    ("办事", "utf-8"),                 # short Chinese UTF-8: zbar's own guess is Shift_JIS
    ("浙江省杭州市西湖区", "utf-8"),
    ("café ¥100 Grüße", "utf-8"),
    ("办事大厅", "gb18030"),
    ("状态", "gb18030"),               # GB2312 bytes that also validate as UTF-8 (״̬)
    ("忙碌", "gb18030"),               # ... and as Latin UTF-8 (æµ)
    ("营业执照变更登记", "gb18030"),
    ("こんにちは", "cp932"),
    ("今度のバージョンでは文章の暗号化", "cp932"),
    ("ﾃﾞｻﾞｲﾝQR", "cp932"),            # half-width katakana: also valid GB18030 (棉晦草QR)
    ("<ﾃﾞｻﾞｲﾝQR> ｲﾗｽﾄ入りｶﾗｰQRｺｰﾄﾞ", "cp932"),
])
def test_bytes_without_eci_decode_to_the_plausible_text(text, codec):
    assert decode_bytes(text.encode(codec)) == text


def test_a_utf8_byte_order_mark_is_dropped():
    assert decode_bytes("\ufeff办事".encode("utf-8")) == "办事"


def test_bytes_that_fit_no_codec_still_give_text():
    assert isinstance(decode_bytes(b"\xff\xfe\xfd\x80"), str)


@pytest.mark.parametrize("raw, zxing_text, expected", [
    ("办事大厅".encode("gb18030"), "°ìÊÂ´óÌü", "办事大厅"),       # no ECI: zxing-cpp guessed Latin-1
    ("办事大厅".encode("gb18030"), "办事大厅", "办事大厅"),         # ECI 29: zxing-cpp's text kept
    ("Grüße".encode("latin-1"), "Grüße", "Grüße"),               # ECI 3 (or a fine Latin-1 guess)
    ("ﾃﾞｻﾞｲﾝ".encode("cp932"), "ﾃﾞｻﾞｲﾝ", "ﾃﾞｻﾞｲﾝ"),
    (b"\x01\x10AD", "\x01\x10AD", "\x01\x10AD"),
])
def test_zxing_text_is_reconciled_with_its_bytes(raw, zxing_text, expected):
    assert reconcile(raw, zxing_text) == expected


@pytest.mark.parametrize("text, encoding, eci", [
    ("办事", "utf-8", False),
    ("办事", "utf-8", True),
    ("受理:营业执照", "gb18030", True),
    ("受理:营业执照", "gb18030", False),
    ("こんにちは世界", "shift_jis", True),
    ("Grüße aus Hangzhou", "latin-1", True),
])
def test_decode_gives_the_text_with_and_without_eci(text, encoding, eci):
    results = decode(code_image(text, encoding=encoding, eci=eci))
    assert [r.text for r in results] == [text]
    assert results[0].raw  # the payload's bytes, not a decoder's converted text


def test_zbar_binary_mode_hands_over_the_raw_bytes():
    gb = "办事大厅".encode("gb18030")
    symbols = zbar.scan(code_image("办事大厅", encoding="gb18030"))
    assert [s.data for s in symbols] == [gb]


def _japanese_samples() -> list[Path]:
    names = ["zxing/qrcode-2/10.png", "zxing/qrcode-2/17.png", "zxing/qrcode-2/26.png", "zxing/qrcode-2/31.png",
             "zxing-cpp/qrcode-2/18.webp", "zxing-cpp/qrcode-2/16.webp"]
    return [CORPUS / n for n in names]


@pytest.mark.parametrize("path", _japanese_samples(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_real_japanese_codes_decode_to_their_exact_text(path):
    expected = path.with_suffix(".txt").read_bytes().decode("utf-8")
    texts = [r.text for r in decode(cv2.imread(str(path)))]
    assert expected in texts
    assert any(not ch.isascii() for ch in expected)
