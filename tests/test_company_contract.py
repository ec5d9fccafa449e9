"""GET /api/v1/companies/{credit_code}: the company and the applicant's role, through the real client."""

import pytest

from common.backend_errors import BadCreditCodeError, CompanyNotFoundError
from common.domain import CompanyRole
from common.i18n import set_language
from common.uscc import check_character
from tests.backend_helpers import client_for, signed

EXAMPLE = "91330106MA2H7Q3K8C"  # seeded: legal representative 吴示例, handler 张测试
REPRESENTATIVE, HANDLER, STRANGER = "330108197812220012", "330106199003071236", "330102195506122468"


@pytest.fixture
def client(sandbox):
    return client_for(sandbox.url)


def test_the_legal_representative_is_told_apart(client):
    company = client.company(EXAMPLE, REPRESENTATIVE)
    assert (company.credit_code, company.name_zh) == (EXAMPLE, "杭州示例科技有限公司")
    assert company.name("en") == "Hangzhou Example Technology Co., Ltd."
    assert company.applicant_role is CompanyRole.LEGAL_REPRESENTATIVE and company.may_apply
    assert company.legal_representative_masked_name == "吴**"


def test_an_authorised_handler_and_a_stranger(client):
    assert client.company(EXAMPLE, HANDLER).applicant_role is CompanyRole.AUTHORISED_HANDLER
    stranger = client.company(EXAMPLE, STRANGER)
    assert stranger.applicant_role is CompanyRole.NONE and not stranger.may_apply


def test_a_typed_code_with_spaces_and_lower_case_is_found(client):
    assert client.company(" 9133 0106ma2h7q3k8c", REPRESENTATIVE).credit_code == EXAMPLE


def test_no_other_persons_id_number_or_full_name_is_returned(sandbox):
    answer = signed("GET", sandbox.url, f"/api/v1/companies/{EXAMPLE}?id_number={STRANGER}")
    assert answer.status_code == 200
    assert REPRESENTATIVE not in answer.text and HANDLER not in answer.text and "吴示例" not in answer.text


def test_an_unknown_company_is_a_typed_error_with_a_way_forward(client):
    first17 = "91330106MA2H7Q3K9"
    unknown = first17 + check_character(first17)
    with pytest.raises(CompanyNotFoundError) as caught:
        client.company(unknown, REPRESENTATIVE)
    assert caught.value.status == 404 and caught.value.code == "company_not_found"
    assert "咨询大厅工作人员" in caught.value.message.render()
    set_language("en")
    assert caught.value.message.render() == ("This company is not registered; please check the code or ask the "
                                             "hall staff.")


def test_a_wrong_check_character_is_refused_before_sending(client):
    with pytest.raises(BadCreditCodeError) as caught:
        client.company(EXAMPLE[:17] + "D", REPRESENTATIVE)
    assert caught.value.status is None and "统一社会信用代码" in caught.value.message.render()


def test_the_sandbox_refuses_a_malformed_code_with_422(sandbox):
    answer = signed("GET", sandbox.url, f"/api/v1/companies/{EXAMPLE[:17]}D")
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "bad_credit_code"
    answer = signed("GET", sandbox.url, "/api/v1/companies/91330106MA2H7Q3KO8")
    assert answer.status_code == 422 and answer.json()["error"]["fields"] == {"credit_code": "character"}
