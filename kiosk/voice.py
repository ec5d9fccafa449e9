"""Voice guidance without Qt: what is said, in which voice, and espeak-ng's synthesis to samples.

The kiosk speaks each screen's prompt (its title and instruction) and each notice, in Mandarin or in
English as the screen shows it; ``ui/voice.py`` plays it. :class:`EspeakSynthesizer` turns the text
into 16-bit samples here, on a worker thread, and Qt Multimedia plays them; where espeak-ng is not
installed, Qt TextToSpeech speaks if it has an engine. With neither, or with no audio device, the
kiosk stays silent and logs it once: voice is help, never a reason to fail.

Why espeak-ng before Qt TextToSpeech (the issue asked the other way round; ``[voice] engine = "qt"``
still picks Qt): on Linux the wheel's only Qt engine is speech-dispatcher, and measured on Debian 12
(speech-dispatcher 0.11 with its espeak-ng module, a null PulseAudio sink): creating the
QTextToSpeech took 5.2 s when speech-dispatcher had to be started, and 3.5 s with the object made on
another thread, which PySide6 does not let run without the interpreter's lock, so the GUI thread stood
still either way, against the rule that it never waits on a subprocess; its voices for zh_CN were
every voice it has (the first: Bishnupriya Manipuri); and its espeak-ng module reads Chinese with the
``cmn`` voice, with the fault below.

Why the voice ``cmn-latn-pinyin`` and not ``cmn``: Debian 12's espeak-ng 1.51 turns each character
into its pinyin and, with ``cmn`` ("latin as English"), then reads that pinyin as English words:
``espeak-ng -v cmn -x 请将身份证`` gives ``kI55NTr'i:55 dZja55Nw'055n ...``. The pinyin voice reads
the same pinyin as Mandarin (``tS;h'i21N tS;'iA55N s.'@55n f'@51n ts.'@51N``), and Latin letters in
a Chinese prompt ("ID") are still read as English. Qt TextToSpeech over speech-dispatcher's espeak-ng
module picks ``cmn`` for Chinese and has the same fault: a hall whose only engine is that one sets
``[voice] engine = "espeak-ng"``.

``kiosk bench voice`` on the 2-core build machine: a kiosk prompt takes a median 40 ms to synthesize in
Chinese (p95 87 ms) and 22 ms in English (p95 58 ms), 22,050 Hz mono 16-bit, so a worker thread has it
ready long before the citizen has read the screen.

The spoken text never goes into the log (a screen may show a masked name, a notice a company's name):
the log gets the step, the language and the length.
"""

from __future__ import annotations

import array
import io
import math
import re
import shutil
import struct
import subprocess
import sys
import wave
from dataclasses import dataclass, field
from typing import Protocol

from common.errors import OneTripError
from common.i18n import N_

# espeak-ng's voice for each language of the terminal (common.i18n.LANGUAGES).
ESPEAK_VOICES = {"zh_CN": "cmn-latn-pinyin", "en": "en"}
MAX_CHARS = 600  # a screen's title, instruction and notice; anything longer is cut, not read for minutes
SOUND_CARDS = "/proc/asound/cards"  # ALSA's list of the machine's sound cards (Linux)
_CARD = re.compile(r"^\s*\d+\s+\[[^\]]*\]:\s*(.+?)\s*$")
_SENTENCE_END = {"zh_CN": "。", "en": "."}
_ENDS = "。！？.!?…:："


class VoiceError(OneTripError):
    """The prompt could not be spoken; the citizen still reads it on the screen."""

    default = N_("Voice guidance is not available at this terminal.")


class NoSpeechEngineError(VoiceError):
    """No engine to speak with: espeak-ng is not installed (or not at the configured path)."""


class SynthesisError(VoiceError):
    """The engine is there but gave no usable audio (it failed, timed out or wrote nonsense)."""


@dataclass(frozen=True)
class Audio:
    """Mono signed 16-bit little-endian samples at ``rate`` Hz."""

    samples: bytes = field(repr=False)
    rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / 2 / self.rate

    def rms(self) -> float:
        """Loudness as a fraction of full scale (0: silence)."""
        values = array.array("h")
        values.frombytes(self.samples[: len(self.samples) // 2 * 2])
        if sys.byteorder == "big":
            values.byteswap()
        if not values:
            return 0.0
        return math.sqrt(sum(v * v for v in values) / len(values)) / 32768

    def wav(self) -> bytes:
        """A complete WAV file (the demo writes these; a player reads them)."""
        out = io.BytesIO()
        with wave.open(out, "wb") as file:
            file.setnchannels(1)
            file.setsampwidth(2)
            file.setframerate(self.rate)
            file.writeframes(self.samples)
        return out.getvalue()


def read_wav(data: bytes) -> Audio:
    """The samples of a WAV as espeak-ng writes it to a pipe: its sizes say 'unknown' (0x7fffffff), so
    the data chunk is taken to the end. Only mono 16-bit PCM is accepted."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SynthesisError(detail=f"not a WAV stream ({len(data)} bytes)")
    at, rate = 12, 0
    while at + 8 <= len(data):
        chunk, size = data[at:at + 4], struct.unpack_from("<I", data, at + 4)[0]
        body = at + 8
        if chunk == b"fmt ":
            if size < 16 or body + 16 > len(data):
                raise SynthesisError(detail="a WAV stream with a short format chunk")
            kind, channels, rate, _rate_bytes, _align, bits = struct.unpack_from("<HHIIHH", data, body)
            if kind != 1 or channels != 1 or bits != 16 or not 8000 <= rate <= 96000:
                raise SynthesisError(detail=f"WAV format {kind}, {channels} channels, {bits} bits, {rate} Hz")
        elif chunk == b"data":
            if not rate:
                raise SynthesisError(detail="a WAV stream with its data before its format")
            samples = data[body:body + min(size, len(data) - body)]
            return Audio(samples[: len(samples) // 2 * 2], rate)
        at = body + size + (size & 1)
    raise SynthesisError(detail="a WAV stream without data")


def prompt(parts: list[str], lang: str) -> str:
    """One utterance from a screen's parts (title, instruction, notice): each a sentence, blank ones left
    out, line breaks as spaces, at most :data:`MAX_CHARS`."""
    stop = _SENTENCE_END.get(lang, ".")
    sentences = []
    for part in parts:
        part = re.sub(r"\s+", " ", part or "").strip()
        if part:
            sentences.append(part if part[-1] in _ENDS else part + stop)
    return (" " if lang != "zh_CN" else "").join(sentences)[:MAX_CHARS]


def gain(volume: int) -> float:
    """The configured volume (0..100, as people hear it) as a linear factor 0..1 for a player."""
    volume = min(max(volume, 0), 100) / 100
    return volume ** 2  # loudness is heard on a log scale; a square is close and never silences 10 %


def sound_cards(listing: str) -> list[str]:
    """The sound cards ALSA lists (``/proc/asound/cards``: a card's number, id and name on a line of its own, its
    address on the next; "--- no soundcards ---" when there is none): their names. A kiosk without one makes
    its prompts and nobody hears them (``kiosk doctor``)."""
    return [found[1] for found in map(_CARD.match, listing.splitlines()) if found]


class Synthesizer(Protocol):
    """An engine that returns a prompt's audio (called on a worker thread; bounded by its own timeout)."""

    def available(self) -> bool: ...
    def synthesize(self, text: str, lang: str) -> Audio: ...


class EspeakSynthesizer:
    """espeak-ng as a subprocess: the text on its stdin, the WAV on its stdout, within ``timeout_s``."""

    def __init__(self, binary: str = "espeak-ng", timeout_s: float = 10.0) -> None:
        """``timeout_s``: the configuration's ``voice.timeout_s`` (kiosk/timeouts.py)."""
        self.binary = binary
        self.timeout_s = timeout_s

    def path(self) -> str | None:
        """The program, found by name on PATH or at the configured path; None without one."""
        return shutil.which(self.binary)

    def available(self) -> bool:
        return self.path() is not None

    def synthesize(self, text: str, lang: str) -> Audio:
        program = self.path()
        if program is None:
            raise NoSpeechEngineError(detail=f"{self.binary}: not found")
        command = [program, "-v", ESPEAK_VOICES.get(lang, "en"), "-b", "1", "--stdout"]  # -b 1: UTF-8 input
        try:
            done = subprocess.run(command, input=text[:MAX_CHARS].encode("utf-8"), capture_output=True,
                                  timeout=self.timeout_s, check=False)
        except subprocess.TimeoutExpired:
            raise SynthesisError(detail=f"{self.binary}: no audio within {self.timeout_s} s") from None
        except OSError as exc:
            raise SynthesisError(detail=f"{self.binary}: cannot run ({exc.strerror or exc})") from None
        if done.returncode != 0:
            reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise SynthesisError(detail=f"{self.binary}: exit {done.returncode}: {reason[0][:200]}")
        return read_wav(done.stdout)
