"""The contract's side of issue 15 through the client, against a real sandbox: the signature a
service asks for, company licences, attachments declared with their digests, drafts that keep pages."""

import hashlib

import pytest

from common.backend_errors import BadCreditCodeError, CompanyNotFoundError, RejectedError, ServerError
from common.domain import Attachment, Consent
from common.uscc import check_character
from kiosk.backend.codec import service_from_json
from kiosk.backend.declarations import declare, material_and_page, page_name, refused_attachment
from tests.backend_helpers import application, client_for
from tests.queue_helpers import fast_sync, outbox
from tests.queue_helpers import payload as queued_payload

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


# -- attachments ---------------------------------------------------------------------------------

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(2000)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(300)


def test_the_client_declares_every_file_it_sends(client, sandbox):
    files = [Attachment("M1-1.jpg", "image/jpeg", JPEG), Attachment("M1-2.jpg", "image/jpeg", JPEG + b"\x01"),
             Attachment("signature.png", "image/png", PNG)]
    sent = client.submit(application(client), files)
    declared = sandbox.store.case_body(sent.case_number)["attachments"]
    assert declared == [{"name": f.name, "material_code": code, "page": page, "mime": f.mime, "size": len(f.data),
                         "sha256": hashlib.sha256(f.data).hexdigest()}
                        for f, (code, page) in zip(files, [("M1", 1), ("M1", 2), ("signature", 1)])]


@pytest.mark.parametrize("name", ["scan.jpg", "M1-0.jpg", "M1-1.gif", "signature.jpg"])
def test_a_file_name_that_does_not_say_its_material_and_page_is_refused_before_sending(client, sandbox, name):
    before = sandbox.store.cases_count()
    with pytest.raises(ValueError, match="neither"):
        client.submit(application(client), [Attachment(name, "image/jpeg", JPEG)])
    with pytest.raises(ValueError, match="twice"):
        declare([Attachment("M1-1.jpg", "image/jpeg", JPEG)] * 2)
    assert sandbox.store.cases_count() == before
    assert page_name("M2", 3) == "M2-3.jpg" and material_and_page("M2-3.jpg") == ("M2", 3)


def test_a_refused_page_is_found_for_the_retake(client):
    files = [Attachment("M1-1.jpg", "image/jpeg", JPEG), Attachment("M1-2.jpg", "image/jpeg", b"GIF89a not allowed")]
    with pytest.raises(RejectedError) as caught:
        client.submit(application(client), files)
    assert caught.value.code == "bad_attachment" and refused_attachment(caught.value, files) is files[1]
    assert "Page 2 of" in caught.value.message_en and "第 2 页" in caught.value.message_zh
    assert refused_attachment(RejectedError(code="form_invalid", fields={"form.phone": "required"}), files) is None


def test_a_queued_case_keeps_its_pages_encrypted_and_declares_them_when_delivered(client, sandbox, tmp_path):
    marker = "张测试的营业执照扫描件".encode() * 50
    files = [Attachment("M1-1.jpg", "image/jpeg", b"\xff\xd8\xff" + marker),
             Attachment("signature.png", "image/png", PNG + marker)]
    box = outbox(tmp_path)
    body, key = queued_payload(client, "P-T-TEST-20261201-00001-Q")
    box.enqueue(body, key, ZHANG, "P-T-TEST-20261201-00001-Q", files)
    on_disk = [p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()]
    assert on_disk and not any(marker[:60] in blob for blob in on_disk)  # sealed at rest, the database too
    assert fast_sync(box, client).run_once() == 1
    (case,) = [c for c in sandbox.store.cases_of(ZHANG) if c["provisional_number"] == "P-T-TEST-20261201-00001-Q"]
    declared = sandbox.store.case_body(case["case_number"])["attachments"]
    assert [(d["name"], d["sha256"]) for d in declared] == [(f.name, hashlib.sha256(f.data).hexdigest())
                                                            for f in files]
    assert [row[0] for row in sandbox.store.attachments(case["case_number"])] == ["M1-1.jpg", "signature.png"]
