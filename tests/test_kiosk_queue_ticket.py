"""A citizen takes a number for the hall's windows at the kiosk's home (kiosk/workflows/citizen_ticket.py), against
the sandbox and the simulated receipt printer: printed, said on home, the printer or the backend failing."""

import pytest
from PySide6.QtCore import Qt

from devices.receipt.virtual import render
from kiosk.workflows.citizen import Step


@pytest.fixture
def session(services):
    return services.new_citizen_session()


def receipt_lines(services):
    printer = services.devices.receipt_printer
    return render(printer.last_bytes, printer.profile).lines


def test_a_number_is_taken_printed_and_said_on_home(session, services, sandbox):
    sandbox.store.queue.take("A", None, "DISPENSER")  # someone took one before at the hall's dispenser
    session.take_queue_ticket()
    assert session.step is Step.HOME and not session.busy and not session.notice.error
    assert session.notice.message.render("zh_CN") == "您的号码是 A002，号票已在下方打印。请等候叫号到窗口办理。"
    lines = receipt_lines(services)
    assert lines[0].strip() == "排队号" and any(line.strip() == "A002" for line in lines)
    assert "您前面还有 1 人等候" in [line.strip() for line in lines] and "仅限当日有效。" in lines
    assert services.backend.queue_waiting() == 2


def test_the_printer_down_the_number_is_taken_and_said_to_remember(session, services, sandbox):
    services.devices.receipt_printer.inject("paper_out")
    session.take_queue_ticket()
    assert session.notice.error and "A001" in session.notice.message.render("en")
    assert "remember" in session.notice.message.render("en") and services.backend.queue_waiting() == 1


def test_the_backend_away_no_number_and_the_service_desk_named(session, services, sandbox):
    sandbox.faults.set("down")
    try:
        session.take_queue_ticket()
    finally:
        sandbox.faults.clear()
    said = session.notice.message.render("zh_CN")
    assert session.notice.error and said.startswith("暂时无法取号：") and said.endswith("请到服务台咨询。")
    assert services.backend.queue_waiting() == 0


def test_only_at_home(session, services):
    session.start_with_card("apply")  # the consent screen: a number is not taken mid-errand
    session.take_queue_ticket()
    assert session.step is not Step.HOME and services.backend.queue_waiting() == 0


def test_home_offers_take_a_number_only_when_configured(open_gui, qtbot, sandbox):
    plain = open_gui("kiosk")
    assert plain.window.view.home.ticket_button.isHidden()
    gui = open_gui("kiosk", terminal={"queue_tickets": "on"})
    home = gui.window.view.home
    assert home.ticket_button.isVisible() and home.ticket_button.text() == "窗口办事取号"
    qtbot.mouseClick(home.ticket_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "A001" in home.notice.text(), timeout=10000)
    assert home.notice.text() == "您的号码是 A001，号票已在下方打印。请等候叫号到窗口办理。"


@pytest.mark.parametrize("english", [False, True])
def test_home_with_take_a_number_and_its_notice_fits_1280x800_in_large_text(open_gui, qtbot, sandbox, english):
    from PySide6.QtCore import QPoint, QRect

    gui = open_gui("kiosk", terminal={"queue_tickets": "on"})
    if english:
        gui.window.toggle_language()
    gui.window.toggle_elderly()
    home = gui.window.view.home
    qtbot.mouseClick(home.ticket_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "A001" in home.notice.text(), timeout=10000)
    qtbot.wait(50)  # the layout settles on the event loop
    assert gui.window.size().toTuple() == (1280, 800)
    placed = [QRect(w.mapTo(gui.window, QPoint(0, 0)), w.size())
              for w in (home.subtitle, home.card_button, home.hint, home.ticket_button, home.notice)
              if w.isVisible()]  # what gave way to fit (tests/test_home_fits.py) is not drawn
    assert len(placed) >= 4
    for above, below in zip(placed, placed[1:]):
        assert above.bottom() < below.top(), (above, below)  # in order, none over another
    assert gui.window.rect().contains(placed[-1])


def test_the_number_said_on_home_goes_after_home_notice_s_touched_or_not(open_gui, qtbot, sandbox):
    """The next citizen does not find the last one's number on home (the printed ticket is the citizen's copy)."""
    gui = open_gui("kiosk", terminal={"queue_tickets": "on", "home_notice_s": 30})
    view, home, session = gui.window.view, gui.window.view.home, gui.window.session
    assert view.home_notice.interval() == 30_000
    qtbot.mouseClick(home.ticket_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "A001" in home.notice.text(), timeout=10000)
    assert view.home_notice.isActive() and not view.idle.isActive()  # a touch restarts only the idle timer
    remaining = view.home_notice.remainingTime()
    view.user_active()  # someone touches home: the number does not stay longer for it
    assert view.home_notice.remainingTime() <= remaining
    view.set_second_ms(20)  # 30 "seconds" of 20 ms
    view.home_notice.start()
    qtbot.waitUntil(lambda: session.notice is None, timeout=5000)
    assert home.notice.isHidden() and home.notice.text() == "" and session.step is Step.HOME


def test_another_citizen_starting_does_not_see_the_number(session):
    session.take_queue_ticket()
    assert "A001" in session.notice.message.render("en")
    session.start_with_card("apply")
    assert session.notice is None
    session.decline_consent()
    assert session.step is Step.HOME and session.notice is None


def to_notice_printed(session):
    from tests.test_materials_session import to_materials

    to_materials(session, "GT-001")
    for code in [m.code for m in session.checklist.pending()]:
        session.material_not_brought(code)
    session.materials_done()
    session.leave_with_notice()
    assert session.step is Step.DONE and session.notice_number and session.receipt is None


def test_after_the_one_time_notice_a_number_for_the_service_is_offered_once(session, services, sandbox):
    from sandbox.hall_queue import queue_of

    assert not session.ticket_offered() or session.step is Step.HOME
    to_notice_printed(session)
    assert session.ticket_offered()
    session.take_queue_ticket()
    category = queue_of(sandbox.store.service("GT-001")["category"])
    assert session.step is Step.DONE and not session.notice.error and session.ticket_number == f"{category}001"
    assert session.notice.message.render("en").startswith(f"Your number is {category}001, printed below.")
    with sandbox.store.tx() as db:
        assert [tuple(r) for r in db.execute("SELECT number, service_code FROM queue_tickets")] == \
            [(f"{category}001", "GT-001")]  # the service's queue; nothing of the person
    assert any(line.strip() == f"{category}001" for line in receipt_lines(services))
    assert not session.ticket_offered()  # one number a session
    session.take_queue_ticket()
    assert services.backend.queue_waiting() == 1
    session.finish()
    assert session.ticket_number == "" and session.step is Step.HOME and session.ticket_offered()


def test_mid_errand_no_number_is_taken(session, services):
    from tests.test_materials_session import to_materials

    to_materials(session, "GT-001")
    assert not session.ticket_offered()
    session.take_queue_ticket()
    assert session.step is Step.MATERIALS and services.backend.queue_waiting() == 0


@pytest.mark.parametrize("english", [False, True])
def test_the_notice_s_result_offers_a_number_and_fits_1280x800_in_large_text(open_gui, qtbot, sandbox, english):
    """The one-time notice's result with "Take a number" beside "Finish", the number said and the rating panel, in
    large text at 1280x800: every widget inside the window, measured as tests/test_legibility.py does."""
    from entry import walkthrough as walk
    from ui.display import SMALL
    from ui.legibility import measure

    gui = open_gui("kiosk", terminal={"queue_tickets": "on"})
    walk.show(gui, SMALL.width_px, SMALL.height_px)
    if english:
        walk.switch_language(gui)
    walk.toggle_large_text(gui)
    seen = {}

    class TakesANumber:
        def shot(self, gui, name):
            if not name.startswith("notice-printed"):
                return
            done = gui.window.view.screens[Step.DONE]
            walk.settle()
            assert done.ticket.isVisible() and done.finish.isVisible()
            qtbot.mouseClick(done.ticket, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: bool(gui.window.session.ticket_number) and not gui.window.session.busy,
                            timeout=10000)
            walk.settle()
            seen["said"] = done.notice.text()
            seen["ticket shown"] = done.ticket.isVisible()
            seen["problems"] = [str(p) for p in measure(gui.window, gui.window.display, True)]
            assert gui.window.size().toTuple() == (1280, 800)
            for widget in (done.title, done.number, done.notice, done.finish, *done.rate_buttons.values()):
                placed = QRect(widget.mapTo(gui.window, QPoint(0, 0)), widget.size())
                assert widget.isVisible() and gui.window.rect().contains(placed), (widget, placed)

    from PySide6.QtCore import QPoint, QRect

    walk.citizen_journey(gui, "GJJ-004", TakesANumber(), "-incomplete", not_brought=("M2",))
    assert ("A0" in seen["said"] or "B0" in seen["said"]) and not seen["ticket shown"]
    assert seen["problems"] == []


def test_the_offer_itself_fits_1280x800_in_large_english(open_gui, qtbot, sandbox):
    """Before the tap: "Take a number" beside "Finish" inside the window, measured."""
    from PySide6.QtCore import QPoint, QRect

    from entry import walkthrough as walk
    from ui.display import SMALL
    from ui.legibility import measure

    gui = open_gui("kiosk", terminal={"queue_tickets": "on"})
    walk.show(gui, SMALL.width_px, SMALL.height_px)
    walk.switch_language(gui)
    walk.toggle_large_text(gui)
    seen = {}

    class Measures:
        def shot(self, gui, name):
            if name.startswith("notice-printed"):
                done = gui.window.view.screens[Step.DONE]
                walk.settle()
                seen["problems"] = [str(p) for p in measure(gui.window, gui.window.display, True)]
                seen["placed"] = [gui.window.rect().contains(QRect(w.mapTo(gui.window, QPoint(0, 0)), w.size()))
                                  for w in (done.ticket, done.finish, done.notice)]
                seen["visible"] = done.ticket.isVisible()
                seen["text"] = done.ticket.text()

    walk.citizen_journey(gui, "GJJ-004", Measures(), "-incomplete", not_brought=("M2",))
    assert seen["visible"] and seen["text"] == "Take a number for the service windows"
    assert seen["placed"] == [True, True, True] and seen["problems"] == []


def only_at_the_windows(sandbox, code="GT-001"):
    """The service made one this terminal cannot take: no kind of applicant listed (the contract's list may be empty;
    its guide then says "This service cannot be applied for at this terminal")."""
    import json

    body = sandbox.store.service(code)
    body["applicant_types"] = []
    with sandbox.store.tx() as db:
        db.execute("UPDATE services SET body = ? WHERE code = ?", (json.dumps(body, ensure_ascii=False), code))


def test_a_service_the_terminal_cannot_take_offers_a_number_for_its_queue_on_its_guide(session, services, sandbox):
    from sandbox.hall_queue import queue_of
    from tests.test_materials_session import identify

    only_at_the_windows(sandbox)
    identify(session)
    session.continue_to_services()
    session.choose_service("GT-001")
    assert session.step is Step.GUIDE and session.ticket_offered()
    session.start_application()
    assert session.step is Step.GUIDE and "cannot be applied for" in session.notice.message.render("en")
    session.take_queue_ticket()
    category = queue_of(sandbox.store.service("GT-001")["category"])
    assert session.step is Step.GUIDE and not session.notice.error and session.ticket_number == f"{category}001"
    with sandbox.store.tx() as db:
        assert [tuple(r) for r in db.execute("SELECT number, service_code FROM queue_tickets")] == \
            [(f"{category}001", "GT-001")]  # the service's queue; nothing of the person
    assert any(line.strip() == f"{category}001" for line in receipt_lines(services))
    assert not session.ticket_offered()  # one number a session
    session.take_queue_ticket()
    assert services.backend.queue_waiting() == 1


def test_a_service_the_terminal_can_take_offers_no_number_on_its_guide(session, services):
    from tests.test_materials_session import identify

    identify(session)
    session.continue_to_services()
    session.choose_service("GT-001")
    assert session.step is Step.GUIDE and not session.ticket_offered()
    session.take_queue_ticket()
    assert session.step is Step.GUIDE and services.backend.queue_waiting() == 0


@pytest.mark.parametrize("english", [False, True])
def test_the_guide_s_offer_and_its_number_fit_1280x800_in_large_text(open_gui, qtbot, sandbox, english):
    """The guide of a service the terminal cannot take: "Take a number" between "Back" and "Apply", before and
    after the tap (the number said in the guide's notice), every widget inside the window, measured as
    tests/test_legibility.py does; not offered where terminal.queue_tickets is off."""
    from PySide6.QtCore import QPoint, QRect

    from entry import walkthrough as walk
    from ui.display import SMALL
    from ui.legibility import measure

    only_at_the_windows(sandbox)
    gui = open_gui("kiosk", terminal={"queue_tickets": "on"})
    walk.show(gui, SMALL.width_px, SMALL.height_px)
    if english:
        walk.switch_language(gui)
    walk.toggle_large_text(gui)
    walk.identify_at_kiosk(gui, None, "")
    walk.tap(gui.window.view.screens[Step.IDENTIFIED].next, "'continue' button")
    services = gui.window.view.screens[Step.CHOOSE_SERVICE]
    walk.wait_until(lambda: walk.showing(gui, Step.CHOOSE_SERVICE) and "GT-001" in services.buttons, "the services")
    services.scroll.ensureWidgetVisible(services.buttons["GT-001"])
    walk.tap(services.buttons["GT-001"], "service button")
    walk.wait_for_screen(gui, Step.GUIDE)
    guide = gui.window.view.screens[Step.GUIDE]
    walk.tap(guide.apply, "'apply' button")  # the terminal's refusal said first: the longest notice
    walk.settle()

    def inside():
        assert gui.window.size().toTuple() == (1280, 800)
        assert [str(p) for p in measure(gui.window, gui.window.display, True)] == []
        for widget in (guide.title, guide.notice, guide.back, guide.apply, guide.ticket):
            placed = QRect(widget.mapTo(gui.window, QPoint(0, 0)), widget.size())
            assert widget.isVisible() and gui.window.rect().contains(placed), (widget, placed)

    assert guide.ticket.text() == ("Take a number for the service windows" if english else "窗口办事取号")
    inside()
    qtbot.mouseClick(guide.ticket, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(gui.window.session.ticket_number) and not gui.window.session.busy, timeout=10000)
    walk.settle()
    assert gui.window.session.ticket_number in guide.notice.text() and not guide.ticket.isVisible()
    guide.ticket.show()  # measured as it stood before the tap, beside the number said
    inside()


def test_the_guide_offers_no_number_when_the_terminal_hands_out_none(open_gui, qtbot, sandbox):
    from entry import walkthrough as walk

    only_at_the_windows(sandbox)
    gui = open_gui("kiosk")
    walk.show(gui)
    walk.identify_at_kiosk(gui, None, "")
    walk.tap(gui.window.view.screens[Step.IDENTIFIED].next, "'continue' button")
    services = gui.window.view.screens[Step.CHOOSE_SERVICE]
    walk.wait_until(lambda: walk.showing(gui, Step.CHOOSE_SERVICE) and "GT-001" in services.buttons, "the services")
    walk.tap(services.buttons["GT-001"], "service button")
    walk.wait_for_screen(gui, Step.GUIDE)
    guide = gui.window.view.screens[Step.GUIDE]
    assert gui.window.session.ticket_offered() and guide.apply.isVisible() and not guide.ticket.isVisible()
