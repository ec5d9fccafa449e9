"""``kiosk.tasks.InTurn``: a job's first part on one runner, its second on another, one report either way."""

import queue
import threading

import pytest

from kiosk.tasks import InTurn, SyncTaskRunner, ThreadTaskRunner


class Named(SyncTaskRunner):
    """Runs at once, noting its name for each job it ran."""

    def __init__(self, name: str, ran: list[str]) -> None:
        self.name, self.ran = name, ran

    def run(self, fn, on_done, on_error):
        self.ran.append(self.name)
        super().run(fn, on_done, on_error)


def _run(first_fails: bool, second_fails: bool):
    ran, done, failed = [], [], []

    def first():
        if first_fails:
            raise OSError("backend away")
        return 2

    def then(n):
        if second_fails:
            raise RuntimeError("paper out")
        return n * 10

    InTurn(Named("backend", ran), Named("print", ran), then).run(first, done.append, failed.append)
    return ran, done, [type(exc).__name__ for exc in failed]


@pytest.mark.parametrize("first_fails, second_fails, ran, done, failed", [
    (False, False, ["backend", "print"], [20], []),
    (True, False, ["backend"], [], ["OSError"]),
    (False, True, ["backend", "print"], [], ["RuntimeError"]),
])
def test_each_part_on_its_runner_and_one_report(first_fails, second_fails, ran, done, failed):
    assert _run(first_fails, second_fails) == (ran, done, failed)


def test_on_pools_the_second_part_runs_on_the_second_pool_and_reports_on_the_posting_thread():
    posted: queue.Queue = queue.Queue()
    first = ThreadTaskRunner(posted.put, workers=1, name="backend")
    second = ThreadTaskRunner(posted.put, workers=1, name="print")
    threads, results = [], []

    def noted(value):
        threads.append(threading.current_thread().name)
        return value

    try:
        InTurn(first, second, lambda n: noted(n + 1)).run(lambda: noted(1), results.append, results.append)
        posted.get(timeout=5)()  # the first part's result, handed to the second runner on this thread
        assert results == []
        posted.get(timeout=5)()  # the second part's result, reported on this thread
    finally:
        first.shutdown()
        second.shutdown()
    assert [name.split("_")[0] for name in threads] == ["backend", "print"] and results == [2]
