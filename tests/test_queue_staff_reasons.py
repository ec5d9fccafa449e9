"""Why a queue item stopped for staff, kept in its row and said in the language shown (offline_queue/staff_reasons.py):
the backend's words in both its languages, ours through the catalogues; anything else shown as it was stored."""

import pytest

from common.backend_errors import RejectedError
from offline_queue import staff_reasons

LONG = "很长的理由" * 200


def test_a_refusal_keeps_the_backends_words_in_both_languages_within_the_row():
    kept = staff_reasons.refused(RejectedError(code="bad_attachment", status=422, message_zh=LONG,
                                               message_en="The attachment is damaged " * 40))
    assert len(kept) <= 500  # the row keeps 500 characters: cut there, it would no longer read
    said = staff_reasons.read(kept)
    assert said.render("zh_CN").startswith("很长的理由") and said.render("zh_CN").endswith("（422 bad_attachment）")
    assert said.render("en").startswith("The attachment is damaged") and "(422 bad_attachment)" in said.render("en")
    only_english = staff_reasons.refused(RejectedError(code="x", status=404, message_en="Not here"))
    assert staff_reasons.read(only_english).render("zh_CN") == "Not here（404 x）"  # never an empty reason


def test_our_reasons_are_translated_and_english_for_the_console():
    kept = staff_reasons.stored("gave_up", attempts=12, detail="HTTP 503")
    assert staff_reasons.read(kept).render("zh_CN") == "已尝试 12 次仍未送达，不再重试：HTTP 503"
    assert staff_reasons.english(kept) == "gave up after 12 attempts: HTTP 503"
    with pytest.raises(ValueError):
        staff_reasons.stored("no_such_reason")


@pytest.mark.parametrize("kept", [
    "422 principal_not_registered: an older version's reason", "",
    staff_reasons.PREFIX + '{"key": "refused", "fields": {"status": 422', staff_reasons.PREFIX + "[1, 2]",
    staff_reasons.PREFIX + '{"key": "gone", "fields": {}}', staff_reasons.PREFIX + '{"key": "refused", "fields": 3}',
    staff_reasons.PREFIX + '{"key": "refused", "fields": {"said": "not a dict", "status": NaN, "code": null}}',
])
def test_anything_else_is_shown_as_it_was_stored(kept):
    for lang in ("zh_CN", "en"):
        shown = staff_reasons.read(kept).render(lang)
        assert shown == kept
    assert staff_reasons.read("plain words").render("zh_CN") == "plain words"


def test_only_a_dead_letter_is_discarded_and_with_it_its_scans_and_its_place_in_the_quota(sandbox, tmp_path):
    from tests.backend_helpers import client_for
    from tests.queue_helpers import SCAN, enqueue, outbox as make_outbox

    client = client_for(sandbox.url)
    box = make_outbox(tmp_path)
    dead, pending = enqueue(box, client, attachments=[SCAN]), enqueue(box, client)
    box.mark_dead(dead, "rejected:bad_attachment")
    before = box.status()
    assert box._attachment_files(dead)
    assert box.discard_dead(pending) is False and box.item(pending).state == "pending"
    assert box.discard_dead("not an item id") is False
    assert box.discard_dead(dead) is True and box.item(dead) is None and box._attachment_files(dead) == []
    assert box.discard_dead(dead) is False
    assert box.status() != before and [i.id for i in box.items()] == [pending]
