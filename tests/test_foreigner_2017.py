"""The 2017 foreigner's permanent residence card (15 characters: three letters, 12 digits) at the window and the
kiosk, against the real sandbox: accepted like a resident's card; a mistyped one still refused plainly."""

import dataclasses
import json

import pytest

from common import idnumber
from common.backend_errors import RejectedError
from common.masking import Masker, mask_id_number
from devices.idcard.samples import sample_identity
from devices.receipt.virtual import render
from kiosk import forms
from kiosk.workflows.citizen import Step
from kiosk.workflows.clerk import Desk
from tests.citizen_steps import walk_to_confirm

NUMBER = "USA330185061513"  # devices/idcard/samples.py "foreigner_2017"


def foreigner():
    """A fresh card read each time: a desk or session wipes the identity it is done with."""
    return sample_identity("foreigner_2017")




def test_the_sample_is_the_15_character_form():
    assert foreigner().id_number == NUMBER and idnumber.is_valid(NUMBER) and idnumber.problem(NUMBER) == ""


@pytest.mark.parametrize("number, why", [
    ("US1330185061513", "shape"), ("USA33018506151X", "shape"), ("USA3301850615", "length"),
    ("330185061513123", "shape"),  # 15 digits: the first-generation resident number, expired, not accepted
    ("USA3301850615130", "length"), ("11010519491231002Y", "shape"), ("110105194912310021", "check")])
def test_wrong_numbers_are_refused_and_say_why(number, why):
    assert not idnumber.is_valid(number) and idnumber.problem(number) == why


def test_a_15_character_number_is_masked_alone_and_in_free_text():
    masked = mask_id_number(NUMBER)
    assert masked == "USA3*******1513" and NUMBER not in masked
    line = Masker().mask(f"card read: {NUMBER}, for usa330185061513; 持证人{NUMBER}。")
    assert NUMBER not in line and "usa330185061513" not in line and line.count("USA3*******1513") == 2
    assert "330185061513" not in line  # not even the digits


def test_a_foreigner_is_accepted_at_the_window(services, sandbox):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    desk.card_read(foreigner())
    assert desk.step is Desk.WAITING and desk.identity is not None and desk.notice is None
    desk.choose_service("SB-003")
    desk.mark("M1", True)
    desk.accept()
    assert desk.step is Desk.DONE and desk.result.startswith("SQ"), desk.notice
    case = sandbox.store.case(desk.result)
    assert case["status"] == "accepted" and sandbox.store.case_body(desk.result)["applicant"]["id_number"] == NUMBER
    printer = services.devices.receipt_printer
    page = render(printer.last_bytes, printer.profile)
    assert "受理回执" in page.lines[0] and "申请人：样**（USA3*******1513）" in page.lines
    assert not any(NUMBER in line or "330185061513" in line for line in page.lines)
    services.audit.flush()
    raw = (services.config.data_dir / "audit" / "trail.jsonl").read_text("utf-8")
    assert "USA3*******1513" in raw and NUMBER not in raw and "330185061513" not in raw


def test_a_foreigner_gets_a_one_time_notice_at_the_window(services):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    desk.card_read(foreigner())
    desk.choose_service("GJJ-004")
    desk.issue_notice()
    assert desk.step is Desk.DONE and desk.result.startswith("GZ"), desk.notice


def test_a_foreigner_consents_and_submits_at_the_kiosk(services, sandbox):
    session = services.new_citizen_session()
    walk_to_confirm(session, identity=foreigner())
    session.confirm()
    assert session.step is Step.DONE and not session.notice.error, session.notice
    number = session.receipt.case_number
    assert sandbox.store.case_body(number)["applicant"]["id_number"] == NUMBER
    assert sandbox.store.consents(NUMBER)  # the consent was recorded under the 15-character number
    printer = services.devices.receipt_printer
    lines = render(printer.last_bytes, printer.profile).lines
    assert f"办件编号：{number}" in lines and "申请人：样**（USA3*******1513）" in lines
    assert not any(NUMBER in line for line in lines)


def test_a_mistyped_15_character_number_is_refused_at_the_window_plainly(services, sandbox):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    desk.card_read(dataclasses.replace(sample_identity("foreigner_2017"), id_number="US1330185061513"))
    desk.choose_service("SB-003")
    desk.mark("M1", True)
    desk.accept()
    words = desk.notice.message.render()
    assert desk.step is not Desk.DONE and desk.notice.error and words == "请求内容不符合要求"
    assert sandbox.store.cases_of("US1330185061513", as_agent=True) == []


def test_the_contract_refuses_a_mistyped_15_character_number_naming_the_field(services):
    with pytest.raises(RejectedError) as refused:
        services.backend.lookup_identity("USA33018506151X", "样例一")
    assert refused.value.status == 400 and "id_number" in json.dumps(refused.value.fields)
    with pytest.raises(RejectedError) as unknown:  # the right shape passes the contract: only the person is unknown
        services.backend.lookup_identity(NUMBER, foreigner().name)
    assert unknown.value.status == 404 and unknown.value.code == "person_not_found"


@pytest.mark.parametrize("typed, message", [
    ("usa 3301 8506 1513", None),
    ("US1330185061513", "请输入18位身份证号码（最后一位可以是X），或2017版外国人永久居留身份证的15位号码"),
    ("110105194912310021", "身份证号码校验不通过，请核对")])
def test_an_id_number_field_takes_the_15_character_form(typed, message):
    value = forms.normalise(forms.PRINCIPAL_ID_FIELD, typed)
    said = forms.validate(forms.PRINCIPAL_ID_FIELD, value)
    assert (said.render() if said is not None else None) == message


def test_a_foreigner_is_refused_at_the_window_and_every_a4_document_shows_the_number_masked(services, sandbox):
    from tests.test_clerk_refusal import pdf_words
    from kiosk.refusal_reasons import RefusalReason

    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    desk.card_read(foreigner())
    desk.choose_service("GJJ-004")
    desk.refuse(RefusalReason.NOT_ELIGIBLE)
    assert desk.step is Desk.DONE and not desk.notice.error, desk.notice
    assert sandbox.store.case(desk.result)["status"] == "not_accepted"
    printer = services.devices.document_printer
    desk.next_applicant()
    desk.card_read(foreigner())
    desk.choose_service("SB-003")
    desk.mark("M1", True)
    desk.accept()
    assert desk.step is Desk.DONE and sandbox.store.case(desk.result)["status"] == "accepted"
    pdfs = sorted(printer.output_dir.glob("*.pdf"))
    assert len(pdfs) == 2  # the refusal decision and the acceptance notice
    for pdf in pdfs:
        words = pdf_words(pdf)
        assert "USA3*******1513" in words and NUMBER not in words and "330185061513" not in words, pdf.name
