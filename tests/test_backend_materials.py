"""The contract's side of issue 15 through the client, against a real sandbox: the signature a
service asks for, company licences, attachments declared with their digests, drafts that keep pages."""

import hashlib

import pytest

from common.backend_errors import (BadCreditCodeError, CompanyNotFoundError, RejectedError, ServerError,
                                   UnverifiedAnswerError)
from common.domain import Application, Attachment, CardType, Consent, Identity
from devices.idcard.samples import sample_identity
from common.uscc import check_character
from kiosk.backend.codec import service_from_json
from kiosk.backend.declarations import declare, material_and_page, page_name, refused_attachment
from tests.backend_helpers import TERMINAL, Scripted, ScriptedBackend, application, client_for
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


# -- drafts --------------------------------------------------------------------------------------

def person_application(client, code: str = "GT-001") -> Application:
    return Application(client.service(code), sample_identity("resident"), TERMINAL, form={"phone": "13800000000"})


def test_a_draft_keeps_its_pages_and_licences_and_is_resumed_at_another_terminal(client, sandbox):
    pages = [Attachment("M1-1.jpg", "image/jpeg", JPEG), Attachment("M1-2.jpg", "image/jpeg", JPEG + b"\x02"),
             Attachment("signature.png", "image/png", PNG)]
    saved = client.save_application_draft(person_application(client), pages, materials_done=["M1", "M2", "M4"],
                                          missing=["M3"], material_licences={"M2": "EL000004"})
    other = client_for(sandbox.url, terminal="T-HALL-2")  # the next visit, at another kiosk of the hall
    (draft,) = other.drafts(ZHANG)
    assert draft["draft_id"] == saved["draft_id"] and draft["updated_at"]
    assert (draft["form"], draft["missing"], draft["material_licences"]) == (
        {"phone": "13800000000"}, ["M3"], {"M2": "EL000004"})
    assert draft["applicant"] == {"type": "person", "id_number": ZHANG, "name": "张测试", "card_type": "resident",
                                  "credit_code": None, "company_name": None, "role": None}
    assert [d["name"] for d in draft["attachments"]] == ["M1-1.jpg", "M1-2.jpg", "signature.png"]
    for page, declared in zip(pages, draft["attachments"]):
        assert other.draft_page(draft["draft_id"], page.name, declared["sha256"]) == page.data
    assert other.delete_draft(draft["draft_id"]) is True
    assert other.drafts(ZHANG) == [] and client.delete_draft(draft["draft_id"]) is False  # already gone
    assert sandbox.store.draft_page(draft["draft_id"], "M1-1.jpg") is None


def test_a_save_replaces_the_draft_whole_pages_included(client):
    application = person_application(client)
    first = client.save_application_draft(application, [Attachment("M1-1.jpg", "image/jpeg", JPEG),
                                                        Attachment("M1-2.jpg", "image/jpeg", JPEG + b"\x02")],
                                          materials_done=["M1"], missing=["M3"])
    again = client.save_application_draft(application, [Attachment("M1-1.jpg", "image/jpeg", JPEG + b"\x03")],
                                          materials_done=["M1", "M3"])
    assert again["draft_id"] == first["draft_id"] and again["missing"] == []
    assert client.draft_page(again["draft_id"], "M1-1.jpg") == JPEG + b"\x03"
    with pytest.raises(RejectedError) as caught:
        client.draft_page(again["draft_id"], "M1-2.jpg")
    assert (caught.value.status, caught.value.code) == (404, "page_not_found")
    with pytest.raises(RejectedError) as caught:
        client.draft_page("DR-nosuchdraft", "M1-1.jpg")
    assert caught.value.code == "draft_not_found"


def test_a_page_that_does_not_match_its_declared_digest_is_not_taken(client):
    saved = client.save_application_draft(person_application(client), [Attachment("M1-1.jpg", "image/jpeg", JPEG)])
    with pytest.raises(ServerError, match="sha256"):
        client.draft_page(saved["draft_id"], "M1-1.jpg", "0" * 64)


def test_an_agents_draft_is_found_by_the_principal_and_the_agent(client):
    principal = Identity(LI, "李样例", CardType.DECLARED)
    application = Application(client.service("GT-001"), sample_identity("resident"), TERMINAL, principal=principal)
    saved = client.save_application_draft(application, missing=["M1"])
    assert saved["id_number"] == ZHANG and saved["agent"]["id_number"] == ZHANG
    assert [d["draft_id"] for d in client.drafts(LI)] == [saved["draft_id"]]
    assert [d["draft_id"] for d in client.drafts(ZHANG)] == [saved["draft_id"]]
    mine = client.save_application_draft(person_application(client), missing=["M1"])
    assert mine["draft_id"] != saved["draft_id"]  # his own draft of the same service is another draft
    assert {d["draft_id"] for d in client.drafts(ZHANG)} == {saved["draft_id"], mine["draft_id"]}


def test_a_company_draft_keeps_the_company_and_its_licence(client):
    company = client.company(COMPANY, ZHANG)
    application = Application(client.service("WS-013"), sample_identity("resident"), TERMINAL, company=company)
    saved = client.save_application_draft(application, material_licences={"M1": "EL000004", "M2": "EL000043"},
                                          materials_done=["M1", "M2"], missing=["M3"])
    (draft,) = client.drafts(ZHANG)
    assert draft["draft_id"] == saved["draft_id"]
    assert (draft["applicant"]["credit_code"], draft["applicant"]["role"]) == (COMPANY, "authorised_handler")


def test_a_draft_meets_a_cases_rules(client):
    with pytest.raises(RejectedError) as caught:  # another person's licence
        client.save_draft(ZHANG, "GT-001", {}, material_licences={"M2": "EL000009"})
    assert (caught.value.code, caught.value.fields) == ("licence_not_held", {"material_licences.M2": "EL000009"})
    with pytest.raises(RejectedError) as caught:
        client.save_draft(ZHANG, "GT-001", {}, missing=["M9"])
    assert (caught.value.code, caught.value.fields) == ("unknown_material", {"missing.0": "M9"})
    with pytest.raises(RejectedError) as caught:  # a company applicant on a person's service
        client.save_draft(ZHANG, "GT-001", {}, applicant={"type": "company", "id_number": ZHANG, "name": "张测试",
                                                          "card_type": "resident", "credit_code": COMPANY,
                                                          "company_name": "杭州示例科技有限公司",
                                                          "role": "authorised_handler"})
    assert caught.value.code == "applicant_type_not_allowed"
    with pytest.raises(RejectedError) as caught:  # saved by someone who is neither the applicant nor the agent
        client.save_draft(WU, "GT-001", {}, applicant={"type": "person", "id_number": ZHANG, "name": "张测试",
                                                       "card_type": "resident"})
    assert (caught.value.status, caught.value.code) == (400, "invalid_request")


def test_a_first_contract_draft_still_saves_and_lists(client):
    saved = client.save_draft(ZHANG, "GT-001", {"business_scope": "零售"}, ["M1"])
    assert saved["applicant"] is None and saved["attachments"] == [] and saved["materials_done"] == ["M1"]
    assert [d["draft_id"] for d in client.drafts(ZHANG)] == [saved["draft_id"]]


@pytest.mark.parametrize("sign, error", [("right", None), ("wrong_key", UnverifiedAnswerError),
                                         ("none", UnverifiedAnswerError), ("other_nonce", UnverifiedAnswerError)])
def test_a_page_is_believed_only_when_the_backend_signed_it_for_this_request(sign, error):
    with ScriptedBackend() as line:
        line.answer = Scripted(200, JPEG, {"Content-Type": "image/jpeg"}, sign=sign)
        client = client_for(line.url)
        if error is None:
            assert client.draft_page("DR-1", "M1-1.jpg", hashlib.sha256(JPEG).hexdigest()) == JPEG
        else:
            with pytest.raises(error):
                client.draft_page("DR-1", "M1-1.jpg")
        line.answer = Scripted(404, b'{"error": {"code": "page_not_found", "message_zh": "", "message_en": ""}}')
        with pytest.raises(RejectedError, match="page_not_found"):
            client.draft_page("DR-1", "M1-1.jpg")
