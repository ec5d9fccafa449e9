"""Voice guidance on the kiosk, through the widgets: what each screen says in Chinese and in English,
a notice said on its own, the header's voice and repeat buttons, the reset when a session ends, and
silence with one logged notice when there is no speech engine."""

import logging

import pytest
from PySide6.QtCore import Qt

from devices.idcard.base import IdCardError
from kiosk.workflows.citizen import Step
from tests.maintenance_steps import signed_in

LEFT = Qt.MouseButton.LeftButton
ESPEAK = {"engine": "espeak-ng"}  # the engine every bare CI machine has (scripts/system-deps.sh)


class Heard:
    """The prompts a kiosk's voice guide synthesized, in the order they were asked for."""

    def __init__(self, gui) -> None:
        self.prompts, self.after = [], 0
        self._voice = gui.window.voice
        self._voice.listen(self.prompts.append)

    def from_now(self) -> None:
        """Count only prompts asked from now on (the home screen's first prompt may still be on its way: on a
        loaded machine it was synthesized after the listener was added, and counted with the repeat)."""
        self.after = self._voice.asked

    def said(self, step: str) -> list[str]:
        return [p.text for p in sorted(self.prompts, key=lambda p: p.number) if p.step == step and p.number > self.after]


def wait_said(qtbot, heard: Heard, step: str, count: int = 1) -> list[str]:
    qtbot.waitUntil(lambda: len(heard.said(step)) >= count, timeout=5000)
    return heard.said(step)


def to_read_card(gui, qtbot) -> None:
    session = gui.window.session
    qtbot.mouseClick(gui.window.view.home.card_button, LEFT)
    qtbot.mouseClick(gui.window.view.screens[Step.CONSENT].agree, LEFT)
    assert session.step is Step.READ_CARD


def test_each_screen_says_its_title_and_instruction_in_chinese_then_in_english(open_gui, qtbot, caplog):
    caplog.set_level(logging.DEBUG)
    gui = open_gui("kiosk", voice={**ESPEAK, "enabled": True})
    heard = Heard(gui)
    heard.from_now()
    qtbot.mouseClick(gui.window.repeat_button, LEFT)  # home, said again from its start
    assert wait_said(qtbot, heard, "home") == [
        "最多跑一次。也可以放置身份证、插入社会保障卡、出示浙里办身份码，或扫描回执二维码查询办理进度。"]  # a reader of both

    to_read_card(gui, qtbot)
    (consent,) = wait_said(qtbot, heard, "consent")  # the title, then what the citizen agrees to
    assert consent.startswith("读取身份证前，请您知悉。读取哪些信息: ") and "用途: " in consent and "保存多久: " in consent
    assert wait_said(qtbot, heard, "read_card") == [  # the terminal has a social security card reader too
        "请将身份证放在读卡区，或插入社会保障卡。请将身份证平放在屏幕下方的标记区域，或将社会保障卡芯片朝里插入卡槽，读取完成前请勿取出。"]

    qtbot.mouseClick(gui.window.language_button, LEFT)  # English: the same screen said again, in English
    english = wait_said(qtbot, heard, "read_card", 2)[1]
    assert english == ("Please place your ID card on the reader, or insert your social security card. Lay the ID "
                       "card flat in the marked area below the screen, or insert the social security card into its "
                       "slot, chip first. Leave it there until it has been read.")
    assert [p.lang for p in heard.prompts if p.step == "read_card"] == ["zh_CN", "en"]

    gui.bridge.card_failed.emit(IdCardError().message)  # an error on the same screen: only the error is said
    assert wait_said(qtbot, heard, "read_card", 3)[2] == ("The ID card could not be read. Please place it flat on "
                                                          "the reader and try again.")
    for spoken in heard.prompts:  # real audio, longer for a longer prompt
        assert spoken.audio.rms() > 0.02 and spoken.audio.duration_s > 0.5
    home, english_read_card = heard.prompts[0], next(p for p in heard.prompts if p.text == english)
    assert english_read_card.audio.duration_s > home.audio.duration_s / 2
    logged = "\n".join(record.getMessage() for record in caplog.records)  # what was said, never what was logged
    assert "voice: the prompt of read_card in en" in logged
    assert not [p.text for p in heard.prompts if p.text in logged or p.text[:12] in logged]


def test_voice_is_switched_in_the_header_and_back_to_the_halls_setting_for_the_next_citizen(open_gui, qtbot):
    gui = open_gui("kiosk", voice=ESPEAK)
    window, heard = gui.window, Heard(gui)
    assert window.voice_button.isVisible() and window.repeat_button.isVisible()
    assert window.voice_button.text() == "语音：关" and not window.voice.enabled
    for widget in (window.voice_button, window.repeat_button):  # touch targets of the header (standard mode)
        assert widget.width() >= 44 and widget.height() >= 44
    qtbot.mouseClick(window.elderly_button, LEFT)
    # elderly mode: at least 60 x 60, once the header is laid out again in the larger type
    qtbot.waitUntil(lambda: all(w.width() >= 60 and w.height() >= 60 for w in (window.voice_button, window.repeat_button)))
    qtbot.mouseClick(window.elderly_button, LEFT)
    to_read_card(gui, qtbot)
    assert heard.prompts == []  # off: nothing said

    qtbot.mouseClick(window.voice_button, LEFT)
    assert window.voice.enabled and window.voice_button.text() == "语音：开" and window.voice_button.isChecked()
    wait_said(qtbot, heard, "read_card")  # switched on: the screen is said at once

    qtbot.mouseClick(window.view.screens[Step.READ_CARD].back, LEFT)  # the citizen leaves
    assert window.session.at_home
    assert not window.voice.enabled and window.voice_button.text() == "语音：关"


def test_the_idle_warning_is_said_when_it_appears(open_gui, qtbot):
    gui = open_gui("kiosk", voice={**ESPEAK, "enabled": True})
    heard, warning = Heard(gui), gui.window.view.warning
    to_read_card(gui, qtbot)
    warning.start(20)  # what the idle timer does when it runs out
    (said,) = wait_said(qtbot, heard, "idle_warning")
    assert "20 秒" in said and "结束" in said and said.startswith(warning.message.text()[:10])
    qtbot.mouseClick(warning.more, LEFT)  # more time: the warning gone, nothing more said of it
    assert not warning.isVisible() and gui.window.session.step is Step.READ_CARD and not gui.window.voice.playing


def test_a_long_wait_is_said_once_when_its_band_appears(open_gui, qtbot, sandbox):
    from tests.citizen_steps import place_card_and_agree

    gui = open_gui("kiosk", voice={**ESPEAK, "enabled": True})
    view, heard = gui.window.view, Heard(gui)
    view.set_second_ms(100)
    place_card_and_agree(gui, qtbot)
    sandbox.faults.slow_s = 1.5  # answered within the read timeout (2 s here), slowly
    sandbox.faults.set("slow")
    heard.from_now()
    qtbot.mouseClick(view.screens[Step.IDENTIFIED].next, LEFT)
    (said,) = wait_said(qtbot, heard, "still_working")
    assert said.startswith("正在处理，请稍候")
    qtbot.waitUntil(lambda: gui.window.session.step is Step.CHOOSE_SERVICE, timeout=5000)
    sandbox.faults.clear()
    assert heard.said("still_working") == [said]  # once, not at each second


def test_a_prompt_is_said_while_the_task_pool_waits_on_a_backend_that_does_not_answer(open_gui, qtbot):
    """Each of the pool's workers held, as by backend calls waiting out their read timeout: the voice has a thread
    of its own, so a screen is still said at once (it queued behind them, up to a read timeout late)."""
    import threading

    gui = open_gui("kiosk", voice={**ESPEAK, "enabled": True})
    heard = Heard(gui)
    held, started = threading.Event(), threading.Semaphore(0)
    tasks = gui.services.tasks

    def hang():
        started.release()
        held.wait(30)

    for _ in range(8):  # more than the pool has workers
        tasks.run(hang, lambda _r: None, lambda _e: None)
    try:
        assert started.acquire(timeout=5)
        heard.from_now()
        qtbot.mouseClick(gui.window.repeat_button, LEFT)
        assert wait_said(qtbot, heard, "home")[0].startswith("最多跑一次")
    finally:
        held.set()


def test_staff_try_the_volume_in_maintenance(open_gui, qtbot):
    gui = open_gui("maintenance", voice={**ESPEAK, "volume": 35})
    view = gui.window.view
    signed_in(view, qtbot)
    status = view.status
    assert status.voice_line.isVisible() and "35%" in status.voice_line.text()
    heard = []
    status.voice.listen(heard.append)
    qtbot.mouseClick(status.test_voice, LEFT)
    qtbot.waitUntil(lambda: len(heard) == 1)
    assert heard[0].step == "maintenance" and heard[0].text == "这是本终端语音播报的音量。"
    assert heard[0].audio.rms() > 0.02


def failing_espeak(tmp_path):
    path = tmp_path / "espeak-ng"
    path.write_text("#!/bin/sh\necho 'cmn-latn-pinyin: voice not found' >&2\nexit 1\n")
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize("engine, notice, detail", [("missing", "no speech engine", "no-espeak-ng' not found"),
                                                    ("failing", "a prompt could not be synthesized", "voice not found")])
def test_without_a_working_speech_engine_the_kiosk_is_silent_and_says_so_once_in_the_log(
        open_gui, qtbot, tmp_path, caplog, engine, notice, detail):
    caplog.set_level(logging.INFO, logger="ui.voice")
    binary = str(tmp_path / "no-espeak-ng") if engine == "missing" else failing_espeak(tmp_path)
    gui = open_gui("kiosk", voice={**ESPEAK, "enabled": True, "espeak_binary": binary})
    heard = Heard(gui)
    to_read_card(gui, qtbot)
    qtbot.mouseClick(gui.window.repeat_button, LEFT)
    qtbot.mouseClick(gui.window.language_button, LEFT)
    gui.bridge.card_failed.emit(IdCardError().message)
    qtbot.waitUntil(lambda: gui.window.voice.pending == 0)  # every synthesis back (or never started)

    told = [r.getMessage() for r in caplog.records if r.name == "ui.voice" and r.levelno >= logging.WARNING]
    (said,) = [m for m in told if notice in m]  # once, however many prompts went unsaid
    assert detail in said and all(m == said or "no audio output device" in m for m in told)
    assert heard.prompts == []
    screen = gui.window.view.screens[Step.READ_CARD]  # on screen: the card's error only, nothing about voice
    assert screen.notice.text() == "The ID card could not be read. Please place it flat on the reader and try again."
    assert gui.window.session.step is Step.READ_CARD
