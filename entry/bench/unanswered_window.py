"""``kiosk bench unanswered``'s window call: how long a clerk and the applicant wait on "Accept" when the backend
answers slowly.

And the same for a one-time notice ("window notice"): the notice recorded, then what was scanned saved for the next
visit within what is left of the wait, else queued (``kiosk.drafts.keep``).

A window terminal built as ``kiosk run --window`` builds it (``kiosk.app.build_services``: the task pool, the desk's
own worker, the print worker; simulated devices), its callbacks carried to this thread as the GUI thread carries
them. The clerk signs in, reads the sample resident's card, chooses SB-003 and ticks its materials while the backend
is well; then the backend answers every request ``slow_s`` late and the clerk taps Accept. The wait is from the tap
until the desk is the clerk's again with its word ("Accepted as ..."). Accepting is the case delivered (the outbox,
then ``queue.deliver_wait_s`` at most) and the decision recorded in the clerk's name, within what is left of that
wait, else queued behind the case (kiosk/workflows/clerk_case.py ``decide_in_time``).
"""

from __future__ import annotations

import contextlib
import queue
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator

SERVICE = "SB-003"  # the sandbox's service whose materials a window ticks as checked on paper (its one: M1)
NOTICE_SERVICE = "GJJ-004"  # four materials: one scanned, three missing


def _config(url: str, data_dir: Path, backend: dict[str, Any], terminal_id: str, deliver_wait_s: float | None):
    from kiosk.config import load_config

    return load_config(environ={}, overrides={
        "backend": {"url": url, **backend}, "paths": {"data_dir": str(data_dir)}, "logging": {"console": False},
        "queue": {} if deliver_wait_s is None else {"deliver_wait_s": deliver_wait_s},
        "terminal": {"demo": True, "mode": "window", "id": terminal_id},
        "devices": {"id_reader": {"type": "sim", "pace": False}}})


class WindowWaits:
    """``accept()``: one Accept at the window ``terminal_id`` (on the hall's register) against the sandbox ``sandbox``
    (its faults set by the caller), the wait returned with what the desk said; ``close()`` stops the terminal's
    services. ``deliver_wait_s``: ``queue.deliver_wait_s`` (None: the configuration's default)."""

    def __init__(self, sandbox: Any, backend: dict[str, Any], terminal_id: str,
                 deliver_wait_s: float | None = None) -> None:
        from devices.idcard.samples import sample_identity
        from kiosk.app import build_services
        from kiosk.tasks import ThreadTaskRunner

        self._sandbox, self._identity = sandbox, lambda: sample_identity("resident")
        self._posted: queue.Queue[Callable[[], None]] = queue.Queue()
        self._folder = tempfile.TemporaryDirectory(prefix="bench-window-")
        post = self._posted.put
        self.services = build_services(_config(sandbox.url, Path(self._folder.name), backend, terminal_id,
                                               deliver_wait_s),
                                       ThreadTaskRunner(post, workers=4, name="bench-pool"),
                                       print_tasks=ThreadTaskRunner(post, workers=1, name="bench-print"),
                                       desk_tasks=ThreadTaskRunner(post, workers=1, name="bench-desk"))
        self.services.start()
        self.desk = self.services.new_clerk_desk()
        with self._backend_well():
            self.desk.sign_in("XH0001", "demo-XH0001")
            if not self._until(lambda: self.desk.staff is not None and not self.desk.busy, 30):
                raise RuntimeError("the bench's clerk could not sign in at the window")

    @contextlib.contextmanager
    def _backend_well(self) -> Iterator[None]:
        """The sandbox's faults off meanwhile, then as they were."""
        faults = self._sandbox.faults.active()
        self._sandbox.faults.clear()
        try:
            yield
        finally:
            for fault in faults:
                self._sandbox.faults.set(fault)

    def _until(self, done: Callable[[], bool], limit_s: float) -> bool:
        """Run what the workers posted, as the GUI thread would, until ``done()`` or ``limit_s`` passed."""
        deadline = time.monotonic() + limit_s
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                self._posted.get(timeout=min(left, 0.05))()
            except queue.Empty:
                pass
        return True

    def _checking(self, service: str = SERVICE) -> None:
        """The applicant at the desk with ``service`` chosen and its materials ticked, the backend well meanwhile."""
        from kiosk.workflows.clerk import Desk

        with self._backend_well():
            self.desk.next_applicant()
            self.desk.card_read(self._identity())
            self._until(lambda: self.desk.step is Desk.WAITING and not self.desk.busy, 30)
            self.desk.choose_service(service)
            self._until(lambda: self.desk.step is Desk.CHECKING and not self.desk.busy, 30)
            for code in list(self.desk.provided):
                self.desk.mark(code, True)

    def accept(self) -> tuple[float, str]:
        """Accept: the case, then its decision."""
        self._checking()
        return self._timed(self.desk.accept)

    def notice(self) -> tuple[float, str]:
        """A one-time notice: the first material scanned on the window's camera, the rest missing; the notice
        recorded, then what was scanned saved for the next visit."""
        from kiosk.workflows.clerk import Desk

        with self._backend_well():  # the last trial's draft delivered, then gone: a notice here keeps a new one
            deadline = time.monotonic() + 60
            while self.services.queue.outbox.items(("pending",)) and time.monotonic() < deadline:
                self.services.queue.sync.notify()
                self._until(lambda: False, 0.1)
            holder = self._identity().id_number
            for saved in self._sandbox.store.drafts(holder):
                self._sandbox.store.delete_draft(saved["draft_id"])
        self._checking(NOTICE_SERVICE)
        with self._backend_well():
            for code in list(self.desk.provided):
                self.desk.mark(code, False)
            self.desk.scan(next(iter(self.desk.provided)))
            if not self._until(lambda: self.desk.step is Desk.CHECKING and not self.desk.busy
                               and self.desk.would_keep_draft(), 30):
                return 0.0, "nothing to keep: the page was not scanned"
        return self._timed(self.desk.issue_notice)

    def _timed(self, tap: Callable[[], None]) -> tuple[float, str]:
        from kiosk.workflows.clerk import Desk

        started = time.monotonic()
        tap()
        answered = self._until(lambda: self.desk.step is Desk.DONE and not self.desk.busy, 120)
        waited = time.monotonic() - started
        notice = self.desk.notice
        said = notice.message.render("en") if notice is not None else ""
        return waited, (said if answered else "no word within 120 s")[:60]

    def close(self) -> None:
        self._sandbox.faults.clear()
        self._until(lambda: False, 0.2)
        self.services.stop()
        self._folder.cleanup()
