"""``kiosk bench data-damage``'s short version: ``kiosk run`` starts, runs and stops in order on a data folder whose
queue key was cut short (as a disk that filled while it was first written leaves it: every start failed before) and,
as a window, whose audit trail is a folder (its steps were held in memory only, nothing said). The bench damages
every file of a folder the demo used, four ways, in both modes."""

from entry.bench.data_damage import damage, start_once

TERMINAL = "DEMO-DD0001"


def test_a_terminal_starts_on_a_cut_queue_key_and_on_an_audit_trail_it_cannot_read(sandbox, tmp_path):
    data = tmp_path / "data"
    first = start_once(data, "window", TERMINAL, sandbox.url, settle_s=0.5)
    assert first.ok, first
    key = data / "queue.key"
    assert len(key.read_bytes()) == 32
    damage(key, "half")
    cut = start_once(data, "kiosk", TERMINAL, sandbox.url, settle_s=0.5)
    assert cut.ok, cut
    assert any("set aside as queue.key.damaged-" in said for said in cut.said), cut.said
    assert len(key.read_bytes()) == 32 and list(data.glob("queue.key.damaged-*"))
    trail = data / "audit" / "trail.jsonl"
    damage(trail, "folder")
    unreadable = start_once(data, "window", TERMINAL, sandbox.url, settle_s=0.5)
    assert unreadable.ok, unreadable
    assert any("audit trail" in said and "cannot be read" in said for said in unreadable.said), unreadable.said
