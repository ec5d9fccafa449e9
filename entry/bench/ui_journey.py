"""The citizen's journey driven through the kiosk's widgets, for ``kiosk bench ui``'s stall and memory figures.

A person taps buttons and lays a card on the reader: here the bench taps the same buttons with the
demo's step helper (``entry.walkthrough.tap``: a mouse press and release on a visible, enabled
widget) and places the sample card on the simulated reader (real bytes over a pty). It never calls
a workflow method where a person would tap. It waits with its own :func:`wait_for`, which runs the
GUI event loop until the window shows the next screen: the walkthrough's ``wait_until`` sleeps
10 ms at a time on the GUI thread, which :class:`StallMeter` would count as the terminal's stall.
"""

from __future__ import annotations

import gc
import json
import threading
import time
import urllib.request
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEventLoop, Qt, QTimer

from common.domain import ApplyAs
from entry.bench.gui_stall import StallMeter
from entry.walkthrough import WalkError, fill_form, provide_materials, showing, tap
from kiosk.workflows.citizen import Step
from ui.app import Gui

SERVICE = "GT-001"


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
    """Run the GUI event loop until ``condition`` holds; TimeoutError naming ``what`` after ``timeout_s``.

    Once seen to hold, it is reached: the loop may run a few more events before it stops (a timer due at
    the same time), and those may undo it (the capture screen's auto-capture making the session busy again
    a moment after a page was taken). Asking again after the loop called that a timeout, after 1.4 s of 30:
    the UI monkey's "stuck" captures (seeds 10, 13, 116, 119)."""
    if condition():
        return
    reached: list[bool] = []
    loop = QEventLoop()

    def look() -> None:
        if not reached and condition():
            reached.append(True)
            loop.quit()

    poll = QTimer()
    poll.setTimerType(Qt.TimerType.PreciseTimer)
    poll.timeout.connect(look)
    poll.start(2)
    give_up = QTimer()
    give_up.setSingleShot(True)
    give_up.timeout.connect(loop.quit)
    give_up.start(int(timeout_s * 1000))
    loop.exec()
    poll.stop()
    give_up.stop()
    if not reached and not condition():
        raise TimeoutError(f"the kiosk did not reach '{what}' within {timeout_s:.0f} s")


class Journey:
    """Steps through one kiosk window; ``meter`` (if given) is told which step is running."""

    def __init__(self, gui: Gui, backend_url: str, meter: StallMeter | None = None) -> None:
        self.gui, self.url, self.meter = gui, backend_url, meter
        self.window = gui.window
        self.session = gui.window.session
        self.screens = gui.window.view.screens
        self.reader = gui.services.devices.id_reader
        self.removed = 0
        self.confirm_s = 0.0  # the last session's: from the "confirm and submit" tap to the done screen
        gui.bridge.card_removed.connect(self._card_removed)

    def _card_removed(self) -> None:
        self.removed += 1

    def _step(self, name: str) -> None:
        if self.meter is not None:
            self.meter.step = name

    def set_fault(self, fault: str) -> None:
        """Switch the sandbox's fault from a helper thread; the meter pauses: the bench's own call is not
        the kiosk's work."""
        if self.meter is not None:
            self.meter.stop()
        done = threading.Event()
        errors: list[BaseException] = []

        def post() -> None:
            try:
                request = urllib.request.Request(self.url + "/control/faults", method="POST",
                                                 data=json.dumps({"fault": fault}).encode(),
                                                 headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=5) as reply:
                    reply.read()
            except BaseException as exc:  # reported on the GUI thread below
                errors.append(exc)
            finally:
                done.set()

        threading.Thread(target=post, name="bench-fault", daemon=True).start()
        wait_for(done.is_set, f"sandbox fault {fault}")
        if self.meter is not None:
            self.meter.start()
        if errors:
            raise RuntimeError(f"could not switch the sandbox fault {fault!r}: {errors[0]}")

    def _wait_screen(self, step: Step, timeout_s: float = 30.0) -> None:
        wait_for(lambda: showing(self.gui, step) and not self.session.busy, f"the {step.value} screen", timeout_s)

    def session_once(self, label: str = "online", offline: bool = False,
                     before_confirm: Callable[[], None] | None = None) -> str:
        """Consent -> card placed -> identified -> catalogue -> service -> guide -> myself -> the form on the
        touch keyboard -> licences fetched, the application form's pages captured, signed -> confirm -> receipt
        -> finish -> home. ``before_confirm`` is called on the confirm screen, just before the tap.

        Returns the number on the done screen (a case number, or a provisional one offline).
        """
        screens = self.screens
        self._wait_screen(Step.HOME)
        self._step("card read")
        tap(screens[Step.HOME].card_button, "'start with my ID card' button")
        self._wait_screen(Step.CONSENT)
        tap(screens[Step.CONSENT].agree, "'I agree' button")
        self._wait_screen(Step.READ_CARD)
        self.reader.place_card("resident")
        self._wait_screen(Step.IDENTIFIED)
        self._step("catalogue")
        tap(screens[Step.IDENTIFIED].next, "'continue' button")
        wait_for(lambda: showing(self.gui, Step.CHOOSE_SERVICE) and SERVICE in screens[Step.CHOOSE_SERVICE].buttons
                 or (showing(self.gui, Step.IDENTIFIED) and not self.session.busy), "the service list")
        if not showing(self.gui, Step.CHOOSE_SERVICE):
            raise WalkError(f"the services could not be shown: {screens[Step.IDENTIFIED].notice.text()}")
        self._step("service chosen")
        tap(screens[Step.CHOOSE_SERVICE].buttons[SERVICE], f"service button {SERVICE}")
        self._wait_screen(Step.GUIDE)
        tap(screens[Step.GUIDE].apply, "'apply' button")
        self._wait_screen(Step.WHO)
        tap(screens[Step.WHO].options[ApplyAs.MYSELF], "'myself' button")
        self._wait_screen(Step.FORM)
        self._step("form filled on the keyboard")
        fill_form(self.gui, None, "")
        self._step("materials: licences, pages captured, signed")
        provide_materials(self.gui, None, "")
        self._wait_screen(Step.CONFIRM)
        if offline:
            self.set_fault("down")
        if before_confirm is not None:
            before_confirm()
        self._step(f"submitted {label}, receipt printed")
        tapped = time.monotonic()
        tap(screens[Step.CONFIRM].confirm, "'confirm and submit' button")
        wait_for(lambda: showing(self.gui, Step.DONE) or showing(self.gui, Step.FAILED), "the done screen", 90)
        self.confirm_s = time.monotonic() - tapped
        if showing(self.gui, Step.FAILED):
            raise WalkError(f"the {label} application was not submitted: {screens[Step.FAILED].notice.text()}")
        number = screens[Step.DONE].number.text()
        if offline:
            self.set_fault("clear")
        self._step("finish, card removed")
        removed = self.removed
        tap(screens[Step.DONE].finish, "'finish' button")
        self.reader.remove_card()
        wait_for(lambda: showing(self.gui, Step.HOME) and self.removed > removed, "home with the card removed")
        return number


def rss_mb() -> float:
    """This process's resident memory (VmRSS), after a full garbage collection."""
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS in /proc/self/status")


# Files a terminal keeps by design, not left behind by a session, relative to the data directory:
# the outbox database and its WAL, the queue key, the provisional sequence, logs, the audit trail,
# and the simulated printers' output (the simulator's paper: one receipt per session, by design).
BY_DESIGN = {
    "queue database": lambda p: p.parts[0] == "queue" and p.name.startswith("queue.sqlite3"),
    "queue key": lambda p: p == Path("queue.key"),
    "provisional sequence": lambda p: p.name.startswith("provisional-sequence"),
    "logs": lambda p: p.parts[0] == "logs",
    "audit trail": lambda p: p.parts[0] == "audit",
    "simulated receipts (paper)": lambda p: p.parts[0] == "receipts",
    "simulated printouts (paper)": lambda p: p.parts[0] == "printouts",
}


def files_under(root: Path) -> set[Path]:
    return {path.relative_to(root) for path in root.rglob("*") if path.is_file()}


def classify_new_files(root: Path, before: set[Path]) -> tuple[list[Path], dict[str, int]]:
    """Files created since ``before``: (left by sessions, {by-design kind: count})."""
    left: list[Path] = []
    kept: dict[str, int] = {}
    for path in sorted(files_under(root) - before):
        kind = next((name for name, match in BY_DESIGN.items() if match(path)), None)
        if kind is None:
            left.append(path)
        else:
            kept[kind] = kept.get(kind, 0) + 1
    return left, kept
