"""The terminal's files are 0600 in 0700 folders (issue 13, item 7): logs, audit trail, printed receipts.

Run under the common umask 022, which left them 0644 in 0755 folders.
"""

import logging
import os
import stat
from pathlib import Path

import pytest

from common.masking import Masker
from devices.docprinter.sim import SimDocumentPrinter
from devices.receipt.document import Line, ReceiptDocument
from devices.receipt.sim import SimReceiptPrinter
from common.audit_chain import Head
from kiosk.audit import AuditTrail
from kiosk.logging_setup import configure_logging


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def assert_private(folder: Path, files: list[Path]) -> None:
    assert files, "nothing was written"
    assert mode(folder) == 0o700, f"{folder} is {oct(mode(folder))}"
    loose = {f.name: oct(mode(f)) for f in files if mode(f) != 0o600}
    assert not loose, f"files others can read: {loose}"


def test_log_files_are_private_also_after_rotation(tmp_path):
    folder = tmp_path / "logs"
    path = configure_logging(folder, Masker(), console=False, max_bytes=2000, backups=2)
    try:
        for i in range(100):
            logging.getLogger("onetrip.test").info("line %d of a log that rotates", i)
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "_onetrip", False)]:
            root.removeHandler(handler)
            handler.close()
    assert path.with_name(path.name + ".1").exists()  # it rotated
    assert_private(folder, sorted(folder.iterdir()))


def test_a_log_file_made_before_with_looser_bits_is_tightened(tmp_path):
    folder = tmp_path / "logs"
    folder.mkdir(mode=0o755)
    (folder / "kiosk.log").write_text("old\n")
    os.chmod(folder / "kiosk.log", 0o644)
    path = configure_logging(folder, Masker(), console=False)
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_onetrip", False)]:
        root.removeHandler(handler)
        handler.close()
    assert_private(folder, [path])


def test_the_audit_trail_its_seal_and_acknowledged_head_are_private(tmp_path):
    trail = AuditTrail(tmp_path / "audit" / "trail.jsonl", b"k" * 32)
    entry = trail.record("S001", "sign_in")
    assert trail.acknowledge(Head(1, entry["mac"]))
    trail.flush()
    trail.close()
    assert_private(tmp_path / "audit", sorted((tmp_path / "audit").iterdir()))


def test_printed_receipts_and_documents_of_the_simulators_are_private(tmp_path):
    receipts = SimReceiptPrinter("receipt_printer", tmp_path / "receipts")
    receipts.start()
    try:
        receipts.print_receipt(ReceiptDocument("t", (Line("回执"), Line("No. 1"))), timeout_s=10)
    finally:
        receipts.stop()
    assert_private(tmp_path / "receipts", sorted((tmp_path / "receipts").iterdir()))
    documents = SimDocumentPrinter("document_printer", tmp_path / "documents")
    documents.start()
    try:
        documents.print_pdf(b"%PDF-1.4\n%%EOF\n", "licence", timeout_s=10)
    finally:
        documents.stop()
    assert_private(tmp_path / "documents", sorted((tmp_path / "documents").iterdir()))


def test_the_whole_data_folder_is_private_after_an_offline_case_with_a_scan(sandbox, make_config):
    """Queue database, its -wal and -shm, attachments, markers, sequence, key, logs: all 0600 in 0700."""
    from common.domain import Application, Attachment
    from devices.idcard.samples import sample_identity
    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner

    config = make_config(sandbox.url)
    services = build_services(config, SyncTaskRunner())
    services.start()
    try:
        configure_logging(config.data_dir / "logs", Masker(), "INFO", console=False)
        logging.getLogger("onetrip.test").info("a line")
        service = services.backend.catalogue()[0]
        sandbox.faults.set("down")
        outcome = services.submitter.submit(Application(service, sample_identity("resident"), config.terminal.id),
                                            [Attachment("M1-1.jpg", "image/jpeg", b"\xff\xd8\xff" + b"0" * 2000)])
        assert outcome.provisional  # kept on the terminal, with its scan
    finally:
        services.stop()
        for handler in list(logging.getLogger().handlers):
            if getattr(handler, "_onetrip", False):
                logging.getLogger().removeHandler(handler)
                handler.close()
    folders = [p for p in config.data_dir.rglob("*") if p.is_dir()] + [config.data_dir]
    files = [p for p in config.data_dir.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"queue.sqlite3", "queue.sqlite3-wal"} <= names or "queue.sqlite3" in names
    assert any(p.parent.name == "attachments" for p in files), sorted(names)
    loose_dirs = {str(d.relative_to(config.data_dir)): oct(mode(d)) for d in folders if mode(d) != 0o700}
    loose_files = {str(f.relative_to(config.data_dir)): oct(mode(f)) for f in files if mode(f) != 0o600}
    assert not loose_dirs and not loose_files, (loose_dirs, loose_files)
