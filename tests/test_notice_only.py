"""The one-time notice with or without the application kept, through the kiosk's widgets against the sandbox: "Print
the notice and save" keeps a draft and says until when (the backend's ``expires_at``); "Print the notice only"
keeps nothing, and deletes the saved application the citizen continued, through the outbox."""

import datetime as dt

from PySide6.QtCore import Qt

from common.domain import ApplyAs
from devices.idcard.samples import sample_identity
from devices.receipt.virtual import render
from kiosk.drafts import kept_until
from kiosk.workflows.citizen import Step
from tests.citizen_steps import FORMS, fill_form, place_card_and_agree

LEFT = Qt.MouseButton.LeftButton


def _to_incomplete(gui, qtbot, resume: bool = False) -> None:
    """Card, consent; a new GT-001 application with nothing brought, or the saved one continued with nothing more."""
    session, screens = gui.window.session, gui.window.view.screens
    place_card_and_agree(gui, qtbot)
    if resume:
        qtbot.waitUntil(lambda: bool(screens[Step.IDENTIFIED].draft_buttons), timeout=10000)
        (button,) = screens[Step.IDENTIFIED].draft_buttons.values()
        until = (dt.datetime.now().astimezone() + dt.timedelta(days=30)).date().isoformat()
        assert button.text().endswith(f"保存至 {until}"), button.text()  # the backend's keeping period, shown
        qtbot.mouseClick(button, LEFT)
        qtbot.waitUntil(lambda: session.step is Step.MATERIALS and not session.busy, timeout=10000)
        for material in session.checklist.pending():
            session.material_not_brought(material.code)
    else:
        qtbot.mouseClick(screens[Step.IDENTIFIED].next, LEFT)
        qtbot.waitUntil(lambda: session.step is Step.CHOOSE_SERVICE, timeout=5000)
        qtbot.mouseClick(screens[Step.CHOOSE_SERVICE].buttons["GT-001"], LEFT)
        qtbot.mouseClick(screens[Step.GUIDE].apply, LEFT)
        if session.step is Step.WHO:
            session.choose_applicant(ApplyAs.MYSELF)
        fill_form(session, FORMS["GT-001"])
        if session.step is Step.LICENCE_CONSENT:
            session.decline_licences()
        for material in session.checklist.items:
            session.material_not_brought(material.code)
    session.materials_done()
    qtbot.waitUntil(lambda: session.step is Step.INCOMPLETE, timeout=5000)


def _printed(gui) -> list[str]:
    """The lines of the slip the receipt printer printed last (the one-time notice)."""
    printer = gui.services.devices.receipt_printer
    return render(printer.last_bytes, printer.profile).lines


def _press(gui, qtbot, name: str) -> str:
    session, screen = gui.window.session, gui.window.view.screens[Step.INCOMPLETE]
    qtbot.mouseClick(getattr(screen, name), LEFT)
    qtbot.waitUntil(lambda: session.step is Step.DONE and not session.busy, timeout=10000)
    said = session.notice.message.render("en")
    qtbot.mouseClick(gui.window.view.screens[Step.DONE].finish, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.HOME, timeout=5000)
    return said


def test_the_citizen_chooses_whether_the_application_is_kept_and_a_continued_one_goes_when_they_keep_nothing(
        open_gui, qtbot, sandbox):
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 600})
    person = sample_identity("resident").id_number
    screen = gui.window.view.screens[Step.INCOMPLETE]
    _to_incomplete(gui, qtbot)
    assert screen.only.text() == "只打印告知书" and screen.print.text() == "打印告知书并保存"
    said = _press(gui, qtbot, "print")
    (saved,) = sandbox.store.drafts(person)
    until = kept_until(saved).isoformat()
    assert f"saved until {until}: before then" in said, said
    assert any(f"保存至 {until}" in line for line in _printed(gui)), _printed(gui)  # on the paper they take home

    _to_incomplete(gui, qtbot, resume=True)  # the next visit: continued, still nothing brought
    said = _press(gui, qtbot, "only")
    assert "nothing of your application is kept" in said and "bring what you provided today" in said, said
    assert any("均未保存" in line for line in _printed(gui)) and not any("保存至" in line for line in _printed(gui))
    qtbot.waitUntil(lambda: sandbox.store.drafts(person) == [], timeout=15000)  # deleted through the outbox
    assert sandbox.store._all("SELECT name FROM draft_pages") == []

    _to_incomplete(gui, qtbot)  # a new application, the notice only: nothing saved at all
    _press(gui, qtbot, "only")
    gui.services.queue.sync.notify()
    assert sandbox.store.drafts(person) == []
    assert gui.services.queue.outbox.items(("pending", "sending")) == []


def test_a_date_is_told_only_from_an_expiry_the_terminal_believes():
    now = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert kept_until({"expires_at": "2027-01-04T12:00:00+08:00"}, now) == dt.date(2027, 1, 4)
    assert kept_until({"expires_at": "2027-01-04T20:00:00+00:00"}, now) == dt.date(2027, 1, 5)  # the hall's day
    for hostile in ({}, {"expires_at": None}, {"expires_at": 1767499200}, {"expires_at": "2027-01-04T12:00:00"},
                    {"expires_at": "next month"}, {"expires_at": "2026-12-01T00:00:00+08:00"},  # past
                    {"expires_at": "2099-01-01T00:00:00+08:00"}, {"expires_at": "2027-01-04T12:00:00+08:00" + " " * 40},
                    ["expires_at"], None, "2027-01-04"):
        assert kept_until(hostile, now) is None, hostile


def test_kept_nothing_then_saved_after_all_the_save_is_not_deleted_by_the_first_choice(services, sandbox):
    """"Print the notice only" with the printer out of paper (the deletion of the continued draft queued), then "Print
    the notice and save": the save goes behind the deletion, never past it (the backend keeps one draft per person,
    holder and service under one id, so a save made first would be deleted by it)."""
    from tests.test_clerk_refusal import _queue_sent
    from tests.test_materials_session import HOLDER, scan, to_materials
    from tests.citizen_steps import identify

    session = services.new_citizen_session()
    to_materials(session, "GJJ-004")
    session.material_not_brought("M1")
    session.material_not_brought("M2")
    scan(session, "M3", 1)
    scan(session, "M4", 1)
    session.materials_done()
    session.leave_with_notice()
    session.finish()
    (first,) = sandbox.store.drafts(HOLDER)

    identify(session)
    session.resume_draft(session.drafts_found[0]["draft_id"])
    for material in session.checklist.pending():
        session.material_not_brought(material.code)
    session.materials_done()
    assert session.step is Step.INCOMPLETE
    services.queue.sync.stop()  # what is queued stays queued until the worker runs again
    printer = services.devices.receipt_printer
    printer.inject("paper_out")
    session.leave_with_notice(keep=False)
    assert session.step is Step.INCOMPLETE and "nothing of your application is kept" in session.notice.message.render(
        "en")
    printer.inject("clear")
    session.leave_with_notice(keep=True)  # the citizen changed their mind
    assert session.step is Step.DONE, session.notice
    services.queue.sync.start()
    _queue_sent(services)
    (kept,) = sandbox.store.drafts(HOLDER)  # deleted, then saved again: the second choice stands
    assert {a["name"] for a in kept["attachments"]} == {"M3-1.jpg", "M4-1.jpg"} and kept["draft_id"] != first["draft_id"]


def test_a_backend_slow_at_the_notice_leaves_the_draft_what_is_left_of_the_wait_then_queues_it(sandbox, make_config):
    """The citizen's wait is ``queue.deliver_wait_s`` (here 2 s) for the notice and the saved application together:
    the backend answers everything 1.7 s late, so the notice is recorded (its number printed) and the draft, with
    0.3 s left, goes straight into the queue, then reaches the backend through it, once. (Before: the save was given
    the answer's own limit again, 4 s here, 15 + 20 s at the defaults.)"""
    import time

    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner
    from tests.test_clerk_refusal import _queue_sent
    from tests.test_materials_session import HOLDER, scan, to_materials

    services = build_services(make_config(sandbox.url, queue={"deliver_wait_s": 2.0}), SyncTaskRunner())
    services.start()
    try:
        session = services.new_citizen_session()
        to_materials(session, "GJJ-004")
        for code in ("M1", "M2", "M4"):
            session.material_not_brought(code)
        scan(session, "M3", 1)
        session.materials_done()
        queue_draft, queued_at = services.submitter.queue_draft, []

        def queued(*args, **kwargs):
            queued_at.append(time.monotonic())
            return queue_draft(*args, **kwargs)

        services.submitter.queue_draft = queued
        sandbox.faults.slow_s = 1.7
        sandbox.faults.set("slow")
        started = time.monotonic()
        session.leave_with_notice()
        services.submitter.queue_draft = queue_draft
        said = session.notice.message.render("en")
        assert session.step is Step.DONE and "is kept on this terminal" in said, said
        assert session.notice_number, "the notice itself was recorded within the wait"
        assert len(queued_at) == 1 and queued_at[0] - started < 2.3, [t - started for t in queued_at]
        sandbox.faults.clear()
        _queue_sent(services)
        (kept,) = sandbox.store.drafts(HOLDER)
        assert [a["name"] for a in kept["attachments"]] == ["M3-1.jpg"]
    finally:
        sandbox.faults.clear()
        services.stop()
