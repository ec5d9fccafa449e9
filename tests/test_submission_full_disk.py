"""A full disk at the sequence file's first reservation falls back like the queue's full disk:
the case goes straight to the backend, and only when that fails is the citizen told to ask the
staff (a plain message, nothing half-stored). The disk is a real 64 KB tmpfs, filled up."""

from __future__ import annotations

import subprocess

import pytest

from common.domain import Application, Attachment
from devices.idcard.samples import sample_identity
from kiosk.queue_setup import Queue
from kiosk.submission import Submitter
from offline_queue.outbox import QueueFullError
from offline_queue.sequence import ProvisionalSequence
from offline_queue.sync import SyncWorker
from sandbox.form_answers import answers
from tests.backend_helpers import TERMINAL, brought, client_for
from tests.queue_helpers import JPEG, outbox
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


def test_a_disk_gone_read_only_under_the_queue_sends_the_case_straight_to_the_backend(tmp_path, sandbox):
    """A worn disk remounted read-only while the terminal runs: the pages could not be written (EROFS), and the raw
    error went up to the citizen's submission instead of the way round a full disk takes. The queue's page folder is
    covered by a read-only tmpfs after the queue opened (a real mount: the database itself stays writable)."""
    client = client_for(sandbox.url)
    box = outbox(tmp_path / "queue")
    queue = Queue(box, ProvisionalSequence(tmp_path / "sequence.dat", TERMINAL), SyncWorker(box, client))
    pages = tmp_path / "queue" / "attachments"
    assert pages.is_dir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(pages)], check=True, timeout=10)
    try:
        service = client.catalogue()[0]
        scan = [Attachment(f"{service.materials[-1].code}-1.jpg", "image/jpeg", JPEG)]  # a page of a copy
        with pytest.raises(QueueFullError) as caught:
            box.enqueue({"service_code": "S1"}, "key-00000001", "110101199003077777", attachments=scan)
        assert "Read-only file system" in caught.value.detail
        app = Application(service, sample_identity("resident"), TERMINAL, form=answers(service),
                          counter_checked=brought(service))
        outcome = Submitter(queue, client).submit(app, scan)
        assert not outcome.provisional and sandbox.store.case(outcome.number) is not None
        assert box.items() == []
    finally:
        subprocess.run(["umount", "-l", str(pages)], timeout=10)
