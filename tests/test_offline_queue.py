"""The outbox on disk: durable, encrypted, bounded, recoverable."""

import datetime as dt
import os
import subprocess
import sys

import pytest

from common.domain import Attachment
from offline_queue.crypto import KeyFileError, Sealer, TamperedError, load_or_create_key
from offline_queue.outbox import QueueFullError, QueueLimits
from offline_queue import sequence
from offline_queue.sequence import ProvisionalSequence
from common import provisional
from common.checkchars import MOD37_2, pure_check
from tests.queue_helpers import KEY, SCAN, outbox
from tests.small_disk import tmpfs

BODY = {"application_id": "a" * 32, "applicant": {"id_number": "330106199003071236", "name": "张测试"}}


@pytest.mark.parametrize("cipher", ["AES-256-GCM", "SM4-GCM"])
def test_seal_and_open_with_the_item_id_bound_in(cipher):
    sealer = Sealer(KEY, cipher)
    blob = sealer.seal(b"secret", b"item-1")
    assert sealer.open(blob, b"item-1") == b"secret"
    with pytest.raises(TamperedError):
        sealer.open(blob, b"item-2")  # moved to another item
    with pytest.raises(TamperedError):
        sealer.open(blob[:-1] + bytes([blob[-1] ^ 1]), b"item-1")
    assert Sealer(KEY, "AES-256-GCM").open(Sealer(KEY, "SM4-GCM").seal(b"x", b"i"), b"i") == b"x"


@pytest.mark.parametrize("cipher", ["AES-256-GCM", "SM4-GCM"])
@pytest.mark.parametrize("size", [0, 1, 1000, 256 * 1024, 700_001])
def test_streamed_seal_opens_like_a_whole_one(cipher, size):
    sealer = Sealer(KEY, cipher)
    plaintext = os.urandom(size)
    blob = b"".join(bytes(chunk) for chunk in sealer.seal_chunks(plaintext, b"item-1:0", chunk=256 * 1024))
    assert len(blob) == len(sealer.seal(plaintext, b"item-1:0"))
    assert sealer.open(blob, b"item-1:0") == plaintext
    with pytest.raises(TamperedError):
        sealer.open(blob, b"item-1:1")  # moved to another attachment slot


def test_key_file_is_created_private_and_checked(tmp_path):
    path = tmp_path / "queue.key"
    key = load_or_create_key(path)
    assert len(key) == 32 and (path.stat().st_mode & 0o777) == 0o600
    assert load_or_create_key(path) == key
    path.chmod(0o644)
    with pytest.raises(KeyFileError, match="owner only"):
        load_or_create_key(path)
    path.chmod(0o600)
    path.write_bytes(b"short")
    with pytest.raises(KeyFileError, match="exactly 32 bytes"):
        load_or_create_key(path)


def test_nothing_personal_is_stored_in_the_clear(tmp_path):
    box = outbox(tmp_path)
    item = box.enqueue(BODY, "key-00000001", "330106199003071236", "P-T-20261127-00001-X",
                       [Attachment("M2-1.jpg", "image/jpeg", b"\xff\xd8\xff" + "张测试的扫描件".encode() * 100)])
    box.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    for secret in (b"330106199003071236", "张测试".encode(), "张测试的扫描件".encode()):
        assert secret not in raw
    box = outbox(tmp_path)
    loaded = box.load(item)
    assert loaded.body == BODY and loaded.attachments[0].data.startswith(b"\xff\xd8\xff")
    loaded.wipe()
    assert loaded.body == {} and loaded.buffers == []


def test_delivery_purges_payload_and_scans_and_keeps_audit_metadata(tmp_path):
    box = outbox(tmp_path)
    item = box.enqueue(BODY, "key-00000001", "330106199003071236", None, [SCAN, SCAN])
    assert len(list((tmp_path / "attachments").glob(f"{item}.*.bin"))) == 2
    box.mark_delivered(item, "SQ2026112700001")
    meta = box.item(item)
    assert meta.state == "delivered" and meta.case_number == "SQ2026112700001" and not meta.has_payload
    assert not list((tmp_path / "attachments").glob(f"{item}.*"))
    assert box.purge_delivered(keep_metadata_days=0) == 0
    assert box.item(item) is None  # past retention, the metadata goes too


def test_delayed_purge(tmp_path):
    now = [1000.0]
    box = outbox(tmp_path)
    box._clock = lambda: now[0]
    item = box.enqueue(BODY, "key-00000001", "330106199003071236")
    box.mark_delivered(item, "SQ1", purge=False)
    assert box.purge_delivered(older_than_s=60) == 0 and box.item(item).has_payload
    now[0] += 61
    assert box.purge_delivered(older_than_s=60) == 1 and not box.item(item).has_payload


def test_per_applicant_order_and_backoff(tmp_path):
    box = outbox(tmp_path)
    a1 = box.enqueue(BODY, "k-a1-0000", "A")
    a2 = box.enqueue(BODY, "k-a2-0000", "A")
    b1 = box.enqueue(BODY, "k-b1-0000", "B")
    assert [i.id for i in box.due()] == [a1, b1]
    box.mark_retry(a1, "OfflineError", 60)
    assert [i.id for i in box.due()] == [b1]  # a2 waits behind a1: order per applicant is kept
    box.mark_dead(a1, "422 bad")
    assert [i.id for i in box.due()] == [a2, b1]
    assert box.retry(dead=True) == 1


def test_limits_refuse_with_a_plain_message_and_store_nothing(tmp_path):
    box = outbox(tmp_path, limits=QueueLimits(min_free_mb=0, max_items=1))
    box.enqueue(BODY, "key-00000001", "A")
    with pytest.raises(QueueFullError) as caught:
        box.enqueue(BODY, "key-00000002", "A", None, [SCAN])
    assert "无法保存" in caught.value.message.render("zh_CN") and "quota" in caught.value.detail
    assert len(box.items()) == 1 and list((tmp_path / "attachments").iterdir()) == []
    roomy = outbox(tmp_path / "2", limits=QueueLimits(min_free_mb=10**9))
    with pytest.raises(QueueFullError, match="free disk"):
        roomy.enqueue(BODY, "key-00000003", "A")


def test_a_full_disk_never_corrupts_the_queue(tmp_path):
    with tmpfs(tmp_path / "small", "600k") as mount:
        # The free-space check off (negative threshold), so the writes run into the disk's own ENOSPC.
        box = outbox(mount, limits=QueueLimits(min_free_mb=-10))
        stored, refused = [], 0
        for n in range(40):
            try:
                stored.append(box.enqueue(BODY, f"key-{n:08d}", "A", None, [Attachment("M", "image/jpeg",
                                                                                        os.urandom(60_000))]))
            except QueueFullError as exc:
                assert "the disk cannot store the item" in exc.detail and "the disk is full" in exc.detail
                refused += 1
        assert refused and stored
        box.close()
        box = outbox(mount, limits=QueueLimits(min_free_mb=-10))  # reopens cleanly: no corruption, every stored item intact
        assert box.recovered_from is None
        for item in stored:
            assert box.load(item).attachments[0].name == "M"
        assert not list(mount.rglob("*.tmp"))
        box.close()


def test_tampered_item_is_quarantined_reason_given(tmp_path):
    box = outbox(tmp_path)
    item = box.enqueue(BODY, "key-00000001", "A", None, [SCAN])
    blob = tmp_path / "attachments" / f"{item}.0.bin"
    data = bytearray(blob.read_bytes())
    data[40] ^= 0xFF
    blob.write_bytes(bytes(data))
    with pytest.raises(TamperedError):
        box.load(item)


def test_a_corrupt_database_is_moved_aside_with_its_attachments(tmp_path):
    box = outbox(tmp_path)
    item = box.enqueue(BODY, "key-00000001", "A", None, [SCAN])
    box.close()
    db = tmp_path / "queue.sqlite3"
    with open(db, "r+b") as fh:
        fh.seek(0)
        fh.write(b"this is not a database" * 10)
    box = outbox(tmp_path)
    assert box.recovered_from is not None
    assert (box.recovered_from / "attachments" / f"{item}.0.bin").exists()
    assert "failed its check" in (box.recovered_from / "REASON.txt").read_text()
    assert box.items() == [] and box.status()["recovered_from"] == str(box.recovered_from)
    box.enqueue(BODY, "key-00000002", "A")  # the fresh queue works


def test_orphans_and_temporaries_are_swept_at_start(tmp_path):
    box = outbox(tmp_path)
    box.close()
    orphan = tmp_path / "attachments" / "deadbeef.0.bin"
    orphan.write_bytes(b"x")
    (tmp_path / "attachments" / "half.0.bin.tmp").write_bytes(b"x")
    outbox(tmp_path)
    assert not orphan.exists() and not list(tmp_path.rglob("*.tmp"))


def test_provisional_numbers_survive_restarts_and_queue_resets(tmp_path):
    path = tmp_path / "seq.dat"
    first = ProvisionalSequence(path, "ZJ-HZ-T001", block=3)
    issued = [first.next() for _ in range(4)]
    second = ProvisionalSequence(path, "ZJ-HZ-T001", block=3)  # a restart: the rest of the block is skipped
    issued += [second.next() for _ in range(2)]
    assert len(set(issued)) == 6 and all(provisional.is_valid(n) for n in issued)
    sequences = [int(n.split("-")[-2]) for n in issued]
    assert sequences == sorted(sequences)
    assert path.stat().st_size == 2 * sequence.SLOT  # reservations overwrite the two slots in place


def seq_numbers(numbers):
    return [int(n.split("-")[-2]) for n in numbers]


def test_a_torn_slot_falls_back_to_the_other_and_no_number_repeats(tmp_path):
    path = tmp_path / "seq.dat"
    first = ProvisionalSequence(path, "ZJ-HZ-T001", block=3)
    issued = [first.next() for _ in range(6)]  # two reservations: up to 3, then up to 6
    data = bytearray(path.read_bytes())
    data[(3 % 2) * sequence.SLOT + 10] ^= 0xFF  # power lost while the third went to its slot: torn, never used
    path.write_bytes(bytes(data))
    again = ProvisionalSequence(path, "ZJ-HZ-T001", block=3)
    issued += [again.next() for _ in range(2)]
    assert seq_numbers(issued)[-2:] == [7, 8]  # the other slot still promises up to 6
    assert len(set(issued)) == 8


def test_a_damaged_sequence_file_starts_a_new_series_rather_than_repeat(tmp_path, caplog):
    path = tmp_path / "seq.dat"
    before = ProvisionalSequence(path, "ZJ-HZ-T001", block=3)
    issued = [before.next() for _ in range(2)]
    path.write_bytes(b"garbage" * 300)
    after = ProvisionalSequence(path, "ZJ-HZ-T001", block=3)
    issued += [after.next(), after.next(), ProvisionalSequence(path, "ZJ-HZ-T001", block=3).next()]
    assert "damaged" in caplog.text
    assert len(set(issued)) == 5 and all(provisional.is_valid(n) for n in issued)
    assert issued[2].split("-")[-3] != issued[0].split("-")[-3]  # a new series
    assert issued[4].split("-")[-3] == issued[2].split("-")[-3]  # ... kept from then on


def test_a_failed_reservation_hands_out_nothing(tmp_path):
    path = tmp_path / "not-yet" / "seq.dat"
    seq = ProvisionalSequence(path, "ZJ-HZ-T001", block=3)
    with pytest.raises(OSError):
        seq.next()
    path.parent.mkdir()
    assert seq_numbers([seq.next()]) == [1]
    assert ProvisionalSequence(path, "ZJ-HZ-T001", block=3).next().split("-")[-2] == "00004"  # 1 was on disk first


D1, D2, D3 = dt.date(2026, 11, 27), dt.date(2026, 11, 28), dt.date(2026, 11, 29)


def test_a_clock_set_back_in_the_same_process_repeats_no_number(tmp_path):
    seq = ProvisionalSequence(tmp_path / "seq.dat", "ZJ-HZ-T001", block=3)
    issued = [seq.next(D1), seq.next(D1), seq.next(D2), seq.next(D1), seq.next(D1), seq.next(D2), seq.next(D3)]
    assert len(set(issued)) == len(issued) and all(provisional.is_valid(n) for n in issued)
    assert "-20261127-" in issued[3] and "-20261128-" in issued[2]  # the date printed is the clock's


def test_a_clock_set_back_across_a_restart_repeats_no_number(tmp_path):
    path = tmp_path / "seq.dat"
    issued = [ProvisionalSequence(path, "ZJ-HZ-T001", block=3).next(D1) for _ in range(2)]
    issued += [ProvisionalSequence(path, "ZJ-HZ-T001", block=3).next(D2)]  # jumped a day ahead
    issued += [ProvisionalSequence(path, "ZJ-HZ-T001", block=3).next(D1) for _ in range(2)]  # and set back
    assert len(set(issued)) == len(issued)


@pytest.mark.parametrize("clock_back", [False, True])
def test_a_lost_sequence_file_repeats_no_number(tmp_path, clock_back):
    path = tmp_path / "seq.dat"
    seq = ProvisionalSequence(path, "ZJ-HZ-T001", block=3)
    issued = [seq.next(D2), seq.next(D2)]
    path.unlink()  # lost while running: the process still knows where it is
    issued += [seq.next(D1 if clock_back else D2)]
    path.unlink(missing_ok=True)  # lost while stopped
    again = ProvisionalSequence(path, "ZJ-HZ-T001", block=3)
    issued += [again.next(D1 if clock_back else D2) for _ in range(2)]
    assert len(set(issued)) == len(issued) and all(provisional.is_valid(n) for n in issued)


def test_numbers_of_the_first_format_stay_valid_and_a_series_runs_on_into_the_next(tmp_path):
    assert provisional.is_valid("P-ZJ-HZ-T001-20261127-00042-" + pure_check("ZJHZT0012026112700042", MOD37_2))
    assert not provisional.is_valid("P-ZJ-HZ-T001-20261127-K7QI-00042-X")  # no I or O in a series
    path = tmp_path / "seq.dat"
    path.write_bytes(sequence._pack(1, 5, provisional.MAX_SEQUENCE) * 2)
    seq = ProvisionalSequence(path, "ZJ-HZ-T001", block=3)
    first, second = seq.next(D1), seq.next(D1)
    assert first.split("-")[-3:-1] == [provisional.series_name(6), "00001"]
    assert second.split("-")[-3:-1] == [provisional.series_name(6), "00002"]


def test_export_then_import_on_another_terminal_with_the_same_key(tmp_path):
    box = outbox(tmp_path / "a")
    item = box.enqueue(BODY, "key-00000001", "A", "P-T-20261127-00001-X", [SCAN])
    assert box.export(tmp_path / "usb") == 1
    raw = b"".join(p.read_bytes() for p in (tmp_path / "usb").rglob("*") if p.is_file())
    assert b"330106199003071236" not in raw
    other = outbox(tmp_path / "b")
    assert other.import_(tmp_path / "usb") == (1, [])
    assert other.load(item).body == BODY and other.item(item).provisional_number == "P-T-20261127-00001-X"
    assert other.import_(tmp_path / "usb") == (0, [])  # importing twice adds nothing
    stranger = outbox(tmp_path / "c")
    stranger._sealer = Sealer(bytes(32))
    imported, problems = stranger.import_(tmp_path / "usb")
    assert imported == 0 and "not importable" in problems[0]


def test_queue_cli_status_and_retry(tmp_path):
    env = dict(os.environ, KIOSK_PATHS__DATA_DIR=str(tmp_path))
    run = lambda *a: subprocess.run([sys.executable, "-m", "entry", "queue", *a], capture_output=True, text=True,
                                    env=env, timeout=60)
    status = run("status")
    assert status.returncode == 0 and "pending: 0" in status.stdout
    bad = run("retry")
    assert bad.returncode == 2 and "needs an item id" in bad.stdout
    assert run("export", str(tmp_path / "out")).returncode == 0
    assert "Traceback" not in bad.stderr + status.stderr


def test_the_clock_stepped_back_after_a_failed_probe_holds_no_delivery(tmp_path, monkeypatch):
    """A terminal whose clock keeps the RTC's local time as UTC starts 8 hours ahead until NTP steps it back. The
    sync worker's wait after a failed probe was a wall-clock time: stepped back, every delivery waited those 8 hours.
    The wait is on the monotonic clock now. (The wall clock here is the sync module's alone.)"""
    import time
    import types

    from offline_queue import sync
    from tests.backend_helpers import client_for
    from tests.queue_helpers import fast_sync

    worker = fast_sync(outbox(tmp_path), client_for("http://127.0.0.1:9"))  # nothing listens: every probe fails
    monkeypatch.setattr(sync, "time", types.SimpleNamespace(time=lambda: time.time() + 8 * 3600,
                                                            monotonic=time.monotonic, sleep=time.sleep))
    assert not worker._probe() and worker._offline_streak == 1  # the backend away, the clock 8 h ahead
    monkeypatch.setattr(sync, "time", time)  # NTP steps it back
    time.sleep(0.3)  # past the longest backoff (0.2 s)
    worker.run_once()
    assert worker._offline_streak == 2, "the next probe waited for the wall clock to come back"
