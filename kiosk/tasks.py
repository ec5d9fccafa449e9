"""Background work that reports back on the caller's thread.

Device and network calls block (with timeouts), so they never run on the GUI
thread: workflows hand them to a :class:`TaskRunner`, which runs them on a
pool and delivers the result or the exception through ``post`` (the Qt bridge
posts onto the GUI thread). Tests of workflows use :class:`SyncTaskRunner`.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Protocol

log = logging.getLogger(__name__)
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class Dropped(Exception):
    """A task not run: what it was asked for had gone by the time a worker took it up (``while_current``)."""


def while_current(current: Callable[[], bool], fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn``, run only if ``current()`` still holds when a worker takes it up; else :class:`Dropped` is raised to the
    task's ``on_error``. A look-up queued for someone who has gone since (another card read at the window) is then
    not asked: behind a slow backend, such look-ups held the workers a clerk's decision waited for (kiosk bench
    window-monkey --trickle, seed 560), and they carried the ID number of a person no longer there."""
    def run() -> Any:
        if not current():
            raise Dropped()
        return fn()
    return run


class TaskRunner(Protocol):
    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None: ...
    def shutdown(self) -> None: ...


class InTurn:
    """A task in two parts on two runners: the job given to :meth:`run` on ``first``'s worker, then ``then`` of its
    result on ``second``'s. A backend call and the paper it is printed on (a notice recorded, then printed) then
    never hold each other's worker: a printer waiting out its timeout leaves the backend's workers to the next
    citizen, and a slow backend leaves the printer to the receipts. The second part is handed over on the caller's
    thread and runs whoever is at the screen by then: the paper is what the first part recorded. A failure of
    either part goes to ``on_error``, once."""

    def __init__(self, first: TaskRunner, second: TaskRunner, then: Callable[[Any], Any]) -> None:
        self._first, self._second, self._then = first, second, then

    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None:
        second, then = self._second, self._then
        self._first.run(fn, lambda result: second.run(lambda: then(result), on_done, on_error), on_error)

    def shutdown(self) -> None:
        pass  # the runners are their owners' to shut down


class SyncTaskRunner:
    """Runs the task at once on the caller's thread (tests and scripts)."""

    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None:
        try:
            result = fn()
        except Exception as exc:
            on_error(exc)
        else:
            on_done(result)

    def shutdown(self) -> None:
        pass


class ThreadTaskRunner:
    """Runs tasks on a small pool; ``post`` carries each callback to the thread that owns the caller."""

    def __init__(self, post: Callable[[Callable[[], None]], None], workers: int = 4, name: str = "task") -> None:
        self._post = post
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._waiting = 0  # tasks given and not yet taken up by a worker
        self._count = threading.Lock()

    def waiting(self) -> int:
        """Tasks given and not yet taken up by a worker: a task queued behind slow ones holds what it was given
        (a look-up's ID number) until a worker takes it up, and drops it then if its person has gone
        (``while_current``). The monkeys wait for none before they look through the memory."""
        with self._count:
            return self._waiting

    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None:
        def work() -> None:
            with self._count:
                self._waiting -= 1
            try:
                result = fn()
            except Exception as exc:
                self._post(lambda error=exc: on_error(error))  # bind now: ``exc`` is cleared after the block
            else:
                self._post(lambda: on_done(result))

        with self._count:
            self._waiting += 1
        try:
            self._pool.submit(work)
        except RuntimeError:  # shut down: the task is not run
            with self._count:
                self._waiting -= 1
            raise

    def shutdown(self) -> None:
        """Drop queued tasks and wait for running ones (each is bounded by its own timeout)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
