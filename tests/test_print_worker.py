"""Print jobs on a worker of their own (kiosk/app.py ``Services.print_tasks``): the kiosk's receipt and the window's
papers print one at a time on the "print" worker, so a printer waiting out its timeout holds none of the workers
the backend's calls need. Through the screens, against the sandbox on loopback."""

import threading

from PySide6.QtCore import Qt

from entry.walkthrough import citizen_journey
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
