"""Print jobs on a worker of their own (kiosk/app.py ``Services.print_tasks``): the kiosk's receipt and the window's
papers print one at a time on the "print" worker, so a printer waiting out its timeout holds none of the workers
the backend's calls need. What a person waits on to leave with a paper (the kiosk's submission, notice, ticket; the
window's acceptance, hand-over, copy) runs on the "desk" worker (``Services.desk_tasks``), never behind the pool's
look-ups. Through the screens, against the sandbox on loopback."""

import threading

from PySide6.QtCore import Qt

from entry.walkthrough import citizen_journey, licence_journey
from kiosk.workflows.clerk import Desk
from tests.window_steps import checking


def _watch(monkeypatch, device, method: str) -> list[str]:
    """The names of the threads ``device.method`` runs on."""
    threads: list[str] = []
    original = getattr(device, method)

    def watched(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setattr(device, method, watched)
    return threads


def test_the_kiosks_receipt_prints_on_the_print_worker(open_gui, monkeypatch):
    kiosk = open_gui("kiosk")
    threads = _watch(monkeypatch, kiosk.services.devices.receipt_printer, "print_receipt")
    citizen_journey(kiosk, "SB-003", licences=False)
    assert threads and all(name.startswith("print") for name in threads), threads


def test_the_windows_papers_print_on_the_print_worker(open_gui, qtbot, monkeypatch):
    gui = open_gui("window")
    devices = gui.services.devices
    slips = _watch(monkeypatch, devices.receipt_printer, "print_receipt")
    documents = _watch(monkeypatch, devices.document_printer, "print_pdf")
    view, screen = checking(gui, qtbot, "BDC-005")
    for row in range(screen.materials.count()):
        screen.materials.item(row).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=15000)
    assert view.desk.result.startswith("SQ"), view.desk.notice
    assert slips and documents, (slips, documents)
    assert all(name.startswith("print") for name in slips + documents), (slips, documents)


def _on(threads: list[str], prefix: str) -> bool:
    return bool(threads) and all(name.startswith(prefix) for name in threads)


def test_the_kiosks_notice_is_recorded_on_the_sessions_worker_and_printed_on_the_print_worker(open_gui, monkeypatch):
    kiosk = open_gui("kiosk")
    recorded = _watch(monkeypatch, kiosk.services.backend, "issue_notice")
    printed = _watch(monkeypatch, kiosk.services.devices.receipt_printer, "print_receipt")
    journey = citizen_journey(kiosk, "GJJ-004", licences=False, not_brought=("M2",))
    assert journey.number.startswith("GZ"), journey
    assert _on(recorded, "desk") and _on(printed, "print"), (recorded, printed)


def test_the_kiosks_queue_ticket_is_taken_on_the_sessions_worker_and_printed_on_the_print_worker(open_gui, qtbot,
                                                                                                monkeypatch):
    kiosk = open_gui("kiosk", terminal={"queue_tickets": "on"})
    taken = _watch(monkeypatch, kiosk.services.backend, "take_queue_ticket")
    printed = _watch(monkeypatch, kiosk.services.devices.receipt_printer, "print_receipt")
    home = kiosk.window.view.home
    qtbot.mouseClick(home.ticket_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "A001" in home.notice.text(), timeout=10000)
    assert _on(taken, "desk") and _on(printed, "print"), (taken, printed)


def test_the_kiosks_licence_prints_on_the_print_worker(open_gui, monkeypatch):
    kiosk = open_gui("kiosk")
    printed = _watch(monkeypatch, kiosk.services.devices.document_printer, "print_pdf")
    assert licence_journey(kiosk)
    assert _on(printed, "print"), printed


def test_the_windows_hand_over_is_recorded_on_the_desks_worker_and_its_receipt_printed_on_the_print_worker(
        open_gui, qtbot, monkeypatch):
    gui = open_gui("window")
    recorded = _watch(monkeypatch, gui.services.backend, "handover")
    printed = _watch(monkeypatch, gui.services.devices.receipt_printer, "print_receipt")
    view, screen = checking(gui, qtbot, "GJJ-004")
    row = screen.handover
    qtbot.waitUntil(lambda: row.isVisible() and row.licences.count() == 1, timeout=5000)
    qtbot.mouseClick(row.hand_over, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.desk.busy and "回执已打印" in screen.notice.text(), timeout=10000)
    assert _on(recorded, "desk") and _on(printed, "print"), (recorded, printed)


def test_the_windows_copy_is_looked_up_on_the_desks_worker_and_printed_on_the_print_worker(open_gui, qtbot,
                                                                                            monkeypatch):
    gui = open_gui("window")
    view, screen = checking(gui, qtbot, "SB-003")
    screen.materials.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)
    number = view.desk.result
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton)
    looked_up = _watch(monkeypatch, gui.services.backend, "decision_of")
    printed = _watch(monkeypatch, gui.services.devices.document_printer, "print_pdf")
    qtbot.keyClicks(screen.copy.number, number)
    qtbot.mouseClick(screen.copy.print_copy, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.desk.busy and "已补打" in screen.notice.text(), timeout=10000)
    assert _on(looked_up, "desk") and _on(printed, "print"), (looked_up, printed)


def test_the_windows_acceptance_does_not_wait_behind_the_pools_look_ups(open_gui, qtbot, monkeypatch):
    """Every worker of the task pool held, six more look-ups waiting for one (a trickling backend: each waits out
    its deadline): "Accept" is recorded on the desk's own worker and the desk is free again while they all wait.
    On the pool, the acceptance began 17 s after its tap behind six such look-ups (window monkey seed 660)."""
    gui = open_gui("window")
    submitted = _watch(monkeypatch, gui.services.submitter, "submit")
    view, screen = checking(gui, qtbot, "SB-003")
    screen.materials.item(0).setCheckState(Qt.CheckState.Checked)
    held, started = threading.Event(), []

    def look_up():
        started.append(threading.current_thread().name)
        held.wait(30)

    try:
        for _ in range(4 + 6):
            gui.services.tasks.run(look_up, lambda _r: None, lambda _e: None)
        qtbot.waitUntil(lambda: len(started) == 4, timeout=5000)  # the pool's four workers are held
        qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=15000)
        assert len(started) == 4  # the look-ups still wait: the acceptance went past them
    finally:
        held.set()
    assert view.desk.result.startswith("SQ"), view.desk.notice
    assert _on(submitted, "desk"), submitted


def _pool_held(gui, qtbot, held: threading.Event):
    """Every worker of the task pool held and six more look-ups waiting for one, as a trickling backend holds them
    (each waits out its deadline): the previous citizen's look-ups, still being answered, and this one's."""
    started: list[str] = []

    def look_up():
        started.append(threading.current_thread().name)
        held.wait(30)

    def hold() -> None:
        for _ in range(4 + 6):
            gui.services.tasks.run(look_up, lambda _r: None, lambda _e: None)
        qtbot.waitUntil(lambda: len(started) == 4, timeout=5000)

    return hold, started


def test_the_kiosks_submission_does_not_wait_behind_the_pools_look_ups(open_gui, qtbot, monkeypatch):
    """The pool's workers all held at "Confirm and submit": the case is submitted on the session's own worker
    ("desk") and the receipt printed while the look-ups still wait; on the pool it waited behind all of them."""
    kiosk = open_gui("kiosk")
    submitted = _watch(monkeypatch, kiosk.services.submitter, "submit")
    held = threading.Event()
    hold, started = _pool_held(kiosk, qtbot, held)
    try:
        journey = citizen_journey(kiosk, "SB-003", licences=False, before_confirm=hold)
        assert len(started) == 4  # the look-ups still wait: the submission went past them
    finally:
        held.set()
    assert journey.number.startswith("SQ"), journey
    assert _on(submitted, "desk"), submitted


def test_the_kiosks_notice_does_not_wait_behind_the_pools_look_ups(open_gui, qtbot, monkeypatch):
    """The same for the one-time notice: recorded and its draft kept on the session's own worker, then printed."""
    kiosk = open_gui("kiosk")
    recorded = _watch(monkeypatch, kiosk.services.backend, "issue_notice")
    held = threading.Event()
    hold, started = _pool_held(kiosk, qtbot, held)
    try:
        journey = citizen_journey(kiosk, "GJJ-004", licences=False, not_brought=("M2",), before_confirm=hold)
        assert len(started) == 4
    finally:
        held.set()
    assert journey.number.startswith("GZ"), journey
    assert _on(recorded, "desk"), recorded
