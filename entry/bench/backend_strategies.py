"""Hypothesis strategies for what a hostile or broken backend answers: status, headers, body, signed or not.

Shared by tests/test_client_fuzz.py (a small fixed budget in ``make test``) and any longer run.
An answer mixes: any status code (the contract's, and any three digits); ``X-Server-Time`` as
NaN, infinities, huge, negative, other scripts' digits or plain noise; ``Retry-After`` the same
plus HTTP dates; any ``Content-Type``; bodies that are valid JSON of the wrong shape (contract
field names with values of every type), NaN and infinity literals, numbers past a double, JSON
nested up to 120,000 deep, invalid UTF-8 and random bytes; and a signature that is right, absent,
made with another key, or made for another request. Header values are Latin-1 without controls,
what an HTTP/1.1 server can send at all.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from hypothesis import strategies as st

SIGNINGS = ("right", "none", "wrong_key", "other_nonce")
CONTRACT_STATUSES = (200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 502, 503)
SPECIAL_NUMBERS = ("nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e309", "0x10", "²", "³",
                   "١٢٣", "１２", " 12 ", "12.", ".5", "-1", "0", "1" * 40, "9" * 400, "", " ", "1_000", "1e9", "+3")
CONTRACT_FIELDS = ("items", "case_number", "status", "submitted_at", "promised_days", "provisional_number", "error",
                   "code", "fields", "message_zh", "message_en", "config", "terminal_id", "server_time", "consent_id",
                   "name_zh", "materials", "applicant_types", "form", "visits")


@dataclass
class HostileAnswer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    sign: str = "right"
    server_time: str | None = None  # None: the server's real time


_HEADER_CHARS = st.characters(min_codepoint=0x20, max_codepoint=0xFF,
                              blacklist_characters="".join(map(chr, range(0x7F, 0xA0))))
header_text = st.text(_HEADER_CHARS, max_size=60).map(str.strip)


def _latin1(value: str) -> str:
    """What a header value in another script looks like on the wire: its UTF-8 bytes, read as Latin-1."""
    return "".join(c for c in value.encode("utf-8").decode("latin-1") if not 0x7F <= ord(c) < 0xA0)


def number_texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(SPECIAL_NUMBERS).map(_latin1),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers(-(10 ** 30), 10 ** 30).map(str),
        st.floats(0, 5e9).map(lambda f: f"{f:.3f}"),
        header_text,
    )


def server_times() -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), st.sampled_from(SPECIAL_NUMBERS).map(_latin1), number_texts())


def retry_afters() -> st.SearchStrategy[str]:
    dates = st.sampled_from(("Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 32 Foo 2026",
                             "Thu, 01 Jan 1970 00:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 +9999"))
    return st.one_of(st.sampled_from(SPECIAL_NUMBERS).map(_latin1), number_texts(), dates)


def content_types() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(("application/json", "application/json; charset=utf-8", "text/html",
                                      "application/json; charset=gbk", "application/octet-stream", "")), header_text)


def json_values(max_leaves: int = 8) -> st.SearchStrategy[object]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                        st.text(max_size=20))
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.sampled_from(CONTRACT_FIELDS), st.text(max_size=8)),
                                                     inner, max_size=5)), max_leaves=max_leaves)


def contract_shaped() -> st.SearchStrategy[dict]:
    """Objects with the contract's field names and values of any type."""
    return st.dictionaries(st.sampled_from(CONTRACT_FIELDS), json_values(4), max_size=6)


def _dumps(value: object) -> bytes:
    return json.dumps(value, allow_nan=True).encode()  # NaN and Infinity literals are part of the point


def deep_json() -> st.SearchStrategy[bytes]:
    def nest(depth: int, kind: str) -> bytes:
        if kind == "list":
            return b"[" * depth + b"]" * depth
        return b'{"items":' * depth + b"1" + b"}" * depth
    depths = st.one_of(st.integers(900, 1100), st.integers(1, 120_000))
    return st.builds(nest, depths, st.sampled_from(("list", "object")))


def bodies() -> st.SearchStrategy[bytes]:
    return st.one_of(
        deep_json(),
        json_values().map(_dumps),
        contract_shaped().map(_dumps),
        st.lists(contract_shaped(), max_size=2).map(lambda items: _dumps({"items": items})),
        st.sampled_from((b"", b"NaN", b"Infinity", b"-Infinity", b"1e400", b'{"items": [1e999]}', b"1" + b"0" * 5000,
                         b"\xff\xfe{}", b'{"a": "\xed\xa0\x80"}', b"null", b"[]", b'"x"', b"{", b"}")),
        st.binary(max_size=200),
    )


@st.composite
def hostile_answers(draw) -> HostileAnswer:
    headers: dict[str, str] = {}
    if draw(st.booleans()):
        headers["Content-Type"] = draw(content_types())
    if draw(st.booleans()):
        headers["Retry-After"] = draw(retry_afters())
    status = draw(st.one_of(st.sampled_from(CONTRACT_STATUSES), st.integers(100, 999)))
    return HostileAnswer(status=status, body=draw(bodies()), headers=headers,
                         sign=draw(st.sampled_from(SIGNINGS)), server_time=draw(server_times()))


def is_finite(value: float) -> bool:
    return isinstance(value, float) and math.isfinite(value)
