"""A look-up the window queued for an applicant who has gone by the time a worker takes it up is not asked
(kiosk/tasks.py ``while_current``): behind a slow backend, stale look-ups held the workers a clerk's decision waited
for (kiosk bench window-monkey --trickle, seed 560: "Do not accept" still busy after 30 s), and they sent the ID
number of someone no longer at the window. Against the sandbox over HTTP, the tasks run when the test says. At the
person's end the terminal's pool lets go of their queued look-ups at once (``ThreadTaskRunner.drop_gone``)."""

import dataclasses
import threading
import time
from typing import Any, Callable

import pytest

from common.idnumber import complete
from devices.idcard.samples import sample_identity
from entry.bench.monkey_common import in_memory
from kiosk.tasks import Dropped, SyncTaskRunner, ThreadTaskRunner, while_current
from tests.citizen_steps import identify


class LaterRunner(SyncTaskRunner):
    """Keeps each task until ``run_queued``: a pool whose workers are all busy, then free."""

    def __init__(self) -> None:
        self.queued: list[tuple[Callable[[], Any], Callable, Callable]] = []

    def run(self, fn, on_done, on_error) -> None:
        self.queued.append((fn, on_done, on_error))

    def run_queued(self) -> None:
        queued, self.queued = self.queued, []
        for fn, on_done, on_error in queued:
            SyncTaskRunner.run(self, fn, on_done, on_error)


def test_a_task_runs_while_what_it_was_for_holds_and_is_dropped_once_it_does_not():
    holds, results, errors = [True], [], []
    task = while_current(lambda: holds[0], lambda: "asked")
    SyncTaskRunner().run(task, results.append, errors.append)
    holds[0] = False
    SyncTaskRunner().run(task, results.append, errors.append)
    assert results == ["asked"] and len(errors) == 1 and isinstance(errors[0], Dropped)


def test_the_window_asks_nothing_for_an_applicant_gone_before_a_worker_was_free(services, monkeypatch):
    asked: list[str] = []
    backend = services.backend
    for name in ("ready_licences", "drafts"):
        real = getattr(backend, name)
        monkeypatch.setattr(backend, name, lambda id_number, real=real, name=name: (
            asked.append(f"{name} {id_number}"), real(id_number))[1])
    held, fetch = services.held_catalogue, services.held_catalogue.fetch
    monkeypatch.setattr(held, "fetch", lambda client: (asked.append("catalogue"), fetch(client))[1])
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    later = desk._tasks = LaterRunner()
    first, second = sample_identity("resident"), sample_identity("resident_long_term")
    first_number, second_number = first.id_number, second.id_number
    desk.card_read(first)
    desk.next_applicant()  # the first applicant leaves before any worker was free
    desk.card_read(second)
    asked.clear()
    later.run_queued()
    assert sorted(asked) == sorted([f"ready_licences {second_number}", f"drafts {second_number}", "catalogue"])
    assert not any(first_number in a for a in asked)
    assert desk.drafts_looked_up and desk.identity is second


def test_the_applicant_still_there_is_asked_about_as_before(services):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    later = desk._tasks = LaterRunner()
    desk.card_read(sample_identity("resident"))
    later.run_queued()
    assert desk.drafts_looked_up and not desk.licences_unknown


@pytest.mark.parametrize("ended", [True, False], ids=["gone before a worker was free", "still there"])
def test_the_kiosk_asks_nothing_about_a_citizen_whose_session_ended_before_a_worker_was_free(services, sandbox,
                                                                                             monkeypatch, ended):
    """Identified, then gone (the idle timeout, "Finish") before any worker was free: their saved applications are
    not looked up after they left; still there, they are, as before. The consent recorded at identification goes
    either way: it is theirs, and owed."""
    asked: list[str] = []
    backend = services.backend
    real = backend.drafts
    monkeypatch.setattr(backend, "drafts", lambda id_number: (asked.append(id_number), real(id_number))[1])
    session = services.new_citizen_session()
    later = session._tasks = LaterRunner()
    identify(session)
    if ended:
        session.end("idle")
    later.run_queued()
    holder = sample_identity("resident").id_number
    assert asked == ([] if ended else [holder])
    assert sandbox.store.consents(holder)


class CountingRunner(ThreadTaskRunner):
    """The terminal's pool, counting what ``drop_gone`` let go."""

    dropped = 0

    def drop_gone(self) -> int:
        let_go = super().drop_gone()
        self.dropped += let_go
        return let_go


class BusyPool:
    """The terminal's pool (``ThreadTaskRunner``) of one worker, held busy until ``free``: what is given meanwhile
    waits in its queue. Callbacks are posted to a list, run by ``deliver`` as the GUI thread would."""

    def __init__(self) -> None:
        self.posted: list = []
        self.runner = CountingRunner(self.posted.append, workers=1, name="test-busy")
        self._free = threading.Event()
        self.runner.run(lambda: self._free.wait(30), lambda _r: None, lambda _e: None)
        self._taken_up()  # the worker busy

    def _taken_up(self) -> None:
        deadline = time.monotonic() + 10
        while self.runner.waiting() and time.monotonic() < deadline:
            time.sleep(0.01)

    def free(self) -> None:
        """The worker free: what waits is taken up and run, then the pool is shut down."""
        self._free.set()
        self._taken_up()
        self.runner.shutdown()  # waits for the one running

    def deliver(self) -> None:
        posted, self.posted[:] = list(self.posted), []
        for callback in posted:
            callback()


def test_a_queued_look_up_whose_person_has_gone_is_let_go_at_once_not_when_a_worker_is_free():
    """Behind a trickling backend a look-up waited for a worker with the last person's ID number for seconds after
    they left (window-monkey --trickle, seed 772). ``drop_gone`` at the person's end lets it go then: told Dropped,
    never asked, and the number no longer held by the runner."""
    number = complete("33010619580722146")  # nobody else's: not in the catalogue, samples or docs
    here, asked, done, failed = [True], [], [], []
    pool = BusyPool()
    try:
        pool.runner.run(while_current(lambda: here[0], lambda: asked.append(f"drafts of {number}")),
                        done.append, failed.append)
        pool.runner.run(lambda: "owed whoever is there", done.append, failed.append)  # not a look-up: kept
        assert pool.runner.waiting() == 2 and in_memory({number}, pool.runner)  # the queued look-up holds it
        assert pool.runner.drop_gone() == 0 and pool.runner.waiting() == 2  # still there: kept
        here[0] = False
        assert pool.runner.drop_gone() == 1 and pool.runner.waiting() == 1
        assert in_memory({number}, pool.runner) == []
        pool.deliver()
        assert len(failed) == 1 and isinstance(failed[0], Dropped) and done == []  # told at once
    finally:
        pool.free()
    pool.deliver()
    assert asked == [] and done == ["owed whoever is there"] and len(failed) == 1


def test_a_check_that_fails_counts_as_gone():
    pool = BusyPool()
    try:
        pool.runner.run(while_current(lambda: 1 / 0, lambda: "asked"), lambda _r: None, lambda _e: None)
        assert pool.runner.drop_gone() == 1
    finally:
        pool.free()


def test_the_window_lets_go_of_an_applicant_s_look_ups_when_the_next_is_called(services):
    """The licences ready, the saved applications and the catalogue, queued for the first applicant behind a busy
    pool: let go when the clerk calls the next one, with the number, before any worker is free."""
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    pool = BusyPool()
    desk._tasks = pool.runner
    try:
        number = complete("33010619900307555")  # the sample resident's card under a number only this test uses
        desk.card_read(dataclasses.replace(sample_identity("resident"), id_number=number))
        desk.next_applicant()
        assert pool.runner.dropped == 3
        assert in_memory({number}, pool.runner) == []
    finally:
        pool.free()
    pool.deliver()
    assert desk.identity is None and desk.ready_licences == ()


def test_the_kiosk_lets_go_of_a_citizen_s_look_ups_when_their_session_ends(services, monkeypatch):
    asked: list[str] = []
    real = services.backend.drafts
    monkeypatch.setattr(services.backend, "drafts", lambda id_number: (asked.append(id_number), real(id_number))[1])
    session = services.new_citizen_session()
    pool = BusyPool()
    session._tasks = pool.runner
    try:
        identify(session)
        session.end("idle")
        assert pool.runner.dropped == 1  # the saved applications' look-up; the consent's record is owed: kept
    finally:
        pool.free()
    pool.deliver()
    assert asked == []
