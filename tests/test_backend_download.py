"""A large answer on a slow hall line arrives; one that falls behind the slowest line given is cut
(kiosk/backend/answer_watch.py).

A draft's page fetched through :class:`sandbox.bad_lines.SlowLine`, whose way back to the terminal carries a set
number of bytes a second, from a real sandbox. Before the answer's deadline moved with its body, every answer had
to be whole within twice the read timeout: a 5 MB page needed 250 KB/s, and on a slower line a saved application
could never be continued.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time

import pytest

from common.backend_errors import OfflineError
from common.domain import Attachment
from kiosk.app import build_services
from devices.idcard.samples import sample_identity
from kiosk.tasks import Dropped, SyncTaskRunner
from kiosk.workflows.citizen import Step
from kiosk.workflows.clerk import Desk
from sandbox.bad_lines import SlowLine
from tests.backend_helpers import client_for
from tests.citizen_steps import identify

ZHANG = "330106199003071236"
FAST = 50_000_000  # bytes a second: the way to the backend is not what is measured here


def saved_page(sandbox, size: int) -> tuple[str, Attachment, str]:
    """A draft with one page of ``size`` bytes that do not compress, saved directly: its id, the page, its sha256."""
    page = Attachment("M1-1.jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + os.urandom(size - 4))
    client = client_for(sandbox.url)
    try:
        draft = client.save_draft(ZHANG, "GT-001", {}, attachments=[page])
    finally:
        client.close()
    return draft["draft_id"], page, hashlib.sha256(page.data).hexdigest()


def test_a_large_page_on_a_slow_line_arrives_past_the_answers_limit(sandbox):
    """600 KB at 200 KB/s (about 3 s) with an answer's limit of 1 s: its body keeps coming faster than the slowest
    line given (16 KiB/s), so its deadline moves with it and the page arrives whole, once."""
    draft_id, page, sha256 = saved_page(sandbox, 600_000)
    with SlowLine(sandbox.url, rate=FAST, back_rate=200_000) as line:
        client = client_for(line.url, connect_timeout_s=0.3, read_timeout_s=0.5, retries=0)
        try:
            assert client.answer_limit_s == 1.0
            started = time.monotonic()
            data = client.draft_page(draft_id, page.name, sha256)
            took = time.monotonic() - started
        finally:
            client.close()
    assert data == page.data
    assert took > 2.0  # it came at the line's pace, well past the answer's limit


def test_an_answer_falling_behind_the_slowest_line_given_is_cut_and_said_so(sandbox):
    """A hall that gives answers 100 KiB/s at least, and a line carrying 30 KB/s: past the answer's limit (1 s) the
    body has not kept up, so the call fails like a cut line soon after the limit, saying the answer came too slowly;
    the page would have taken 10 s. (The body is counted in 16 KiB pieces, so one that has not brought a piece within
    the limit is cut at the limit, as "no whole answer".)"""
    draft_id, page, sha256 = saved_page(sandbox, 300_000)
    with SlowLine(sandbox.url, rate=FAST, back_rate=30_000) as line:
        client = client_for(line.url, connect_timeout_s=0.3, read_timeout_s=0.5, retries=0,
                            min_download_kib_per_second=100.0)
        try:
            started = time.monotonic()
            with pytest.raises(OfflineError) as cut:
                client.draft_page(draft_id, page.name, sha256)
            took = time.monotonic() - started
        finally:
            client.close()
    assert "came slower than 100 KiB/s" in cut.value.detail, cut.value.detail
    assert took < 5.0


def saved_pages(sandbox, id_number: str, size: int) -> dict:
    """A draft of three pages (M1-1..3.jpg) of ``size`` bytes that do not compress, saved directly for ``id_number``."""
    pages = [Attachment(f"M1-{n}.jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + os.urandom(size)) for n in (1, 2, 3)]
    client = client_for(sandbox.url)
    try:
        return client.save_draft(id_number, "GT-001", {}, attachments=pages)
    finally:
        client.close()


def pages_asked(services) -> list[str]:
    """The names of the draft pages the terminal's client is asked for from now on, in order (filled as it goes)."""
    asked: list[str] = []
    fetch = services.backend.draft_page
    services.backend.draft_page = lambda draft_id, name, sha256=None, **kw: (
        asked.append(name), fetch(draft_id, name, sha256, **kw))[1]
    return asked


def first_asked(asked: list[str]) -> None:
    deadline = time.monotonic() + 10
    while not asked:
        assert time.monotonic() < deadline, "the first page was never asked for"
        time.sleep(0.02)


class Aside(SyncTaskRunner):
    """Background work at once (as SyncTaskRunner) until ``aside`` is set; then on a thread of its own, as the
    terminal's pool runs it, so that the citizen can walk away meanwhile."""

    def __init__(self) -> None:
        self.aside = False
        self.threads: list[threading.Thread] = []

    def run(self, fn, on_done, on_error) -> None:
        if not self.aside:
            SyncTaskRunner().run(fn, on_done, on_error)
            return
        thread = threading.Thread(target=SyncTaskRunner().run, args=(fn, on_done, on_error))
        thread.start()
        self.threads.append(thread)

    def shutdown(self) -> None:
        for thread in self.threads:
            thread.join(30)


def test_a_saved_application_on_a_slow_line_is_fetched_no_further_once_its_citizen_has_gone(sandbox, make_config):
    """Three pages of 300 KB at 300 KB/s, a second each: the citizen's session ends (the idle timeout) while the
    first is coming; the pages after it are not asked for, so the worker is free a second later, not three, and
    nothing of theirs is fetched for nobody. (Before: every page, whoever was at the screen.)"""
    draft = saved_pages(sandbox, ZHANG, 300_000)
    runner = Aside()
    with SlowLine(sandbox.url, rate=FAST, back_rate=300_000) as line:
        services = build_services(make_config(line.url), runner)
        services.start()
        try:
            asked = pages_asked(services)
            session = services.new_citizen_session()
            identify(session)
            assert [d["draft_id"] for d in session.drafts_found] == [draft["draft_id"]]
            runner.aside = True
            session.resume_draft(draft["draft_id"])
            first_asked(asked)
            session.end("idle")
            runner.shutdown()
        finally:
            services.stop()
    assert asked == ["M1-1.jpg"]
    assert session.step is Step.HOME and session.identity is None and session.checklist is None


def test_a_page_no_longer_wanted_stops_coming_within_a_piece(sandbox):
    """600 KB at 200 KB/s would take 3 s; its caller stops waiting after three pieces (48 KiB): the call ends at
    once with Dropped, not OfflineError (nothing failed), and the line is left (its connection closed)."""
    draft_id, page, sha256 = saved_page(sandbox, 600_000)
    asked = []
    with SlowLine(sandbox.url, rate=FAST, back_rate=200_000) as line:
        client = client_for(line.url, connect_timeout_s=0.3, read_timeout_s=0.5, retries=2)
        try:
            started = time.monotonic()
            with pytest.raises(Dropped):
                client.draft_page(draft_id, page.name, sha256, wanted=lambda: (asked.append(1), len(asked) < 3)[1])
            took = time.monotonic() - started
        finally:
            client.close()
    assert len(asked) == 3  # asked after each piece, and not tried again once it said no
    assert took < 1.5  # about 0.25 s of the line's pace; the whole page would have taken 3 s


def test_the_clerk_stops_waiting_for_a_saved_application_on_a_slow_line(sandbox, make_config):
    """Three pages of 600 KB at 200 KB/s, three seconds each: the clerk presses "Stop waiting" while the first comes.
    The desk is theirs again at once, nothing of the application is in the matter, the page on its way stops within a
    piece, the others are never asked for, and the application stays saved for another try. (Before: nine seconds
    of a desk nobody could use, the clerk unable even to call the next applicant.)"""
    applicant = sample_identity("resident")
    draft = saved_pages(sandbox, applicant.id_number, 600_000)
    desk_runner = Aside()
    desk_runner.aside = True
    with SlowLine(sandbox.url, rate=FAST, back_rate=200_000) as line:
        services = build_services(make_config(line.url), SyncTaskRunner(), desk_tasks=desk_runner)
        services.start()
        try:
            asked = pages_asked(services)
            desk = services.new_clerk_desk()
            desk.sign_in("XH0001", "demo-XH0001")
            desk.card_read(sample_identity("resident"))
            assert [d["draft_id"] for d in desk.drafts_found] == [draft["draft_id"]]
            assert not desk.can_stop_waiting()
            desk.resume_draft(draft["draft_id"])
            assert desk.busy and desk.can_stop_waiting()
            first_asked(asked)
            time.sleep(0.3)  # the page is coming
            desk.stop_waiting()
            assert desk.step is Desk.WAITING and not desk.busy and not desk.can_stop_waiting()
            assert desk.service is None and desk.checklist is None and not desk.notice.error, desk.notice
            assert desk.can_resume_draft()  # another try, or the next applicant: the desk is the clerk's
            stopped = time.monotonic()
            desk_runner.shutdown()
            freed = time.monotonic() - stopped
            assert desk.step is Desk.WAITING and desk.service is None  # the worker's end changed nothing
            audited = [e["action"] for e in services.audit.recent]
        finally:
            services.stop()
    assert asked == ["M1-1.jpg"]
    assert freed < 1.5  # within a piece or two at 200 KB/s; the page's rest would have been 2.7 s
    assert "draft_load_stopped" in audited and "draft_resumed" not in audited
    client = client_for(sandbox.url)
    try:
        assert [d["draft_id"] for d in client.drafts(applicant.id_number)] == [draft["draft_id"]]
    finally:
        client.close()
