"""The GUI thread's signs of life for ``kiosk supervise`` (ui/signs_of_life.py, kiosk/liveness.py): bytes
while the event loop turns, none while the GUI thread is held, and never a wait on the pipe."""

from __future__ import annotations

import gc
import os
import time

from PySide6.QtCore import QObject

from kiosk.liveness import LIVENESS_FD_ENV, LivenessPipe
from ui import signs_of_life


def _read(fd: int) -> int:
    try:
        return len(os.read(fd, 65536))
    except BlockingIOError:
        return 0


def test_beats_come_while_the_event_loop_turns_and_stop_while_the_gui_thread_is_held(qapp, qtbot, monkeypatch):
    r, w = os.pipe()
    os.set_blocking(r, False)
    owner = QObject()
    monkeypatch.setenv(LIVENESS_FD_ENV, str(w))
    assert signs_of_life.install(owner, lambda: None) is not None
    gc.collect()  # nothing of ours is held here: the application object keeps the beats going (a first version
    # connected a local object's method; PySide kept no reference to it, and it beat once)
    try:
        qtbot.wait(2600)
        assert _read(r) >= 2
        time.sleep(2.5)  # the GUI thread held: the timer cannot fire
        assert _read(r) == 0
        qtbot.wait(1300)
        assert _read(r) >= 1
    finally:
        owner.deleteLater()
        qtbot.wait(10)
        os.close(r)


def test_no_pipe_no_beats_and_a_bad_variable_is_refused(qapp, monkeypatch, caplog):
    monkeypatch.delenv(LIVENESS_FD_ENV, raising=False)
    assert signs_of_life.install(QObject(), lambda: None) is None
    for value in ("seven", "-1", "99999"):
        assert LivenessPipe.from_environment({LIVENESS_FD_ENV: value}) is None
    assert "is not an open pipe" in caplog.text


def test_a_beat_never_waits_on_a_full_pipe_and_a_gone_reader_ends_the_beats(caplog):
    r, w = os.pipe()
    pipe = LivenessPipe(w)
    started = time.monotonic()
    for _ in range(200_000):  # far past a pipe's 64 KiB
        pipe.beat()
    assert time.monotonic() - started < 10 and pipe.open
    os.close(r)
    pipe.beat()  # EPIPE: the supervisor is gone
    assert not pipe.open and "no more signs of life" in caplog.text
    assert pipe.beat() is False  # and nothing more happens


def test_a_supervisor_gone_ends_the_terminal_once(qapp, qtbot, caplog):
    """A supervisor started again starts a terminal of its own: this one must give up the devices."""
    r, w = os.pipe()
    owner = QObject()
    ended = []
    beats = signs_of_life.SignsOfLife(LivenessPipe(w), owner, lambda: ended.append(True))
    qtbot.wait(50)
    assert _read_blocking(r) >= 1 and ended == []
    os.close(r)  # the supervisor killed
    qtbot.waitUntil(lambda: bool(ended), timeout=3000)
    qtbot.wait(1500)  # no second call at the next tick
    assert ended == [True] and "kiosk supervise is gone" in caplog.text
    beats.stop()
    owner.deleteLater()


def _read_blocking(fd: int) -> int:
    return len(os.read(fd, 65536))


def test_each_beat_says_whether_anyone_uses_the_terminal_and_a_failing_question_counts_as_in_use(qapp, qtbot):
    r, w = os.pipe()
    os.set_blocking(r, False)
    owner = QObject()
    answers = iter([True, False])

    def idle() -> bool:
        return next(answers)  # then StopIteration: a bug in the question

    beats = signs_of_life.SignsOfLife(LivenessPipe(w), owner, lambda: None, idle)
    try:
        beats._timer.stop()
        qtbot.wait(50)  # the first beat, posted at once
        for _ in range(2):
            beats.beat()
        assert os.read(r, 64) == b"i.."  # idle, in use, and the failing question said in use: no restart for it
        assert beats._pipe.open
    finally:
        beats.stop()
        owner.deleteLater()
        os.close(r)


def test_a_device_held_is_said_only_while_nobody_uses_the_terminal(qapp, qtbot):
    r, w = os.pipe()
    os.set_blocking(r, False)
    owner = QObject()
    idle_answers = iter([True, False, True, True])
    held_answers = iter([True, False])
    asked = []

    def held() -> bool:
        asked.append(True)
        return next(held_answers)  # then StopIteration: a bug in the question

    beats = signs_of_life.SignsOfLife(LivenessPipe(w), owner, lambda: None, lambda: next(idle_answers), held)
    try:
        beats._timer.stop()
        qtbot.wait(50)  # the first beat, posted at once: idle, a device held
        for _ in range(3):
            beats.beat()  # in use (not asked), idle and none held, idle and the question failing
        assert os.read(r, 64) == b"h.ii"
        assert len(asked) == 3
    finally:
        beats.stop()
        owner.deleteLater()
        os.close(r)


def test_a_disk_that_refuses_writes_is_said_only_while_nobody_uses_the_terminal_and_before_a_held_device(qapp, qtbot):
    r, w = os.pipe()
    os.set_blocking(r, False)
    owner = QObject()
    idle_answers = iter([True, False, True, True])
    disk_answers = iter([True, False])
    asked = []

    def disk() -> bool:
        asked.append(True)
        return next(disk_answers)  # then StopIteration: a bug in the question

    beats = signs_of_life.SignsOfLife(LivenessPipe(w), owner, lambda: None, lambda: next(idle_answers),
                                      lambda: True, disk)
    try:
        beats._timer.stop()
        qtbot.wait(50)  # the first beat: idle, the disk refusing (and a device held: the disk is said)
        for _ in range(3):
            beats.beat()  # in use (not asked), idle and the disk fine (the held device said), the question failing
        assert os.read(r, 64) == b"d.hh"
        assert len(asked) == 3
    finally:
        beats.stop()
        owner.deleteLater()
        os.close(r)
