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
from kiosk.tasks import SyncTaskRunner
from kiosk.workflows.citizen import Step
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


class Aside:
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
    pages = [Attachment(f"M1-{n}.jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + os.urandom(300_000)) for n in (1, 2, 3)]
    client = client_for(sandbox.url)
    try:
        draft = client.save_draft(ZHANG, "GT-001", {}, attachments=pages)
    finally:
        client.close()
    runner = Aside()
    with SlowLine(sandbox.url, rate=FAST, back_rate=300_000) as line:
        services = build_services(make_config(line.url), runner)
        services.start()
        try:
            asked: list[str] = []
            fetch = services.backend.draft_page
            services.backend.draft_page = lambda draft_id, name, sha256=None: (
                asked.append(name), fetch(draft_id, name, sha256))[1]
            session = services.new_citizen_session()
            identify(session)
            assert [d["draft_id"] for d in session.drafts_found] == [draft["draft_id"]]
            runner.aside = True
            session.resume_draft(draft["draft_id"])
            deadline = time.monotonic() + 10
            while not asked:
                assert time.monotonic() < deadline, "the first page was never asked for"
                time.sleep(0.02)
            session.end("idle")
            runner.shutdown()
        finally:
            services.stop()
    assert asked == ["M1-1.jpg"]
    assert session.step is Step.HOME and session.identity is None and session.checklist is None
