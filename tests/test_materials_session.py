"""Materials in a citizen's session, without Qt: electronic licences, pages on the simulated document
camera, not brought, the signature, and the one-time notice when something is missing.

Against the sandbox over HTTP; what it stored is read back from its store."""

import io

from PIL import Image

from devices.receipt.virtual import render
from kiosk.materials import Provided
from kiosk.workflows.citizen import Step
from tests.citizen_steps import FORMS, fill_form, identify, signature_png
from tests.test_clerk_refusal import _queue_sent

HOLDER = "330106199003071236"  # the sample card


def to_materials(session, code="GT-001", agree=True):
    identify(session)
    session.continue_to_services()
    session.choose_service(code)
    session.start_application()
    if session.step is Step.WHO:
        from common.domain import ApplyAs
        session.choose_applicant(ApplyAs.MYSELF)
    if session.step is Step.FORM:
        fill_form(session, FORMS[code])
    if session.step is Step.LICENCE_CONSENT:
        (session.agree_licences if agree else session.decline_licences)()
    assert session.step is Step.MATERIALS, (session.step, session.notice)


def scan(session, code, pages):
    session.scan_material(code)
    assert session.step is Step.CAPTURE
    for _ in range(pages):
        session.capture_page()
        assert session.step is Step.CAPTURE and not session.notice.error, session.notice
    session.capture_done()
    assert session.step is Step.MATERIALS


def test_licences_pages_and_a_signature_travel_with_the_case(services, sandbox):
    session = services.new_citizen_session()
    to_materials(session)
    # the consent to fetch licences is recorded for this service, and the matching licences are offered
    assert {c["scope"] for c in sandbox.store.consents(HOLDER)} == {"identity", "licences"}
    assert set(session.offered_licences) == {"M2", "M3"}
    session.use_licence("M2")
    session.use_licence("M3")
    scan(session, "M1", 2)
    session.materials_done()
    assert session.step is Step.MATERIALS and "委托" in session.notice.message.render()  # M4 not answered yet
    session.material_does_not_apply("M4")
    session.materials_done()
    assert session.step is Step.SIGNATURE
    session.sign(signature_png())
    assert session.step is Step.CONFIRM
    session.confirm()
    assert session.step is Step.DONE and not session.receipt.provisional, session.notice
    number = session.receipt.case_number
    body = sandbox.store.case_body(number)
    assert sorted(body["e_licences"]) == sorted(["EL000004", "EL000003"])
    stored = {name: mime for name, mime, _sha in sandbox.store.attachments(number)}
    assert stored == {"M1-1.jpg": "image/jpeg", "M1-2.jpg": "image/jpeg", "signature.png": "image/png"}
    assert [c["scope"] for c in body["consents"]] == ["identity", "licences"]


def test_a_declined_licence_consent_fetches_nothing(services, sandbox):
    session = services.new_citizen_session()
    to_materials(session, agree=False)
    assert session.offered_licences == {} and session.licence_consent == "declined"
    assert [c["scope"] for c in sandbox.store.consents(HOLDER)] == ["identity"]


def test_a_missing_material_prints_the_one_time_notice(services, sandbox):
    session = services.new_citizen_session()
    to_materials(session)
    session.use_licence("M2")
    session.material_not_brought("M3")
    session.material_not_brought("M1")
    session.material_does_not_apply("M4")
    session.materials_done()
    assert session.step is Step.INCOMPLETE
    assert [m.code for m in session.checklist.missing()] == ["M1", "M3"]
    session.leave_with_notice()
    assert session.step is Step.DONE and session.notice_number.startswith("GZ")
    printer = services.devices.receipt_printer
    lines = render(printer.last_bytes, printer.profile).lines
    assert any("一次性告知" in line for line in lines) and any("经营场所使用证明" in line for line in lines)
    assert any("不动产登记中心" in line for line in lines)  # where to get the missing premises certificate
    assert any(line.startswith("设定依据") for line in lines)  # the service's legal basis


def test_the_camera_gone_marks_the_material_for_the_window(services):
    session = services.new_citizen_session()
    to_materials(session, "GJJ-004")
    services.devices.document_camera.stop()
    session.scan_material("M2")
    session.capture_page()
    assert session.step is Step.MATERIALS and session.checklist["M2"].provided is Provided.NOT_BROUGHT
    assert "窗口" in session.notice.message.render()


def test_pages_are_wiped_when_the_session_ends(services):
    session = services.new_citizen_session()
    to_materials(session, "GJJ-004")
    scan(session, "M2", 1)
    page = session.checklist["M2"].pages[0]
    assert len(page) > 1000
    session.finish()
    assert len(page) == 0 and session.checklist is None


def test_an_incomplete_application_is_saved_and_resumed_at_the_next_visit(services, sandbox):
    session = services.new_citizen_session()
    to_materials(session, "GJJ-004")
    session.use_licence("M1")
    session.material_not_brought("M2")  # the purchase contract stayed at home
    scan(session, "M3", 1)
    scan(session, "M4", 1)
    session.materials_done()
    session.leave_with_notice()
    assert session.step is Step.DONE and not session.notice.error, session.notice
    (saved,) = services.backend.drafts(HOLDER)
    assert saved["missing"] == ["M2"] and {a["name"] for a in saved["attachments"]} == {"M3-1.jpg", "M4-1.jpg"}
    session.finish()

    # the next visit: identified, the saved application is offered, and it comes back as it was
    identify(session)
    assert [d["service_code"] for d in session.drafts_found] == ["GJJ-004"]
    session.resume_draft(session.drafts_found[0]["draft_id"])
    assert session.step is Step.MATERIALS and not session.notice.error
    assert session.checklist["M1"].provided is Provided.LICENCE
    assert len(session.checklist["M3"].pages) == 1 and len(session.checklist["M4"].pages) == 1
    assert [m.code for m in session.checklist.pending()] == ["M2"]
    assert session.form_values["phone"] == "13800000001"
    scan(session, "M2", 4)
    session.materials_done()
    assert session.step is Step.CONFIRM
    session.confirm()
    assert session.step is Step.DONE and not session.receipt.provisional, session.notice
    number = session.receipt.case_number
    names = {name for name, _mime, _sha in sandbox.store.attachments(number)}
    assert names == {"M2-1.jpg", "M2-2.jpg", "M2-3.jpg", "M2-4.jpg", "M3-1.jpg", "M4-1.jpg"}
    body = sandbox.store.case_body(number)
    assert body["e_licences"] == ["EL000004"] and body["form"] == {"amount": 50000, "phone": "13800000001"}
    _queue_sent(services)  # its deletion goes through the outbox, behind the case
    assert services.backend.drafts(HOLDER) == []  # the draft became the case


def test_a_page_the_backend_refuses_is_named_and_taken_again(services, sandbox):
    session = services.new_citizen_session()
    to_materials(session, "GJJ-004")
    session.use_licence("M1")
    scan(session, "M2", 4)
    scan(session, "M3", 1)
    session.checklist.add_page("M4", b"GIF89a not a picture the backend takes")  # a page damaged on the way
    session.materials_done()
    session.confirm()
    # not "saved, sent later": the backend's refusal, naming the page, and that material to take again
    assert session.step is Step.MATERIALS and session.receipt is None
    assert "本人银行卡" in session.notice.message.render()
    assert session.checklist["M4"].provided is Provided.NOTHING and len(session.checklist["M2"].pages) == 4
    (dead,) = services.queue.outbox.items(("dead",))
    assert "bad_attachment" in dead.last_error
    scan(session, "M4", 1)
    session.materials_done()
    session.confirm()
    assert session.step is Step.DONE and not session.receipt.provisional, session.notice


def test_an_id_card_is_copied_front_then_back_onto_one_page(sandbox, make_config):
    """The simulator's desk shows drawn pages, changed every 0.2 s here: the first is an A4 sheet that the card
    finder refuses as a card (its ranker expects 0.79 of it, below NOT_FOUND 0.8), and the citizen is told to lay
    the card again, as at a real camera; the next two are taken as cards."""
    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner

    services = build_services(make_config(sandbox.url, devices={"document_camera": {"type": "sim", "page_s": 0.2}}),
                              SyncTaskRunner())
    services.start()
    try:
        session = services.new_citizen_session()
        to_materials(session, "GJJ-004", agree=False)
        session.scan_material("M1")  # the resident ID card: an identity material
        assert session.is_identity_material("M1") and not session.is_identity_material(None)
        _lay_card(session, lambda: session.card_front is not None)
        assert "翻面" in session.notice.message.render() and session.checklist["M1"].pages == []
        _lay_card(session, lambda: session.card_front is None)
        assert len(session.checklist["M1"].pages) == 1, session.notice
        with Image.open(io.BytesIO(bytes(session.checklist["M1"].pages[0]))) as page:
            assert page.height > page.width  # the A4 sheet both sides lie on
    finally:
        services.stop()


def _lay_card(session, taken) -> None:
    """One side copied: laid again (at most 20 times) while the camera says it found no card."""
    import time

    for _attempt in range(20):
        session.copy_id_card()
        if taken():
            return
        assert session.notice.error  # not found: lay the card again
        time.sleep(0.1)
    raise AssertionError(f"no card found in 20 tries: {session.notice}")


def test_a_signature_whose_image_cannot_be_made_asks_to_sign_again(services, sandbox):
    """The kiosk makes the signature's image on a worker (ui/signature.signature_png); if that fails
    the citizen is asked to sign again, in plain words, and nothing moves on."""
    session = services.new_citizen_session()
    to_materials(session)
    for code in ("M2", "M3"):
        session.use_licence(code)
    scan(session, "M1", 2)
    session.material_does_not_apply("M4")
    session.materials_done()
    assert session.step is Step.SIGNATURE

    def broken() -> bytes:
        raise MemoryError("no room for the image")

    session.sign_drawn(broken)
    assert session.step is Step.SIGNATURE and not session.busy and session.signature is None
    assert session.notice.message.render() == "未能保存您的签名，请重新签名。"
    session.sign_drawn(signature_png)
    assert session.step is Step.CONFIRM and session.signature == signature_png()


def test_a_draft_whose_form_no_longer_suffices_is_resumed_at_the_form_with_its_materials_kept(services, sandbox):
    """The service's form changed between the visits (here: the draft was saved without a field now required): the
    citizen completes the form first, then finds the materials as they left them, and the case goes complete."""
    from common.domain import Application, Attachment
    from devices.idcard.samples import sample_identity

    backend = services.backend
    image = io.BytesIO()
    Image.new("RGB", (900, 1200), "white").save(image, "JPEG")
    page = image.getvalue()
    application = Application(backend.service("GJJ-004"), sample_identity("resident"), "ZJ-HZ-T001",
                              form={"phone": "13800000001"})  # "amount" is required and missing
    backend.save_application_draft(application, [Attachment("M3-1.jpg", "image/jpeg", page)],
                                   materials_done=["M3"], missing=["M1", "M2", "M4"])
    session = services.new_citizen_session()
    identify(session)
    session.resume_draft(session.drafts_found[0]["draft_id"])
    assert session.step is Step.FORM and session.notice.error and "amount" in session.form_messages()
    assert session.notice.message.render("en").startswith("Welcome back: please complete the fields in red.")
    assert session.form_values["phone"] == "13800000001" and len(session.checklist["M3"].pages) == 1
    fill_form(session, {"amount": 50000})
    assert session.step is Step.MATERIALS and len(session.checklist["M3"].pages) == 1  # kept, not asked again
