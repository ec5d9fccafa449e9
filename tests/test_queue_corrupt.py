"""One bad item never blocks the rest, and a damaged row is quarantined, never delivered altered."""

import sqlite3

import pytest

from entry.bench.queue_corrupt import RecordingBackend, run_flips
from offline_queue.crypto import TamperedError
from tests.queue_helpers import SCAN, fast_sync, outbox

BODY = {"application_id": "c" * 32, "applicant": {"id_number": "330106199003071236", "name": "张测试"}}


@pytest.mark.parametrize("column, value", [
    ("idempotency_key", "key-00000009"), ("provisional_number", "P-T-20261127-00009-X"), ("applicant", "0" * 32),
    ("created_at", 1.5), ("files", '[{"idx": 0, "name": "other.pdf", "mime": "application/pdf", "size": 3004}]'),
])
def test_a_changed_field_of_a_row_quarantines_it_instead_of_sending_it_altered(tmp_path, column, value):
    box = outbox(tmp_path)
    bad = box.enqueue(BODY, "key-00000001", "A", "P-T-20261127-00001-X", [SCAN])
    good = box.enqueue(BODY, "key-00000002", "B", "P-T-20261127-00002-X", [SCAN])
    box._db.execute(f"UPDATE items SET {column} = ? WHERE id = ?", (value, bad))
    with pytest.raises(TamperedError, match="does not authenticate"):
        box.load(bad)
    backend = RecordingBackend()
    fast_sync(box, backend).run_once()
    assert [key for _body, key, _files in backend.received] == ["key-00000002"]
    assert box.item(bad).state == "quarantined" and "authenticate" in box.item(bad).last_error
    assert box.item(good).state == "delivered"


def test_a_damaged_state_or_bad_text_never_fails_the_start_or_a_read(tmp_path):
    box = outbox(tmp_path)
    items = [box.enqueue(BODY, f"key-0000000{n}", f"A{n}") for n in range(3)]
    box._db.execute("UPDATE items SET state = 'pendinf' WHERE id = ?", (items[0],))
    box._db.execute("UPDATE items SET last_error = CAST(x'ff00fe' AS TEXT), attempts = 'x' WHERE id = ?", (items[1],))
    box._db.execute("UPDATE items SET next_attempt_at = 1e300 WHERE id = ?", (items[2],))  # a retry time never reached
    box.close()
    box = outbox(tmp_path)
    assert box.item(items[0]).state == "quarantined" and "unknown state" in box.item(items[0]).last_error
    backend = RecordingBackend()
    fast_sync(box, backend).run_once()
    assert sorted(key for _b, key, _f in backend.received) == ["key-00000001", "key-00000002"]


def test_random_bit_flips_lose_and_alter_nothing_silently_and_never_fail_a_start(tmp_path):
    result = run_flips(60, items=6, seed=13, workdir=tmp_path / "bench")
    assert result["failed_starts"] == 0, result["notes"]
    assert result["flips_with_silent"] == 0, result["notes"]
    totals = result["totals"]
    assert totals["silently lost"] == totals["silently altered"] == 0
    assert totals["intact"] > 0 and sum(totals.values()) == 60 * 6


def test_the_row_scheme_reads_a_queue_written_before_it(tmp_path):
    box = outbox(tmp_path)
    box.close()
    db = sqlite3.connect(tmp_path / "queue.sqlite3")  # a row as the outbox wrote it before: bound to its id only
    sealed = box._sealer.seal(b'{"n": 1}', b"0123456789abcdef0123456789abcdef")
    db.execute("INSERT INTO items (id, applicant, idempotency_key, state, next_attempt_at, created_at, size, payload, "
               "aad) VALUES ('0123456789abcdef0123456789abcdef', 'A', 'key-legacy-1', 'pending', 0, 0, 10, ?, 1)",
               (sealed,))
    db.commit()
    db.close()
    assert outbox(tmp_path).load("0123456789abcdef0123456789abcdef").body == {"n": 1}
