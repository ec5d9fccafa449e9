"""``kiosk demo``: the kiosk on simulated devices and the sandbox backend.

With a display it opens the window (F2 places the sample ID card). Without
one it walks the citizen's journey offscreen and saves a PNG of every screen
and the printed receipt under the output directory.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, QEventLoop

from kiosk.config import load_config
from common.i18n import set_language
from common.masking import Masker
from kiosk.workflows.citizen import Step
from sandbox.server import SandboxServer
from ui.app import Gui, run_gui

DEMO_SERVICE = "GT-001"


def demo_config(url: str, data_dir: Path):
    return load_config(overrides={"backend": {"url": url}, "paths": {"data_dir": str(data_dir)},
                                  "logging": {"console": False}})


def wait_until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the demo step did not finish in time")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def settle() -> None:
    for _ in range(5):
        QCoreApplication.processEvents()


class Walkthrough:
    """Scripted steps through the kiosk, saving a screenshot after each."""

    def __init__(self, gui: Gui, out: Path) -> None:
        self.gui, self.out = gui, out
        self.shots: list[Path] = []
        self.window = gui.window
        self.window.resize(1280, 800)
        self.window.show()

    def shot(self, name: str) -> Path:
        settle()
        path = self.out / f"{len(self.shots) + 1:02d}-{name}.png"
        self.window.grab().save(str(path))
        self.shots.append(path)
        return path

    def citizen_journey(self, suffix: str = "", before_confirm: Callable[[], None] | None = None) -> Path | None:
        session = self.window.session
        view = self.window.view
        self.shot(f"home{suffix}")
        view.screens[Step.HOME].card_button.click()
        self.shot(f"place-card{suffix}")
        self.gui.services.devices.id_reader.place_card("resident")
        wait_until(lambda: session.step is Step.IDENTIFIED)
        self.shot(f"identity{suffix}")
        view.screens[Step.IDENTIFIED].next.click()
        wait_until(lambda: session.step is Step.CHOOSE_SERVICE)
        self.shot(f"services{suffix}")
        view.screens[Step.CHOOSE_SERVICE].buttons[DEMO_SERVICE].click()
        self.shot(f"confirm{suffix}")
        if before_confirm is not None:
            before_confirm()
        view.screens[Step.CONFIRM].confirm.click()
        wait_until(lambda: session.step is Step.DONE, 20)
        self.shot(f"done{suffix}")
        printer = self.gui.services.devices.receipt_printer
        receipt = Path(printer.last_png) if getattr(printer, "last_png", None) else None
        view.screens[Step.DONE].finish.click()
        self.gui.services.devices.id_reader.remove_card()
        wait_until(lambda: session.step is Step.HOME)
        return receipt

    def progress_by_receipt(self, code: str) -> None:
        """A citizen shows a receipt's QR code to the scanner: the case's progress."""
        session = self.window.session
        self.gui.services.devices.qr_scanner.present(code)
        wait_until(lambda: session.step is Step.PROGRESS)
        self.shot("progress")
        session.finish()

    def licence_journey(self) -> None:
        """Home -> print my licence -> card -> the ready licences -> printed through the document printer."""
        session, view = self.window.session, self.window.view
        view.screens[Step.HOME].licence_button.click()
        self.gui.services.devices.id_reader.place_card("resident")
        wait_until(lambda: session.step is Step.LICENCES and not session.busy)
        self.shot("licences")
        licence = next(iter(view.screens[Step.LICENCES].buttons.values()), None)
        if licence is not None:
            licence.click()
            wait_until(lambda: session.step is Step.DONE, 20)
            self.shot("licence-printed")
        session.finish()
        self.gui.services.devices.id_reader.remove_card()
        wait_until(lambda: session.step is Step.HOME)


def run_headless(out: Path, masker: Masker | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    data_dir = out / "data"
    shutil.rmtree(data_dir, ignore_errors=True)  # a fresh terminal each run (queue, receipts)
    set_language("zh_CN")
    with SandboxServer() as sandbox:
        gui = Gui(demo_config(sandbox.url, data_dir), "kiosk", masker)
        try:
            walk = Walkthrough(gui, out)
            receipts = [walk.citizen_journey()]
            gui.window.toggle_language()
            receipts.append(walk.citizen_journey("-en"))
            gui.window.toggle_language()
            # The network fails just as the citizen confirms: accepted offline, delivered later.
            receipts.append(walk.citizen_journey("-offline", before_confirm=lambda: sandbox.faults.set("down")))
            sandbox.faults.clear()
            outbox = gui.services.queue.outbox
            gui.services.queue.sync.notify()
            wait_until(lambda: not outbox.items(("pending",)), 30)
            for item in outbox.items(("delivered",)):
                if item.provisional_number and item.attempts:
                    print(f"offline case {item.provisional_number} delivered later as {item.case_number}")
            walk.licence_journey()
            walk.progress_by_receipt("OTR1:SQ2026112000007")
            gui.window.toggle_elderly()
            walk.shot("home-large-text")
            gui.window.toggle_elderly()
        finally:
            gui.close()
        saved = []
        for index, receipt in enumerate(receipts, 1):
            if receipt is not None:
                target = out / f"receipt-{index}.png"
                shutil.copy(receipt, target)
                saved.append(target)
        clerk = Gui(demo_config(sandbox.url, data_dir), "window", masker)
        try:
            walk = Walkthrough(clerk, out)
            walk.shots = [None] * (len(list(out.glob("[0-9][0-9]-*.png"))))
            view = clerk.window.view
            walk.shot("window-sign-in")
            view.sign_in.staff_id.setText("XH0001")
            view.sign_in.password.setText("demo-XH0001")
            view.sign_in.submit()
            wait_until(lambda: view.desk.staff is not None)
            clerk.services.devices.id_reader.place_card("resident")
            wait_until(lambda: view.desk.identity is not None)
            view.desk.choose_service("GJJ-004")
            view.desk.mark("M1", True)
            walk.shot("window-checking")
            view.desk.issue_notice()
            wait_until(lambda: view.desk.result != "", 20)
            walk.shot("window-notice-issued")
            printer = clerk.services.devices.receipt_printer
            if getattr(printer, "last_png", None):
                target = out / "one-time-notice.png"
                shutil.copy(printer.last_png, target)
                saved.append(target)
        finally:
            clerk.close()
        maintenance = Gui(demo_config(sandbox.url, data_dir), "maintenance", masker)
        try:
            walk = Walkthrough(maintenance, out)
            walk.shots = [None] * (len(list(out.glob("[0-9][0-9]-*.png"))))  # keep numbering going
            view = maintenance.window.view
            walk.shot("maintenance-pin")
            view.pin.entry.setText(maintenance.services.config.terminal.staff_pin)
            view.pin.submit()
            view.status.run_self_tests()
            wait_until(lambda: len(view.status._results) == len(maintenance.services.devices.all()))
            walk.shot("maintenance-devices")
        finally:
            maintenance.close()
    return sorted(out.glob("[0-9][0-9]-*.png")) + saved


def run_demo(out: Path, headless: bool, masker: Masker | None = None) -> int:
    if headless:
        paths = run_headless(out, masker)
        for path in paths:
            print(path)
        return 0
    with SandboxServer() as sandbox:
        print(f"sandbox backend on {sandbox.url}; press F2 to place the sample ID card, F3 to remove it")
        return run_gui(demo_config(sandbox.url, out / "data"), "kiosk", masker, fullscreen=False)
