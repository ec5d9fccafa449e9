"""glibc's allocator as the terminal sets it (kiosk/allocator.py): two arenas unless the environment says otherwise,
and the free pages every arena holds given back to the system whenever a citizen's session has ended."""

import numpy as np

from kiosk import allocator
from kiosk.tasks import SyncTaskRunner

def test_the_terminal_s_c_library_is_glibc():
    assert allocator.available()  # Debian's: what the rest of this module relies on


def test_two_arenas_unless_the_environment_set_them():
    assert allocator.tune(environ={}) == {"MALLOC_ARENA_MAX": 2}
    assert allocator.tune(environ={"MALLOC_ARENA_MAX": "4"}) == {}  # the hall's (or a test's) choice stands


def test_freed_blocks_inside_the_heap_are_given_back():
    """Blocks below the mmap threshold freed under one still in use stay resident until trimmed."""
    blocks = [np.ones(12_500) for _ in range(600)]  # 100 KB each, touched: 60 MB of the heap
    keep = blocks[-1]
    del blocks[:-1]
    freed, took_ms = allocator.give_back()
    assert freed > 20 and 0 <= took_ms < 1000
    assert keep.sum() == 12_500


class Session:
    """The part of ``CitizenSession`` the allocator watches: where it is, and its observers."""

    def __init__(self) -> None:
        self.at_home, self._observers = True, []

    def subscribe(self, observer) -> None:
        self._observers.append(observer)

    def go(self, home: bool) -> None:
        self.at_home = home
        for observer in self._observers:
            observer(self)


def test_given_back_once_each_time_a_citizen_has_left(monkeypatch):
    calls = []
    monkeypatch.setattr(allocator, "give_back", lambda: calls.append(1) or (0.0, 0.0))
    session = Session()
    allocator.give_back_after_each_citizen(session, SyncTaskRunner())
    session.go(home=True)  # a change at home (the language) is no citizen leaving
    assert calls == []
    session.go(home=False)
    session.go(home=False)
    session.go(home=True)
    assert calls == [1]
    session.go(home=False)
    session.go(home=True)
    assert calls == [1, 1]


def test_a_citizen_session_of_the_terminal_gives_back_when_it_ends(open_gui, qtbot, monkeypatch):
    """Wired where the services make the session (kiosk/app.py), so the kiosk the hall runs does it."""
    calls = []
    monkeypatch.setattr(allocator, "give_back", lambda: calls.append(1) or (0.0, 0.0))
    gui = open_gui("kiosk")
    session = gui.window.session
    gui.services.devices.id_reader.place_card("resident")
    qtbot.waitUntil(lambda: not session.at_home, timeout=10000)
    session.end("finish")
    qtbot.waitUntil(lambda: calls == [1], timeout=5000)
