"""Progress after identification: every case of the citizen, what happens next, the promised date,
and a reprinted receipt; against the sandbox, without Qt."""

import datetime as dt

import pytest

from devices.receipt.virtual import render
from kiosk.progress import AgentCase, agent_case, company_case, promised_date
from kiosk.workflows.citizen import Step
from tests.citizen_steps import identify


def test_the_identified_citizen_sees_every_case_and_reprints_a_receipt(services, sandbox):
    session = services.new_citizen_session()
    identify(session)
    session.show_my_cases()
    assert session.step is Step.MY_CASES and session.my_cases
    numbers = [c["case_number"] for c in session.my_cases]
    assert "SQ2026112000007" in numbers  # the sample citizen's ready case in the sandbox's data
    submitted = [c["submitted_at"] for c in session.my_cases]
    assert submitted == sorted(submitted, reverse=True)  # newest first
    session.open_case("SQ2026112000007")
    assert session.step is Step.PROGRESS and session.progress["status"] == "ready"
    assert session.can_reprint()
    session.reprint_receipt()
    printer = services.devices.receipt_printer
    lines = render(printer.last_bytes, printer.profile).lines
    assert "补打" in "".join(lines) and any("SQ2026112000007" in line for line in lines)
    session.leave_progress()
    assert session.step is Step.MY_CASES  # back to the list, not home
    session.back()
    assert session.step is Step.IDENTIFIED


def test_a_scanned_receipt_alone_does_not_reprint(services):
    session = services.new_citizen_session()
    session.code_scanned("OTR1:SQ2026112000007")
    assert session.step is Step.PROGRESS and not session.can_reprint()  # whoever holds the paper is not known
    session.leave_progress()
    assert session.step is Step.HOME


def test_promised_dates_count_working_days():
    assert promised_date("2026-12-04T10:00:00+08:00", 1) == dt.date(2026, 12, 7)  # Friday -> Monday
    assert promised_date("2026-12-01T10:00:00+08:00", 5) == dt.date(2026, 12, 8)
    assert promised_date("not a time", 3) is None


MASKED = {"principal_masked_name": "李**", "principal_masked_id": "3301**********2468",
          "agent_masked_name": "J*** S****", "agent_masked_id": "USA3*******1513"}


@pytest.mark.parametrize("key, value", [
    ("principal_masked_name", "李四"), ("principal_masked_name", "张三丰*"), ("principal_masked_name", float("nan")),
    ("principal_masked_name", "**"), ("agent_masked_name", "John S****"), ("agent_masked_name", None),
    ("principal_masked_id", "330102195506122468"), ("agent_masked_id", "3301*2468"), ("agent_masked_id", 7)])
def test_an_agent_case_that_names_someone_in_full_or_oddly_is_not_printed(key, value):
    """A backend's agent_case that does not look masked is dropped: the receipt names the person identified."""
    assert agent_case({"agent_case": dict(MASKED, **{key: value})}) is None


def test_an_agent_case_masked_as_a_receipt_prints_it_is_read():
    assert agent_case({"agent_case": MASKED}) == AgentCase("李**", "3301**********2468", "J*** S****", "USA3*******1513")
    assert agent_case({"agent_case": None}) is None and agent_case({"agent_case": ["李**"]}) is None


@pytest.mark.parametrize("company", [{"credit_code": "91330106MA2H7Q3K8D", "name_zh": "杭州示例科技有限公司"},
                                     {"credit_code": "91330106MA2H7Q3K8C", "name_zh": ""},
                                     {"credit_code": "91330106MA2H7Q3K8C", "name_zh": "杭州\n示例"},
                                     {"credit_code": "91330106MA2H7Q3K8C", "name_zh": "x" * 101},
                                     {"credit_code": None, "name_zh": "杭州示例科技有限公司"}, "91330106MA2H7Q3K8C"])
def test_a_company_case_with_a_wrong_code_or_name_is_not_printed(company):
    assert company_case({"company": company}) is None


def test_a_company_case_is_read_as_its_receipt_names_it():
    assert company_case({"company": {"credit_code": "91330106MA2H7Q3K8C", "name_zh": "杭州示例科技有限公司"}}) == (
        "杭州示例科技有限公司", "91330106MA2H7Q3K8C")
