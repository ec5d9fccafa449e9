"""A saved application continued after the hall changed its service's materials: the draft records the list it was
saved against (``listed_materials``, payloads.md "Drafts"), and the kiosk and the window say what is asked for now and
what was left out (kiosk/drafts.py ``changed_since``). Against the sandbox over HTTP, no Qt."""

import pytest

from common.domain import MaterialRequirement, ServiceItem
from kiosk.drafts import ToSave, as_listed_without, changed_since, listing
from kiosk.workflows.citizen import Step
from kiosk.workflows.clerk import Desk
from tests.citizen_steps import identify
from tests.test_materials_changed import LEASE, change_materials
from tests.test_materials_session import HOLDER
from tests.test_window_draft import _at_the_window, _audited, _saved_at_the_kiosk

GJJ_LIST = [{"code": "M1", "name_zh": "居民身份证", "name_en": "Resident ID card"},
            {"code": "M2", "name_zh": "购房合同", "name_en": "Home purchase contract"},
            {"code": "M3", "name_zh": "购房发票", "name_en": "Home purchase invoice"},
            {"code": "M4", "name_zh": "本人银行卡", "name_en": "Your bank card"}]


def _service(*codes):
    return ServiceItem("T-1", "测试", "Test", "civil",
                       materials=tuple(MaterialRequirement(c, f"材料{c}", f"Material {c}") for c in codes))


def test_what_changed_since_a_list_is_told_by_code_and_said_by_the_names_of_then_and_now():
    draft = {"listed_materials": listing(_service("A", "B", "C"))}
    changed = changed_since(draft, _service("A", "C", "D"))
    assert [m.code for m in changed.added] == ["D"] and [m.code for m in changed.dropped] == ["B"]
    assert changed.said().render("en") == "Now asked for: Material D. No longer asked for, left out: Material B."
    assert changed.codes() == "+D -B"
    assert not changed_since(draft, _service("A", "B", "C"))


@pytest.mark.parametrize("listed", [None, "M1", [None], [{"code": ""}], [{"name_zh": "x"}], [{"code": 3}],
                                    [{"code": "X" * 33}], [{"code": f"Z{i}"} for i in range(31)]],
                         ids=["absent", "a string", "a null", "an empty code", "no code", "a number", "a long code",
                              "more than a service lists"])
def test_a_draft_without_a_list_or_with_one_not_so_shaped_says_nothing(listed):
    draft = {} if listed is None else {"listed_materials": listed}
    assert not changed_since(draft, _service("A"))


def test_a_dropped_material_without_names_is_said_by_its_code():
    changed = changed_since({"listed_materials": [{"code": "A"}, {"code": "Z", "name_zh": " ", "name_en": 5}]},
                            _service("A"))
    assert changed.said().render("zh_CN") == "不再需要，已去掉：Z。"


def test_the_draft_records_the_list_it_was_saved_against(services, sandbox):
    saved = _saved_at_the_kiosk(services)
    assert saved["listed_materials"] == GJJ_LIST  # answered as sent, by the sandbox


def test_the_kiosk_says_what_the_hall_changed_since_the_application_was_saved(services, sandbox):
    saved = _saved_at_the_kiosk(services)  # M1 by licence, M3 and M4 scanned, M2 not brought
    change_materials(sandbox, "GJJ-004", drop="M3", add=LEASE)
    session = services.new_citizen_session()
    identify(session)
    session.resume_draft(saved["draft_id"])
    assert session.step is Step.MATERIALS and session.notice.error, session.notice
    assert session.notice.message.render("en") == (
        "Welcome back. The list of materials for this service has changed since you saved it. Now asked for: Lease "
        "contract. No longer asked for, left out: Home purchase invoice. What you provided that is still asked for "
        "is here.")
    assert "现在需要：租赁合同。不再需要，已去掉：购房发票。" in session.notice.message.render("zh_CN")
    assert [m.code for m in session.checklist.items] == ["M1", "M2", "M4", "M5"]
    assert len(session.checklist["M4"].pages) == 1  # what still stands is kept
    assert [m.code for m in session.checklist.pending()] == ["M2", "M5"]


def test_an_unchanged_list_is_welcomed_back_as_before(services, sandbox):
    saved = _saved_at_the_kiosk(services)
    session = services.new_citizen_session()
    identify(session)
    session.resume_draft(saved["draft_id"])
    assert session.step is Step.MATERIALS and not session.notice.error
    assert session.notice.message.render("en").startswith("Welcome back. What you provided last time is here")


def test_the_window_says_and_audits_what_the_hall_changed_since_the_application_was_saved(services, sandbox):
    saved = _saved_at_the_kiosk(services)
    change_materials(sandbox, "GJJ-004", drop="M3", add=LEASE)
    desk = _at_the_window(services)
    desk.resume_draft(saved["draft_id"])
    assert desk.step is Desk.CHECKING and desk.notice.error, desk.notice
    assert desk.notice.message.render("en") == (
        "The saved application is back. The list of materials for this service has changed since it was saved: Now "
        "asked for: Lease contract. No longer asked for, left out: Home purchase invoice. Check and scan what is "
        "still missing.")
    assert _audited(services, "materials_changed") == ["+M5 -M3"]
    assert [m.code for m in desk.missing()] == ["M2", "M5"]
    desk.next_applicant()


def test_a_draft_saved_by_an_older_terminal_is_continued_without_a_word_on_the_list(services, sandbox):
    saved = _saved_at_the_kiosk(services)
    body = {k: saved[k] for k in ("id_number", "service_code", "form", "materials_done", "missing",
                                  "material_licences")}
    services.backend.save_draft_payload(body)  # no listed_materials; replaces it whole (its pages dropped)
    (older,) = services.backend.drafts(HOLDER)
    assert older.get("listed_materials") is None
    change_materials(sandbox, "GJJ-004", drop="M3", add=LEASE)
    session = services.new_citizen_session()
    identify(session)
    session.resume_draft(older["draft_id"])
    assert session.step is Step.MATERIALS and not session.notice.error
    assert "changed" not in session.notice.message.render("en")


@pytest.mark.parametrize("named, listed", [
    ("M5", ["M1", "M2", "M3", "M4"]), (" M5 ,M4", ["M1", "M2", "M3"]), ("M9", None), ("", None), (None, None),
    (["M5"], None), ("," * 5000 + "M5", None)],
    ids=["one added", "two, spaced", "not listed", "empty", "absent", "not a string", "too many names"])
def test_a_draft_kept_from_a_case_refused_for_materials_missing_records_the_list_without_them(named, listed):
    """``as_listed_without``: the backend's ``fields.missing`` read as codes, bounded; a name the service does not
    list, or none, leaves the draft without a list (nothing is said on continuing it)."""
    service = ServiceItem("GJJ-004", "测试", "Test", "civil", materials=tuple(
        MaterialRequirement(c, f"材料{c}", f"Material {c}") for c in ("M1", "M2", "M3", "M4", "M5")))
    draft = as_listed_without(ToSave({"service_code": "GJJ-004"}, []), service, named)
    assert ([m["code"] for m in draft.body["listed_materials"]] if "listed_materials" in draft.body
            else None) == listed
