"""Background work that reports back on the caller's thread.

Device and network calls block (with timeouts), so they never run on the GUI
thread: workflows hand them to a :class:`TaskRunner`, which runs them on a
pool and delivers the result or the exception through ``post`` (the Qt bridge
posts onto the GUI thread). Tests of workflows use :class:`SyncTaskRunner`.
"""

from __future__ import annotations

import itertools
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Protocol

log = logging.getLogger(__name__)
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class Dropped(Exception):
    """A task not run: what it was asked for had gone by the time a worker took it up (``while_current``)."""


class WhileCurrent:
    """``fn``, run only if ``current()`` still holds when a worker takes it up; else :class:`Dropped` is raised to the
    task's ``on_error``. A look-up queued for someone who has gone since (another card read at the window) is then
    not asked: behind a slow backend, such look-ups held the workers a clerk's decision waited for (kiosk bench
    window-monkey --trickle, seed 560), and they carried the ID number of a person no longer there. A runner's
    :meth:`ThreadTaskRunner.drop_gone` lets go of ``fn`` (and what it carries) at once, without waiting for a
    worker (:meth:`forget`)."""

    __slots__ = ("_current", "_fn")

    def __init__(self, current: Callable[[], bool], fn: Callable[[], Any]) -> None:
        self._current: Callable[[], bool] | None = current
        self._fn: Callable[[], Any] | None = fn

    def gone(self) -> bool:
        """True once what the task was asked for has gone (or it was forgotten); a failing check counts as gone."""
        current = self._current
        try:
            return current is None or not current()
        except Exception:
            log.exception("tasks: a task's check failed; the task is dropped")
            return True

    def forget(self) -> None:
        self._current = self._fn = None

    def __call__(self) -> Any:
        fn = self._fn
        if fn is None or self.gone():
            self.forget()
            raise Dropped()
        return fn()


def while_current(current: Callable[[], bool], fn: Callable[[], Any]) -> WhileCurrent:
    """``fn`` run only while ``current()`` holds (:class:`WhileCurrent`)."""
    return WhileCurrent(current, fn)


class TaskRunner(Protocol):
    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None: ...
    def drop_gone(self) -> int: ...
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

    def drop_gone(self) -> int:
        return 0  # the first part waits on ``first``, whose own drop_gone sees it; the second is never a look-up

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

    def drop_gone(self) -> int:
        return 0  # nothing waits: each task ran when it was given

    def shutdown(self) -> None:
        pass


class _Queued:
    """A task given to a :class:`ThreadTaskRunner` and what to call with its result, until a worker takes it up or it
    is dropped (then all three are let go)."""

    __slots__ = ("fn", "on_done", "on_error")

    def __init__(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None:
        self.fn: Callable[[], Any] | None = fn
        self.on_done: Done | None = on_done
        self.on_error: Failed | None = on_error


class ThreadTaskRunner:
    """Runs tasks on a small pool; ``post`` carries each callback to the thread that owns the caller."""

    def __init__(self, post: Callable[[Callable[[], None]], None], workers: int = 4, name: str = "task") -> None:
        self._post = post
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._queued: dict[int, _Queued] = {}  # given and not yet taken up by a worker, in the order given
        self._given = itertools.count()
        self._count = threading.Lock()

    def waiting(self) -> int:
        """Tasks given and not yet taken up by a worker: a task queued behind slow ones holds what it was given
        (a look-up's ID number) until a worker takes it up or :meth:`drop_gone` lets it go. The monkeys wait for
        none before they look through the memory."""
        with self._count:
            return len(self._queued)

    def drop_gone(self) -> int:
        """Let go of every queued look-up whose person has gone (a :class:`WhileCurrent` whose ``current()`` no
        longer holds), without waiting for a worker to take it up: its ``on_error`` is posted :class:`Dropped`, as a
        worker would have, and the task with what it carried is let go now. Called at a person's end (the kiosk's
        session wiped, the window's applicant changed): behind a trickling backend a queued look-up had kept the
        last person's ID number for seconds after they left. Returns how many were dropped."""
        with self._count:
            look_ups = [(key, queued.fn) for key, queued in self._queued.items() if isinstance(queued.fn, WhileCurrent)]
        gone = {key for key, fn in look_ups if fn.gone()}  # each check outside the lock: the workers go on meanwhile
        with self._count:
            dropped = [queued for key in gone if (queued := self._queued.pop(key, None)) is not None]
        for queued in dropped:  # taken from the queue: no worker will touch it now
            on_error, fn = queued.on_error, queued.fn
            queued.fn = queued.on_done = queued.on_error = None
            fn.forget()
            self._post(lambda error=Dropped(), told=on_error: told(error))
        return len(dropped)

    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None:
        queued = _Queued(fn, on_done, on_error)

        def work(key: int) -> None:
            with self._count:
                if self._queued.pop(key, None) is None:
                    return  # dropped while it waited (drop_gone): told then
            task, done, failed = queued.fn, queued.on_done, queued.on_error
            queued.fn = queued.on_done = queued.on_error = None
            try:
                result = task()
            except Exception as exc:
                self._post(lambda error=exc: failed(error))  # bind now: ``exc`` is cleared after the block
            else:
                self._post(lambda: done(result))

        with self._count:
            key = next(self._given)
            self._queued[key] = queued
        try:
            self._pool.submit(work, key)
        except RuntimeError:  # shut down: the task is not run
            with self._count:
                self._queued.pop(key, None)
            raise

    def shutdown(self) -> None:
        """Drop queued tasks and wait for running ones (each is bounded by its own timeout)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
