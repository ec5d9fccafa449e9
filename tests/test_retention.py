"""Retention by rule (kiosk/retention.py): one table of the kinds of personal data on the terminal, its
durations configured in [retention], docs/retention.md written from it, and the sync worker's pass deleting
each kind when it is due and not before (the clock injected, never slept on)."""

import logging
import os
import math
import time
from pathlib import Path

import pytest

from common.domain import Attachment
from common.options import ConfigError
from devices.docprinter.sim import SimDocumentPrinter
from devices.receipt.document import Line, ReceiptDocument
from devices.receipt.sim import SimReceiptPrinter
from kiosk.backend.client import BackendClient
from kiosk.config import Config, merge
from kiosk.logging_setup import PrivateRotatingFileHandler
from kiosk.queue_setup import build_queue, open_outbox
from kiosk.retention import DAY_S, KINDS, LOG_DIR, markdown, report_lines

ROOT = Path(__file__).resolve().parents[1]
MARGIN_S = 60.0  # the things are made within seconds of the clock's start: a minute either side of each due time

PERIODS_DAYS = {"printouts": 1, "logs": 2, "dead": 3, "quarantined": 4, "moved_aside": 7}  # one kind after another


def test_the_document_is_the_table():
    assert (ROOT / "docs" / "retention.md").read_text(encoding="utf-8") == markdown(), \
        "regenerate it: python -m kiosk.retention > docs/retention.md"


def test_every_duration_of_the_table_is_a_configured_key_and_every_swept_kind_has_a_rule():
    keys = {f"{k.rule}" for k in KINDS if k.rule.endswith("_days")}
    assert keys == set(vars(Config().retention)), "a [retention] key no kind uses, or a kind with no key"
    assert {k.key for k in KINDS if k.swept} == {"delivered", *PERIODS_DAYS}


@pytest.mark.parametrize("value,said", [(math.nan, "NaN"), (math.inf, "infinity are refused"), (0, "below the minimum"),
                                        (400, "above the maximum"), ("thirty", "expected")])
def test_a_wrong_duration_is_refused_naming_the_key(value, said):
    with pytest.raises(ConfigError) as refused:
        merge(Config(), {"retention": {"dead_days": value}}, "site.toml")
    assert "site.toml: [retention] dead_days" in str(refused.value)
    assert said.lower() in str(refused.value).lower()


def test_an_unknown_retention_key_is_refused():
    with pytest.raises(ConfigError, match=r"\[retention\] forever_days: unknown key"):
        merge(Config(), {"retention": {"forever_days": 3}}, "site.toml")


def print_one_of_each(data_dir: Path) -> None:
    receipts = SimReceiptPrinter("receipt_printer", data_dir / "receipts")
    documents = SimDocumentPrinter("document_printer", data_dir / "printouts")
    for printer in (receipts, documents):
        printer.start()
    try:
        receipts.print_receipt(ReceiptDocument("t", (Line("回执"), Line("No. 1"))), timeout_s=10)
        documents.print_pdf(b"%PDF-1.4\n%%EOF\n", "licence", timeout_s=10)
    finally:
        for printer in (receipts, documents):
            printer.stop()


def rotate_a_log(log_dir: Path) -> None:
    log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    handler = PrivateRotatingFileHandler(log_dir / "kiosk.log", maxBytes=1 << 20, backupCount=5, encoding="utf-8")
    try:
        handler.emit(logging.makeLogRecord({"msg": "session: ended (finished)", "levelno": logging.INFO}))
        handler.doRollover()
        handler.emit(logging.makeLogRecord({"msg": "the current file stays", "levelno": logging.INFO}))
    finally:
        handler.close()


def move_a_damaged_database_aside(config: Config, clock) -> None:
    """A queue whose database is found empty after it was made is moved aside at the next start (recovery.py)."""
    box = open_outbox(config, clock)
    box.close()
    (config.data_dir / "queue" / "queue.sqlite3").write_bytes(b"")
    box = open_outbox(config, clock)
    assert box.recovered_from is not None
    box.close()


def on_disk(config: Config, box) -> dict[str, int]:
    data, queue = config.data_dir, config.data_dir / "queue"
    states = box.status()["counts"]
    # printouts: the receipt's bytes and picture, the document's PDF
    return {"delivered": sum(1 for i in box.items() if i.state == "delivered" and i.has_payload),
            "dead": states["dead"], "quarantined": states["quarantined"],
            "moved_aside": len(list(queue.glob("corrupt-*"))),
            "logs": len(list((data / LOG_DIR).glob("kiosk.log.*"))),
            "printouts": sum(len(list((data / d).iterdir())) for d in ("receipts", "printouts") if (data / d).is_dir())}


def test_each_kind_goes_exactly_when_its_period_is_up(make_config):
    config = make_config(retention={f"{kind}_days": days for kind, days in PERIODS_DAYS.items()},
                         devices={"document_printer": {"output_dir": "printouts"}})
    start, offset = time.time(), [0.0]

    def clock() -> float:
        return start + offset[0]

    move_a_damaged_database_aside(config, clock)
    backend = BackendClient(config.backend, config.terminal.id)
    queue = build_queue(config, backend, clock)
    try:
        box = queue.outbox
        scan = [Attachment("M1-1.jpg", "image/jpeg", b"\xff\xd8 a page \xff\xd9")]
        items = {kind: box.enqueue({"service_code": "S1"}, f"key-{kind}", "110101199003077777", attachments=scan)
                 for kind in ("delivered", "dead", "quarantined", "pending")}
        box.mark_delivered(items["delivered"], "C-1", purge=False)  # as a worker told to keep it for a while
        box.mark_dead(items["dead"], "422 refused")
        box.quarantine(items["quarantined"], "does not authenticate")
        rotate_a_log(config.data_dir / LOG_DIR)
        print_one_of_each(config.data_dir)
        assert on_disk(config, box) == {"delivered": 1, "dead": 1, "quarantined": 1, "moved_aside": 1, "logs": 1,
                                        "printouts": 3}

        removed = queue.sync.retention()  # the sync worker's pass: delivered payloads go at once (purge_after_s 0)
        assert removed == {"delivered": 1, "dead": 0, "quarantined": 0, "moved_aside": 0, "logs": 0, "printouts": 0}
        gone = {"delivered"}
        for kind, days in sorted(PERIODS_DAYS.items(), key=lambda kv: kv[1]):
            offset[0] = days * DAY_S - MARGIN_S
            assert queue.sync.retention()[kind] == 0, f"{kind} deleted before its {days} days"
            offset[0] = days * DAY_S + MARGIN_S
            assert queue.sync.retention()[kind] == (3 if kind == "printouts" else 1), f"{kind} kept past its time"
            gone.add(kind)
            left = on_disk(config, box)
            assert all(left[k] == 0 for k in gone) and all(left[k] > 0 for k in left if k not in gone), (kind, left)
            report = queue.retention.last
            assert report.at == clock() and report.kept[kind].count == 0 and report.kept[kind].first_due is None
        assert box.item(items["pending"]).state == "pending" and box.item(items["pending"]).has_payload
        assert (config.data_dir / LOG_DIR / "kiosk.log").exists(), "the current log file is never deleted under it"
        assert not list((config.data_dir / "queue" / "attachments").glob(f"{items['dead']}.*"))
    finally:
        queue.close()
        backend.close()


def test_the_report_says_what_is_kept_and_until_when(make_config):
    config = make_config(retention={"dead_days": 3})
    start = time.time()
    backend = BackendClient(config.backend, config.terminal.id)
    queue = build_queue(config, backend, lambda: start)
    try:
        item = queue.outbox.enqueue({"service_code": "S1"}, "key-dead", "110101199003077777")
        queue.outbox.mark_dead(item, "422 refused")
        queue.sync.retention()
        kept = queue.retention.last.kept
        assert kept["dead"].count == 1 and kept["dead"].first_due == start + 3 * DAY_S
        assert kept["quarantined"].count == 0 and kept["quarantined"].first_due is None
        lines = [line.render("en") for line in report_lines(queue.status()["retention"])]  # maintenance's lines
        due = time.strftime("%Y-%m-%d", time.localtime(start + 3 * DAY_S))
        assert lines[0].startswith("Retention, last pass ") and len(lines) == 2  # nothing removed: no line for it
        assert lines[1] == f"Kept: dead letters, 1 item; the first is deleted on {due}"
        assert report_lines(None)[0].render("zh_CN") == "保存期限：终端启动后尚未清理"
    finally:
        queue.close()
        backend.close()


def test_the_current_log_file_holds_one_day_at_most(tmp_path):
    """The log rotates at the first record of a new day too (kiosk/logging_setup.py), so no record waits in
    the current file past its day for a quiet terminal's file to reach its size: the pass's period then
    bounds every record."""
    day_s = 86400.0
    yesterday = time.mktime((2026, 11, 30, 12, 0, 0, 0, 0, -1))
    path = tmp_path / "kiosk.log"
    handler = PrivateRotatingFileHandler(path, maxBytes=1 << 20, backupCount=40, encoding="utf-8")
    try:
        for at, msg in ((yesterday, "first"), (yesterday + 60, "second"), (yesterday + day_s, "next day")):
            handler.emit(logging.makeLogRecord({"msg": msg, "levelno": logging.INFO, "created": at}))
    finally:
        handler.close()
    assert path.read_text("utf-8").split() == ["next", "day"]
    assert path.with_name("kiosk.log.1").read_text("utf-8").split() == ["first", "second"]
    # a file last written yesterday, found at start, rotates at today's first record
    os.utime(path, (yesterday, yesterday))
    reopened = PrivateRotatingFileHandler(path, maxBytes=1 << 20, backupCount=40, encoding="utf-8")
    try:
        reopened.emit(logging.makeLogRecord({"msg": "today", "levelno": logging.INFO, "created": time.time()}))
    finally:
        reopened.close()
    assert path.read_text("utf-8").split() == ["today"]
    assert path.with_name("kiosk.log.2").read_text("utf-8").split() == ["first", "second"]
    assert (path.stat().st_mode & 0o777) == 0o600


def test_a_clock_that_was_or_is_wrong_deletes_no_refused_application_for_its_age(make_config, caplog):
    """A terminal with a dead clock battery starts in 2000 (or 1970), until NTP or staff set it: an application
    refused then was stamped in 2000, and the clock set right made it 26 years old, deleted at the next pass before
    staff saw it. A clock far ahead (the backend's signed answers say how far) made every refused one look decades
    old. While the clock is wrong nothing is deleted for its age; once right, what the wrong clock stamped is counted
    from then, and one stamped ahead is not kept for decades."""
    from kiosk.retention import CLOCK_PLAUSIBLE_SINCE

    config = make_config(retention={"dead_days": 3, "quarantined_days": 3})
    now, offset = [time.mktime((2000, 1, 1, 9, 0, 0, 0, 0, -1))], [0.0]
    backend = BackendClient(config.backend, config.terminal.id)
    box = open_outbox(config, lambda: now[0])
    from kiosk.retention import RetentionPass

    retention = RetentionPass(config, box, lambda: now[0], lambda: offset[0])
    try:
        scan = [Attachment("M1-1.jpg", "image/jpeg", b"\xff\xd8 a page \xff\xd9")]
        refused_in_2000 = box.enqueue({"service_code": "S1"}, "key-2000", "110101199003077777", attachments=scan)
        box.mark_dead(refused_in_2000, "422 refused")
        now[0] += 10 * DAY_S
        assert retention()["dead"] == 0 and retention.clock_wrong(now[0])  # still 2000: nothing goes
        assert retention()["dead"] == 0  # a pass a minute: the log says it once
        assert caplog.text.count("nothing is deleted for its age") == 1
        assert "This terminal's clock is wrong: nothing is deleted for its age until it is set right." in [
            line.render("en") for line in report_lines(retention.last)]
        now[0] = CLOCK_PLAUSIBLE_SINCE + 300 * DAY_S  # set right
        assert retention()["dead"] == 0, "a refused application deleted the moment the clock was set right"
        assert not retention.last.clock_wrong
        assert box.item(refused_in_2000).state == "dead"
        now[0] += 3 * DAY_S - MARGIN_S
        assert retention()["dead"] == 0
        now[0] += 2 * MARGIN_S
        assert retention()["dead"] == 1  # its whole period, counted from when the clock was right

        stamped_ahead = box.enqueue({"service_code": "S1"}, "key-ahead", "110101199003077777", attachments=scan)
        later = now[0]
        now[0] = later + 40 * 365 * DAY_S  # the clock jumps decades ahead
        box.mark_dead(stamped_ahead, "422 refused")
        offset[0] = -(now[0] - later)  # the backend's answers say so
        assert retention()["dead"] == 0 and retention.clock_wrong(now[0])
        now[0], offset[0] = later, 0.0  # set right again: the item stamped decades ahead is counted from now
        assert retention()["dead"] == 0
        now[0] += 3 * DAY_S + MARGIN_S
        assert retention()["dead"] == 1, "an item stamped by a clock ahead kept for decades"
        offset[0] = math.nan
        assert retention.clock_wrong(now[0])
    finally:
        box.close()
        backend.close()
