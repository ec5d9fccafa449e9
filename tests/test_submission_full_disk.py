"""A full disk at the sequence file's first reservation falls back like the queue's full disk:
the case goes straight to the backend, and only when that fails is the citizen told to ask the
staff (a plain message, nothing half-stored). The disk is a real 64 KB tmpfs, filled up."""

from __future__ import annotations

import pytest

from common.domain import Application
from devices.idcard.samples import sample_identity
from kiosk.queue_setup import Queue
from kiosk.submission import Submitter
from offline_queue.outbox import QueueFullError
from offline_queue.sequence import ProvisionalSequence
from offline_queue.sync import SyncWorker
from sandbox.form_answers import answers
from tests.backend_helpers import TERMINAL, brought, client_for
from tests.queue_helpers import outbox
from tests.small_disk import fill, tmpfs


@pytest.fixture
def full_disk(tmp_path):
    with tmpfs(tmp_path / "full", "64k") as mount:
        fill(mount)
        yield mount


def submitter_with_sequence_on(full_disk, tmp_path, sandbox):
    client = client_for(sandbox.url)
    box = outbox(tmp_path / "queue")
    queue = Queue(box, ProvisionalSequence(full_disk / "sequence.dat", TERMINAL), SyncWorker(box, client))
    return Submitter(queue, client), client, box


def application(client) -> Application:
    service = client.catalogue()[0]
    return Application(service, sample_identity("resident"), TERMINAL, form=answers(service),
                       counter_checked=brought(service))


def test_the_case_goes_straight_to_the_backend(full_disk, tmp_path, sandbox):
    submitter, client, box = submitter_with_sequence_on(full_disk, tmp_path, sandbox)
    outcome = submitter.submit(application(client))
    assert not outcome.provisional and outcome.number.startswith("SQ")
    assert sandbox.store.case(outcome.number) is not None
    assert box.items() == []  # nothing half-stored on the terminal


def test_with_the_backend_away_the_citizen_gets_the_plain_message(full_disk, tmp_path, sandbox):
    submitter, client, box = submitter_with_sequence_on(full_disk, tmp_path, sandbox)
    app = application(client)
    sandbox.faults.set("down")
    with pytest.raises(QueueFullError) as caught:
        submitter.submit(app)
    assert "cannot reserve provisional numbers" in caught.value.detail
    assert "工作人员" in caught.value.message.render("zh_CN")
    assert box.items() == []
