"""What a citizen chooses at home (English, large text, voice) holds into their session, and is undone for
the next citizen: when the session ends, or after the idle time when nobody began one.

Found while writing a fit check: English tapped at home, then the card laid, and consent came up in
Chinese: every change of the session at home (the card's arrival, a notice) put the hall's settings back.
"""

from PySide6.QtCore import Qt

from common.i18n import language
from kiosk.workflows.citizen import Step

LEFT = Qt.MouseButton.LeftButton


def open_kiosk(open_gui):
    return open_gui("kiosk", terminal={"idle_timeout_s": 60, "idle_warning_s": 20},
                    voice={"engine": "espeak-ng", "enabled": False})


def test_english_large_text_and_voice_chosen_at_home_hold_when_the_card_is_laid(open_gui, qtbot):
    gui = open_kiosk(open_gui)
    window, session = gui.window, gui.window.session
    for choice in (window.language_button, window.elderly_button, window.voice_button):
        qtbot.mouseClick(choice, LEFT)
    gui.services.devices.id_reader.place_card("resident")
    qtbot.waitUntil(lambda: session.step is Step.CONSENT, timeout=5000)
    consent = window.view.screens[Step.CONSENT]
    assert language() == "en" and consent.agree.text() == "I agree"
    assert window.elderly and window.voice.enabled
    qtbot.mouseClick(consent.agree, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.IDENTIFIED, timeout=5000)
    assert language() == "en" and window.elderly and window.voice.enabled

    qtbot.mouseClick(window.view.screens[Step.IDENTIFIED].back, LEFT)  # done: the next citizen gets the hall's
    qtbot.waitUntil(lambda: session.at_home, timeout=5000)
    assert language() == "zh_CN" and not window.elderly and not window.voice.enabled


def test_a_choice_at_home_by_someone_who_walks_away_is_undone_after_the_idle_time(open_gui, qtbot):
    gui = open_kiosk(open_gui)
    window = gui.window
    qtbot.waitUntil(lambda: window.view.idle.interval() == 90_000, timeout=10000)  # the enrolment's config
    window.view.set_second_ms(5)
    qtbot.mouseClick(window.language_button, LEFT)
    qtbot.mouseClick(window.elderly_button, LEFT)
    assert language() == "en" and window.elderly
    qtbot.waitUntil(lambda: language() == "zh_CN" and not window.elderly, timeout=5000)
    assert window.session.at_home and window.view.home.title.text() != "" and window.elderly_button.text() == "长辈版"
