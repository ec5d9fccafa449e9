"""A card left lying on the reader when a session ends: the home screen says so, in writing and in
what voice guidance says there, until the card is lifted. The reader is the real serial driver
talking to the simulator on a pty: it reports each placement once and the card's removal."""

import pytest
from PySide6.QtCore import QCoreApplication, Qt

from kiosk.workflows.citizen import Step
from tests.citizen_steps import place_card_and_agree

LEFT = Qt.MouseButton.LeftButton
REMINDER = "您的身份证还在读卡器上，请带走。"


def open_kiosk(open_gui, qtbot, voice_on=False, **sections):
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 60, "idle_warning_s": 20},
                   voice={"engine": "espeak-ng", "enabled": voice_on}, **sections)
    qtbot.waitUntil(lambda: gui.window.view.idle.interval() == 90_000, timeout=10000)  # the enrolment's config
    heard = []
    gui.window.voice.listen(heard.append)
    return gui, heard


@pytest.fixture
def gui(open_gui, qtbot):
    return open_kiosk(open_gui, qtbot)[0]


def walk_away_with_the_card_left(gui, qtbot):
    view, session = gui.window.view, gui.window.session
    place_card_and_agree(gui, qtbot)
    assert view.screens[Step.HOME].card_left.isHidden()
    view.set_second_ms(10)  # the citizen walks away: idle, then the 20 s warning, in a fraction of a second
    view.idle.start()
    qtbot.waitUntil(lambda: session.step is Step.HOME, timeout=5000)


def said_once(gui, qtbot, heard):
    """The one prompt that said the reminder, once every synthesis asked for is back."""
    qtbot.waitUntil(lambda: any(REMINDER in p.text for p in heard), timeout=10000)
    qtbot.waitUntil(lambda: gui.window.voice.pending == 0, timeout=10000)
    reminded = [p for p in heard if REMINDER in p.text]
    assert len(reminded) == 1  # said once, not once per way of saying it
    return reminded[0]


def test_a_card_left_after_an_idle_session_is_reminded_of_until_it_is_lifted(open_gui, qtbot):
    """Voice off (the hall's default, and where a session's end puts it): written, and the reminder alone said."""
    gui, heard = open_kiosk(open_gui, qtbot)
    view, session, reader = gui.window.view, gui.window.session, gui.services.devices.id_reader
    home = view.screens[Step.HOME]
    walk_away_with_the_card_left(gui, qtbot)
    assert home.card_left.isVisible() and home.card_left.text() == REMINDER
    assert home.spoken_prompt()[0] == REMINDER
    assert session.identity is None and session.step is Step.HOME  # the card lying there starts nothing
    spoken = said_once(gui, qtbot, heard)
    assert spoken.step == "card_left" and spoken.text == REMINDER

    reader.remove_card()
    qtbot.waitUntil(lambda: home.card_left.isHidden(), timeout=5000)
    assert REMINDER not in home.spoken_prompt()


def test_a_card_left_on_a_reader_that_keeps_answering_found_starts_no_session_until_placed_again(open_gui, qtbot):
    """Some readers answer "find" with 9F while a card that was read lies there: it is still one placement."""
    gui, _ = open_kiosk(open_gui, qtbot, devices={"id_reader": {"type": "sim", "pace": False, "find_after_read": "9F"}})
    view, session, reader = gui.window.view, gui.window.session, gui.services.devices.id_reader
    home = view.screens[Step.HOME]
    walk_away_with_the_card_left(gui, qtbot)
    assert home.card_left.isVisible()
    polls, reads = reader.health.snapshot().counters["polls"], reader.simulator.commands["read text and photo"]
    qtbot.waitUntil(lambda: reader.health.snapshot().counters["polls"] >= polls + 5, timeout=10000)
    QCoreApplication.processEvents()  # whatever those polls reported has reached the window
    assert reader.simulator.commands["read text and photo"] > reads  # the reader said "found" and was read again
    assert session.step is Step.HOME and session.identity is None and home.card_left.isVisible()

    reader.remove_card()
    qtbot.waitUntil(lambda: home.card_left.isHidden(), timeout=5000)
    reader.place_card("resident")  # placed again: a new session
    qtbot.waitUntil(lambda: session.step is Step.CONSENT, timeout=5000)


def test_a_card_left_after_declining_consent_is_reminded_of(gui, qtbot):
    view, session, reader = gui.window.view, gui.window.session, gui.services.devices.id_reader
    home = view.screens[Step.HOME]
    reader.place_card("resident")
    qtbot.waitUntil(lambda: session.step is Step.CONSENT, timeout=5000)
    qtbot.mouseClick(view.screens[Step.CONSENT].decline, LEFT)
    assert session.step is Step.HOME and home.card_left.isVisible()
    qtbot.mouseClick(gui.window.language_button, LEFT)
    assert home.card_left.text() == "Your ID card is still on the reader. Please take it with you."
    reader.remove_card()
    qtbot.waitUntil(lambda: home.card_left.isHidden(), timeout=5000)


def test_no_reminder_when_the_card_was_lifted_during_the_session(gui, qtbot):
    view, session, reader = gui.window.view, gui.window.session, gui.services.devices.id_reader
    place_card_and_agree(gui, qtbot)
    reader.remove_card()
    qtbot.waitUntil(lambda: not view.card_on_reader, timeout=5000)
    session.finish()
    assert session.step is Step.HOME and view.screens[Step.HOME].card_left.isHidden()


def test_with_voice_on_the_home_prompt_begins_with_the_reminder(open_gui, qtbot):
    gui, heard = open_kiosk(open_gui, qtbot, voice_on=True)
    walk_away_with_the_card_left(gui, qtbot)
    spoken = said_once(gui, qtbot, heard)
    assert spoken.step == "home" and spoken.text.startswith(REMINDER) and "最多跑一次" in spoken.text


def test_asked_for_the_card_that_lies_on_the_reader_the_kiosk_says_to_lay_it_again(gui, qtbot):
    """Found by kiosk bench ui-monkey (seed 80): a card read at home, consent declined, then "Start" tapped
    with the card still lying there: the reader reads a card once per placement, so "Please place your ID
    card" waited for ever for a card already in place. The screen now says to lift it and lay it down again,
    and reads it when that is done."""
    view, session, reader = gui.window.view, gui.window.session, gui.services.devices.id_reader
    reader.place_card("resident")
    qtbot.waitUntil(lambda: session.step is Step.CONSENT, timeout=5000)
    qtbot.mouseClick(view.screens[Step.CONSENT].decline, LEFT)
    qtbot.waitUntil(lambda: session.at_home, timeout=5000)
    qtbot.mouseClick(view.home.card_button, LEFT)
    qtbot.mouseClick(view.screens[Step.CONSENT].agree, LEFT)
    screen = view.screens[Step.READ_CARD]
    assert session.step is Step.READ_CARD and screen.card_on_reader.isVisible()
    assert "lift it and lay it down again" in screen.card_on_reader.text() or "重新放下" in screen.card_on_reader.text()
    reader.remove_card()
    qtbot.waitUntil(lambda: screen.card_on_reader.isHidden(), timeout=5000)
    reader.place_card("resident")
    qtbot.waitUntil(lambda: session.step is Step.IDENTIFIED, timeout=5000)
