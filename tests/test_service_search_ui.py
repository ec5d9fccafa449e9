"""Finding a service at the kiosk: search as you type, categories, no match, swipe; offscreen, against the sandbox."""

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QScroller

from entry import walkthrough as walk
from kiosk.workflows.citizen import Step
from tests.citizen_steps import place_card_and_agree
from tests.touch import swipe
from ui.legibility import clipped, cut_short, measure

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def gui(open_gui):
    return open_gui("kiosk", terminal={"idle_timeout_s": 60})


def reach_services(gui, qtbot):
    session = gui.window.session
    place_card_and_agree(gui, qtbot)
    qtbot.mouseClick(gui.window.view.screens[Step.IDENTIFIED].next, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.CHOOSE_SERVICE, timeout=5000)
    return gui.window.view.screens[Step.CHOOSE_SERVICE]


def visible_codes(screen):
    return {code for code, widget in screen.buttons.items() if widget.isVisible()}


def test_typing_initials_keeps_the_matching_service_and_hides_the_rest(gui, qtbot):
    screen = reach_services(gui, qtbot)
    everything = set(screen.buttons)
    assert len(everything) > 3 and visible_codes(screen) == everything
    first_button = screen.buttons["GT-001"]

    screen.search.setFocus()
    qtbot.keyClicks(screen.search, "gtgsh")
    assert gui.window.session.service_query == "gtgsh"
    assert "GT-001" in visible_codes(screen)
    assert "个体工商户" in screen.buttons["GT-001"].text()
    assert visible_codes(screen) < everything  # 居住证申领, 出生登记 ... are hidden
    assert not screen.buttons["JZ-002"].isVisible() and not screen.no_match.isVisible()
    assert screen.grid.itemAtPosition(0, 0).widget() is screen.buttons["GT-001"]  # best match first
    assert screen.buttons["GT-001"] is first_button  # the same button, still the one to click

    qtbot.mouseClick(screen.buttons["GT-001"], LEFT)
    assert gui.window.session.step is Step.GUIDE
    assert gui.window.session.service.code == "GT-001"


def test_a_category_tap_filters_and_all_shows_everything_again(gui, qtbot):
    screen = reach_services(gui, qtbot)
    everything = set(screen.buttons)
    assert list(screen.category_buttons)[0] is None and screen.category_buttons[None].text() == "全部"
    assert screen.category_buttons[None].isChecked()

    qtbot.mouseClick(screen.category_buttons["public_security"], LEFT)
    shown = visible_codes(screen)
    assert {"JZ-002", "CS-006"} <= shown and "GT-001" not in shown
    assert all(s.category == "public_security" for s in gui.window.session.catalogue if s.code in shown)
    assert screen.category_buttons["public_security"].isChecked()
    assert not screen.category_buttons[None].isChecked()
    qtbot.mouseClick(screen.category_buttons["public_security"], LEFT)  # a second tap keeps it chosen
    assert screen.category_buttons["public_security"].isChecked()

    qtbot.mouseClick(screen.category_buttons[None], LEFT)
    assert visible_codes(screen) == everything


def test_nonsense_shows_the_no_match_line_and_a_way_back(gui, qtbot):
    screen = reach_services(gui, qtbot)
    everything = set(screen.buttons)
    qtbot.keyClicks(screen.search, "qqqzzz")
    assert visible_codes(screen) == set()
    assert screen.no_match.isVisible() and "qqqzzz" in screen.no_match.text()
    assert screen.show_all.isVisible()

    qtbot.mouseClick(screen.show_all, LEFT)
    assert screen.search.text() == "" and gui.window.session.service_query == ""
    assert visible_codes(screen) == everything and not screen.no_match.isVisible()


def test_the_list_scrolls_by_swiping_and_keeps_its_scrollbar(gui, qtbot):
    screen = reach_services(gui, qtbot)
    viewport = screen.scroll.viewport()
    assert QScroller.hasScroller(viewport)
    assert screen.scroll.verticalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    bar = screen.scroll.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    swipe(qtbot, viewport, -viewport.height() // 2)  # a finger drags the list up, over the services' buttons
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=3000)
    assert gui.window.session.step is Step.CHOOSE_SERVICE  # a drag is no tap: no service was chosen


def test_a_finished_session_starts_the_next_citizen_with_an_empty_search(gui, qtbot):
    session = gui.window.session
    screen = reach_services(gui, qtbot)
    qtbot.keyClicks(screen.search, "gtgsh")
    qtbot.mouseClick(screen.category_buttons["market"], LEFT)
    assert session.service_query == "gtgsh" and session.service_category == "market"

    index = session._service_index
    assert index is not None
    qtbot.mouseClick(screen.back, LEFT)  # to the identity screen
    qtbot.mouseClick(gui.window.view.screens[Step.IDENTIFIED].back, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.HOME, timeout=5000)
    assert session.service_query == "" and session.service_category is None

    screen = reach_services(gui, qtbot)
    assert session._service_index is index  # the same catalogue: its index is not built again
    assert screen.search.text() == ""
    assert visible_codes(screen) == set(screen.buttons)
    assert screen.category_buttons[None].isChecked()


def test_a_finger_drag_up_scrolls_the_list(gui, qtbot):
    from PySide6.QtTest import QTest

    screen = reach_services(gui, qtbot)
    gui.window.resize(1280, 600)  # short enough that the services overflow
    bar = screen.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=3000)
    viewport = screen.scroll.viewport()
    window = gui.window.windowHandle()  # through the window, as the platform delivers a touch
    start = viewport.mapTo(gui.window, QPoint(viewport.width() // 2, viewport.height() - 20))
    QTest.mousePress(window, LEFT, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 21):
        QTest.mouseMove(window, start - QPoint(0, step * 15), 10)
    QTest.mouseRelease(window, LEFT, Qt.KeyboardModifier.NoModifier, start - QPoint(0, 300), 10)
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=3000)
    assert gui.window.session.step is Step.CHOOSE_SERVICE  # a drag is not a tap on a service


def test_the_category_row_never_makes_the_screen_wider_than_the_window(gui, qtbot):
    """Nine categories in English are wider than 1280 px: they scroll sideways in their strip."""
    gui.window.language_button.click()
    reach_services(gui, qtbot)
    screen = gui.window.view.screens[Step.CHOOSE_SERVICE]
    assert len(screen.category_buttons) > 5
    assert gui.window.minimumSizeHint().width() <= 1280
    assert gui.window.width() == 1280
    assert QScroller.hasScroller(screen.category_strip.viewport())


def test_a_very_long_search_leaves_the_window_its_size(gui, qtbot):
    """Found by kiosk bench ui-monkey (seed 30): 20,000 characters in the search field (pasted, or a scanner
    typing into it) and "No service matches" quoted them whole on a line that cannot break: the window grew to
    230,188 px wide, stayed so for every later citizen, and each repaint took 340 ms."""
    screen = reach_services(gui, qtbot)
    width = gui.window.width()
    qtbot.mouseClick(screen.search, LEFT)
    screen.search.insert("x" * 20000)  # as an input method or a paste commits it: whole
    assert len(screen.search.text()) == 80 and gui.window.session.service_query == "x" * 80
    assert screen.no_match.isVisible() and "x" * 21 + "..." in screen.no_match.text()
    assert "x" * 22 not in screen.no_match.text()
    for _ in range(3):  # the layouts asked for are done now (the window grew while they ran)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert gui.window.width() == width and screen.no_match.sizeHint().width() < width


def test_no_match_in_large_english_leaves_the_window_its_size(gui, qtbot):
    """Found by kiosk bench ui-monkey (seed 46): in large English, "No service matches" and "Show all
    services" above the empty list made the screen 62 px taller than the 1280x800 window, which grew."""
    screen = reach_services(gui, qtbot)
    qtbot.mouseClick(gui.window.elderly_button, LEFT)
    qtbot.mouseClick(gui.window.language_button, LEFT)
    assert screen.title.text() == "Choose a service" and gui.window.elderly
    strip = screen.category_strip  # built again in English: every category still in view, whole
    assert strip.height() >= max(b.sizeHint().height() for b in screen.category_buttons.values()) > 60
    size = gui.window.size()
    qtbot.mouseClick(screen.search, LEFT)
    for key in "zzzz":  # on the search's touch keys
        qtbot.mouseClick(screen.keyboard.keys[key], LEFT)
    for _ in range(3):  # the layouts asked for are done now
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert screen.no_match.isVisible() and screen.keyboard.isVisible() and not screen.show_all.isVisible()
    assert gui.window.size() == size and gui.window.minimumSizeHint().height() <= 800
    assert clipped(gui.window) == [] and cut_short(gui.window) == []
    qtbot.mouseClick(screen.back, LEFT)  # the keys put away; "Show all services" comes
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert gui.window.session.step is Step.CHOOSE_SERVICE and not screen.keyboard.isVisible()
    assert screen.no_match.isVisible() and screen.show_all.isVisible()
    assert gui.window.size() == size and gui.window.minimumSizeHint().height() <= 800
    assert not screen.scroll.isVisible()  # the empty list gave up its place
    back, show_all = screen.back.geometry(), screen.show_all.geometry()  # side by side at the bottom: the way on
    assert back.top() == show_all.top() and back.right() < show_all.left()
    assert back.bottom() > screen.no_match.geometry().bottom() + 24  # Back stays at the bottom
    qtbot.mouseClick(screen.show_all, LEFT)
    assert screen.scroll.isVisible() and not screen.no_match.isVisible()
    assert visible_codes(screen) == set(screen.buttons)


def test_many_saved_applications_scroll_and_leave_the_window_its_size(gui, qtbot):
    """Found by kiosk bench ui-monkey (seeds 48 and 55): a citizen with several saved applications (the
    monkey's, one saved per visit) got one 92 px button each in large text, and the window grew to 917 px.
    Six drafts, as the backend would list them, in large text: the list scrolls inside the screen."""
    session = gui.window.session
    place_card_and_agree(gui, qtbot)
    qtbot.waitUntil(lambda: not session.busy, timeout=5000)  # the backend's lookup of saved ones is back
    codes = ["GT-001", "GJJ-004", "JZ-002", "YZ-007", "WS-013", "JSZ-010"]
    session.drafts_found = [{"draft_id": f"D{n}", "service_code": code} for n, code in enumerate(codes)]
    size = gui.window.size()
    qtbot.mouseClick(gui.window.elderly_button, LEFT)  # large text; refreshes the screen shown
    screen = gui.window.view.screens[Step.IDENTIFIED]
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert len(screen.draft_buttons) == 6 and screen.drafts_area.isVisible()
    assert gui.window.size() == size and gui.window.minimumSizeHint().height() <= 800
    bar = screen.drafts_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=3000)  # the rest is a swipe away
    screen.drafts_area.ensureWidgetVisible(screen.draft_buttons["D5"])
    assert bar.value() > 0 and screen.next.isVisible() and screen.back.isVisible()


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_no_match_under_the_held_catalogues_notice_fits_the_kiosk_in_large_text(gui, qtbot, sandbox, lang):
    """The backend away, the list is the one it last gave, said in a notice above the search; a search that matches
    nothing then said so under the categories with "Show all services" beneath, and in large text the screen grew
    to 1280x850 (kiosk bench ui-monkey --trickle, seed 475). "Show all services" now stands beside Back."""
    gui.services.held_catalogue.fetch(gui.services.backend)
    sandbox.faults.set("down")
    if lang == "en":
        gui.window.toggle_language()
    screen = reach_services(gui, qtbot)
    qtbot.waitUntil(lambda: not gui.window.session.busy and screen.notice.isVisible(), timeout=15000)
    qtbot.keyClicks(screen.search, "429839")
    qtbot.mouseClick(gui.window.elderly_button, LEFT)
    qtbot.wait(50)
    assert gui.window.size().toTuple() == (1280, 800)
    assert screen.no_match.isVisible() and screen.show_all.isVisible()
    bottom = screen.show_all.mapTo(gui.window, screen.show_all.rect().bottomRight())
    assert bottom.y() < gui.window.height() and bottom.x() < gui.window.width()
    qtbot.mouseClick(screen.show_all, LEFT)
    assert screen.search.text() == "" and visible_codes(screen) == set(screen.buttons)


def _at_services_in_large_text(gui, size: tuple[int, int], english: bool):
    """The services screen of a citizen identified on a ``size`` screen in large text, in English or Chinese."""
    walk.show(gui, *size)
    walk.toggle_large_text(gui)
    if english:
        walk.switch_language(gui)
    walk.identify_at_kiosk(gui, None, "")
    walk.tap(gui.window.view.screens[Step.IDENTIFIED].next, "'continue' button")
    walk.wait_for_screen(gui, Step.CHOOSE_SERVICE)
    return gui.window.view.screens[Step.CHOOSE_SERVICE]


@pytest.mark.parametrize("size, english", [((1280, 800), False), ((1024, 768), False), ((1024, 768), True)])
def test_a_touch_on_the_search_brings_up_keys_that_find_a_service_by_its_initials(open_gui, sandbox, size, english):
    """Before: the search had no keys of its own, and a kiosk's touch screen has no others: a citizen could not type
    into it. A touch brings up letters and digits; the title and the categories stand aside for them (in large text
    on a 1024 x 768 kiosk too), the list shows what matches as each key is tapped, the keys' Clear empties the
    search, and Back puts the keys away before it leaves the screen."""
    gui = open_gui("kiosk")
    screen = _at_services_in_large_text(gui, size, english)
    assert not screen.keyboard.isVisible() and screen.title.isVisible()
    screen.search.setFocus()  # the focus alone, as Qt moves it or a scanner types: no keys
    walk.settle()
    assert not screen.keyboard.isVisible()
    walk.tap(screen.search, "search")
    assert screen.keyboard.isVisible() and not screen.title.isVisible() and not screen.category_strip.isVisible()
    assert measure(gui.window, gui.window.display, True) == []  # its hint whole in the title's type
    for key in "gtgsh":  # 个体工商户设立登记's initials
        walk.tap(screen.keyboard.keys.get(key), f"key {key}")
    assert screen.search.text() == "gtgsh" and "GT-001" in visible_codes(screen)
    assert visible_codes(screen) < set(screen.buttons)
    assert screen.buttons["GT-001"].visibleRegion().boundingRect() == screen.buttons["GT-001"].rect()  # in sight
    assert (gui.window.width(), gui.window.height()) == size
    assert measure(gui.window, gui.window.display, True) == []  # the title stood aside: the search leads
    walk.tap(screen.keyboard.keys.get("clear"), "the keys' clear")
    assert screen.search.text() == "" and visible_codes(screen) == set(screen.buttons)
    walk.tap(screen.back, "'back' button")
    assert gui.window.session.step is Step.CHOOSE_SERVICE and not screen.keyboard.isVisible()
    assert screen.title.isVisible() and screen.category_strip.isVisible()
    walk.tap(screen.search, "search")
    walk.tap(screen.buttons["GT-001"], "service GT-001")  # a service chosen with the keys up
    walk.wait_for_screen(gui, Step.GUIDE)
    walk.tap(gui.window.view.screens[Step.GUIDE].back, "the guide's 'back' button")
    walk.wait_for_screen(gui, Step.CHOOSE_SERVICE)
    assert not screen.keyboard.isVisible() and screen.title.isVisible()  # the list as it was


SYMBOLS = "⾧⮻ᛗ⛵ድ\u2427⛙ⶾᑋ␋Ⲇᐉ⽴⬣ᅨ⨕⠀⒍⢽᧷⌾Ẍ᷸⼔☫"  # seed 891's search: symbols drawn from fallback fonts


@pytest.mark.parametrize("query, english", [("没有这样的事项" * 4, False), (SYMBOLS, True)])
def test_no_match_quotes_the_search_on_one_line_under_the_held_catalogues_notice_on_an_old_kiosk(open_gui, sandbox,
                                                                                                  query, english):
    """Before: 24 characters quoted took two lines in large text on a 1024 x 768 kiosk, and under the held catalogue's
    notice the screen was 2 px short (kiosk bench ui-monkey --screen 1024x768 --whole-words, seeds 889 and 891).
    The query is cut with "…" where the line ends."""
    gui = open_gui("kiosk")
    gui.services.held_catalogue.fetch(gui.services.backend)
    sandbox.faults.set("down")
    screen = _at_services_in_large_text(gui, (1024, 768), english)
    walk.wait_until(lambda: not gui.window.session.busy and screen.notice.isVisible(), "the held catalogue's notice")
    screen.search.setText(query)  # from a wedge or the counter's keyboard
    walk.settle()
    said = screen.no_match.text()
    assert said.startswith("No service matches" if english else "没有与“没有这样的事项") and "…" in said, said
    assert screen.no_match.height() < 2 * QFontMetrics(screen.no_match.font()).lineSpacing()  # one line
    assert (gui.window.width(), gui.window.height()) == (1024, 768)
    assert measure(gui.window, gui.window.display, True) == []


def test_no_match_is_cut_again_when_large_text_comes_after_the_search(open_gui, sandbox):
    """Before: cut to one line in standard text, the quote stayed as cut when large text came (949 px of 928: kiosk
    bench ui-monkey --screen 1024x768 --whole-words, seeds 891 and 892)."""
    gui = open_gui("kiosk")
    walk.show(gui, 1024, 768)
    walk.identify_at_kiosk(gui, None, "")
    walk.tap(gui.window.view.screens[Step.IDENTIFIED].next, "'continue' button")
    walk.wait_for_screen(gui, Step.CHOOSE_SERVICE)
    screen = gui.window.view.screens[Step.CHOOSE_SERVICE]
    screen.search.setText("测" * 24)  # from a wedge or the counter's keyboard
    walk.settle()
    standard = screen.no_match.text()
    walk.tap(screen.back, "'back' button")  # large text chosen on the identity screen: the services' comes later
    walk.wait_for_screen(gui, Step.IDENTIFIED)
    walk.toggle_large_text(gui)
    walk.tap(gui.window.view.screens[Step.IDENTIFIED].next, "'continue' button")
    walk.wait_for_screen(gui, Step.CHOOSE_SERVICE)
    walk.settle()
    assert "…" in screen.no_match.text() and len(screen.no_match.text()) < len(standard), screen.no_match.text()
    assert cut_short(gui.window) == [] and (gui.window.width(), gui.window.height()) == (1024, 768)


def test_on_a_1024x768_kiosk_in_large_text_back_stands_beside_the_search_keys_and_two_rows_of_matches_show(
        open_gui, sandbox):
    """The keyboard's row kept a spacing for "Show all services", hidden while typing: the keys stood 15 px short of
    Back's side and went under it, and the list of matches kept 139 px, one row of services and part of the next.
    Beside Back, the list keeps two rows whole (ui/widgets.py ``KeyboardRow``)."""
    gui = open_gui("kiosk")
    screen = _at_services_in_large_text(gui, (1024, 768), False)
    walk.tap(screen.search, "search")
    walk.settle()
    assert not screen.show_all.isVisible() and screen.back.isVisible()
    back, keys = screen.back.geometry(), screen.keyboard.geometry()
    assert back.right() < keys.left() and back.bottom() == keys.bottom(), (back, keys)  # side by side, at its foot
    rows = {screen.buttons[code].y() for code in visible_codes(screen)}
    line = next(iter(screen.buttons.values())).height()
    whole = [y for y in rows if y + line <= screen.scroll.viewport().height()]
    assert len(whole) >= 2, (sorted(rows), line, screen.scroll.viewport().height())
    assert gui.window.size().toTuple() == (1024, 768)
