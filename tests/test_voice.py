"""Voice guidance without Qt: espeak-ng's audio (not silent, longer for a longer prompt, in both
languages), the WAV it writes to a pipe read within bounds, prompts composed per language, and a
missing, failing or hung espeak-ng turned into a typed error."""

import stat
import subprocess
import wave
from io import BytesIO
from pathlib import Path

import pytest

from kiosk.voice import (ESPEAK_VOICES, Audio, EspeakSynthesizer, NoSpeechEngineError, SynthesisError, gain, prompt,
                         read_wav)

SHORT = {"zh_CN": "请稍候。", "en": "Please wait."}
LONG = {"zh_CN": "请将身份证平放在屏幕下方的读卡区，读取完成前请勿移开。",
        "en": "Lay the card flat in the marked area below the screen and keep it there until it has been read."}
QUIET = 0.02  # RMS as a fraction of full scale; espeak-ng's speech measures about 0.07 to 0.11


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_audio_is_not_silent_and_grows_with_the_text(lang):
    espeak = EspeakSynthesizer()
    short, long = espeak.synthesize(SHORT[lang], lang), espeak.synthesize(LONG[lang], lang)
    assert short.rate == long.rate == 22050
    assert short.rms() > QUIET and long.rms() > QUIET
    assert 0.3 < short.duration_s and long.duration_s > 2 * short.duration_s
    with wave.open(BytesIO(long.wav())) as file:  # a complete WAV file, as the demo writes it
        assert (file.getnchannels(), file.getsampwidth(), file.getframerate()) == (1, 2, 22050)
        assert file.getnframes() == len(long.samples) // 2


def test_chinese_is_read_as_mandarin_not_as_english_pinyin():
    """Debian's espeak-ng reads the pinyin of its ``cmn`` voice as English (kiosk/voice.py says more):
    the phonemes of the voice we use never switch to English for Chinese text."""
    program = EspeakSynthesizer().path()
    phonemes = subprocess.run([program, "-q", "-x", "-v", ESPEAK_VOICES["zh_CN"]], input="请将身份证放在读卡区".encode(),
                              capture_output=True, timeout=10, check=True).stdout.decode()
    assert phonemes.count("_|") == 10 and "(en)" not in phonemes  # ten syllables, none of them English


def test_silence_measures_as_silence():
    assert Audio(bytes(4000), 22050).rms() == 0 and Audio(b"", 22050).rms() == 0
    loud = Audio(b"\x00\x40" * 2000, 22050)  # 16384, half of full scale
    assert loud.rms() == pytest.approx(0.5) and loud.duration_s == pytest.approx(2000 / 22050)


def test_a_wav_from_a_pipe_is_read_to_its_end_and_nonsense_is_refused():
    audio = Audio(b"\x01\x02" * 100, 16000)
    piped = bytearray(audio.wav())
    piped[4:8] = piped[40:44] = b"\xff\xff\xff\x7f"  # the sizes espeak-ng writes to a pipe: unknown
    assert read_wav(bytes(piped)) == audio
    for nonsense in (b"", b"RIFF", b"not a wav at all", b"RIFF\0\0\0\0WAVEdata\4\0\0\0abcd",
                     Audio(b"", 16000).wav()[:36]):
        with pytest.raises(SynthesisError):
            read_wav(nonsense)
    stereo = bytearray(audio.wav())
    stereo[22] = 2
    with pytest.raises(SynthesisError, match="2 channels"):
        read_wav(bytes(stereo))


def test_a_prompt_is_one_utterance_in_the_screens_language():
    assert prompt(["请将身份证放在读卡区", "", "  读取完成前\n请勿移开。"], "zh_CN") == "请将身份证放在读卡区。读取完成前 请勿移开。"
    assert prompt(["Choose a service", "Searching…"], "en") == "Choose a service. Searching…"
    assert prompt(["", "  "], "en") == ""
    assert len(prompt(["长" * 2000], "zh_CN")) == 600


def test_volume_is_a_gain_between_silence_and_full():
    assert gain(0) == 0 and gain(100) == 1 and gain(150) == 1 and gain(-5) == 0
    assert 0 < gain(10) < gain(50) < gain(80) < 1


def script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "espeak-ng"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_no_espeak_ng_is_no_engine(tmp_path, monkeypatch):
    missing = EspeakSynthesizer(str(tmp_path / "espeak-ng"))
    assert not missing.available()
    with pytest.raises(NoSpeechEngineError):
        missing.synthesize("你好", "zh_CN")
    monkeypatch.setenv("PATH", str(tmp_path))  # not on PATH either
    assert not EspeakSynthesizer().available()


def test_a_failing_or_hung_espeak_ng_is_a_synthesis_error(tmp_path):
    with pytest.raises(SynthesisError, match="exit 3: no voice"):
        EspeakSynthesizer(script(tmp_path, "echo 'no voice' >&2; exit 3")).synthesize("你好", "zh_CN")
    with pytest.raises(SynthesisError, match="not a WAV"):
        EspeakSynthesizer(script(tmp_path, "echo garbage")).synthesize("hello", "en")
    hung = EspeakSynthesizer(script(tmp_path, "exec sleep 30"), timeout_s=0.5)
    with pytest.raises(SynthesisError, match="no audio within 0.5 s"):
        hung.synthesize("hello", "en")


def test_the_text_goes_to_espeak_ng_on_its_stdin_never_as_an_option():
    """A prompt that starts with a dash is read, not taken for an option."""
    audio = EspeakSynthesizer().synthesize("--version", "en")
    assert audio.duration_s > 0.3 and audio.rms() > QUIET


def test_the_bench_synthesizes_the_kiosks_prompts_in_both_languages(capsys):
    from entry.cli import main

    assert main(["bench", "voice", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "zh_CN  5 prompts" in out and "en     5 prompts" in out and "verdict: every p95" in out
