"""The social security card's public data: APDUs, records, the card model (devices/sscard).

Byte vectors marked "published" are copied from public card software (see devices/sscard/apdu.py and
records.py for the sources); the others are built here and say so.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from devices.errors import ProtocolError
from devices.sscard import apdu
from devices.sscard.errors import CardStatusError, FileNotFoundOnCardError, RecordNotFoundError, SsCardDataError, SsCardError
from devices.sscard.model import Answer, SsCardModel
from devices.sscard.reading import read_card
from devices.sscard.records import (SocialSecurityCard, encode_holder, encode_issuer, holder_records_for,
                                    parse_card, spec_version_of, tlv, value_of)

# Published: EF05 record 01 as a comment in leithergit/Z390Kylin Evolis_Z390_printer/evolis_z390_printer.cpp
# shows a real card's answer (卡识别码; ``0110 330300D15600000599110145FFFFFFFF 9000``).
PUBLISHED_IDENTIFIER = bytes.fromhex("0110330300D15600000599110145FFFFFFFF")
# Published: EF05 record 03 from the same source: ``0304 332E3030 9000`` = version "3.00".
PUBLISHED_VERSION = bytes.fromhex("0304332E3030")
# Published commands: the same file, a7082633/HDOS_VC6 新疆焦阳/HD_XJDLL/HD_XJDLL.cpp and others send it.
PUBLISHED_SELECT = bytes.fromhex("00A404000F7378312E73682EC9E7BBE1B1A3D5CF")

# Built here (test data, not a real person): a valid GB 11643 number and a GBK name.
NUMBER = "11010519491231002X"
CARD = SocialSecurityCard(
    identifier="330300D15600000599110145FFFFFFFF", card_type="3", spec_version="3.00",
    issuer_code="330300000000000000000000", issue_date=dt.date(2021, 5, 6), expiry_date=dt.date(2031, 5, 6),
    card_number="A12345678", number=NUMBER, name="欧阳小明", gender="1", nation="01",
    birth_date=dt.date(1949, 12, 31))


def records_of(card=CARD):
    return encode_issuer(card), encode_holder(card)


def test_the_select_command_is_the_published_one_and_the_aid_is_gbk():
    assert apdu.select_aid() == PUBLISHED_SELECT
    assert apdu.AID.decode("gbk") == "sx1.sh.社会保障"
    assert apdu.select_ef(apdu.EF05) == bytes.fromhex("00A4000002EF05")


@pytest.mark.parametrize("record, sfi, le, published", [
    (7, 5, 0x0B, "00b2072c0B"),   # SSCReaderFuncs: card number by SFI 5
    (1, 6, 0x14, "00b2013414"),   # SSCReaderFuncs: social security number by SFI 6
    (2, None, 0x00, "00B2020400"),  # Z390Kylin's Evolis writer: name, current EF
    (7, 5, 0x0B, "00B2072C0B"),   # HD_XJDLL.cpp: card number by SFI 5
])
def test_read_record_commands_match_published_ones(record, sfi, le, published):
    assert apdu.read_record(record, sfi=sfi, le=le) == bytes.fromhex(published)


@pytest.mark.parametrize("tag, le, published", [(0x0C, 5, "00B20C0005"), (0x0D, 6, "00B20D0006")])
def test_read_by_identifier_matches_hd_xjdll(tag, le, published):
    assert apdu.read_record_by_identifier(tag, le=le) == bytes.fromhex(published)


def test_the_model_answers_a_read_by_identifier_with_the_record_of_that_tag():
    model = SsCardModel(CARD)
    apdu.transmit(model, apdu.select_aid())
    apdu.transmit(model, bytes.fromhex("00A4020002EF06"))  # HD_XJDLL.cpp selects EF06 with P1=02
    assert apdu.transmit(model, bytes.fromhex("00B20D0006")) == bytes.fromhex("0D0419491231")
    with pytest.raises(RecordNotFoundError):  # our model keeps no birthplace record
        apdu.transmit(model, bytes.fromhex("00B20C0005"))


def test_published_identifier_and_version_records_parse():
    assert value_of(PUBLISHED_IDENTIFIER, 0x01).hex().upper() == "330300D15600000599110145FFFFFFFF"
    assert spec_version_of(PUBLISHED_VERSION) == "3.00"


def test_a_card_built_from_published_records_reads_whole():
    issuer, holder = records_of()
    issuer[1], issuer[3] = PUBLISHED_IDENTIFIER, PUBLISHED_VERSION
    card = parse_card(issuer, holder)
    assert card == CARD
    assert card.identifier[:6] == "330300"  # region code, as the Evolis writer takes it


def test_the_gender_record_moves_with_the_spec_version():
    assert holder_records_for("3.00")[4] == 0x0A and 3 not in holder_records_for("3.00")
    assert holder_records_for("1.00")[3] == 0x0A and 4 not in holder_records_for("1.00")
    first = SocialSecurityCard(**{**CARD.__dict__, "spec_version": "1.00"})
    assert parse_card(*records_of(first)) == first


def test_name_padding_with_spaces_or_nuls_is_stripped():
    issuer, holder = records_of()
    holder[2] = tlv(0x09, "张三".encode("gbk").ljust(30, b" "))
    assert parse_card(issuer, holder).name == "张三"
    holder[2] = tlv(0x09, "张三".encode("gbk").ljust(30, b"\x00"))
    assert parse_card(issuer, holder).name == "张三"


def test_repr_and_log_mask_the_personal_data(caplog):
    text = repr(CARD)
    for secret in (NUMBER, "欧阳小明", "A12345678", "1949"):
        assert secret not in text
    assert "1101**********002X" in text and "欧***" in text
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("read %s", CARD)
    assert NUMBER not in caplog.text and "欧阳小明" not in caplog.text


def damaged(ef, number, record):
    issuer, holder = records_of()
    (issuer if ef == 5 else holder)[number] = record
    return issuer, holder


@pytest.mark.parametrize("ef, number, record, said", [
    (6, 1, b"\x08", "too short"),
    (6, 1, tlv(0x08, NUMBER.encode())[:-1], "length byte"),
    (6, 2, tlv(0x0A, b"1"), "expected 09"),
    (5, 5, tlv(0x05, bytes.fromhex("2021A506")), "not BCD"),
    (5, 6, tlv(0x06, bytes.fromhex("20310230")), "calendar date"),
    (6, 2, tlv(0x09, b"\xff\xfe" * 15), "not GBK"),
    (6, 1, tlv(0x08, b"110105194912310021"), "check character"),
    (6, 4, tlv(0x0A, b"7"), "gender"),
    (5, 7, tlv(0x07, b"\xc4\xe3" + b"1234567"), "not ASCII"),
])
def test_damaged_records_give_a_typed_error_without_card_data(ef, number, record, said):
    with pytest.raises(SsCardDataError) as caught:
        parse_card(*damaged(ef, number, record))
    assert said in caught.value.detail
    assert isinstance(caught.value, ProtocolError)
    assert caught.value.message.msgid == SsCardError.default  # the citizen is told what to do with the card
    for secret in (NUMBER, "欧阳小明", "A12345678"):
        assert secret not in str(caught.value)


def test_a_missing_record_is_named():
    issuer, holder = records_of()
    del holder[7]
    with pytest.raises(SsCardDataError, match="EF06 record 7 is missing"):
        parse_card(issuer, holder)


@pytest.mark.parametrize("answer", list(Answer))
def test_reading_through_the_model_round_trips(answer):
    sent = []

    def send(command):
        sent.append(command)
        return model(command)

    model = SsCardModel(CARD, answer=answer)
    assert read_card(send) == CARD
    assert sent[0] == PUBLISHED_SELECT
    if answer is Answer.GET_RESPONSE:
        assert any(c[:2] == b"\x00\xc0" for c in sent)
    else:
        assert not any(c[:2] == b"\x00\xc0" for c in sent)


def test_61xx_is_followed_by_get_response_with_its_length():
    fci = b"\x6f\x11\x84\x0f" + apdu.AID
    assert SsCardModel(CARD, answer=Answer.GET_RESPONSE)(apdu.select_aid()) == b"\x61\x13"
    model = SsCardModel(CARD, answer=Answer.GET_RESPONSE)
    sent = []

    def send(command):
        sent.append(command)
        return model(command)

    assert apdu.transmit(send, apdu.select_aid()) == fci
    assert sent == [apdu.select_aid(), bytes.fromhex("00C0000013")]


def test_6cxx_is_followed_by_the_same_command_with_the_right_le():
    model = SsCardModel(CARD, answer=Answer.WRONG_LE)
    model(apdu.select_aid())
    model(apdu.select_ef(apdu.EF06))
    assert model(apdu.read_record(2, le=0)) == b"\x6c\x20"
    sent = []

    def send(command):
        sent.append(command)
        return model(command)

    assert apdu.transmit(send, apdu.read_record(2, le=0)) == encode_holder(CARD)[2]
    assert sent == [apdu.read_record(2, le=0), apdu.read_record(2, le=0x20)]


def test_not_found_status_words_are_typed():
    model = SsCardModel(CARD)
    with pytest.raises(FileNotFoundOnCardError):
        apdu.transmit(model, apdu.select_aid(b"sx1.sh.other"))
    apdu.transmit(model, apdu.select_aid())
    with pytest.raises(FileNotFoundOnCardError):
        apdu.transmit(model, apdu.select_ef(0xEF07))
    with pytest.raises(RecordNotFoundError) as caught:
        apdu.transmit(model, apdu.read_record(9, sfi=5))
    assert caught.value.sw == 0x6A83


def test_61xx_chunks_join_and_a_6cxx_to_get_response_resends_get_response():
    # scripted, built here: 61 02, then GET RESPONSE Le 02 gives 2 bytes and 61 03, GET RESPONSE Le 03
    # is refused with 6C 01 and resent with Le 01.
    answers = {bytes.fromhex("00B2010400"): "61 02", bytes.fromhex("00C0000002"): "0108 6103",
               bytes.fromhex("00C0000003"): "6C01", bytes.fromhex("00C0000001"): "31 9000"}
    sent = []

    def send(command):
        sent.append(command.hex().upper())
        return bytes.fromhex(answers[command])

    assert apdu.transmit(send, apdu.read_record(1)) == bytes.fromhex("010831")
    assert sent == ["00B2010400", "00C0000002", "00C0000003", "00C0000001"]


def test_a_card_that_never_stops_asking_gives_up():
    with pytest.raises(CardStatusError, match="still after"):
        apdu.transmit(lambda command: b"\x6c\x05", apdu.read_record(1))


@pytest.mark.parametrize("response", [b"", b"\x90"])
def test_a_response_without_a_status_word_is_typed(response):
    with pytest.raises(SsCardDataError):
        apdu.transmit(lambda command: response, apdu.select_aid())
