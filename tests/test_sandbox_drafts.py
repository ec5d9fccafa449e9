"""PUT /drafts with pages: declared as a case's, refused the same way; a draft kept for the hall's keeping
period, then deleted with its pages; and a sandbox database made before drafts kept their applicant still opens
with its drafts (kiosk sandbox --db keeps one)."""

import datetime as dt
import json
import sqlite3

from common.domain import Attachment
from kiosk.backend.client import BackendClient
from kiosk.backend.declarations import declare
from sandbox.store import Store
from tests.backend_helpers import signed

ZHANG = "330106199003071236"
JPEG = b"\xff\xd8\xff\xe0" + bytes(1500)


def put_draft(sandbox, draft: dict, files: list[Attachment]):
    data, content_type = BackendClient._encode(draft, files, "draft")
    return signed("PUT", sandbox.url, "/api/v1/drafts", data, headers={"Content-Type": content_type})


def test_a_draft_page_altered_on_the_way_is_refused_naming_it(sandbox):
    page = Attachment("M1-1.jpg", "image/jpeg", JPEG)
    draft = {"id_number": ZHANG, "service_code": "GT-001", "attachments": declare([page])}
    draft["attachments"][0]["sha256"] = "f" * 64
    answer = put_draft(sandbox, draft, [page])
    error = answer.json()["error"]
    assert (answer.status_code, error["code"], error["fields"]) == (
        422, "attachment_digest_mismatch", {"attachments.0": "sha256 does not match"})
    assert sandbox.store.drafts(ZHANG) == []
    answer = put_draft(sandbox, {"id_number": ZHANG, "service_code": "GT-001"}, [page])  # not declared
    assert answer.json()["error"]["code"] == "attachment_not_declared"


def test_a_draft_sent_in_a_part_not_named_draft_is_malformed(sandbox):
    data, content_type = BackendClient._encode({"id_number": ZHANG, "service_code": "GT-001"},
                                               [Attachment("M1-1.jpg", "image/jpeg", JPEG)], "case")
    answer = signed("PUT", sandbox.url, "/api/v1/drafts", data, headers={"Content-Type": content_type})
    assert answer.status_code == 400 and answer.json()["error"]["fields"] == {
        "case": "unexpected part; send draft and attachments"}


def test_an_older_database_keeps_its_drafts(tmp_path):
    path = tmp_path / "sandbox.db"
    Store(path).close()
    old = {"id_number": ZHANG, "service_code": "GT-001", "form": {"phone": "13800000000"}, "materials_done": ["M1"],
           "draft_id": "DR-000000000001", "updated_at": _at(-5 * 86400)}
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE drafts")
        db.execute("CREATE TABLE drafts (draft_id TEXT PRIMARY KEY, id_number TEXT NOT NULL, service_code TEXT NOT "
                   "NULL, body TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (id_number, service_code))")
        db.execute("INSERT INTO drafts VALUES (?, ?, ?, ?, ?)", (old["draft_id"], ZHANG, "GT-001", json.dumps(old),
                                                                 old["updated_at"]))
    store = Store(path)
    expires = dt.datetime.fromisoformat(old["updated_at"]) + dt.timedelta(days=30)
    assert store.drafts(ZHANG) == [dict(old, expires_at=expires.isoformat())]
    again = store.save_draft(dict(old, form={"phone": "13900000000"}, draft_id=None), [])
    assert again["draft_id"] == old["draft_id"]  # the same draft, saved again
    other = store.save_draft({"id_number": ZHANG, "service_code": "GT-001", "applicant": {
        "type": "company", "id_number": ZHANG, "credit_code": "91330106MA2H7Q3K8C"}}, [])
    assert other["draft_id"] != old["draft_id"] and len(store.drafts(ZHANG)) == 2
    store.close()


def _at(offset_s: float) -> str:
    return (dt.datetime.now().astimezone() + dt.timedelta(seconds=offset_s)).isoformat(timespec="seconds")


def test_a_save_made_before_the_draft_held_or_a_case_since_is_refused_and_the_same_save_again_is_not(sandbox):
    """A save a terminal queued while the backend was away may arrive late: it does not replace a newer draft, nor
    bring back one whose case was submitted since (it would be offered again and make a second case)."""
    from tests.backend_helpers import client_for
    from tests.queue_helpers import payload

    client = client_for(sandbox.url)
    newer = {"id_number": ZHANG, "service_code": "GT-001", "form": {"n": "newer"}, "saved_at": _at(-60)}
    assert put_draft(sandbox, newer, []).status_code == 200
    assert put_draft(sandbox, newer, []).status_code == 200  # the same save again (its answer lost): taken
    late = put_draft(sandbox, dict(newer, form={"n": "older"}, saved_at=_at(-3600)), [])
    assert (late.status_code, late.json()["error"]["code"]) == (409, "draft_superseded")
    (held,) = sandbox.store.drafts(ZHANG)
    assert held["form"] == {"n": "newer"}
    sandbox.store.delete_draft(held["draft_id"])  # continued elsewhere: the case went, its draft deleted
    body, key = payload(client, code="GJJ-004")
    client.submit_payload(dict(body, form={"amount": 50000, "phone": "13800000001"}), key)
    stale = {"id_number": ZHANG, "service_code": "GJJ-004", "saved_at": _at(-120)}
    assert put_draft(sandbox, stale, []).json()["error"]["code"] == "draft_superseded"
    assert sandbox.store.drafts(ZHANG) == []
    unchecked = {"id_number": ZHANG, "service_code": "GJJ-004", "saved_at": "yesterday"}  # unreadable: as before
    assert put_draft(sandbox, unchecked, []).status_code == 200
    assert put_draft(sandbox, dict(stale, saved_at=_at(10)), []).status_code == 200  # after the case: a new one


def test_a_draft_is_deleted_with_its_pages_when_its_keeping_period_ends_and_each_save_starts_it_again(sandbox):
    store, page = sandbox.store, Attachment("M1-1.jpg", "image/jpeg", JPEG)
    draft = {"id_number": ZHANG, "service_code": "GT-001", "materials_done": ["M1"], "attachments": declare([page])}
    answer = put_draft(sandbox, draft, [page])
    assert answer.status_code == 200, answer.text
    saved = answer.json()
    kept_for = dt.datetime.fromisoformat(saved["expires_at"]) - dt.datetime.fromisoformat(saved["updated_at"])
    assert kept_for == dt.timedelta(days=30)
    listed = signed("GET", sandbox.url, f"/api/v1/drafts?id_number={ZHANG}").json()["items"]
    assert [d["expires_at"] for d in listed] == [saved["expires_at"]]

    start, clock = store.clock(), [store.clock()]
    store.clock = lambda: clock[0]
    clock[0] = start + 20 * 86400  # saved again on day 20: kept 30 days from then
    put_draft(sandbox, dict(draft, saved_at=None), [page]).raise_for_status()
    clock[0] = start + 31 * 86400
    assert [d["draft_id"] for d in store.drafts(ZHANG)] == [saved["draft_id"]]
    clock[0] = start + 50 * 86400 + 1
    path = f"/api/v1/drafts/{saved['draft_id']}/pages/M1-1.jpg"
    assert signed("GET", sandbox.url, path).status_code == 404
    assert store.drafts(ZHANG) == []
    assert store._all("SELECT name FROM draft_pages WHERE draft_id = ?", saved["draft_id"]) == []
    assert signed("DELETE", sandbox.url, f"/api/v1/drafts/{saved['draft_id']}").status_code == 404


def test_a_database_opened_after_its_drafts_expired_holds_none(tmp_path):
    import time

    path = tmp_path / "sandbox.db"
    store = Store(path, draft_keep_days=1)
    store.clock = lambda: time.time() - 2 * 86400  # saved two days ago
    store.save_draft({"id_number": ZHANG, "service_code": "GT-001"}, [("M1-1.jpg", "image/jpeg", "0" * 64, JPEG)])
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM drafts").fetchone() == (1,)
    Store(path, draft_keep_days=1).close()  # opened: swept before anything asks
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM drafts").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM draft_pages").fetchone() == (0,)


def test_a_drafts_listed_materials_are_kept_as_sent_and_checked_for_shape(sandbox):
    listed = [{"code": "M1", "name_zh": "营业执照", "name_en": "Business licence"}, {"code": "M9", "name_zh": "旧材料"}]
    body = {"id_number": ZHANG, "service_code": "GT-001", "listed_materials": listed}
    answer = signed("PUT", sandbox.url, "/api/v1/drafts", json.dumps(body).encode(),
                    headers={"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    expected = [listed[0], {**listed[1], "name_en": ""}]  # M9 is not the service's now: kept, as it was listed then
    assert answer.json()["listed_materials"] == expected
    assert sandbox.store.drafts(ZHANG)[0]["listed_materials"] == expected
    for wrong in ([{"code": "M1"}], [{"code": "M1", "name_zh": "x", "price": 1}], [{"code": "m 1", "name_zh": "x"}],
                  [{"code": "M1", "name_zh": "x"}] * 31):
        answer = signed("PUT", sandbox.url, "/api/v1/drafts",
                        json.dumps({**body, "listed_materials": wrong}).encode(),
                        headers={"Content-Type": "application/json"})
        assert answer.status_code == 400, (wrong, answer.text)
