"""A QR code's bytes to text: by its ECI when there is one, else UTF-8, else Shift_JIS or GB18030.

The QR standard's default character set (ISO 8859-1) is what almost no encoder uses: phones and
web generators write UTF-8 without an ECI header, Japanese encoders Shift_JIS, older Chinese
systems GB2312/GBK. Bytes that are valid UTF-8 and not plain ASCII are almost never meant as
anything else, so UTF-8 wins when it validates. Between Shift_JIS and GB18030, many byte strings
are valid in both, so the choice is by plausibility: the share of characters that real text in
that language uses (GB2312's hanzi and symbols for Chinese; kana, JIS level-1/2 kanji for
Japanese); kana tips the balance to Japanese.
"""

from __future__ import annotations

import unicodedata

# zxing-cpp reports each code's text already transcoded by its ECI; when there is no ECI it
# guesses, and its guesses are only these. A text of zxing-cpp that none of them reproduces came
# from an ECI, and is taken as it is.
_ZXING_GUESSES = ("utf-8", "iso-8859-1", "cp932", "shift_jis")


def _is_ascii(raw: bytes) -> bool:
    return all(b < 0x80 for b in raw)


def _strict(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _is_kana(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff"


def _odd(ch: str) -> bool:
    """Characters that real text does not contain but mis-decoded bytes produce."""
    if ch in "\r\n\t":
        return False
    category = unicodedata.category(ch)
    return category in ("Cc", "Co", "Cn", "Cs") or ch == "\ufffd"


# Half-width katakana (Shift_JIS single bytes 0xA1-0xDF) are real Japanese, but they are also what
# GB2312 bytes turn into when read as Shift_JIS. Real half-width text obeys rules random bytes break.
_HW_VOICED = set("ｳｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎ")  # may take ﾞ
_HW_SEMI = set("ﾊﾋﾌﾍﾎ")  # may take ﾟ
_HW_NOT_FIRST = set("ｰｧｨｩｪｫｬｭｮｯﾞﾟﾝ")  # cannot begin a run of kana
_HW_SMALL_AFTER = {  # small kana and what may stand before them (ﾃﾞｨ, ｷｬ, ﾌｫ ...)
    **dict.fromkeys("ｧｨｩｪｫ", set("ｳｸｼｽﾁﾂﾃﾄﾌﾞ")),
    **dict.fromkeys("ｬｭｮ", set("ｷｼﾁﾆﾋﾐﾘﾃﾌﾞﾟ")),
}


def _is_hw_kana(ch: str) -> bool:
    return "\uff61" <= ch <= "\uff9f"


def _cost_japanese(s: str) -> float:
    """Share of characters real Japanese would not have: outside JIS X 0208, or broken half-width kana."""
    bad = 0.0
    previous = ""
    for ch in s:
        if ord(ch) < 0x80:
            previous = ch
            continue
        if _odd(ch):
            bad += 2
        elif _is_hw_kana(ch):
            if ch == "ﾞ" and previous not in _HW_VOICED:
                bad += 2
            elif ch == "ﾟ" and previous not in _HW_SEMI:
                bad += 2
            elif ch in _HW_NOT_FIRST and not _is_hw_kana(previous):
                bad += 1
            elif ch in _HW_SMALL_AFTER and previous not in _HW_SMALL_AFTER[ch]:
                bad += 1
        else:
            try:
                ch.encode("shift_jis")
            except UnicodeEncodeError:
                bad += 1
        previous = ch
    return bad / max(1, len(s))


def _cost_chinese(s: str) -> float:
    """Share of characters outside GB2312 (GB18030 decodes Shift_JIS kana to GBK rarities)."""
    bad = 0.0
    for ch in s:
        if ord(ch) < 0x80:
            continue
        if _odd(ch):
            bad += 2
            continue
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            bad += 1
    return bad / max(1, len(s))


def _cost_latin(s: str) -> float:
    """Latin-1 text: accented letters beside letters are plausible; runs of symbols are not."""
    bad = 0
    for i, ch in enumerate(s):
        o = ord(ch)
        if o < 0x80:
            continue
        if o < 0xA0 or not ch.isalpha():
            bad += 2
            continue
        near = s[max(0, i - 1):i + 2]
        if sum(1 for c in near if ord(c) >= 0x80) > 2:
            bad += 1  # three high letters in a row: rarely Latin text
    return bad / max(1, len(s))


def decode_bytes(raw: bytes) -> str:
    """The text of a QR payload without an ECI header (or whose ECI is unknown)."""
    if _is_ascii(raw):
        return raw.decode("ascii")
    utf8 = _strict(raw, "utf-8")
    if utf8 is not None:
        utf8 = utf8.removeprefix("\ufeff")
        if not _utf8_doubtful(utf8):
            return utf8
        gb = _strict(raw, "gb18030")
        if gb is not None and _cost_chinese(gb) == 0 and any("\u4e00" <= ch <= "\u9fff" for ch in gb):
            return gb
        return utf8
    return _best_cjk(raw)[0]


def _utf8_doubtful(s: str) -> bool:
    """Valid UTF-8 that is probably not: only two-byte sequences (no CJK), and characters no text
    mixes (symbols, marks, several scripts: GB2312 pairs such as 状态 validate as ״̬)."""
    scripts = set()
    for ch in s:
        if ord(ch) < 0x80:
            continue
        if ord(ch) >= 0x800:
            return False
        category = unicodedata.category(ch)
        if category[0] in "MC":
            return True
        if category[0] == "L":
            scripts.add(unicodedata.name(ch, "?").split()[0])
        elif ord(ch) >= 0x100:  # symbols beyond Latin-1's (¥ £ ° ©) are rare in text
            return True
    return len(scripts) > 1


def _best_cjk(raw: bytes) -> tuple[str, float]:
    sjis = _strict(raw, "cp932")
    gb = _strict(raw, "gb18030")
    if sjis is None and gb is None:
        # Neither validates: GB18030 with replacement characters keeps what it can.
        return raw.decode("gb18030", errors="replace"), 10.0
    if gb is None:
        return sjis, _cost_japanese(sjis)  # type: ignore[return-value]
    if sjis is None:
        return gb, _cost_chinese(gb)
    cost_jp, cost_cn = _cost_japanese(sjis), _cost_chinese(gb)
    if cost_jp < cost_cn or (cost_jp == cost_cn and _looks_japanese(sjis)):
        return sjis, cost_jp
    return gb, cost_cn


def _looks_japanese(s: str) -> bool:
    """Kana means Japanese: hiragana or full-width katakana, or half-width katakana with a voicing
    mark in its place (real half-width text has them: ﾃﾞｻﾞｲﾝ; GB2312 bytes read as Shift_JIS
    produce half-width kana too, but rarely a ﾞ or ﾟ just after a kana that takes it)."""
    if any(_is_kana(ch) for ch in s):
        return True
    return any((ch == "ﾞ" and prev in _HW_VOICED) or (ch == "ﾟ" and prev in _HW_SEMI) for prev, ch in zip(s, s[1:]))


def reconcile(raw: bytes, zxing_text: str | None) -> str:
    """The text of a code read by zxing-cpp: its ``bytes`` and its own (ECI-aware) ``text``.

    zxing-cpp's ``bytes`` are the payload without ECI designators, and its ``text`` follows the ECI
    when there is one but guesses (often ISO 8859-1 for Chinese) when there is none. If ``text``
    is not one of its guesses it came from an ECI: take it. Otherwise decode the bytes ourselves,
    keeping zxing's Latin-1 reading only when it is more plausible than the CJK readings.
    """
    ours = decode_bytes(raw)
    if zxing_text is None or zxing_text == ours or not zxing_text:
        return ours
    if _is_ascii(raw) or _strict(raw, "utf-8") is not None:
        # Valid UTF-8: an ECI can still say otherwise (e.g. ECI 3 on bytes that happen to validate).
        return ours if any(_strict(raw, c) == zxing_text for c in _ZXING_GUESSES) else zxing_text
    guessed = [c for c in _ZXING_GUESSES if _strict(raw, c) == zxing_text]
    if not guessed:
        return zxing_text  # transcoded by an ECI we did not see: trust it
    if "iso-8859-1" in guessed:
        cjk, cost = _best_cjk(raw)
        return zxing_text if _cost_latin(zxing_text) < cost else cjk
    return ours
