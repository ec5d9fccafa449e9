"""A look-up the window queued for an applicant who has gone by the time a worker takes it up is not asked
(kiosk/tasks.py ``while_current``): behind a slow backend, stale look-ups held the workers a clerk's decision waited
for (kiosk bench window-monkey --trickle, seed 560: "Do not accept" still busy after 30 s), and they sent the ID
number of someone no longer at the window. Against the sandbox over HTTP, the tasks run when the test says."""

from typing import Any, Callable

import pytest

from devices.idcard.samples import sample_identity
from kiosk.tasks import Dropped, SyncTaskRunner, while_current
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
