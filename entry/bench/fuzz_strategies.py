"""Hypothesis strategies for the terminal's parsers: what a hostile or broken device, code or file sends.

Shared by the property tests (``tests/test_fuzz_*.py``, a small fixed budget in ``make test``) and
``kiosk bench fuzz`` (a large budget, random seeds); the properties they feed are in
:mod:`entry.bench.fuzz_properties`. Each family mixes three kinds of input: valid by construction
(for round trips), close to valid (built right, then mutated: the inputs that reach deep into a
parser), and plain noise.

- frames: SAM replies and commands (right preamble, length and checksum, then bytes flipped,
  cut, inserted, the length field or checksum changed), streams of frames in garbage, random bytes;
- text blocks: the four card layouts with random field contents (dates that do not exist, numbers
  with a wrong check character, digits from other scripts, lone surrogates, non-BMP characters),
  photo bytes and what a vendor's photo library may leave in its output;
- QR payloads: the grammar of docs/api/payloads.md, valid, then truncated, oversized, with a wrong
  check, control characters or non-BMP characters; QR bytes in UTF-8, GBK, Shift_JIS and mixes;
- QR symbols for the erasure pass: a symbol drawn at 1-8 px a module, perhaps with a grey blob or
  noise over it, and what zxing-cpp might report of it (corners near the truth, swapped, NaN,
  infinite or huge; any version, or none);
- configuration: TOML documents (NaN, infinities, -0, huge integers, NUL in strings, nested tables,
  arrays of tables, deep nesting), environment variables and remote keys.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import string
import typing

from hypothesis import strategies as st

from common import provisional
from common.checkchars import MOD37_2, pure_check
from common.domain import CardType, Identity
from common.idnumber import complete
from devices.idcard import codes
from devices.idcard import frames as f
from devices.idcard.photo import IN_SIZE as PHOTO_LEN
from devices.idcard.photo import OUT_CAPACITY
from devices.idcard.text_block import FLAG_OFFSET, LAYOUTS, TEXT_LEN, _field_values, encode_text_block
from entry.bench.toml_text import toml_document
from kiosk import config as kconfig

# -- SAM frames ---------------------------------------------------------------------------------

KNOWN_SW3 = (f.SW_SUCCESS, f.SW_CARD_FOUND, *f.STATUS_WORDS)
_BYTE = st.integers(0, 255)


_SW3 = st.one_of(st.sampled_from(KNOWN_SW3), _BYTE)
_DATA = st.binary(max_size=600)
_COMMAND = st.one_of(st.sampled_from(f.COMMANDS), st.builds(f.Command, _BYTE, _BYTE, st.just("fuzzed")))
_COMMAND_DATA = st.binary(max_size=64)
_TEXT_PART = st.one_of(st.just(bytes(f.TEXT_LEN)), st.binary(max_size=300))
_PHOTO_PART = st.one_of(st.just(bytes(f.PHOTO_LEN)), st.binary(max_size=1100))


@st.composite
def valid_replies(draw) -> bytes:
    return bytes(f.build_reply(draw(_SW3), draw(_DATA), sw1=draw(_BYTE), sw2=draw(_BYTE)))


@st.composite
def valid_commands(draw) -> bytes:
    return f.build_command(draw(_COMMAND), draw(_COMMAND_DATA))


@st.composite
def card_data_parts(draw) -> tuple[bytes, bytes, bytes | None]:
    """Text, photo and (maybe) fingerprint blocks that fit one reply (at most MAX_BODY)."""
    text, photo = draw(_TEXT_PART), draw(_PHOTO_PART)
    room = f.MAX_BODY - 4 - 6 - len(text) - len(photo)
    fingerprint = draw(st.none() | st.binary(max_size=min(600, room)))
    return text, photo, fingerprint


@functools.lru_cache(maxsize=None)
def card_data_replies() -> st.SearchStrategy[bytes]:
    return card_data_parts().map(lambda p: bytes(f.card_data_reply(*p)))


@functools.lru_cache(maxsize=None)
def valid_frames() -> st.SearchStrategy[bytes]:
    return st.one_of(valid_replies(), valid_commands(), card_data_replies())


# A mutation: (what, where as a fraction of the frame, a byte or a length).
_MUTATIONS = st.tuples(st.sampled_from(("flip", "set", "cut", "insert", "delete", "length", "checksum", "grow")),
                       st.floats(0, 1), _BYTE, st.binary(min_size=1, max_size=8))


def mutate(frame: bytes, mutations: list[tuple[str, float, int, bytes]], fix_checksum: bool) -> bytes:
    """Apply ``mutations`` to a frame; with ``fix_checksum`` the checksum is recomputed after, so
    the parser's checks beyond the checksum are reached."""
    out = bytearray(frame)
    for what, where, value, chunk in mutations:
        at = min(int(where * len(out)), max(0, len(out) - 1))
        if what == "flip" and out:
            out[at] ^= 1 << (value % 8)
        elif what == "set" and out:
            out[at] = value
        elif what == "cut":
            del out[at:]
        elif what == "insert":
            out[at:at] = chunk
        elif what == "delete":
            del out[at:at + 1 + value % 8]
        elif what == "length" and len(out) >= 7:
            near = len(out) - 7 + value % 5 - 2  # off by a little, or anything
            out[5:7] = ((near if value % 2 else value * 257) & 0xFFFF).to_bytes(2, "big")
        elif what == "checksum" and out:
            out[-1] = value
        elif what == "grow":
            out += chunk
    if fix_checksum and len(out) > len(f.PREAMBLE) + 1:
        out[-1] = f.xor_checksum(out[len(f.PREAMBLE):-1])
    return bytes(out)


_MUTATION_LISTS = st.lists(_MUTATIONS, min_size=1, max_size=4)


@st.composite
def mutated_frames(draw) -> bytes:
    frame = draw(valid_frames())
    return mutate(frame, draw(_MUTATION_LISTS), draw(st.booleans()))


@functools.lru_cache(maxsize=None)
def preamble_noise() -> st.SearchStrategy[bytes]:
    """Random bytes with preambles and plausible length fields sprinkled in (resynchronisation)."""
    piece = st.one_of(st.binary(max_size=24), st.just(f.PREAMBLE),
                      st.builds(lambda n: f.PREAMBLE + n.to_bytes(2, "big"), st.integers(0, 0xFFFF)),
                      st.builds(lambda n: f.PREAMBLE + n.to_bytes(2, "big"), st.integers(0, 12)))
    return st.lists(piece, max_size=12).map(b"".join)


@functools.lru_cache(maxsize=None)
def frame_inputs() -> st.SearchStrategy[bytes]:
    """Anything a serial line may deliver as one frame."""
    return st.one_of(valid_frames(), mutated_frames(), mutated_frames(), preamble_noise(), st.binary(max_size=3000))


_GARBAGE = st.binary(max_size=40).map(lambda b: b.replace(b"\x69", b"\x68"))  # never ends a preamble


_STREAM_FRAMES = st.lists(st.one_of(valid_replies(), valid_commands()), min_size=1, max_size=5)


@st.composite
def framed_streams(draw) -> tuple[bytes, list[bytes]]:
    """Valid frames, each after garbage that cannot hold a preamble: (the stream, the frames)."""
    frames_ = draw(_STREAM_FRAMES)
    stream = b"".join(draw(_GARBAGE) + frame for frame in frames_) + draw(_GARBAGE)
    return stream, frames_


# -- ID card text blocks ------------------------------------------------------------------------

TODAY = dt.date(2026, 6, 1)
_UPPER = string.ascii_uppercase
_LETTERS = st.sampled_from(_UPPER)
# Digits of other scripts: full-width and Arabic-Indic are decimal (int() takes them), superscripts are not.
OTHER_DIGITS = "０１２３４５６７８９٠١٢٣٤٥٦٧٨٩²³¹⁰"
_NON_BMP = "𠮷𡈼𤭢😀𝔸"
_TEXT_CHARS = st.characters(blacklist_categories=("Cs",))
_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


def fit(value: str, size: int) -> str:
    """The longest prefix of ``value`` whose UTF-16 fits ``size`` bytes, without trailing blanks."""
    out = []
    used = 0
    for ch in value:
        need = len(ch.encode("utf-16-le"))
        if used + need > size:
            break
        out.append(ch)
        used += need
    return "".join(out).rstrip(" \x00")


@functools.lru_cache(maxsize=None)
def field_text(size: int, alphabet: st.SearchStrategy[str] = _TEXT_CHARS) -> st.SearchStrategy[str]:
    return st.text(alphabet, max_size=size // 2).map(lambda s: fit(s, size))


@functools.lru_cache(maxsize=None)
def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(string.digits), min_size=n, max_size=n)


_LETTERS3 = st.text(st.sampled_from(_UPPER), min_size=3, max_size=3)
_NUMBER_HEADS = {
    CardType.RESIDENT: st.builds(str.__add__, st.sampled_from("123456"), _digits(5)),
    CardType.HMT_RESIDENCE: st.builds(str.__add__, st.sampled_from(("81", "82", "83")), _digits(4)),
    CardType.FOREIGNER_2023: _digits(5).map("9".__add__),
}


@st.composite
def _number(draw, card_type: CardType, birth: dt.date) -> str:
    if card_type is CardType.FOREIGNER_2017:
        return draw(_LETTERS3) + draw(_digits(4)) + birth.strftime("%y%m%d") + draw(_digits(2))
    return complete(draw(_NUMBER_HEADS[card_type]) + birth.strftime("%Y%m%d") + draw(_digits(3)))


_CARD_TYPES = st.sampled_from(list(LAYOUTS))
_BIRTHS = st.dates(dt.date(1900, 1, 1), TODAY)
_GENDERS = st.sampled_from(sorted(codes.GENDERS.values()))
_NATIONS = st.sampled_from(sorted(codes.NATIONS.values()))
_NAME_EN = st.sampled_from(_UPPER + " ,-")
_NAME_EN_WORDS = st.lists(st.text(_LETTERS, min_size=1, max_size=9), max_size=12).map(" ".join)
_NAMES = st.one_of(field_text(30), field_text(30, _CJK))


@st.composite
def valid_identities(draw) -> Identity:
    """A card holder whose card passes every check on the day ``valid_from`` (round trips)."""
    card_type = draw(_CARD_TYPES)
    birth = draw(_BIRTHS)
    valid_from = draw(st.dates(birth, max(birth, TODAY)))
    long_term = card_type is CardType.RESIDENT and draw(st.booleans())
    valid_to = None if long_term else draw(st.dates(max(valid_from, TODAY), dt.date(2099, 12, 31)))
    name_en_size = {CardType.FOREIGNER_2017: 120, CardType.FOREIGNER_2023: 70 + 22}.get(card_type, 0)
    name_en = fit(draw(st.one_of(field_text(name_en_size, _NAME_EN), _NAME_EN_WORDS)), name_en_size)
    name = draw(_NAMES) or fit(name_en, 30)  # a card without a Chinese name is shown by its English one
    resident_like = card_type in (CardType.RESIDENT, CardType.HMT_RESIDENCE)
    identity = Identity(
        id_number=draw(_number(card_type, birth)), name=name, card_type=card_type, gender=draw(_GENDERS),
        nation=draw(_NATIONS) if card_type is CardType.RESIDENT else "",
        birth_date=birth, valid_from=valid_from, valid_to=valid_to, name_en=name_en,
        address=draw(field_text(70)) if resident_like else "",
        issuer=draw(field_text(8 if card_type is CardType.FOREIGNER_2017 else 30))
        if card_type is not CardType.FOREIGNER_2023 else "",
        nationality=draw(field_text(6, _LETTERS)) if card_type.value.startswith("foreigner") else "",
        pass_number=draw(field_text(18)) if card_type is CardType.HMT_RESIDENCE else "",
        issue_count=draw(field_text(4)) if card_type is CardType.HMT_RESIDENCE else "",
        renewal_count=draw(field_text(4)) if card_type is CardType.FOREIGNER_2023 else "",
        card_version=draw(field_text(4)) if card_type is CardType.FOREIGNER_2017 else "",
    )
    return identity


def _other_digits(value: str, positions: list[int], digits: list[str]) -> str:
    chars = list(value)
    for at, digit in zip(positions, digits):
        if chars and chars[at % len(chars)].isdigit():
            chars[at % len(chars)] = digit
    return "".join(chars)


_HOW = st.sampled_from(("other_digits", "other_digits", "other_digits", "wrong_check", "impossible_date", "lower",
                        "random", "non_bmp", "blank", "long_term"))
_POSITIONS = st.lists(st.sampled_from(range(18)), min_size=1, max_size=2)
_OTHER_DIGIT = st.sampled_from(OTHER_DIGITS)
_IMPOSSIBLE_DATES = st.sampled_from(("20230230", "20221301", "00000000", "99999999", "2023011", "202301011",
                                     "2023-1-1", "+2023010", " 2023010", "1e100000", "２０２３０１０１"))
_NON_BMP_CHAR = st.sampled_from(_NON_BMP)


@st.composite
def _field_mutation(draw, value: str, size: int) -> str:
    """One field of a valid card, made wrong in a way a broken card or reader could."""
    how = draw(_HOW)
    if how == "other_digits":
        positions = draw(_POSITIONS)
        return _other_digits(value, positions, [draw(_OTHER_DIGIT) for _ in positions])
    if how == "wrong_check" and value:
        return value[:-1] + draw(st.sampled_from([c for c in "0123456789Xx" if c != value[-1]]))
    if how == "impossible_date":
        return draw(_IMPOSSIBLE_DATES)
    if how == "lower":
        return value.lower()
    if how == "non_bmp":
        return fit(draw(_NON_BMP_CHAR) + value, size)
    if how == "blank":
        return ""
    if how == "long_term":
        return "长期"
    return draw(field_text(size))


_FLAGS = {CardType.RESIDENT: " ", CardType.HMT_RESIDENCE: "J", CardType.FOREIGNER_2017: "I",
          CardType.FOREIGNER_2023: "Y"}


def _encode_fields(values: dict[str, str], card_type: CardType, pad: bytes) -> bytearray:
    block = bytearray(pad * (TEXT_LEN // 2))
    block[FLAG_OFFSET:FLAG_OFFSET + 2] = _FLAGS[card_type].encode("utf-16-le")
    for fld in LAYOUTS[card_type]:
        encoded = values.get(fld.name, "").encode("utf-16-le", "surrogatepass")[:fld.size]
        block[fld.offset:fld.offset + len(encoded)] = encoded
    return block


_FIELD_NAMES = {card_type: st.lists(st.sampled_from([fld.name for fld in layout]), min_size=1, max_size=2,
                                     unique=True) for card_type, layout in LAYOUTS.items()}
_PADS = st.sampled_from((" ".encode("utf-16-le"), b"\0\0"))
_ODD_FLAGS = st.one_of(st.sampled_from(" JIY\x00"), st.characters(max_codepoint=0xFFFF))
_RAW = st.one_of(st.binary(min_size=1, max_size=40),
                 st.sampled_from((b"\x00\xd8", b"\x00\xdc\x41\x00", "办事".encode("gbk"),
                                  "状态".encode("gb18030") + b"\x00")))


@st.composite
def near_valid_text_blocks(draw) -> bytes:
    """A valid card's block with one to three fields made wrong; sometimes a stray flag or raw bytes
    (odd UCS-2, lone surrogates, GBK) over part of it."""
    identity = draw(valid_identities())
    values = _field_values(identity)
    layout = {fld.name: fld for fld in LAYOUTS[identity.card_type]}
    for name in draw(_FIELD_NAMES[identity.card_type]):
        values[name] = draw(_field_mutation(values[name], layout[name].size))
    block = _encode_fields(values, identity.card_type, draw(_PADS))
    if draw(st.integers(0, 3)) == 0:
        block[FLAG_OFFSET:FLAG_OFFSET + 2] = draw(_ODD_FLAGS).encode("utf-16-le", "surrogatepass")
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, TEXT_LEN - 1))
        raw = draw(_RAW)
        block[at:at + len(raw)] = raw[:TEXT_LEN - at]
    return bytes(block)


@functools.lru_cache(maxsize=None)
def text_blocks() -> st.SearchStrategy[bytes]:
    return st.one_of(near_valid_text_blocks(), near_valid_text_blocks(),
                     valid_identities().map(lambda i: bytes(encode_text_block(i))),
                     st.binary(min_size=TEXT_LEN, max_size=TEXT_LEN), st.binary(max_size=2 * TEXT_LEN))


@functools.lru_cache(maxsize=None)
def photo_bytes() -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(min_size=PHOTO_LEN, max_size=PHOTO_LEN), st.binary(max_size=2 * PHOTO_LEN))


@functools.lru_cache(maxsize=None)
def vendor_photo_output() -> st.SearchStrategy[bytes]:
    """What a vendor's photo library may leave in its output buffer: a BMP (with any size field) or pixels."""
    bmp = st.builds(lambda size, rest: b"BM" + size.to_bytes(4, "little") + rest,
                    st.one_of(st.integers(0, 2 ** 32 - 1), st.sampled_from((0, 54, 55, 38862, OUT_CAPACITY,
                                                                            OUT_CAPACITY + 1))),
                    st.binary(max_size=100))
    return st.one_of(bmp, st.binary(max_size=200))


# -- QR payloads and text -----------------------------------------------------------------------

_PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
_TOKEN_CHARS = string.ascii_letters + string.digits + "_-"
_ID_CHARS = _UPPER + string.digits + "-"
_B32_CHARS = _UPPER + "234567"


@functools.lru_cache(maxsize=None)
def _id_text(max_size: int = 64) -> st.SearchStrategy[str]:
    return st.builds(str.__add__, st.sampled_from(_UPPER + string.digits),
                     st.text(st.sampled_from(_ID_CHARS), max_size=max_size - 1))


@functools.lru_cache(maxsize=None)
def _dates() -> st.SearchStrategy[dt.date]:
    return st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31))


@functools.lru_cache(maxsize=None)
def _terminal_ids() -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(_ID_CHARS), min_size=1, max_size=16)


@functools.lru_cache(maxsize=None)
def valid_payloads() -> st.SearchStrategy[tuple[str, str, dict[str, str]]]:
    """``(scanned text, kind value, fields)`` of valid payloads, by the grammar of docs/api/payloads.md."""
    token = st.text(st.sampled_from(_TOKEN_CHARS), min_size=8, max_size=128)
    case = st.builds(lambda d, n: f"SQ{d:%Y%m%d}{n:05d}", _dates(), st.integers(0, 99999))
    number = st.one_of(st.builds(provisional.make, _terminal_ids(), _dates(), st.integers(1, 99999),
                                 st.integers(0, provisional.SERIES_COUNT - 1)),
                       st.builds(first_format_number, _terminal_ids(), _dates(), st.integers(1, 99999)))
    b32 = st.text(st.sampled_from(_B32_CHARS), min_size=8, max_size=8)
    amount = st.builds(lambda y, c: f"{y}.{c:02d}", st.integers(0, 999_999_999), st.integers(0, 99))
    return st.one_of(
        token.map(lambda t: (f"ZLBID1:{t}", "identity_token", {"token": t})),
        case.map(lambda c: (f"OTR1:{c}", "receipt", {"case_number": c})),
        number.map(lambda p: (f"OTR1:{p}", "receipt", {"provisional_number": p})),
        st.tuples(_id_text(), b32).map(lambda t: (f"OTL1:{t[0]}:{t[1]}", "licence",
                                                  {"licence_id": t[0], "code": t[1]})),
        st.tuples(_id_text(), amount).map(lambda t: (f"OTP1:{t[0]}:{t[1]}", "payment_order",
                                                     {"order_id": t[0], "amount": t[1]})),
    )


def first_format_number(terminal_id: str, day: dt.date, sequence: int) -> str:
    """A provisional number of the first format, without a series (still valid on old receipts)."""
    body = f"{terminal_id.replace('-', '')}{day:%Y%m%d}{sequence:05d}"
    return f"P-{terminal_id}-{day:%Y%m%d}-{sequence:05d}-{pure_check(body, MOD37_2)}"


@st.composite
def wrong_check_numbers(draw) -> str:
    """A provisional number with every part valid but its check character."""
    number = provisional.make(draw(_terminal_ids()), draw(_dates()), draw(st.integers(1, 99999)),
                              draw(st.integers(0, provisional.SERIES_COUNT - 1)))
    wrong = draw(st.sampled_from([c for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*" if c != number[-1]]))
    return f"OTR1:{number[:-1]}{wrong}"


_PAYLOAD_MUTATIONS = st.sampled_from(("truncate", "oversize", "replace", "insert_control", "insert_non_bmp",
                                      "insert_any", "line_ending", "lower", "drop_colon", "double", "other_digits"))


@st.composite
def mutated_payloads(draw) -> str:
    text, _, _ = draw(valid_payloads())
    how = draw(_PAYLOAD_MUTATIONS)
    at = draw(st.integers(0, len(text)))
    if how == "truncate":
        return text[:at]
    if how == "oversize":
        return text + draw(st.text(_PRINTABLE, min_size=1, max_size=300))
    if how == "replace" and text:
        at = min(at, len(text) - 1)
        return text[:at] + draw(_PRINTABLE) + text[at + 1:]
    if how == "insert_control":
        return text[:at] + draw(st.characters(max_codepoint=0x1F) | st.sampled_from("\x7f\x85\u2028\ufeff")) + text[at:]
    if how == "insert_non_bmp":
        return text[:at] + draw(st.characters(min_codepoint=0x10000)) + text[at:]
    if how == "insert_any":
        return text[:at] + draw(st.text(min_size=1, max_size=4)) + text[at:]
    if how == "line_ending":
        return text + draw(st.sampled_from(("\r\n", "\n", "\r", "\n\n", "\r\n\r\n", " \r\n", "\t")))
    if how == "lower":
        return text.lower()
    if how == "other_digits":
        positions = draw(st.lists(st.integers(0, len(text)), min_size=1, max_size=3))
        return _other_digits(text, positions, [draw(_OTHER_DIGIT) for _ in positions])
    if how == "drop_colon":
        return text.replace(":", "", 1)
    return text + text


@functools.lru_cache(maxsize=None)
def payload_strings() -> st.SearchStrategy[str]:
    prefixes = st.sampled_from(("ZLBID1", "OTR1", "OTL1", "OTP1", "otr1", "OTR2", "http", "https", "javascript",
                                "www.example.com", ""))
    by_grammar = st.builds(lambda p, r: f"{p}:{r}", prefixes, st.text(_PRINTABLE, max_size=300))
    return st.one_of(valid_payloads().map(lambda v: v[0]), mutated_payloads(), mutated_payloads(),
                     wrong_check_numbers(), by_grammar, st.text(max_size=300), st.text(_PRINTABLE, max_size=300))


_CODECS = ("utf-8", "gb18030", "gbk", "gb2312", "cp932", "shift_jis", "latin-1", "utf-16-le")


def _encoded(text: str, codec: str) -> bytes:
    return text.encode(codec, errors="ignore")


@functools.lru_cache(maxsize=None)
def _qr_text() -> st.SearchStrategy[str]:
    kana = st.characters(min_codepoint=0x3040, max_codepoint=0x30FF)
    half_kana = st.characters(min_codepoint=0xFF61, max_codepoint=0xFF9F)
    return st.text(st.one_of(_CJK, kana, half_kana, _PRINTABLE, _TEXT_CHARS), max_size=60)


@functools.lru_cache(maxsize=None)
def qr_bytes() -> st.SearchStrategy[bytes]:
    """A QR code's payload bytes: text in one codec, segments in several, or noise."""
    segment = st.builds(_encoded, _qr_text(), st.sampled_from(_CODECS))
    return st.one_of(segment, st.lists(segment, min_size=2, max_size=4).map(b"".join),
                     st.binary(max_size=200), st.binary(max_size=16).map(lambda b: b"\xef\xbb\xbf" + b))


@st.composite
def zxing_readings(draw) -> tuple[bytes, str | None]:
    """``(bytes, text)`` as zxing-cpp reports a code: its guess in one of its codecs, an ECI's text, or none."""
    raw = draw(qr_bytes())
    how = draw(st.sampled_from(("none", "empty", "guess", "eci", "latin-1")))
    if how == "none":
        return raw, None
    if how == "empty":
        return raw, ""
    if how == "guess":
        codec = draw(st.sampled_from(("utf-8", "iso-8859-1", "cp932", "shift_jis")))
        return raw, raw.decode(codec, errors="replace")
    if how == "latin-1":
        return raw, raw.decode("latin-1")
    return raw, draw(_qr_text())


@functools.lru_cache(maxsize=None)
def utf8_texts() -> st.SearchStrategy[str]:
    """Text whose UTF-8 the decoder must return unchanged: its first non-ASCII character is beyond U+07FF."""
    wide = st.characters(min_codepoint=0x800, blacklist_categories=("Cs",)).filter(lambda c: c != "\ufeff")
    return st.builds(lambda a, w, rest: a + w + rest, st.text(_PRINTABLE, max_size=10), wide, st.text(_TEXT_CHARS))


@functools.lru_cache(maxsize=None)
def scanner_streams() -> st.SearchStrategy[bytes]:
    """What a serial QR scanner sends: scans with CR, LF or CRLF, and noise."""
    piece = st.one_of(st.binary(max_size=30), st.sampled_from((b"\r", b"\n", b"\r\n", b"\n\r", b"\r\r\n")))
    return st.lists(piece, max_size=10).map(b"".join)


# -- configuration ------------------------------------------------------------------------------

SPECIAL_FLOATS = (math.nan, -math.nan, math.inf, -math.inf, -0.0, 0.0, 1e308, -1e308, 5e-324, 1e-300)
SPECIAL_TEXTS = ("nan", "NaN", "-nan", "inf", "-inf", "+inf", "Infinity", "-Infinity", "infinity", "1e999", "-1e999",
                 "-0", "-0.0", "0x10", "1_000", " 5 ", "5\x00", "\x00", "", "true", "on", "9" * 5000,
                 "1" + "0" * 400, "1e-400", "½", "٣", "３", "1.5", "NaN\n")


@functools.lru_cache(maxsize=None)
def _known_sections() -> dict[str, dict[str, typing.Any]]:
    """Section -> {key: field} of the configuration's typed sections."""
    return {name: {fld.name: fld for fld in dataclasses.fields(cls)} for name, cls in kconfig._SECTIONS.items()}


def _hint(section: str, key: str) -> typing.Any:
    return typing.get_type_hints(kconfig._SECTIONS[section]).get(key)


@functools.lru_cache(maxsize=None)
def _key_names() -> st.SearchStrategy[str]:
    sections = _known_sections()
    known = sorted({key for fields in sections.values() for key in fields})
    return st.one_of(st.sampled_from(known), st.text(st.sampled_from(string.ascii_lowercase + "_"), min_size=1,
                                                     max_size=12), st.text(min_size=1, max_size=8))


@functools.lru_cache(maxsize=None)
def scalar_values() -> st.SearchStrategy[typing.Any]:
    return st.one_of(st.booleans(), st.integers(-2 ** 63, 2 ** 63 - 1), st.integers(-10 ** 30, 10 ** 30),
                     st.sampled_from(SPECIAL_FLOATS), st.floats(), st.sampled_from(SPECIAL_TEXTS),
                     st.text(max_size=20), st.text(max_size=20).map(lambda s: s + "\x00" + s))


@functools.lru_cache(maxsize=None)
def config_values(max_leaves: int = 10) -> st.SearchStrategy[typing.Any]:
    """Any TOML value: scalars, arrays, tables, arrays of tables."""
    return st.recursive(scalar_values(),
                        lambda children: st.one_of(st.lists(children, max_size=4),
                                                   st.dictionaries(_key_names(), children, max_size=4)),
                        max_leaves=max_leaves)


@functools.lru_cache(maxsize=None)
def _section_tables() -> dict[str, st.SearchStrategy[dict[str, typing.Any]]]:
    """Per section name, its tables of known and stray keys with hostile values."""
    values = st.one_of(scalar_values(), scalar_values(), config_values(4))
    tables = {name: st.dictionaries(st.one_of(st.sampled_from(sorted(fields)), _key_names()), values, max_size=5)
              for name, fields in _known_sections().items()}
    tables["bogus"] = st.dictionaries(_key_names(), values, max_size=3)
    device_options = st.dictionaries(
        st.sampled_from(("type", "port", "baudrate", "baudrates", "timeout_s", "reply_timeout_s", "fps", "width",
                         "max_timeouts", "profile", "mode", "output_dir", "folder", "x")),
        st.one_of(st.sampled_from(("sim", "serial_sam", "escpos_tcp", "camera")), scalar_values(),
                  st.lists(scalar_values(), max_size=3)), max_size=4)
    tables["devices"] = st.dictionaries(st.sampled_from([*kconfig.DEVICE_KINDS, "bogus"]), device_options,
                                        min_size=1, max_size=2)
    return tables


_SECTION_NAMES = st.lists(st.sampled_from([*kconfig._SECTIONS, "devices", "bogus"]), max_size=4, unique=True)


@st.composite
def config_tables(draw) -> dict[str, typing.Any]:
    """A parsed configuration layer: mostly known sections and keys, with hostile values."""
    tables = _section_tables()
    return {name: draw(tables[name]) for name in draw(_SECTION_NAMES)}


@functools.lru_cache(maxsize=None)
def _valid_sections() -> dict[str, tuple[st.SearchStrategy[list[str]], dict[str, st.SearchStrategy[typing.Any]]]]:
    return {name: (st.lists(st.sampled_from(sorted(fields)), max_size=3, unique=True),
                   {key: _valid_value(fld, _hint(name, key)) for key, fld in fields.items()})
            for name, fields in _known_sections().items()}


@st.composite
def valid_config_tables(draw) -> dict[str, typing.Any]:
    """Known keys with values of their type inside their bounds: a configuration that must load."""
    table: dict[str, typing.Any] = {}
    for name, (keys, values) in _valid_sections().items():
        for key in draw(keys):
            table.setdefault(name, {})[key] = draw(values[key])
    terminal = table.get("terminal", {})
    if "staff_pin" in terminal:  # a plain PIN is valid in a demo configuration only, and never beside a hash
        terminal["demo"] = True
        terminal.pop("break_glass_pin_hash", None)
    return table


def _valid_value(fld: dataclasses.Field, hint: typing.Any) -> st.SearchStrategy[typing.Any]:
    if fld.name == "break_glass_pin_hash":  # a real hash costs two scrypt runs a load: tests/test_break_glass.py
        return st.just("")
    choices, lo, hi = fld.metadata.get("choices"), fld.metadata.get("min"), fld.metadata.get("max")
    if choices:
        return st.sampled_from(choices)
    if fld.metadata.get("pattern"):
        return st.from_regex(fld.metadata["pattern"], fullmatch=True)
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(int(lo if lo is not None else -10 ** 6), int(hi if hi is not None else 10 ** 6))
    if hint is float:
        return st.floats(lo if lo is not None else -1e6, hi if hi is not None else 1e6, allow_nan=False)
    return st.text(st.characters(min_codepoint=0x20, blacklist_categories=("Cs",)), max_size=30)


@st.composite
def deep_documents(draw) -> str:
    """Nesting deeper than any parser's recursion: arrays, inline tables, dotted keys."""
    how = draw(st.sampled_from(("arrays", "tables", "dotted", "header")))
    # tomllib's time and memory grow with the square of a dotted key's parts (100,000 parts: 47 s and
    # over 4 GB), so those stay at 1,001 here; brackets and braces go deep.
    depth = draw(st.sampled_from((50, 200, 999, 1001) if how in ("dotted", "header") else (50, 999, 1001, 100_000)))
    if how == "arrays":
        return "[terminal]\nid = " + "[" * depth + "]" * depth + "\n"
    if how == "tables":
        return "[terminal]\nid = " + "{a = " * depth + "1" + "}" * depth + "\n"
    if how == "dotted":
        return "[terminal]\n" + ".".join(["a"] * depth) + " = 1\n"
    return "[" + ".".join(["a"] * depth) + "]\nb = 1\n"


@functools.lru_cache(maxsize=None)
def toml_documents() -> st.SearchStrategy[bytes]:
    """A site configuration file as bytes: built from tables, deep, damaged or not UTF-8."""
    built = st.builds(lambda t, a: toml_document(t, arrays_of_tables=a), config_tables(), st.booleans())
    valid = valid_config_tables().map(toml_document)
    text = st.one_of(built, built, valid, deep_documents(),
                     st.builds(lambda t, junk: t + junk, built, st.text(max_size=20)), st.text(max_size=200))
    return st.one_of(text.map(lambda s: s.encode("utf-8", "surrogatepass")), st.binary(max_size=200),
                     st.builds(lambda t: t.encode("utf-8") + b"\xff\xfe", built))


@functools.lru_cache(maxsize=None)
def _env_name() -> st.SearchStrategy[str]:
    sections = _known_sections()
    known = [f"KIOSK_{s.upper()}__{k.upper()}" for s, fields in sections.items() for k in fields]
    devices = [f"KIOSK_DEVICES__{kind.upper()}__{key}" for kind in kconfig.DEVICE_KINDS
               for key in ("TYPE", "PORT", "BAUDRATE", "BAUDRATES", "TIMEOUT_S", "REPLY_TIMEOUT_S", "FPS", "X")]
    return st.one_of(st.sampled_from(known), st.sampled_from(known), st.sampled_from(devices),
                     st.builds(lambda a, b: f"KIOSK_{a}__{b}", st.text(max_size=10), st.text(max_size=10)),
                     st.sampled_from(("KIOSK_TERMINAL", "KIOSK___", "KIOSK_TERMINAL__ID__X", "PATH", "KIOSK__")))


@functools.lru_cache(maxsize=None)
def env_dicts() -> st.SearchStrategy[dict[str, str]]:
    value = st.one_of(st.sampled_from(SPECIAL_TEXTS), st.text(max_size=20), st.floats().map(repr),
                      st.integers().map(str))
    return st.dictionaries(_env_name(), value, max_size=4)


@st.composite
def valid_env_dicts(draw) -> tuple[dict[str, typing.Any], dict[str, str]]:
    """Known keys with valid values, and the same as environment variables: ``(table, environ)``."""
    env = {}
    table = draw(valid_config_tables())
    for name, values in table.items():
        for key, value in values.items():
            env[f"KIOSK_{name.upper()}__{key.upper()}"] = (
                ("true" if value else "false") if isinstance(value, bool) else
                repr(value) if isinstance(value, float) else str(value))
    return table, env


@functools.lru_cache(maxsize=None)
def _remote_parts() -> tuple[st.SearchStrategy, st.SearchStrategy, st.SearchStrategy]:
    keys = kconfig.remote_keys()
    chosen = st.lists(st.one_of(st.sampled_from(keys), st.sampled_from(keys),
                                st.builds(lambda s, k: f"{s}.{k}", st.sampled_from([*kconfig._SECTIONS, "x"]),
                                          _key_names())), max_size=4)
    values = st.one_of(scalar_values(), scalar_values(), config_values(4), st.none())
    not_tables = st.one_of(st.lists(scalar_values(), max_size=2), scalar_values(),
                           st.just({"terminal": [1, 2]}), st.just({"terminal": None}))
    return chosen, values, not_tables


@st.composite
def remote_tables(draw) -> typing.Any:
    """What a backend may send as remote configuration: the remote keys and others, any JSON values."""
    chosen, values, not_tables = _remote_parts()
    if draw(st.integers(0, 9)) == 0:  # not even a table of tables
        return draw(not_tables)
    table: dict[str, typing.Any] = {}
    for dotted in draw(chosen):
        section, key = dotted.split(".", 1)
        table.setdefault(section, {})[key] = draw(values)
    return table


# -- QR symbols for the erasure pass ------------------------------------------------------------

_WILD = st.floats(allow_nan=True, allow_infinity=True)
_SYMBOL_CHARACTERS = string.ascii_letters + string.digits + ":/-. "  # a constant: xgettext takes text("...") for a message


@st.composite
def located_symbols(draw) -> tuple[typing.Any, str, list[tuple[list[float], str]]]:
    """``(grey image, text drawn, [(corners as 8 floats, reported version), ...])``: a code drawn as a
    camera might see it, and what a located-but-unread report could say of where and what it is."""
    import numpy as np
    import segno

    text = draw(st.text(_SYMBOL_CHARACTERS, min_size=1, max_size=60))
    qr = segno.make_qr(text, error=draw(st.sampled_from("lmqh")), boost_error=False)
    matrix = np.array(qr.matrix, bool)
    n, px = matrix.shape[0], draw(st.integers(1, 8) | st.integers(3, 8))
    margin = draw(st.integers(0, 12))
    image = np.pad(np.kron(np.where(matrix, 30, 220), np.ones((px, px))), margin, constant_values=220)
    rows, cols = image.shape
    damage = draw(st.sampled_from(("none", "blob", "noise", "flat", "tiny")))
    if damage == "blob":
        y, x, r = draw(st.integers(0, rows - 1)), draw(st.integers(0, cols - 1)), draw(st.integers(1, rows))
        yy, xx = np.ogrid[:rows, :cols]
        image[(yy - y) ** 2 + (xx - x) ** 2 < r * r] = draw(st.integers(0, 255))
    elif damage == "noise":
        image = image + np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1))).normal(0, draw(st.floats(0, 200)), image.shape)
    elif damage == "flat":
        image[:] = draw(st.integers(0, 255))
    elif damage == "tiny":
        image = image[: draw(st.integers(1, 3)), : draw(st.integers(1, 3))]
    gray = np.clip(image, 0, 255).astype(np.uint8)
    side = float(n * px)
    true = [margin, margin, margin + side, margin, margin + side, margin + side, margin, margin + side]
    near = st.lists(st.floats(-2.0, 2.0), min_size=8, max_size=8).map(lambda d: [t + e * px for t, e in zip(true, d)])
    corners = st.one_of(st.just(true), near, near.map(lambda c: c[2:] + c[:2]),
                        st.lists(_WILD, min_size=8, max_size=8), st.lists(st.floats(-1e7, 1e7), min_size=8, max_size=8))
    versions = st.one_of(st.just(str(qr.version)), st.integers(-3, 45).map(str), st.sampled_from(("", "M3", "R13x27", "x")))
    # first a report about where the symbol is (the case that reads), then any others
    first = draw(st.tuples(st.one_of(st.just(true), near), st.just(str(qr.version))))
    return gray, text, [first] + draw(st.lists(st.tuples(corners, versions), max_size=2))


# -- the A4 printer's answers from CUPS (devices/docprinter/ipp.py, cups_reach.py) and xset's (kiosk/screen_blanking.py)

URI_CHARACTERS = "abc.-_:/?=&%[]@0123456789 "  # a URI's own characters, and a space


def _ipp_attribute(tag: int, name: bytes, value: bytes) -> bytes:
    return tag.to_bytes(1, "big") + len(name).to_bytes(2, "big") + name + len(value).to_bytes(2, "big") + value


@st.composite
def ipp_answers(draw) -> bytes:
    """A well-formed IPP answer of CUPS's: a status, the operation group, then a job or printer group holding
    ``job-state``, ``printer-state`` (enums) and ``printer-state-reasons`` (keywords, extra values unnamed)."""
    status = draw(st.sampled_from([0, 1, 0x0406, 0x0400, 0x0500]))
    attributes = [_ipp_attribute(0x47, b"attributes-charset", b"utf-8")]
    group = [_ipp_attribute(0x23, draw(st.sampled_from([b"job-state", b"printer-state"])),
                            draw(st.integers(-2**31, 2**31 - 1)).to_bytes(4, "big", signed=True))]
    reasons = draw(st.lists(st.sampled_from([b"none", b"media-empty-error", b"paused", b"toner-low-report"]),
                            min_size=1, max_size=3))
    group.append(_ipp_attribute(0x44, b"printer-state-reasons", reasons[0]))
    group += [_ipp_attribute(0x44, b"", reason) for reason in reasons[1:]]
    trays = draw(st.lists(st.builds(lambda level, name: b"type=sheetFeedAutoRemovableTray;level=%s;name=%s;" % (
        level, name), st.sampled_from([b"0", b"250", b"-2", b"-3", b"", b"x", b"-"]),
        st.sampled_from([b"main", b"by-pass-tray", b"\xff"])), max_size=3))
    group += [_ipp_attribute(0x30, b"printer-input-tray" if i == 0 else b"", tray) for i, tray in enumerate(trays)]
    return (b"\x01\x01" + status.to_bytes(2, "big") + b"\x00\x00\x00\x01" + b"\x01" + b"".join(attributes)
            + draw(st.sampled_from([b"\x02", b"\x04"])) + b"".join(group) + b"\x03")


@functools.lru_cache(maxsize=None)
def ipp_inputs() -> st.SearchStrategy[bytes]:
    """Answers as CUPS gives them, the same mutated (bits flipped, bytes set, cut, inserted), and any bytes."""
    mutated = st.builds(lambda answer, mutations: mutate(answer, mutations, False), ipp_answers(), _MUTATION_LISTS)
    return st.one_of(ipp_answers(), mutated, st.binary(max_size=120))


@functools.lru_cache(maxsize=None)
def http_answers() -> st.SearchStrategy[bytes]:
    """HTTP answers around an IPP one as a printer or CUPS gives them (a status line, a Content-Length true, false or
    none, chunked), the same cut anywhere, and any bytes."""
    heads = st.builds(
        lambda status, length, extra: b"HTTP/1." + status + b"\r\n" + length + extra + b"\r\n",
        st.sampled_from([b"0 200 OK", b"1 200 OK", b"1 404 Not Found", b"0 200", b"x"]),
        st.one_of(st.integers(-5, 10**6).map(lambda n: b"Content-Length: %d\r\n" % n),
                  st.sampled_from([b"", b"content-length:  12 \r\n", b"Content-Length: 1e3\r\n"])),
        st.sampled_from([b"", b"Transfer-Encoding: chunked\r\n", b"Connection: keep-alive\r\n", b"X: \xff\r\n"]))
    whole = st.builds(lambda head, body: head + body, heads, ipp_inputs())
    return st.one_of(whole, whole.flatmap(lambda said: st.integers(0, len(said)).map(lambda n: said[:n])),
                     st.binary(max_size=200))


def _tlv(tag: int, value: bytes) -> bytes:
    size = len(value)
    length = bytes([size]) if size < 0x80 else bytes([0x81, size]) if size < 0x100 else bytes([0x82]) + \
        size.to_bytes(2, "big")
    return bytes([tag]) + length + value


@st.composite
def snmp_answers(draw) -> bytes:
    """A printer agent's SNMPv1 GetResponse for hrPrinterDetectedErrorState (request id 7), its fields drawn: the
    status, the object named, the value's type and bytes."""
    oid = draw(st.sampled_from([bytes.fromhex("2b 06 01 02 01 19 03 05 01 02 01"), bytes.fromhex("2b 06 01"),
                                bytes.fromhex("2b 86 01 ff")]))
    value = _tlv(draw(st.sampled_from([0x04, 0x04, 0x02, 0x05, 0x80, 0x81])), draw(st.binary(max_size=4)))
    body = _tlv(0x02, bytes([draw(st.sampled_from([7, 7, 8]))])) + _tlv(0x02, bytes([draw(st.sampled_from([0, 2]))])) \
        + _tlv(0x02, b"\x00") + _tlv(0x30, _tlv(0x30, _tlv(0x06, oid) + value))
    return _tlv(0x30, _tlv(0x02, bytes([draw(st.sampled_from([0, 1, 3]))])) + _tlv(0x04, b"public")
                + _tlv(draw(st.sampled_from([0xA2, 0xA2, 0xA0])), body))


@functools.lru_cache(maxsize=None)
def snmp_inputs() -> st.SearchStrategy[bytes]:
    """Answers as a printer's agent gives them, the same mutated (bits flipped, bytes set, cut, inserted), and any
    bytes."""
    mutated = st.builds(lambda answer, mutations: mutate(answer, mutations, False), snmp_answers(), _MUTATION_LISTS)
    return st.one_of(snmp_answers(), mutated, st.binary(max_size=80))


@functools.lru_cache(maxsize=None)
def device_uris() -> st.SearchStrategy[str]:
    """Device URIs as lpstat -v gives them, and text that only looks like one."""
    scheme = st.sampled_from(["socket", "ipp", "ipps", "http", "https", "lpd", "usb", "cups-pdf", "dnssd", "IPP", ""])
    rest = st.text(alphabet=URI_CHARACTERS, max_size=30)
    return st.one_of(st.builds(lambda s, r: f"{s}://{r}", scheme, rest), st.text(max_size=40))


@functools.lru_cache(maxsize=None)
def xset_outputs() -> st.SearchStrategy[str]:
    """``xset q`` as xset.c prints it, with its numbers and DPMS lines drawn, pieces of it, and any text."""
    printed = st.builds(
        lambda timeout, dpms: ("Screen Saver:\n  prefer blanking:  yes    allow exposures:  yes\n"
                               f"  timeout:  {timeout}    cycle:  600\nDPMS (Energy Star):\n{dpms}\n"),
        st.one_of(st.integers(0, 10**12).map(str), st.text(max_size=6)),
        st.sampled_from(["  DPMS is Enabled", "  DPMS is Disabled", "  Server does not have the DPMS Extension",
                         ""]))
    return st.one_of(printed, printed.flatmap(lambda text: st.integers(0, len(text)).map(lambda n: text[:n])),
                     st.text(max_size=200))
