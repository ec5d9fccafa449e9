"""POST /cases with files: each declared in the case (name, material, page, type, size, sha256), and
refused, naming the page, when what arrives is not what was declared (issue 15, item 3).

Bodies are built with the client's own multipart encoder and signed as the terminal would; only the
declarations are made by hand, to be wrong on purpose."""

import copy
import hashlib
import json
import time
import uuid

import pytest

from common.domain import Attachment
from kiosk.backend.client import BackendClient
from kiosk.backend.declarations import declare
from sandbox import attachments as limits
from tests.backend_helpers import application, client_for, signed

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(2000)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(300)
PAGE1, PAGE2 = Attachment("M1-1.jpg", "image/jpeg", JPEG), Attachment("M1-2.jpg", "image/jpeg", JPEG + b"\x02")
SIGNATURE = Attachment("signature.png", "image/png", PNG)


@pytest.fixture
def client(sandbox):
    return client_for(sandbox.url)


def post(sandbox, payload: dict, files: list[Attachment]):
    data, content_type = BackendClient._encode(payload, files)
    return signed("POST", sandbox.url, "/api/v1/cases", data,
                  headers={"Idempotency-Key": uuid.uuid4().hex, "Content-Type": content_type})


def case(client, files, service_code: str = "GT-001", **changes) -> dict:
    payload = dict(application(client, service_code).payload(), attachments=declare(files))
    payload.update(changes)
    return payload


def refusal(answer) -> tuple[int, str, dict]:
    error = answer.json()["error"]
    return answer.status_code, error["code"], error["fields"]


def test_declared_pages_and_a_signature_are_stored_as_sent(client, sandbox):
    files = [PAGE1, PAGE2, SIGNATURE]
    answer = post(sandbox, case(client, files), files)
    assert answer.status_code == 201 and answer.json()["attachments"] == 3
    number = answer.json()["case_number"]
    assert sandbox.store.attachments(number) == [(f.name, f.mime, hashlib.sha256(f.data).hexdigest()) for f in files]
    declared = sandbox.store.case_body(number)["attachments"]
    assert [(d["material_code"], d["page"]) for d in declared] == [("M1", 1), ("M1", 2), ("signature", 1)]
    assert [sandbox.store.attachment(number, f.name) for f in files] == [(f.mime, f.data) for f in files]
    assert sandbox.store.attachment(number, "M1-3.jpg") is None


def test_a_file_that_is_not_declared_is_refused(client, sandbox):
    before = sandbox.store.cases_count()
    answer = post(sandbox, case(client, [PAGE1]), [PAGE1, PAGE2])
    assert refusal(answer) == (422, "attachment_not_declared", {"files.M1-2.jpg": "not declared in attachments"})
    answer = post(sandbox, application(client).payload(), [PAGE1])  # no declarations at all
    assert refusal(answer)[:2] == (422, "attachment_not_declared")
    assert sandbox.store.cases_count() == before


def test_a_declared_file_that_did_not_arrive_is_named(client, sandbox):
    answer = post(sandbox, case(client, [PAGE1, PAGE2]), [PAGE1])
    assert refusal(answer) == (422, "attachment_missing", {"attachments.1": "no file sent"})
    assert answer.json()["error"]["message_en"] == ('Page 2 of "Registration application form" did not arrive: '
                                                    "please send it again")
    assert answer.json()["error"]["message_zh"].startswith("“个体工商户登记（备案）申请书”第 2 页")


@pytest.mark.parametrize("field, value, reason", [("sha256", "0" * 64, "sha256 does not match"),
                                                  ("size", len(JPEG) + 1, "size does not match")])
def test_a_size_or_digest_that_differs_from_the_declared_one_is_refused(client, sandbox, field, value, reason):
    payload = case(client, [PAGE1, SIGNATURE])
    payload["attachments"][1][field] = value
    answer = post(sandbox, payload, [PAGE1, SIGNATURE])
    assert refusal(answer) == (422, "attachment_digest_mismatch", {"attachments.1": reason})
    assert "the signature was damaged on the way" in answer.json()["error"]["message_en"].lower()


def test_a_page_swapped_on_the_way_is_refused(client, sandbox):
    payload = case(client, [PAGE1, PAGE2])
    answer = post(sandbox, payload, [Attachment("M1-1.jpg", "image/jpeg", PAGE2.data), PAGE2])
    assert refusal(answer) == (422, "attachment_digest_mismatch", {"attachments.0": "size does not match"})


@pytest.mark.parametrize("attachment, reason", [
    (Attachment("M1-1.jpg", "image/jpeg", b"MZ\x90\x00 not an image"), "not a JPEG, PNG or PDF file"),
    (Attachment("M1-1.png", "image/png", JPEG), "declared image/png but the content is image/jpeg"),
    (Attachment("M1-1.jpg", "image/jpeg", b""), "empty file"),
])
def test_a_type_not_allowed_is_refused_naming_the_page(client, sandbox, attachment, reason):
    answer = post(sandbox, case(client, [attachment]), [attachment])
    assert refusal(answer) == (422, "bad_attachment", {"attachments.0": reason})
    assert answer.json()["error"]["message_en"].startswith('Page 1 of "Registration application form" is not')


def test_declarations_must_name_the_services_materials_once_each(client, sandbox):
    stray = Attachment("M9-1.jpg", "image/jpeg", JPEG)
    assert refusal(post(sandbox, case(client, [stray]), [stray])) == (
        422, "unknown_material", {"attachments.0.material_code": "M9"})
    payload = case(client, [PAGE1])
    payload["attachments"].append(copy.deepcopy(payload["attachments"][0]))
    assert refusal(post(sandbox, payload, [PAGE1])) == (422, "attachment_duplicate",
                                                        {"attachments.1.name": "declared twice"})


@pytest.mark.parametrize("change", [{"page": 2}, {"material_code": "M2"}, {"name": "scan.jpg"}])
def test_a_name_that_does_not_say_its_material_and_page_is_malformed(client, sandbox, change):
    payload = case(client, [PAGE1])
    payload["attachments"][0].update(change)
    status, code, fields = refusal(post(sandbox, payload, [PAGE1]))
    assert (status, code) == (400, "invalid_request") and "attachments.0" in fields


def test_the_signature_is_signature_png(client, sandbox):
    payload = case(client, [SIGNATURE])
    payload["attachments"][0]["name"] = "sign.png"
    status, code, fields = refusal(post(sandbox, payload, [SIGNATURE]))
    assert (status, code) == (400, "invalid_request") and "signature.png" in fields["attachments.0"]


def test_the_largest_service_with_pages_added_fits_the_file_limit(client, sandbox):
    """QY-008 asks for 15 pages and a signature; a citizen may add pages: 30 files are taken, 31 are not."""
    pages = [Attachment(f"M2-{n}.jpg", "image/jpeg", JPEG + bytes([n])) for n in range(1, limits.MAX_FILES)]
    files = pages + [SIGNATURE]
    assert len(files) == limits.MAX_FILES == 30
    answer = post(sandbox, case(client, files, service_code="GJJ-004"), files)
    assert answer.status_code == 201 and answer.json()["attachments"] == 30
    one_more = files + [Attachment("M3-1.jpg", "image/jpeg", JPEG)]
    payload = case(client, one_more, service_code="GJJ-004")
    assert refusal(post(sandbox, payload, one_more))[:2] == (400, "invalid_request")


def test_together_over_the_total_limit_is_refused(client, sandbox):
    size = limits.MAX_FILE_BYTES - 3  # each at the per-file limit, and one page more
    files = [Attachment(f"M2-{n}.jpg", "image/jpeg", b"\xff\xd8\xff" + bytes(size)) for n in range(1, 8)] + [PAGE1]
    assert sum(len(f.data) for f in files) > limits.MAX_TOTAL_BYTES
    answer = post(sandbox, case(client, files, service_code="GJJ-004"), files)
    assert refusal(answer) == (422, "bad_attachment", {"attachments": "together larger than 35 MB"})


def test_licences_must_be_the_applicants_and_of_the_materials_type(client, sandbox):
    """张测试 (GT-001): EL000004 his resident ID, EL000003 his property certificate; EL000009 is 李样例's."""
    own = case(client, [], e_licences=["EL000004", "EL000003"], material_licences={"M2": "EL000004",
                                                                                     "M3": "EL000003"})
    answer = post(sandbox, own, [])
    number = answer.json()["case_number"]
    assert sandbox.store.case_body(number)["material_licences"] == {"M2": "EL000004", "M3": "EL000003"}
    assert refusal(post(sandbox, case(client, [], e_licences=["EL000009"]), [])) == (
        422, "licence_not_held", {"e_licences.0": "EL000009"})
    assert refusal(post(sandbox, case(client, [], material_licences={"M2": "EL000003"}), [])) == (
        422, "licence_type_mismatch", {"material_licences.M2": "expected resident_id, got property_certificate"})
    assert refusal(post(sandbox, case(client, [], material_licences={"M1": "EL000004"}), []))[1] == (
        "licence_type_mismatch")  # M1 is paper only
    assert refusal(post(sandbox, case(client, [], material_licences={"M9": "EL000004"}), []))[1] == "unknown_material"


def test_a_company_case_may_use_the_companys_licence(client, sandbox):
    """张测试 is an authorised handler of 91330106MA2H7Q3K8C, whose business licence is EL000043 (WS-013 M2)."""
    payload = application(client, "WS-013").payload()
    payload["applicant"].update(type="company", credit_code="91330106MA2H7Q3K8C", company_name="杭州示例科技有限公司",
                                role="authorised_handler")
    payload.update(material_licences={"M1": "EL000004", "M2": "EL000043"})
    answer = post(sandbox, payload, [])
    assert answer.status_code == 201, answer.text
    assert refusal(post(sandbox, dict(payload, material_licences={"M2": "EL000044"}), [])) == (
        422, "licence_not_held", {"material_licences.M2": "EL000044"})  # another company's


def test_an_answer_is_the_same_for_the_same_declared_files(client, sandbox):
    files = [PAGE1, SIGNATURE]
    payload, key = case(client, files), uuid.uuid4().hex
    data, content_type = BackendClient._encode(payload, files)
    headers = {"Idempotency-Key": key, "Content-Type": content_type}
    first = signed("POST", sandbox.url, "/api/v1/cases", data, headers=headers)
    again = signed("POST", sandbox.url, "/api/v1/cases", data, headers=headers, now=time.time())
    assert (first.status_code, again.status_code) == (201, 200)
    assert json.loads(again.text)["case_number"] == first.json()["case_number"]
