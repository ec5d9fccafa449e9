"""The 256-byte text block of every card type: round trips, checks, code tables."""

import dataclasses
import datetime as dt

import pytest

from devices.idcard import codes
from devices.idcard import errors as e
from devices.idcard.samples import ALL_SAMPLES, SAMPLES, sample_identity, sample_text_block
from devices.idcard.text_block import LAYOUTS, encode_text_block, parse_text_block
from common.domain import CardType, Identity
from common.idnumber import complete

TODAY = dt.date(2026, 6, 1)
COMPARED = ("id_number", "name", "card_type", "gender", "nation", "birth_date", "address", "issuer", "valid_from",
            "valid_to", "name_en", "nationality", "pass_number", "issue_count", "renewal_count", "card_version")


def fields(identity: Identity) -> dict:
    return {name: getattr(identity, name) for name in COMPARED}


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_sample_card_round_trips_through_its_text_block(sample):
    block = sample_text_block(sample)
    assert len(block) == 256
    today = dt.date(2019, 1, 1) if sample == "expired" else TODAY
    assert fields(parse_text_block(block, today=today)) == fields(sample_identity(sample))


@pytest.mark.parametrize("sample, card_type, flag", [
    ("resident", CardType.RESIDENT, " "), ("hmt_residence", CardType.HMT_RESIDENCE, "J"),
    ("foreigner_2017", CardType.FOREIGNER_2017, "I"), ("foreigner_2023", CardType.FOREIGNER_2023, "Y"),
])
def test_the_type_flag_sits_at_byte_248(sample, card_type, flag):
    block = sample_text_block(sample)
    assert block[248:250].decode("utf-16-le") == flag
    assert parse_text_block(block, today=TODAY).card_type is card_type


def test_layouts_fit_in_256_bytes_without_overlap():
    for card_type, layout in LAYOUTS.items():
        spans = sorted((field.offset, field.offset + field.size) for field in layout)
        assert all(end <= start for (_, end), (start, _) in zip(spans, spans[1:])), card_type
        assert spans[-1][1] <= 248, card_type  # the type flag is never overwritten


@pytest.mark.parametrize("sample, offset, text", [
    ("resident", 0, "张测试"), ("resident", 30, "1"), ("resident", 32, "01"), ("resident", 36, "19900307"),
    ("hmt_residence", 220, "H12345678"), ("hmt_residence", 238, "01"),
    ("foreigner_2017", 0, "TEST, SAMPLE ONE"), ("foreigner_2017", 122, "USA330185061513"),
    ("foreigner_2017", 152, "USA"), ("foreigner_2017", 158, "样例一"), ("foreigner_2017", 220, "19850615"),
    ("foreigner_2017", 240, "3300"),
    ("foreigner_2023", 0, "测试样例"), ("foreigner_2023", 32, "00"), ("foreigner_2023", 52, "YANGLI-CESHI, SAMPLE PERSON LONGNAM"),
    ("foreigner_2023", 220, "E"), ("foreigner_2023", 242, "USA"),
])
def test_fields_sit_where_public_reader_sdks_put_them(sample, offset, text):
    block = sample_text_block(sample)
    encoded = text.encode("utf-16-le")
    assert block[offset:offset + len(encoded)] == encoded


def test_a_long_english_name_continues_in_the_2023_cards_second_field():
    identity = parse_text_block(sample_text_block("foreigner_2023"), today=TODAY)
    assert identity.name_en == "YANGLI-CESHI, SAMPLE PERSON LONGNAME" and len(identity.name_en) > 35


def test_a_2017_card_without_a_chinese_name_uses_the_english_one():
    identity = dataclasses.replace(sample_identity("foreigner_2017"), name="TEST, SAMPLE ONE")
    parsed = parse_text_block(encode_text_block(identity), today=TODAY)
    assert parsed.name == parsed.name_en == "TEST, SAMPLE ONE"


def test_long_term_validity_reads_as_no_end_date():
    block = sample_text_block("resident_long_term")
    assert block[204:208].decode("utf-16-le") == "长期"
    assert parse_text_block(block, today=TODAY).valid_to is None


@pytest.mark.parametrize("sample, error", [
    ("wrong_check_digit", e.InvalidIdNumberError),
    ("impossible_date", e.ImpossibleDateError),
    ("unknown_type", e.UnknownCardTypeError),
    ("expired", e.ExpiredCardError),
])
def test_broken_cards_are_reported_not_passed_on(sample, error):
    with pytest.raises(error) as raised:
        parse_text_block(sample_text_block(sample), today=TODAY)
    assert raised.value.message.msgid == error.default
    assert "张" not in raised.value.detail and "3301" not in raised.value.detail  # no card data in details


def changed(sample: str, **values) -> bytearray:
    return encode_text_block(dataclasses.replace(sample_identity(sample), **values))


@pytest.mark.parametrize("block, error", [
    (lambda: changed("resident", valid_to=dt.date(2026, 5, 31)), e.ExpiredCardError),
    (lambda: changed("resident", valid_from=dt.date(2041, 1, 1)), e.ImpossibleDateError),       # ends before it starts
    (lambda: changed("resident", valid_from=dt.date(1980, 1, 1)), e.ImpossibleDateError),       # issued before birth
    (lambda: changed("resident", id_number=complete("33010619900308123")), e.CardDataError),    # number's birth date
    (lambda: changed("resident", id_number="33010619900307123"), e.InvalidIdNumberError),       # 17 characters
    (lambda: changed("hmt_residence", id_number=complete("33000019900101002")), e.InvalidIdNumberError),
    (lambda: changed("hmt_residence", id_number=complete("84000019900101002")), e.InvalidIdNumberError),
    (lambda: changed("foreigner_2023", id_number=complete("33384019921120002")), e.InvalidIdNumberError),
    (lambda: changed("foreigner_2023", id_number=complete("93384019921120002")[:-1] + "X"), e.InvalidIdNumberError),
    (lambda: changed("foreigner_2017", id_number="US1330185061513"), e.InvalidIdNumberError),
    (lambda: changed("foreigner_2017", id_number="USA330185061613"), e.CardDataError),           # number's birth date
    (lambda: changed("foreigner_2017", valid_to=None), e.ImpossibleDateError),                   # 长期 only on resident cards
])
def test_checks_refuse_what_cannot_be_right(block, error):
    with pytest.raises(error):
        parse_text_block(block(), today=TODAY)


def test_a_birth_date_in_the_future_is_impossible():
    with pytest.raises(e.ImpossibleDateError):
        parse_text_block(sample_text_block("resident"), today=dt.date(1989, 1, 1))


def test_unchecked_parsing_still_types_the_fields():
    identity = parse_text_block(sample_text_block("expired"), check=False)
    assert identity.valid_to == dt.date(2020, 1, 1) and identity.name == "王过期"


@pytest.mark.parametrize("bad", [b"", bytes(255), bytes(257)])
def test_a_text_block_of_the_wrong_size_is_refused(bad):
    with pytest.raises(e.CardDataError):
        parse_text_block(bad, today=TODAY)


def test_a_field_that_is_not_ucs2_is_refused():
    block = sample_text_block("resident")
    block[0:2] = b"\x00\xd8"  # a lone surrogate
    with pytest.raises(e.CardDataError):
        parse_text_block(block, today=TODAY)


@pytest.mark.parametrize("code, name", [("0", "未知"), ("1", "男"), ("2", "女"), ("9", "未说明"), ("7", "7")])
def test_gender_codes_follow_gb_t_2261_1(code, name):
    assert codes.gender_name(code) == name
    if code != "7":
        assert codes.gender_code(name) == code


@pytest.mark.parametrize("code, name", [("01", "汉"), ("02", "蒙古"), ("10", "朝鲜"), ("46", "德昂"), ("56", "基诺"),
                                        ("97", "其他"), ("98", "外国血统中国籍人士"), ("59", "穿青人"), ("77", "77")])
def test_nation_codes_follow_gb_3304_and_reader_extras(code, name):
    assert codes.nation_name(code) == name


def test_the_nation_table_is_complete():
    assert [f"{n:02d}" for n in range(1, 57)] == [k for k in codes.NATIONS if k not in ("97", "98")]


def test_every_sample_is_fictitious_and_checkable():
    for sample in ALL_SAMPLES:
        block = sample_text_block(sample)
        assert len(block) == 256
    for sample in SAMPLES:
        identity = sample_identity(sample)
        assert any(word in identity.name for word in ("测试", "样例", "过期"))


def test_wipe_drops_every_personal_field():
    identity = parse_text_block(sample_text_block("hmt_residence"), today=TODAY)
    identity.photo, identity.raw = bytearray(b"photo"), bytearray(b"raw")
    photo, raw = identity.photo, identity.raw
    identity.wipe()
    assert len(photo) == len(raw) == 0
    for name in COMPARED:
        if name != "card_type":
            assert getattr(identity, name) in ("", None), name
