"""One worker thread owns each device's I/O.

Callers on other threads hand it work with :meth:`DeviceWorker.call` (blocking,
with a timeout) or :meth:`DeviceWorker.submit` (a future). Methods that touch
the hardware are decorated with :func:`on_worker`, which asserts they run on
the owning thread. An optional ``poll`` function runs between jobs, for
readers that must be asked repeatedly whether a card is present.

A call whose wait ran out while its job was already running leaves the worker
held by that job (a device that hung mid-call: a thread cannot be stopped from
outside). Until the job ends, a new :meth:`DeviceWorker.call` waits for it at
most :data:`OVERDUE_GRACE_S` (a device let go a moment ago finishes its job
first) and then fails, instead of waiting out its own timeout behind it: a
clerk's second "Scan" on a hung document camera waited 10 s again for the same
answer (window monkey, seed 804, three scans in a row).

Only a new process gets such a worker back. :meth:`DeviceWorker.held_s` says how long the job or poll
running now has run; the terminal tells ``kiosk supervise`` of one held past
``supervisor.device_held_s``, which starts it afresh once nobody uses it (kiosk/held_devices.py).
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
import time
from concurrent import futures
from concurrent.futures import Future
from typing import Any, Callable, TypeVar

from devices.errors import DeviceOfflineError, DeviceTimeoutError

log = logging.getLogger(__name__)
T = TypeVar("T")
_STOP = object()
OVERDUE_GRACE_S = 2.0  # how long a call waits for a job that overran an earlier caller's wait, at most


class DeviceWorker:
    def __init__(self, name: str, poll: Callable[[], None] | None = None, poll_interval_s: float = 0.2) -> None:
        self.name = name
        self._poll = poll
        self._poll_interval_s = poll_interval_s
        self._jobs: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._running = threading.Event()
        # the running job a caller stopped waiting for, and since when (monotonic): None while none overran
        self._overdue: tuple[Future, float] | None = None
        # when the job or poll running now began (monotonic): None between them; written by the worker alone
        self._busy_since: float | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._running.set()
        self._thread = threading.Thread(target=self._loop, name=f"device-{self.name}", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        thread = self._thread
        if thread is None:
            return
        self._running.clear()
        self._jobs.put(_STOP)
        if thread is not threading.current_thread():
            thread.join(timeout_s)
            if thread.is_alive():
                log.warning("%s: worker did not stop within %.1f s", self.name, timeout_s)
        self._thread = None

    @property
    def running(self) -> bool:
        return self._running.is_set()

    def held_s(self, now: float | None = None) -> float:
        """How long the job or poll running now has run; 0 between them. Any thread, never waits."""
        since = self._busy_since
        if since is None:
            return 0.0
        return max(0.0, (time.monotonic() if now is None else now) - since)

    def is_current(self) -> bool:
        return self._thread is not None and threading.current_thread() is self._thread

    def submit(self, fn: Callable[..., T], *args: Any) -> "Future[T]":
        future: Future = Future()
        if not self.running:
            future.set_exception(DeviceOfflineError(detail=f"{self.name} is stopped"))
            return future
        self._jobs.put((future, fn, args))
        return future

    def call(self, fn: Callable[..., T], *args: Any, timeout_s: float) -> T:
        """Run ``fn`` on the worker and wait at most ``timeout_s`` for it."""
        if self.is_current():
            return fn(*args)
        overdue = self._overdue
        if overdue is not None and not overdue[0].done():
            futures.wait([overdue[0]], timeout=min(timeout_s, OVERDUE_GRACE_S))
            if not overdue[0].done():
                raise DeviceTimeoutError(detail=f"{self.name}: still held by a call that overran its wait "
                                                f"{time.monotonic() - overdue[1]:.1f} s ago")
        future = self.submit(fn, *args)
        try:
            return future.result(timeout=timeout_s)
        except TimeoutError:
            if not future.cancel():  # running: the worker stays held until the device lets go
                self._overdue = (future, time.monotonic())
            raise DeviceTimeoutError(detail=f"{self.name}: no result within {timeout_s:.1f} s") from None

    def _loop(self) -> None:
        while self._running.is_set():
            try:
                job = self._jobs.get(timeout=self._poll_interval_s if self._poll else None)
            except queue.Empty:
                job = None
            if job is _STOP:
                break
            if job is not None:
                future, fn, args = job
                if not future.set_running_or_notify_cancel():
                    continue
                self._busy_since = time.monotonic()
                try:
                    future.set_result(fn(*args))
                except BaseException as exc:  # delivered to the caller, never lost
                    future.set_exception(exc)
                finally:
                    self._busy_since = None
                continue
            if self._poll is not None:
                self._busy_since = time.monotonic()
                try:
                    self._poll()
                except Exception:
                    log.exception("%s: poll failed", self.name)
                finally:
                    self._busy_since = None
        # Fail whatever is still waiting so no caller hangs.
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            # a caller whose wait timed out cancelled its job: nobody is left to tell (and a cancelled future
            # takes no exception: InvalidStateError, which ended this thread)
            if job is not _STOP and job[0].set_running_or_notify_cancel():
                job[0].set_exception(DeviceOfflineError(detail=f"{self.name} stopped"))


def on_worker(method: Callable[..., T]) -> Callable[..., T]:
    """Assert that a device method runs on the thread that owns the device's I/O."""

    @functools.wraps(method)
    def wrapper(self, *args: Any, **kwargs: Any) -> T:
        assert self._worker.is_current(), f"{type(self).__name__}.{method.__name__} must run on its device worker"
        return method(self, *args, **kwargs)

    return wrapper
