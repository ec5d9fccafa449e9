"""The contract's side of issue 15 through the client, against a real sandbox: the signature a
service asks for, company licences, attachments declared with their digests, drafts that keep pages."""

import pytest

from common.backend_errors import BadCreditCodeError, CompanyNotFoundError, RejectedError, ServerError
from common.domain import Consent
from common.uscc import check_character
from kiosk.backend.codec import service_from_json
from tests.backend_helpers import client_for

SIGNED_SERVICES = {"GT-001", "JZ-002", "CS-006", "QY-008", "JSZ-010"}
COMPANY = "91330106MA2H7Q3K8C"  # seeded: legal representative 吴示例, authorised handler 张测试 (the sample card)
ZHANG, WU, LI = "330106199003071236", "330108197812220012", "330102195506122468"  # handler, representative, stranger


@pytest.fixture
def client(sandbox):
    return client_for(sandbox.url)


def licences_consent(client, id_number: str, service: str = "WS-013") -> str:
    return client.record_consent(Consent(id_number, "licences", "id_card", "pipl-licences-1", service)).consent_id


def test_the_catalogue_says_which_services_need_a_signature(sandbox):
    services = {s.code: s for s in client_for(sandbox.url).catalogue()}
    assert {code for code, s in services.items() if s.signature_required} == SIGNED_SERVICES
    assert len(services) > len(SIGNED_SERVICES)  # and the others say no


def test_a_signature_flag_that_is_not_a_boolean_is_off_contract():
    assert service_from_json({"code": "X", "name_zh": "某事项"}).signature_required is False
    with pytest.raises(ServerError, match="signature_required"):
        service_from_json({"code": "X", "name_zh": "某事项", "signature_required": "yes"})


def test_a_companys_licences_for_its_handler_and_its_representative(client):
    handlers = client.company_licences(COMPANY, ZHANG, licences_consent(client, ZHANG))
    assert {lic["type"] for lic in handlers} >= {"business_licence", "property_certificate"}
    business = next(lic for lic in handlers if lic["type"] == "business_licence")
    assert business["number"] == COMPANY and set(business) == {"licence_id", "type", "name_zh", "name_en", "number",
                                                                "issuer", "valid_to"}
    assert client.company_licences(" 9133 0106ma2h7q3k8c", WU, licences_consent(client, WU)) == handlers
    persons = {lic["licence_id"] for lic in client.licences(ZHANG, licences_consent(client, ZHANG))}
    assert not persons & {lic["licence_id"] for lic in handlers}  # a person's and a company's are apart


def test_a_food_business_permit_is_a_companys_licence(client):
    catering, representative = "91330102MA2J4R8L6C", "330105196802280026"
    items = client.company_licences(catering, representative, licences_consent(client, representative))
    assert {lic["type"] for lic in items} == {"business_licence", "food_business_permit"}


def test_company_licences_need_a_role_in_the_company_and_the_persons_own_consent(client):
    with pytest.raises(RejectedError) as caught:
        client.company_licences(COMPANY, LI, licences_consent(client, LI))
    assert (caught.value.status, caught.value.code, caught.value.fields) == (403, "company_role", {"id_number": "none"})
    assert "法定代表人" in caught.value.message_zh
    for consent in ("CS-forged", licences_consent(client, WU),  # another person's consent is not his
                    client.record_consent(Consent(ZHANG, "identity", "id_card", "v1")).consent_id):
        with pytest.raises(RejectedError) as caught:
            client.company_licences(COMPANY, ZHANG, consent)
        assert (caught.value.status, caught.value.code) == (403, "consent_required")


def test_company_licences_of_a_bad_or_unknown_code(client):
    with pytest.raises(BadCreditCodeError) as caught:
        client.company_licences(COMPANY[:17] + "D", ZHANG, "anything")
    assert caught.value.status is None  # refused before sending
    first17 = "91330106MA2H7Q3K9"
    with pytest.raises(CompanyNotFoundError):
        client.company_licences(first17 + check_character(first17), ZHANG, licences_consent(client, ZHANG))


def test_the_sample_card_holder_and_his_company_hold_a_licence_for_every_material_they_may_fetch(client, sandbox):
    """The demo's people can use an electronic licence: GT-001 for 张测试 himself, WS-013 for the company."""
    own = {lic["type"] for lic in client.licences(ZHANG, licences_consent(client, ZHANG))}
    company = {lic["type"] for lic in client.company_licences(COMPANY, ZHANG, licences_consent(client, ZHANG))}
    wanted = {s.code: {m.e_licence_type for m in s.materials if m.e_licence_type} for s in client.catalogue()}
    assert wanted["GT-001"] <= own and wanted["JSZ-010"] <= own
    assert "business_licence" in wanted["WS-013"] and "business_licence" in company
    assert wanted["QY-008"] - {"resident_id"} <= company and "resident_id" in own
