"""Scanned payloads classified by docs/api/payloads.md; hostile input never raises, URLs never open."""

from __future__ import annotations

import datetime as dt

import pytest

from common import provisional
from kiosk.payloads import MAX_LENGTH, PayloadKind, classify

PROVISIONAL = provisional.make("ZJ-HZ-T001", dt.date(2026, 11, 27), 7)


@pytest.mark.parametrize("scanned, kind, fields", [
    ("ZLBID1:ZLB-Q5M2K7XP4DWR8N3TY6HJ9VCB", PayloadKind.IDENTITY_TOKEN, {"token": "ZLB-Q5M2K7XP4DWR8N3TY6HJ9VCB"}),
    ("ZLBID1:abcdefgh", PayloadKind.IDENTITY_TOKEN, {"token": "abcdefgh"}),
    ("ZLBID1:" + "a_-9" * 32, PayloadKind.IDENTITY_TOKEN, {"token": "a_-9" * 32}),
    ("OTR1:SQ2026112700042", PayloadKind.RECEIPT, {"case_number": "SQ2026112700042"}),
    (f"OTR1:{PROVISIONAL}", PayloadKind.RECEIPT, {"provisional_number": PROVISIONAL}),
    ("OTL1:LIC-SQ2026112500003:K7Q2M4XA", PayloadKind.LICENCE, {"licence_id": "LIC-SQ2026112500003", "code": "K7Q2M4XA"}),
    ("OTP1:PO20261127A1B2C3D4:10.00", PayloadKind.PAYMENT_ORDER, {"order_id": "PO20261127A1B2C3D4", "amount": "10.00"}),
    ("OTP1:PO1:0.50", PayloadKind.PAYMENT_ORDER, {"order_id": "PO1", "amount": "0.50"}),
    ("OTR1:SQ2026112700042\r\n", PayloadKind.RECEIPT, {"case_number": "SQ2026112700042"}),  # a scanner's line ending
])
def test_our_formats_are_recognised_with_their_fields(scanned, kind, fields):
    payload = classify(scanned)
    assert payload.kind is kind
    assert payload.fields == fields
    assert payload.usable and payload.message is None


@pytest.mark.parametrize("scanned", [
    "ZLBID1:short", "ZLBID1:" + "a" * 129, "ZLBID1:has space in it", "ZLBID1:semi;colon",
    "OTR1:SQ202611270004", "OTR1:SQ20261127000421", "OTR1:SQ2026133100042", "OTR1:sq2026112700042",
    "OTR1:P-ZJ-HZ-T001-20261127-00007-Z", "OTR1:P-ZJ-HZ-T001-20261127-7-K", "OTR1:", "OTR1:anything",
    "OTL1:LIC-SQ2026112500003:K7Q2M4X", "OTL1:LIC-SQ2026112500003:K7Q2M4X1", "OTL1:LIC-SQ2026112500003:k7q2m4xa",
    "OTL1:K7Q2M4XA", "OTL1::K7Q2M4XA",
    "OTP1:PO1:10", "OTP1:PO1:10.0", "OTP1:PO1:-1.00", "OTP1:PO1:1e3.00", "OTP1::10.00", "OTP1:PO1",
    "OTP1:PO1:0010.00",
])
def test_our_prefix_with_a_bad_body_is_invalid_with_a_message(scanned):
    payload = classify(scanned)
    assert payload.kind is PayloadKind.INVALID
    assert not payload.usable
    assert payload.message.render("en").startswith("This code looks like one of ours")


@pytest.mark.parametrize("scanned", [
    "https://www.zjzwfw.gov.cn/item?id=1", "http://192.0.2.1/phish", "HTTPS://EXAMPLE.COM", "www.example.com/x",
    "javascript:alert(1)", "file:///etc/passwd", "data:text/html,<script>", "weixin://wxpay/bizpayurl?pr=abc",
    "alipays://platformapi/startapp", "mailto:a@b.c", "tel:110", "intent://scan/#Intent;end",
])
def test_urls_are_classified_never_opened(scanned):
    payload = classify(scanned)
    assert payload.kind is PayloadKind.URL
    assert not payload.usable
    assert payload.message.render("en") == "This code cannot be used here."


@pytest.mark.parametrize("scanned", [
    "hello", "WIFI:T:WPA;S:Hall;P:secret;;", "BEGIN:VCARD", "12345678901234567890", "otr1:SQ2026112700042",
    "OTR2:SQ2026112700042", "ZLBID:abc", " OTR1:SQ2026112700042", "MECARD:N:Test;;",
])
def test_anything_else_is_unknown_and_cannot_be_used_here(scanned):
    payload = classify(scanned)
    assert payload.kind is PayloadKind.UNKNOWN
    assert payload.message.render("en") == "This code cannot be used here."


@pytest.mark.parametrize("scanned", [
    "", "\r\n", "A" * (MAX_LENGTH + 1), "OTR1:" + "SQ" * 200, "办事大厅", "OTR1:SQ2026112700042\x00",
    "ZLBID1:ZLB\x1b[31mRED", "OTR1:SQ２０２６１１２７００００４２", "OTR1:SQ2026112700042\u202e", "\ud800",
    "\t", "OTR1:SQ2026112700042\nOTR1:SQ2026112700043", "\x7f" * 10,
])
def test_hostile_or_non_ascii_input_is_rejected_plainly(scanned):
    payload = classify(scanned)
    assert payload.kind is PayloadKind.REJECTED
    assert payload.message.render("en") == "This code is not one of ours."
    assert scanned not in payload.detail or not scanned  # the log never gets the payload itself


def test_exactly_256_characters_is_still_considered():
    assert classify("X" * MAX_LENGTH).kind is PayloadKind.UNKNOWN
    assert classify("X" * (MAX_LENGTH + 1)).kind is PayloadKind.REJECTED


@pytest.mark.parametrize("thing", [None, 42, b"OTR1:SQ2026112700042", ["OTR1"]])
def test_non_text_is_rejected(thing):
    assert classify(thing).kind is PayloadKind.REJECTED


def test_a_business_licence_code_gives_its_credit_code_and_nothing_else_does():
    from kiosk.payloads import credit_code_in
    assert credit_code_in("http://www.gsxt.gov.cn/index.html?uniscid=91330106MA2H7Q3K8C&type=1") == "91330106MA2H7Q3K8C"
    assert credit_code_in("91330106ma2h7q3k8c") == "91330106MA2H7Q3K8C"
    assert credit_code_in("91330106MA2H7Q3K8D") is None  # fails the check character
    assert credit_code_in("X91330106MA2H7Q3K8C") is None  # part of a longer run
    assert credit_code_in("ZLBID1:ZLB-CQTJKSZPRFK5CKNC7JBD4R6C") is None
    assert credit_code_in("9" * 300) is None and credit_code_in(None) is None
