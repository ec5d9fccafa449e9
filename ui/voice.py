"""Voice guidance on the kiosk: each screen's prompt and each notice spoken, cut off by the next screen.

What is said comes from the screen itself, in the language it shows: its ``title`` and its ``hint``
(a screen may say more with a ``spoken_prompt()`` method), then the session's notice. A new step says
all of that; a new notice on the same step says only the notice. The engine is picked the first
time something is to be said (kiosk/voice.py says why and how): espeak-ng synthesizing on the task
pool (the GUI thread never waits on the subprocess) and Qt Multimedia playing the samples, else Qt
TextToSpeech where it has an engine. No engine, or no audio device: silence and one logged notice
each, never an error on screen.

Listeners (the headless demo's recorder, tests) get every synthesized prompt, on the GUI thread,
even one cut off before it was played. QtMultimedia and QtTextToSpeech are imported only then, so
the first paint stays light (tests/test_startup_order.py).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import Qt
from PySide6.QtWidgets import QLabel, QWidget

from common.i18n import language
from kiosk.voice import Audio, EspeakSynthesizer, Synthesizer, VoiceError, gain, prompt
from ui.qt_messages import native_while_loading

if TYPE_CHECKING:
    from kiosk.config import VoiceConfig
    from kiosk.tasks import TaskRunner
    from kiosk.workflows.citizen import CitizenSession

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpokenPrompt:
    """One prompt as synthesized: its number in this kiosk's run, the step, the language and the audio."""

    number: int
    step: str
    lang: str
    text: str = field(repr=False)
    audio: Audio = field(repr=False)


def screen_prompt(screen: QWidget) -> list[str]:
    """The parts of a screen's prompt: what its own ``spoken_prompt()`` says, else its title and hint."""
    custom = getattr(screen, "spoken_prompt", None)
    if callable(custom):
        return list(custom())
    parts = []
    for name in ("title", "hint"):
        widget = getattr(screen, name, None)
        if isinstance(widget, QLabel) and not widget.isHidden() and widget.text():
            parts.append(_plain(widget.text()))
    return parts


def _plain(text: str) -> str:
    if not Qt.mightBeRichText(text):
        return text
    from PySide6.QtGui import QTextDocumentFragment

    return QTextDocumentFragment.fromHtml(text).toPlainText()


class _Player:
    """Plays one prompt's samples at a time on the default audio output (Qt Multimedia)."""

    ENDED_CHECK_MS = 250

    def __init__(self) -> None:
        self._sink: Any = None
        self._buffer: Any = None
        # Played to its end, the stream is closed (a sound server keeps an idle one open otherwise). A
        # timer looks, as PySide6 6.11 cannot pass QAudioSink.stateChanged's QAudio::State to Python.
        self._ended = QTimer()
        self._ended.setInterval(self.ENDED_CHECK_MS)
        self._ended.timeout.connect(self._check_ended)

    def _check_ended(self) -> None:
        if self._sink is None or self._sink.state() != _multimedia().QtAudio.State.ActiveState:
            self.stop()

    @staticmethod
    def has_output() -> bool:
        return not _multimedia().QMediaDevices.defaultAudioOutput().isNull()

    def play(self, audio: Audio, volume: float) -> None:
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice

        media = _multimedia()
        QAudioFormat, QAudioSink, QMediaDevices = media.QAudioFormat, media.QAudioSink, media.QMediaDevices
        self.stop()
        audio_format = QAudioFormat()
        audio_format.setSampleRate(audio.rate)
        audio_format.setChannelCount(1)
        audio_format.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self._buffer = QBuffer()
        self._buffer.setData(QByteArray(audio.samples))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink = QAudioSink(QMediaDevices.defaultAudioOutput(), audio_format)
        self._sink.setVolume(volume)
        self._sink.start(self._buffer)
        self._ended.start()

    @property
    def playing(self) -> bool:
        return self._sink is not None

    def stop(self) -> None:
        self._ended.stop()
        if self._sink is not None:
            self._sink.stop()
            self._sink.deleteLater()
            self._buffer.close()
            self._sink = self._buffer = None


@functools.cache
def _multimedia() -> Any:
    """PySide6.QtMultimedia, imported and its audio backend loaded the first time, with Qt's own message
    handler meanwhile (libQt6Multimedia logs while it is loaded: ui/qt_messages.py says why that matters)."""
    with native_while_loading():
        from PySide6 import QtMultimedia

        QtMultimedia.QMediaDevices.defaultAudioOutput()  # loads the audio backend and the FFmpeg plugin
    return QtMultimedia


def _qt_speech(engine_name: str = "") -> Any:
    """A Qt TextToSpeech that can speak (its test engine 'mock' excluded), or None."""
    with native_while_loading():  # loads the engines' plugins
        from PySide6.QtTextToSpeech import QTextToSpeech

        for name in [engine_name] if engine_name else QTextToSpeech.availableEngines():
            if name == "mock":
                continue
            speech = QTextToSpeech(name)
            if speech.state() != QTextToSpeech.State.Error:
                return speech
            speech.deleteLater()
    return None


class VoiceGuide:
    """Speaks the kiosk's screens while switched on; ``repeat`` says the current screen again even when off.

    ``enabled`` starts as the configuration says (``voice.enabled``); the window switches it back to
    that when a session ends (ui/main_window.py). ``synthesizer`` is espeak-ng as configured unless given.
    """

    def __init__(self, config: VoiceConfig, tasks: TaskRunner, synthesizer: Synthesizer | None = None) -> None:
        self.config = config
        self.default_enabled = config.enabled
        self.enabled = config.enabled
        self.volume = config.volume
        self._tasks = tasks
        self._synthesizer = synthesizer or EspeakSynthesizer(config.espeak_binary, config.timeout_s)
        self._listeners: list[Callable[[SpokenPrompt], None]] = []
        self._session: CitizenSession | None = None
        self._screen: Callable[[], QWidget] | None = None
        self._engine: str | None = None  # "qt", "espeak-ng" or "" (none): chosen when first needed
        self._qt: Any = None
        self._player = _Player()
        self._said: tuple[str, str, str] | None = None  # (step, screen prompt, notice) last said
        self._serial = 0   # the utterance being said; a synthesis for an older one is not played
        self._count = 0    # prompts synthesized or on their way, numbered for listeners
        self.pending = 0   # syntheses not back yet
        self._told: set[str] = set()  # notices logged once: no engine, no audio device
        self._closed = False

    # -- wiring ----------------------------------------------------------------------------------

    def follow(self, session: CitizenSession, current_screen: Callable[[], QWidget]) -> None:
        """Speak as the session moves (subscribe after the view, so the screen is already refreshed)."""
        self._session, self._screen = session, current_screen
        session.subscribe(lambda _s: self.screen_changed())
        self.screen_changed()

    def listen(self, listener: Callable[[SpokenPrompt], None]) -> None:
        self._listeners.append(listener)

    @property
    def asked(self) -> int:
        """How many prompts were asked for so far: a listener told of prompt number n > asked knows it came later."""
        return self._count

    # -- what the citizen does -------------------------------------------------------------------

    def set_enabled(self, on: bool) -> None:
        self.enabled = on
        if on:
            self._said = None  # switched on: say the screen now
            self.screen_changed()
        else:
            self.stop()

    def toggle(self) -> None:
        self.set_enabled(not self.enabled)

    def repeat(self) -> None:
        """Say the current screen again, from its start (also while voice is off: once)."""
        step, parts, notice = self._what_to_say()
        self.say(step, prompt([*parts, notice], language()))

    def announce(self, step: str, parts: list[str]) -> None:
        """Say something that is not a screen's prompt (the idle warning's countdown) while voice is on."""
        if self.enabled and not self._closed:
            self.say(step, prompt([_plain(part) for part in parts], language()))

    def stop(self) -> None:
        self._serial += 1
        self._player.stop()
        if self._qt is not None:
            self._qt.stop()

    def close(self) -> None:
        self.stop()
        self._closed = True
        self._listeners = []

    # -- following the screens -------------------------------------------------------------------

    def _what_to_say(self) -> tuple[str, list[str], str]:
        if self._session is None or self._screen is None:
            return "", [], ""
        notice = self._session.notice
        return self._session.step.value, screen_prompt(self._screen()), notice.message.render() if notice else ""

    def screen_changed(self) -> None:
        """The screen (or its language) changed: say it if it says something new."""
        if not self.enabled or self._closed:
            return
        step, parts, notice = self._what_to_say()
        said = (step, "\n".join(parts), notice)
        if said == self._said:
            return
        previous, self._said = self._said, said
        if previous is not None and previous[:2] == said[:2]:
            if notice:  # the same screen with a new notice: only the notice
                self.say(step, prompt([notice], language()))
            return
        self.say(step, prompt([*parts, notice], language()))

    # -- speaking --------------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        """A prompt's audio is being played (espeak-ng's; Qt TextToSpeech plays on its own)."""
        return self._player.playing

    def say(self, step: str, text: str) -> None:
        """Say ``text`` (for ``step``, in the active language) now, cutting off whatever is being said."""
        self.stop()
        if not text or self._closed:
            return
        lang = language()
        engine = self._choose_engine()
        log.info("voice: the prompt of %s in %s, %d characters", step, lang, len(text))
        if engine == "qt":
            from PySide6.QtCore import QLocale

            self._qt.setLocale(QLocale(lang))
            self._qt.setVolume(gain(self.volume))
            self._qt.say(text)
            return
        if engine != "espeak-ng":
            return
        playable = _Player.has_output()
        if not playable:  # still synthesized (tens of milliseconds): listeners hear it, the demo writes it
            self._tell_once("audio", "voice: no audio output device; prompts are not played")
        serial, number = self._serial, self._count + 1
        self._count, self.pending = number, self.pending + 1
        self._tasks.run(lambda: self._synthesizer.synthesize(text, lang),
                        lambda audio: self._synthesized(serial, SpokenPrompt(number, step, lang, text, audio), playable),
                        self._failed)

    def _synthesized(self, serial: int, spoken: SpokenPrompt, playable: bool) -> None:
        self.pending -= 1
        if self._closed:
            return
        for listener in list(self._listeners):
            listener(spoken)
        if playable and serial == self._serial:  # not cut off by the next screen meanwhile
            self._player.play(spoken.audio, gain(self.volume))

    def _failed(self, exc: BaseException) -> None:
        self.pending -= 1
        if not isinstance(exc, VoiceError):
            log.error("voice: synthesis failed", exc_info=exc)
        elif "synthesis" in self._told:  # the same engine failing again: not a new notice for the log
            log.debug("voice: a prompt could not be synthesized: %s", exc.detail)
        else:
            self._tell_once("synthesis", f"voice: a prompt could not be synthesized: {exc.detail}")

    def warm_up(self) -> None:
        """Choose the engine and, for espeak-ng, load the audio backend now: on the GUI thread (Qt's multimedia
        objects live there), in the terminal's warm-up, before anyone is at it. Left to the first prompt, loading it
        held the GUI thread 70-220 ms in the middle of a citizen's session (kiosk bench ui-monkey, seed 324: the
        first reminder of a card left on the reader)."""
        if not self._closed and self._choose_engine() == "espeak-ng":
            _Player.has_output()

    def _choose_engine(self) -> str:
        if self._engine is None:
            wanted = self.config.engine
            if wanted in ("auto", "espeak-ng") and self._synthesizer.available():
                self._engine = "espeak-ng"
            elif wanted in ("auto", "qt") and (speech := _qt_speech()) is not None:
                # May hold the GUI thread while speech-dispatcher starts (kiosk/voice.py): once, and only
                # where espeak-ng is missing or the hall asked for Qt.
                self._qt, self._engine = speech, "qt"
            else:
                self._engine = ""
                missing = {"qt": "Qt TextToSpeech has no engine",
                           "espeak-ng": f"{self.config.espeak_binary!r} not found",
                           "auto": f"{self.config.espeak_binary!r} not found, Qt TextToSpeech has no engine"}
                why = missing[wanted]
                self._tell_once("engine", f"voice: no speech engine ({why}); voice guidance stays silent")
            log.info("voice: engine %s", self._engine or "none")
        return self._engine

    def _tell_once(self, what: str, message: str) -> None:
        if what not in self._told:
            self._told.add(what)
            log.warning(message)
