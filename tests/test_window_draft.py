"""A saved application (草稿) left at a kiosk with a one-time notice, continued at the window
(kiosk/workflows/clerk_drafts.py): the form, the electronic licence and the pages come back, the clerk scans what the
notice listed, and the case goes whole; the draft is then deleted. Against the sandbox over HTTP, the window's camera
simulated, no Qt; the window's line through its widgets at the end."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, QRect, Qt

from common.domain import Application
from devices.idcard.samples import sample_identity
from devices.receipt.virtual import render
from kiosk.materials import Provided
from kiosk.workflows.citizen import Step
from kiosk import drafts
from kiosk.drafts import Kept
from kiosk.workflows.clerk import Desk
from kiosk.workflows.clerk_drafts import for_the_window
from tests.test_clerk_company import COMPANY
from tests.test_clerk_refusal import _queue_sent
from tests.test_materials_session import HOLDER, scan, to_materials
from tests.test_window_ui import gui, signed_in  # noqa: F401  (gui: the window's fixture)

GJJ_FORM = {"amount": 50000, "phone": "13800000001"}  # as tests.citizen_steps fills GJJ-004's form


def _saved_at_the_kiosk(services, not_brought=("M2",)):
    """At a kiosk: M1 by its electronic licence, the rest scanned but ``not_brought``; the notice taken, the
    application saved."""
    session = services.new_citizen_session()
    to_materials(session, "GJJ-004")
    session.use_licence("M1")
    for code in ("M2", "M3", "M4"):
        if code in not_brought:
            session.material_not_brought(code)
        else:
            scan(session, code, 1)
    session.materials_done()
    session.leave_with_notice()
    assert session.step is Step.DONE and not session.notice.error, session.notice
    session.finish()
    (saved,) = services.backend.drafts(HOLDER)
    return saved


def _at_the_window(services):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    desk.card_read(sample_identity("resident"))
    return desk


def _audited(services, action):
    return [e["detail"] for e in services.audit.recent if e["action"] == action]


def test_a_kiosks_saved_application_is_continued_at_the_window_and_goes_whole(services, sandbox):
    saved = _saved_at_the_kiosk(services)
    desk = _at_the_window(services)
    assert [d["draft_id"] for d in desk.drafts_found] == [saved["draft_id"]] and desk.can_resume_draft()
    until = drafts.kept_until(saved)  # the backend's keeping period, said as the kiosk's button says it
    assert until is not None and desk.draft_label(desk.drafts_found[0]) == (
        f"住房公积金提取（购房）（{saved['updated_at'][:10]} 保存，保留至 {until.isoformat()}）")
    assert desk.draft_label({**saved, "expires_at": "2020-01-01T00:00:00+08:00"}) == (
        f"住房公积金提取（购房）（{saved['updated_at'][:10]} 保存）")  # a day not believed: none said
    desk.resume_draft(saved["draft_id"])
    assert desk.step is Desk.CHECKING and not desk.notice.error, desk.notice
    assert desk.service.code == "GJJ-004" and desk.resumed_draft_id == saved["draft_id"]
    assert desk.material("M1").provided is Provided.LICENCE and len(desk.scanned("M3").pages) == 1
    assert [m.code for m in desk.missing()] == ["M2"] and desk.provided == {"M1": True, "M2": False, "M3": True,
                                                                              "M4": True}
    assert _audited(services, "draft_resumed") == ["GJJ-004 1 missing"]
    desk.scan("M2")  # the purchase contract the applicant brought, on the window's camera
    desk.accept()
    assert desk.step is Desk.DONE and desk.result.startswith("SQ"), desk.notice
    number = desk.result
    names = {name for name, _mime, _sha in sandbox.store.attachments(number)}
    assert names == {"M2-1.jpg", "M3-1.jpg", "M4-1.jpg"}
    body = sandbox.store.case_body(number)
    assert body["e_licences"] == ["EL000004"] and body["material_licences"] == {"M1": "EL000004"}
    assert body["form"] == GJJ_FORM  # what the applicant filled at the kiosk goes with the case
    assert sandbox.store.case(number)["status"] == "accepted"
    _queue_sent(services)  # its deletion goes through the outbox, behind the case
    assert services.backend.drafts(HOLDER) == []  # the draft became the case
    desk.next_applicant()
    assert desk.drafts_found == [] and desk.resumed_draft_id == "" and desk.checklist is None


def test_a_draft_continued_while_the_backend_is_away_is_deleted_only_after_its_case_arrives(services, sandbox):
    """Accepted offline: the case waits in the outbox, the acceptance and the draft's deletion behind it, in that
    order; nothing the applicant provided is lost meanwhile, and no draft stands once the case has arrived."""
    saved = _saved_at_the_kiosk(services)
    desk = _at_the_window(services)
    desk.resume_draft(saved["draft_id"])
    desk.scan("M2")
    sandbox.faults.set("down")
    desk.accept()
    provisional = desk.result
    assert desk.step is Desk.DONE and provisional.startswith("P-")
    desk.next_applicant()
    pending = services.queue.outbox.items(("pending",))
    kinds = [next(iter(services.queue.outbox.load(item.id).body)) for item in pending]
    assert len(kinds) == 3 and kinds[1:] == ["decision", "draft_deletion"]  # the case's item first
    assert [d["draft_id"] for d in sandbox.store.drafts(HOLDER)] == [saved["draft_id"]]  # still standing
    sandbox.faults.clear()
    _queue_sent(services)
    assert sandbox.store.case_by_provisional(provisional)["status"] == "accepted"
    assert sandbox.store.drafts(HOLDER) == [] and all(i.state == "delivered" for i in services.queue.outbox.items())


def test_a_notice_issued_again_saves_the_application_as_it_now_stands(services, sandbox):
    saved = _saved_at_the_kiosk(services, not_brought=("M2", "M3"))
    desk = _at_the_window(services)
    desk.resume_draft(saved["draft_id"])
    desk.scan("M3")  # brought this time; the purchase contract is still at home
    desk.issue_notice()
    assert desk.step is Desk.DONE and desk.result.startswith("GZ"), desk.notice
    (again,) = services.backend.drafts(HOLDER)
    assert again["draft_id"] == saved["draft_id"] and again["missing"] == ["M2"]
    assert {a["name"] for a in again["attachments"]} == {"M3-1.jpg", "M4-1.jpg"}  # the window's page saved too
    assert again["form"] == GJJ_FORM and again["material_licences"] == {"M1": "EL000004"}


def test_a_notice_while_the_backend_is_away_keeps_the_application_in_the_outbox_until_it_is_back(services, sandbox):
    saved = _saved_at_the_kiosk(services, not_brought=("M2", "M3"))
    desk = _at_the_window(services)
    desk.resume_draft(saved["draft_id"])
    desk.scan("M3")
    sandbox.faults.set("down")
    desk.issue_notice()
    assert desk.step is Desk.DONE and desk.result == "-", desk.notice
    said = desk.notice.message.render("en")
    assert "kept on this terminal and saved for their next visit as soon as the service system answers" in said
    assert _audited(services, "draft_queued") == ["GJJ-004 1 missing"]
    pending = services.queue.outbox.items(("pending",))
    assert [next(iter(services.queue.outbox.load(i.id).body)) for i in pending] == ["draft_save"]
    sandbox.faults.clear()
    _queue_sent(services)
    (again,) = services.backend.drafts(HOLDER)
    assert again["draft_id"] == saved["draft_id"] and again["missing"] == ["M2"] and again["form"] == GJJ_FORM
    assert {a["name"] for a in again["attachments"]} == {"M3-1.jpg", "M4-1.jpg"}  # the window's page arrived
    assert services.queue.outbox.item(pending[0].id).has_payload is False  # its pages purged once delivered


def test_a_paper_the_clerk_ticked_is_not_saved_as_missing_when_the_notice_does_not_list_it(services, sandbox):
    saved = _saved_at_the_kiosk(services, not_brought=("M2", "M3"))
    desk = _at_the_window(services)
    desk.resume_draft(saved["draft_id"])
    desk.mark("M3", True)  # the invoice seen on paper, kept by the hall: not in the checklist's pages
    desk.issue_notice()
    assert desk.step is Desk.DONE and desk.result.startswith("GZ"), desk.notice
    (again,) = services.backend.drafts(HOLDER)
    assert again["missing"] == ["M2"]  # as the notice lists it


def test_a_notice_on_a_matter_begun_here_saves_what_was_scanned_and_a_kiosk_continues_it(services, sandbox):
    from tests.citizen_steps import fill_form, identify

    desk = _at_the_window(services)
    assert desk.drafts_looked_up and desk.drafts_found == []
    desk.choose_service("GJJ-004")
    desk.scan("M3")  # the invoice brought; the rest is at home
    missing = [m.code for m in desk.missing()]
    desk.issue_notice()
    assert desk.step is Desk.DONE and desk.result.startswith("GZ"), desk.notice
    until = (dt.datetime.now().astimezone() + dt.timedelta(days=30)).date().isoformat()  # the sandbox's period
    assert f"What the applicant provided is saved for their next visit, until {until}." in desk.notice.message.render(
        "en")
    printer = services.devices.receipt_printer
    assert any(f"保存至 {until}" in line for line in render(printer.last_bytes, printer.profile).lines)
    (saved,) = services.backend.drafts(HOLDER)
    assert saved["missing"] == missing and {a["name"] for a in saved["attachments"]} == {"M3-1.jpg"}
    assert _audited(services, "draft_saved") == [f"GJJ-004 {len(missing)} missing"]
    desk.next_applicant()

    session = services.new_citizen_session()  # the next visit, at a kiosk: the form asked, the page kept
    identify(session)
    session.resume_draft(session.drafts_found[0]["draft_id"])
    assert session.step is Step.FORM and len(session.checklist["M3"].pages) == 1
    fill_form(session, GJJ_FORM)
    assert session.step is Step.MATERIALS and [m.code for m in session.checklist.pending()] == missing


def test_a_notice_on_a_matter_begun_here_saves_nothing_over_a_saved_application_or_with_nothing_provided(services,
                                                                                                      sandbox):
    saved = _saved_at_the_kiosk(services)
    desk = _at_the_window(services)
    desk.choose_service("GJJ-004")  # not continuing the kiosk's: a save would replace it, its form lost
    desk.scan("M2")
    desk.issue_notice()
    assert desk.step is Desk.DONE and "saved" not in desk.notice.message.render("en"), desk.notice
    (kept,) = services.backend.drafts(HOLDER)
    assert kept["updated_at"] == saved["updated_at"] and kept["form"] == GJJ_FORM
    services.backend.delete_draft(saved["draft_id"])
    desk.card_read(sample_identity("resident"))
    desk.choose_service("GJJ-004")
    desk.mark("M3", True)  # seen on paper only: nothing to keep
    desk.issue_notice()
    assert desk.step is Desk.DONE and services.backend.drafts(HOLDER) == [] and not _audited(services, "draft_saved")


def test_a_save_the_backend_refuses_is_said_to_the_clerk_and_on_the_slip(services, sandbox):
    """The applicant's draft refused (here: another terminal saved one of the same service just after this matter's
    look-up, so this save is the older, 409 draft_superseded): nothing of theirs is kept this time, and the clerk
    and the slip say so, not silence (they bring today's papers again)."""
    desk = _at_the_window(services)
    desk.choose_service("GJJ-004")
    desk.scan("M3")
    later = (dt.datetime.now().astimezone() + dt.timedelta(seconds=120)).isoformat(timespec="seconds")
    services.backend.save_draft_payload({"id_number": HOLDER, "service_code": "GJJ-004", "saved_at": later})
    desk.issue_notice()
    assert desk.step is Desk.DONE and desk.draft_kept.how is Kept.NOT_KEPT, desk.notice
    assert "could not be kept: they bring it again" in desk.notice.message.render("en")
    printer = services.devices.receipt_printer
    assert any("均未保存" in line for line in render(printer.last_bytes, printer.profile).lines)
    assert _audited(services, "draft_not_kept") == ["GJJ-004 3 missing"]


def test_a_notice_saves_nothing_when_the_saved_applications_could_not_be_looked_up(services, sandbox):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    sandbox.faults.set("down")
    desk.card_read(sample_identity("resident"))
    sandbox.faults.clear()
    assert not desk.drafts_looked_up  # one may stand: a save would replace it
    desk.choose_service("GJJ-004")
    desk.scan("M3")
    desk.issue_notice()
    assert desk.step is Desk.DONE and services.backend.drafts(HOLDER) == []


def test_another_service_leaves_the_saved_application_saved_and_a_refusal_ends_it(services, sandbox):
    from kiosk.refusal_reasons import RefusalReason

    saved = _saved_at_the_kiosk(services)
    desk = _at_the_window(services)
    desk.resume_draft(saved["draft_id"])
    desk.choose_service("SB-003")  # the clerk chose another service: the draft is not this matter
    assert desk.resumed_draft_id == "" and desk.checklist.page_count() == 0
    desk.mark("M1", True)
    desk.accept()
    assert desk.step is Desk.DONE and len(services.backend.drafts(HOLDER)) == 1  # still saved for next time
    desk.card_read(sample_identity("resident"))  # the same applicant again
    desk.resume_draft(saved["draft_id"])
    desk.refuse(RefusalReason.NOT_ELIGIBLE)
    _queue_sent(services)
    assert desk.step is Desk.DONE and services.backend.drafts(HOLDER) == []  # it became the refused case


def test_a_companys_saved_application_comes_back_for_the_company(services, sandbox):
    backend = services.backend
    company = backend.company(COMPANY, HOLDER)
    service = backend.service("BDC-005")
    application = Application(service, sample_identity("resident"), "ZJ-HZ-T001", company=company)
    backend.save_application_draft(application, [], materials_done=[], missing=["M1"])
    desk = _at_the_window(services)
    (draft,) = desk.drafts_found
    assert f"（{company.name_zh}，" in desk.draft_label(draft) and "保留至" in desk.draft_label(draft)
    desk.resume_draft(draft["draft_id"])
    assert desk.step is Desk.CHECKING and desk.for_company and desk.company.credit_code == COMPANY
    desk.mark("M1", True)
    desk.accept()
    assert desk.step is Desk.DONE, desk.notice
    body = sandbox.store.case_body(desk.result)
    assert (body["applicant"]["type"], body["applicant"]["credit_code"]) == ("company", COMPANY)


def test_a_saved_application_that_cannot_be_fetched_is_said_and_nothing_is_half_kept(services, sandbox):
    saved = _saved_at_the_kiosk(services)
    desk = _at_the_window(services)
    sandbox.faults.set("down")
    desk.resume_draft(saved["draft_id"])
    sandbox.faults.clear()
    assert desk.step is Desk.WAITING and desk.notice.error and desk.service is None and desk.checklist is None
    assert desk.notice.message.render("en").startswith("The saved application could not be opened: ")
    assert desk.can_resume_draft()  # tried again once the backend is back
    desk.resume_draft(saved["draft_id"])
    assert desk.step is Desk.CHECKING


@pytest.mark.parametrize("draft, offered", [
    ({"draft_id": "DR-1", "service_code": "GJJ-004", "id_number": HOLDER}, True),
    ({"draft_id": "DR-2", "service_code": "GJJ-004", "id_number": HOLDER,
      "agent": {"id_number": HOLDER}, "applicant": {"type": "person", "id_number": "110101199003070011"}}, False),
    ({"draft_id": "DR-3", "service_code": "GJJ-004", "id_number": "110101199003070011",  # saved by their agent
      "agent": {"id_number": "110101199003070011"}, "applicant": {"type": "person", "id_number": HOLDER}}, False),
    ({"draft_id": "DR-4", "service_code": "NOPE-1", "id_number": HOLDER}, False),  # not a service offered here
    ({"service_code": "GJJ-004", "id_number": HOLDER}, False),
    ("not a draft", False),
])
def test_only_the_persons_own_or_company_drafts_of_services_offered_here_are_continued(services, draft, offered):
    catalogue = services.backend.catalogue()
    assert (for_the_window([draft], catalogue, HOLDER) == [draft]) is offered


def _saved_directly(backend):
    """A saved application as a kiosk saves it (M1 by its licence, M3 and M4 paged, M2 missing), made straight
    through the client: the window's fixture runs its tasks on threads, so no kiosk session is walked here."""
    import cv2
    import numpy as np

    from common.domain import Attachment

    page = bytes(cv2.imencode(".jpg", np.full((120, 90, 3), 235, np.uint8))[1])
    application = Application(backend.service("GJJ-004"), sample_identity("resident"), "ZJ-HZ-T001", form=GJJ_FORM)
    return backend.save_application_draft(application, [Attachment("M3-1.jpg", "image/jpeg", page),
                                                 Attachment("M4-1.jpg", "image/jpeg", page)],
                                   materials_done=["M1", "M3", "M4"], missing=["M2"],
                                   material_licences={"M1": "EL000004"})


def test_the_windows_line_continues_a_saved_application_and_fits_in_large_english_and_it_may_go(gui, qtbot, sandbox):
    saved = _saved_directly(gui.services.backend)
    gui.window.toggle_language()
    gui.window.toggle_elderly()
    view = signed_in(gui, qtbot)
    screen = view.desk_screen
    gui.services.devices.id_reader.place_card("resident")
    qtbot.waitUntil(lambda: screen.drafts.isVisible(), timeout=5000)
    assert screen.drafts.resume.text() == "Continue it" and screen.drafts.drafts.count() == 1
    said = screen.drafts.drafts.currentText()
    assert said.startswith("Housing provident fund withdrawal (home purchase), saved ") and ", kept until 20" in said
    # cut short beside its button in large English: whole in the tooltip and in the list it opens
    assert screen.drafts.drafts.toolTip() == said and screen.drafts.whole.text() == said
    assert screen.drafts.whole.isVisible()
    assert screen.drafts.drafts.view().minimumWidth() > screen.drafts.drafts.fontMetrics().horizontalAdvance(said)
    qtbot.wait(50)
    assert gui.window.size().toTuple() == (1280, 800)
    for widget in (screen.drafts.title, screen.drafts.drafts, screen.drafts.resume, screen.drafts.whole, screen.next):
        placed = QRect(widget.mapTo(gui.window, QPoint(0, 0)), widget.size())
        assert widget.isVisible() and gui.window.rect().contains(placed), (widget, placed)
    qtbot.mouseClick(screen.drafts.resume, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.CHECKING and not view.desk.busy, timeout=10000)
    assert not screen.drafts.isVisible() and view.desk.service.code == "GJJ-004"
    assert screen.notice.text().startswith("The saved application is back")
    checked = [screen.materials.item(i).checkState() == Qt.CheckState.Checked for i in range(screen.materials.count())]
    assert checked == [True, False, True, True]
    assert gui.window.size().toTuple() == (1280, 800)
    # the applicant may keep nothing: the saved application they continued goes too
    keep = screen.keep_draft
    assert keep.isVisible() and keep.isChecked() and keep.text() == "Keep for the next visit"
    qtbot.wait(50)
    placed = QRect(keep.mapTo(gui.window, QPoint(0, 0)), keep.size())
    assert gui.window.rect().contains(placed) and gui.window.size().toTuple() == (1280, 800), placed
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)  # the applicant would rather nothing were kept
    assert not view.desk.keep_draft and not keep.isChecked()
    qtbot.mouseClick(screen.issue, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)
    assert "Nothing the applicant provided is kept, as they chose." in view.desk.notice.message.render("en")
    printer = gui.services.devices.receipt_printer  # the slip they take says so: what they showed is to come again
    slip = render(printer.last_bytes, printer.profile).lines
    assert any("Nothing you provided today is kept" in line for line in slip), slip
    assert _audited(gui.services, "draft_declined") and not _audited(gui.services, "draft_saved")
    _queue_sent(gui.services)
    assert sandbox.store.drafts(HOLDER) == [] and not sandbox.store.draft_exists(saved["draft_id"])
    view.desk.next_applicant()
    assert view.desk.keep_draft  # the next applicant's choice is their own


def test_the_clerk_stops_waiting_for_a_slow_saved_application_on_the_band_and_may_try_again(gui, qtbot, sandbox):
    """The service system slow to answer (2 s for each page): after the band's first seconds its "Stop waiting" button
    gives the desk back; the application stays offered, and tried again once the line is well it comes back."""
    from ui.wait_band import AFTER_S

    saved = _saved_directly(gui.services.backend)
    view = signed_in(gui, qtbot)
    screen, band = view.desk_screen, view.wait_band
    band.second_ms = 100  # the band from 0.3 s on
    gui.services.devices.id_reader.place_card("resident")
    qtbot.waitUntil(lambda: screen.drafts.isVisible(), timeout=5000)
    assert band.stop.isHidden()
    sandbox.faults.slow_s = 2.0
    sandbox.faults.set("slow")
    qtbot.mouseClick(screen.drafts.resume, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(band.isVisible, timeout=AFTER_S * 100 + 800)
    assert band.stop.isVisible() and band.stop.text() == "停止等待" and view.desk.busy
    placed = QRect(band.stop.mapTo(gui.window, QPoint(0, 0)), band.stop.size())
    assert gui.window.rect().contains(placed) and band.stop.height() >= 44, placed
    qtbot.mouseClick(band.stop, Qt.MouseButton.LeftButton)
    assert view.desk.step is Desk.WAITING and not view.desk.busy and view.desk.service is None
    assert band.isHidden() and band.stop.isHidden()
    assert screen.notice.text().startswith("已停止")
    assert screen.drafts.isVisible() and screen.drafts.resume.isEnabled()
    assert _audited(gui.services, "draft_load_stopped") == [""]
    sandbox.faults.clear()
    qtbot.mouseClick(screen.drafts.resume, Qt.MouseButton.LeftButton)  # behind the stopped one's last piece
    qtbot.waitUntil(lambda: view.desk.step is Desk.CHECKING and not view.desk.busy, timeout=10000)
    assert view.desk.service.code == "GJJ-004" and view.desk.resumed_draft_id == saved["draft_id"]
    assert len(view.desk.scanned("M3").pages) == 1 and len(view.desk.scanned("M4").pages) == 1


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=10)
GOOD_DRAFT = {"draft_id": "DR-1", "service_code": "GJJ-004", "id_number": HOLDER,
              "updated_at": "2026-12-05T10:00:00+08:00", "expires_at": "2036-12-05T10:00:00+08:00",
              "applicant": {"type": "company", "credit_code": COMPANY, "company_name": "某公司"}, "agent": None,
              "form": {}, "materials_done": [], "missing": ["M2"], "attachments": [], "material_licences": {}}


def test_a_backends_odd_draft_is_left_out_or_labelled_never_a_crash(services):
    """The line is drawn on the GUI thread from what the backend listed: a draft off the contract is not offered.
    One desk for every example: signing in and reading the card for each of the 300 took 29 s of the suite, and
    labelling a draft changes nothing of the desk's."""
    desk = _at_the_window(services)

    @settings(max_examples=300, deadline=None, derandomize=True, database=None)
    @given(changes=st.dictionaries(st.sampled_from(sorted(GOOD_DRAFT)), JSON, max_size=4))
    def labelled(changes):
        for draft in for_the_window([{**GOOD_DRAFT, **changes}], desk.catalogue, HOLDER):
            assert isinstance(desk.draft_label(draft), str)

    labelled()
