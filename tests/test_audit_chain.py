"""The keyed audit chain (issue 20, items 1 and 2): every way of tampering with the trail is found by the
real ``kiosk audit verify``, and the sandbox refuses an entry that does not check or does not link."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from common.audit_chain import Head, audit_key, entry_mac, seal_mac
from common.backend_errors import RejectedError
from common.signing import demo_key
from entry.cli import main
from kiosk.audit import AuditTrail
from tests.backend_helpers import TERMINAL, client_for

SIGNING_KEY = bytes(range(32))
KEY = audit_key(SIGNING_KEY)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site file naming this terminal and its signing key: the key ``kiosk audit verify`` checks under."""
    key_file = tmp_path / "signing.key"
    key_file.write_text(SIGNING_KEY.hex())
    path = tmp_path / "site.toml"
    path.write_text(f'[terminal]\nid = "T-AUDIT"\n[paths]\ndata_dir = "{tmp_path / "data"}"\n'
                    f'[backend]\nsigning_key_file = "{key_file}"\n')
    return path


@pytest.fixture
def trail_file(tmp_path: Path) -> Path:
    """Six steps at a window; the backend acknowledged the first four."""
    path = tmp_path / "data" / "audit" / "trail.jsonl"
    trail = AuditTrail(path, KEY)
    entries = [trail.record("XH0001", action, f"detail {i}")
               for i, action in enumerate(("sign_in", "card_read", "service_chosen", "accepted", "applicant_done",
                                           "sign_out"))]
    assert trail.acknowledge(Head(4, entries[3]["mac"]))
    trail.close()
    return path


def verify(site: Path, path: Path, capsys) -> tuple[int, str]:
    code = main(["audit", "--config", str(site), "verify", str(path)])
    return code, capsys.readouterr().out


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def write(path: Path, entries: list[dict]) -> None:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), "utf-8")


def test_an_untouched_trail_verifies(site, trail_file, capsys):
    code, out = verify(site, trail_file, capsys)
    assert code == 0 and "6 entries, intact" in out and "the backend acknowledged 4" in out


def test_a_detail_holding_a_unicode_line_separator_is_one_entry_and_verifies(site, tmp_path, capsys):
    """JSON leaves U+2028 and U+2029 as they are: the trail was once split with ``str.splitlines``, which breaks a line
    there too, and such an entry (a company's name scanned from a licence's QR text) read as two unreadable lines."""
    path = tmp_path / "data" / "audit" / "trail.jsonl"
    trail = AuditTrail(path, KEY)
    trail.record("XH0001", "company_found", "91330106MA2H7Q3K8C \u6837\u4f8b\u2028\u516c\u53f8 \x85")
    trail.record("XH0001", "sign_out")
    trail.close()
    code, out = verify(site, path, capsys)
    assert code == 0 and "2 entries, intact" in out, out
    reopened = AuditTrail(path, KEY)
    assert [e["action"] for e in reopened.recent] == ["company_found", "sign_out"]
    reopened.close()


def test_the_real_command_finds_an_edited_entry(site, trail_file):
    entries = lines_of(trail_file)
    entries[2]["detail"] = "nothing happened here"
    write(trail_file, entries)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONETRIP_")}
    kiosk = Path(sys.executable).with_name("kiosk")
    done = subprocess.run([str(kiosk), "audit", "--config", str(site), "verify", str(trail_file)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "entry 2: edited" in done.stdout


@pytest.mark.parametrize("tamper, seq, kind", [
    ("edit", 3, "edited"),
    ("remove", 2, "removed"),
    ("reorder", 1, "reordered"),
    ("truncate_unsent_tail", 5, "truncated"),
    ("truncate_and_delete_the_seal", 4, "truncated"),
    ("truncate_and_reseal_with_the_key", 3, "truncated"),
    ("rechain_plain_sha256", 1, "forged"),
    ("rechain_guessed_key", 2, "forged"),
    ("rewrite_seal", 6, "forged"),
    ("unreadable_line", 4, "edited"),
])
def test_every_tampering_is_named_by_entry_and_kind(site, trail_file, capsys, tamper, seq, kind):
    entries = lines_of(trail_file)
    seal = trail_file.with_suffix(".seal")
    if tamper == "edit":
        entries[3]["actor"] = "XH0002"
    elif tamper == "remove":
        del entries[2]
    elif tamper == "reorder":
        entries[1], entries[2] = entries[2], entries[1]
    elif tamper == "truncate_unsent_tail":
        del entries[5:]  # past what the backend acknowledged: the seal shows it
    elif tamper == "truncate_and_delete_the_seal":
        del entries[4:]
        seal.unlink()
    elif tamper == "truncate_and_reseal_with_the_key":
        # an insider holding the terminal's key: only the backend's acknowledged head (4) still shows the cut
        del entries[3:]
        seal.write_text(json.dumps({"count": 3, "head": entries[2]["mac"], "mac": seal_mac(KEY, 3, entries[2]["mac"])}))
    elif tamper.startswith("rechain"):
        start = 1 if tamper == "rechain_plain_sha256" else 2
        entries[start]["detail"] = "rewritten"
        for i in range(start, len(entries)):
            entries[i]["prev_mac"] = entries[i - 1]["mac"]
            if tamper == "rechain_plain_sha256":
                body = json.dumps({k: entries[i][k] for k in ("seq", "at", "actor", "action", "detail")},
                                  sort_keys=True, ensure_ascii=False)
                entries[i]["mac"] = hashlib.sha256((entries[i]["prev_mac"] + body).encode()).hexdigest()
            else:
                entries[i]["mac"] = entry_mac(audit_key(b"a guess at the key"), entries[i])
    elif tamper == "rewrite_seal":
        seal.write_text(json.dumps({"count": 6, "head": entries[5]["mac"],
                                    "mac": seal_mac(audit_key(b"a guess"), 6, entries[5]["mac"])}))
    if tamper == "unreadable_line":
        text = trail_file.read_text("utf-8").splitlines()
        text[4] = text[4][:30]
        trail_file.write_text("\n".join(text) + "\n", "utf-8")
    else:
        write(trail_file, entries)
    code, out = verify(site, trail_file, capsys)
    assert code == 1
    assert f"entry {seq}: {kind}" in out


def test_a_trail_of_the_old_unkeyed_format_is_reported_as_such(site, tmp_path, capsys):
    old = tmp_path / "trail.jsonl"
    write(old, [{"seq": 0, "at": "2026-11-27T10:00:00+08:00", "actor": "XH0001", "action": "sign_in", "detail": "",
                 "prev_hash": "", "hash": "ab" * 32}])
    code, out = verify(site, old, capsys)
    assert code == 1 and "old_format" in out and "unkeyed" in out
    trail = AuditTrail(old, KEY)  # the terminal moves it aside and begins a keyed trail
    trail.record("XH0001", "sign_in")
    trail.close()
    assert (tmp_path / "trail.v1.jsonl").exists()
    assert verify(site, old, capsys)[0] == 0


def test_a_missing_trail_or_key_is_a_usage_error(site, tmp_path, capsys):
    assert main(["audit", "--config", str(site), "verify", str(tmp_path / "none.jsonl")]) == 2
    assert "none.jsonl is missing" in capsys.readouterr().err
    (tmp_path / "folder.jsonl").mkdir()
    assert main(["audit", "--config", str(site), "verify", str(tmp_path / "folder.jsonl")]) == 2
    assert "folder.jsonl is not a file" in capsys.readouterr().err


# -- the sandbox checks every pushed entry -------------------------------------------------------------------

def chain(key: bytes, n: int, start: int = 0, prev: str = "") -> list[dict]:
    entries = []
    for seq in range(start, start + n):
        entry = {"v": 2, "seq": seq, "at": "2026-11-27T10:00:00+08:00", "actor": "XH0001", "action": "step",
                 "detail": f"d{seq}", "prev_mac": prev}
        entry["mac"] = prev = entry_mac(key, entry)
        entries.append(entry)
    return entries


@pytest.fixture
def client(sandbox):
    built = client_for(sandbox.url)
    yield built
    built.close()


def refusal(client, entries) -> RejectedError:
    with pytest.raises(RejectedError) as caught:
        client.send_audit(entries)
    assert caught.value.status == 409 and caught.value.code == "audit_chain_broken"
    return caught.value


def test_the_sandbox_takes_a_keyed_chain_and_acknowledges_its_head(client):
    entries = chain(audit_key(demo_key(TERMINAL)), 3)
    assert client.send_audit(entries[:2]) == {"accepted": 2, "count": 2, "head": entries[1]["mac"]}
    assert client.send_audit(entries) == {"accepted": 1, "count": 3, "head": entries[2]["mac"]}  # 0, 1 resent


def test_the_sandbox_refuses_an_entry_whose_mac_does_not_match(client):
    entries = chain(audit_key(demo_key(TERMINAL)), 2)
    entries[1]["detail"] = "edited after its MAC"
    refused = refusal(client, entries)  # entry 0 is taken, entry 1 refused
    assert refused.fields == {"seq": "1", "reason": "mac", "count": "1", "head": entries[0]["mac"]}
    assert refused.message_en == "Audit entry 1 does not match its MAC; not taken"
    assert refused.message_zh == "审计记录 1 的校验码与内容不符，未予接收"
    plain = chain(b"", 2)[1]
    plain["prev_mac"] = entries[0]["mac"]
    plain["mac"] = hashlib.sha256(json.dumps(plain).encode()).hexdigest()  # unkeyed
    assert refusal(client, [plain]).fields["reason"] == "mac"


def test_the_sandbox_refuses_a_broken_link_a_rewrite_and_a_replayed_entry(client):
    key = audit_key(demo_key(TERMINAL))
    entries = chain(key, 3)
    client.send_audit(entries[:2])
    gap = chain(key, 1, start=3, prev=entries[1]["mac"])
    assert refusal(client, gap).fields == {"seq": "3", "reason": "link", "count": "2", "head": entries[1]["mac"]}
    other = chain(key, 2)
    other[1]["detail"], other[1]["mac"] = "another history", entry_mac(key, dict(other[1], detail="another history"))
    assert refusal(client, other).fields["reason"] == "rewrite"
    replayed = dict(entries[1], seq=2, prev_mac=entries[1]["mac"])  # an old entry played again as the next one
    assert refusal(client, [replayed]).fields["reason"] == "mac"
    foreign = chain(audit_key(demo_key("T-OTHER")), 3)[2:]  # another terminal's entry, in its own key
    foreign[0]["prev_mac"] = entries[1]["mac"]
    assert refusal(client, foreign).fields["reason"] == "mac"
    assert client.send_audit(entries)["count"] == 3  # the real next entry is still taken


def test_the_key_is_the_signing_key_s_derivation_and_never_the_signing_key_itself():
    assert KEY == hmac.new(SIGNING_KEY, b"onetrip-audit-chain/v2", hashlib.sha256).digest() != SIGNING_KEY
