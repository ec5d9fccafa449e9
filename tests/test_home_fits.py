"""The home screen fits the screen whatever it has to say at once: a card left on the reader, a code it cannot
use, the service system away, with "Take a number", in large text and in English. Together they took up to 135 px
more than 1280x800 and pushed the window past the screen, the hint's text over the two buttons (the UI monkey,
seed 303). What says least gives way (the slogan, the gap, the title, the hint) and comes back when there is room."""

import pytest
from PySide6.QtCore import QCoreApplication, Qt

from kiosk.workflows.citizen import Step
from tests.citizen_steps import place_card_and_agree

LEFT = Qt.MouseButton.LeftButton


def open_kiosk(open_gui, qtbot):
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 60, "idle_warning_s": 20, "queue_tickets": "on",
                                      "online_check_s": 0.5},
                   devices={"id_reader": {"type": "sim", "pace": False}})
    qtbot.waitUntil(lambda: gui.window.view.idle.interval() == 90_000, timeout=10000)  # the enrolment's config
    return gui


def everything_at_once(gui, qtbot, sandbox):
    """The card left after a citizen walked away, a code the kiosk cannot use shown, the backend down."""
    view, session = gui.window.view, gui.window.session
    home = view.home
    place_card_and_agree(gui, qtbot)
    view.set_second_ms(10)  # the citizen walks away, the card left on the reader
    view.idle.start()
    qtbot.waitUntil(lambda: session.step is Step.HOME and home.card_left.isVisible(), timeout=5000)
    view.set_second_ms(1000)
    sandbox.faults.set("down")
    gui.services.heartbeat.beat_once()  # the next heartbeat, now: answered 503
    qtbot.waitUntil(lambda: home.offline.isVisible(), timeout=5000)
    gui.services.devices.qr_scanner.present("ZZZZ-not-ours")
    qtbot.waitUntil(lambda: home.notice.isVisible(), timeout=5000)
    return home


def assert_fits(gui, home):
    for _ in range(5):  # the layout's requests, and those they post
        QCoreApplication.processEvents()
    assert gui.window.size().toTuple() == (1280, 800)
    layout = home.layout_
    assert layout.totalMinimumHeightForWidth(home.width()) <= home.height()
    shown = [w for w in (home.card_left, home.title, home.subtitle, home.hint, home.ticket_button, home.notice,
                         home.offline) if w.isVisible()]
    for hero in (home.card_button, home.licence_button):
        assert hero.isVisible()
        for widget in shown:  # nothing drawn over the buttons a citizen taps
            assert not hero.geometry().intersects(widget.geometry()), widget.text()[:40]


@pytest.mark.parametrize("english", [False, True])
def test_the_home_screen_fits_everything_it_has_to_say_in_large_text(open_gui, qtbot, sandbox, english):
    gui = open_kiosk(open_gui, qtbot)
    home = gui.window.view.home
    assert home.gave_way == []  # nothing to say: nothing left out
    try:
        home = everything_at_once(gui, qtbot, sandbox)
        if english:
            qtbot.mouseClick(gui.window.language_button, LEFT)
        qtbot.mouseClick(gui.window.elderly_button, LEFT)
        assert gui.window.elderly
        assert_fits(gui, home)
        assert home.gave_way[:2] == ["subtitle", "title"]  # what says least went first (the gap is narrow already)
        qtbot.mouseClick(gui.window.elderly_button, LEFT)  # standard text: room again
        assert_fits(gui, home)
        large_gave = len(home.gave_way)
        sandbox.faults.clear()
        gui.services.heartbeat.beat_once()
        qtbot.waitUntil(lambda: not home.offline.isVisible(), timeout=5000)
        gui.services.devices.id_reader.remove_card()
        qtbot.waitUntil(lambda: not home.card_left.isVisible(), timeout=5000)
        assert_fits(gui, home)
        assert len(home.gave_way) < large_gave or not large_gave
    finally:
        sandbox.faults.clear()


def test_with_nothing_to_say_nothing_gives_way_in_either_text_size(open_gui, qtbot):
    gui = open_kiosk(open_gui, qtbot)
    home = gui.window.view.home
    for _ in range(2):
        qtbot.mouseClick(gui.window.elderly_button, LEFT)
        assert_fits(gui, home)
        assert home.gave_way == [] and home.title.isVisible() and home.subtitle.isVisible() and home.hint.isVisible()
