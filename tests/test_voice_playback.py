"""Voice guidance played for real: a private PulseAudio server with a null sink stands in for the
kiosk's speakers, and its own view of the streams (``pactl``) says what Qt Multimedia plays: a prompt
plays, the next screen's prompt replaces it, a prompt played to its end and switching voice off both
close the stream; and what reaches the speakers (the sink's monitor, recorded) is quieter at a lower
``voice.volume``.

The player runs in a child process: Qt Multimedia looks for the sound server once per process, and
this test's server must be the one it finds."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

PLAYER = r'''
import json, subprocess, sys, time
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

app = QApplication([])
from common.i18n import set_language
from kiosk.config import VoiceConfig
from kiosk.tasks import SyncTaskRunner
from ui.voice import VoiceGuide


def streams():
    out = subprocess.run(["pactl", "list", "short", "sink-inputs"], capture_output=True, text=True, timeout=10).stdout
    return [line.split("\t")[0] for line in out.splitlines() if line.strip()]


def until(condition, what, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"waited {timeout_s} s for {what}: streams {streams()}")
        QCoreApplication.processEvents()
        time.sleep(0.02)


report = {}
set_language("zh_CN")
guide = VoiceGuide(VoiceConfig(enabled=True, engine="espeak-ng", volume=60), SyncTaskRunner())
long_prompt = "请将身份证平放在屏幕下方的读卡区，读取完成前请勿移开。" * 2
guide.say("read_card", long_prompt)
until(lambda: len(streams()) == 1, "the first prompt's stream")
first = streams()
report["first"] = first
guide.say("identified", "欢迎。")  # the next screen: the first prompt is cut off
until(lambda: streams() and streams() != first, "the next prompt's stream")
report["second"] = streams()
until(lambda: not guide.playing and not streams(), "the short prompt to end")
report["after_end"] = streams()
guide.say("choose_service", long_prompt)
until(lambda: len(streams()) == 1, "a third prompt's stream")
guide.set_enabled(False)  # voice switched off in the header
until(lambda: not streams(), "the stream to close")
report["after_off"] = streams()
guide.close()


def loudness(volume):
    """What the speakers got for one prompt at ``volume``: the null sink's monitor recorded, as RMS."""
    from kiosk.voice import Audio

    recorder = subprocess.Popen(["parec", "-d", "kiosk_speakers.monitor", "--format=s16le", "--rate=22050",
                                 "--channels=1", "--latency-msec=20"], stdout=subprocess.PIPE)
    def recording():
        out = subprocess.run(["pactl", "list", "short", "source-outputs"], capture_output=True, text=True, timeout=10)
        return bool(out.stdout.strip())
    until(recording, "the recorder")
    speaker = VoiceGuide(VoiceConfig(enabled=True, engine="espeak-ng", volume=volume), SyncTaskRunner())
    speaker.say("home", "欢迎。")
    until(lambda: streams(), "the prompt's stream")
    until(lambda: not speaker.playing and not streams(), "the prompt to end")
    speaker.close()
    recorder.terminate()
    samples = recorder.communicate(timeout=10)[0]
    return Audio(samples, 22050).rms()


report["loud"], report["quiet"] = loudness(100), loudness(30)
print(json.dumps(report))
'''


@pytest.fixture
def sound_server(tmp_path):
    """A PulseAudio server of this test's own, a null sink its only output; stopped after the test."""
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(tmp_path), "PULSE_RUNTIME_PATH": str(runtime / "pulse")}
    server = subprocess.Popen([shutil.which("pulseaudio"), "-n", "--daemonize=no", "--exit-idle-time=-1",
                               "--disallow-exit", "--use-pid-file=no", "-L", "module-native-protocol-unix",
                               "-L", "module-null-sink sink_name=kiosk_speakers"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while subprocess.run(["pactl", "info"], env=env, capture_output=True, timeout=10).returncode != 0:
            assert server.poll() is None, "pulseaudio stopped at start"
            assert time.monotonic() < deadline, "pulseaudio did not answer within 20 s"
            time.sleep(0.05)
        yield env
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


def test_a_prompt_plays_is_cut_off_by_the_next_closes_its_stream_and_follows_the_volume(sound_server):
    env = {**sound_server, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", PLAYER], env=env, capture_output=True, text=True, timeout=120,
                          cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:] + done.stdout[-500:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(report["first"]) == 1 and len(report["second"]) == 1
    assert report["second"] != report["first"]  # the first prompt's stream gone, the next one's playing
    assert report["after_end"] == [] and report["after_off"] == []
    assert report["loud"] > 0.02 and report["quiet"] > 0.001  # heard at both volumes
    assert report["loud"] > 4 * report["quiet"]  # gain(30) is 0.09 of gain(100)
