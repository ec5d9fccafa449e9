"""Electronic licences standing for materials at the window (kiosk/workflows/clerk_licences.py), against the sandbox
on loopback: the applicant's consent first (on their screen, or witnessed by the clerk), the case carrying the
licence reference as the kiosk's, nothing fetched when declined, nothing left after the matter."""

import pytest

from devices.idcard.samples import sample_identity
from kiosk.materials import Provided
from kiosk.workflows.clerk import Desk
from tests.window_steps import desk_checking

HOLDER = sample_identity("resident").id_number  # 张测试: holds EL000004 (resident_id), EL000003 (property_certificate)


def checking(services, service="SB-003"):
    return desk_checking(services, service)


def licence_consents(sandbox):
    return [c for c in sandbox.store.consents(HOLDER) if c["scope"] == "licences"]


def test_agreed_on_the_applicants_screen_the_licence_goes_with_the_case_and_nothing_stays(screen_services, sandbox):
    desk = checking(screen_services)
    assert desk.can_ask_licences() and desk.licence_offered("M1") is None  # nothing fetched before consent
    desk.ask_licences()
    assert desk.licence_consent == "asked" and licence_consents(sandbox) == []
    desk.agree_licences()  # the applicant's Agree on their screen
    assert not desk.busy and desk.licence_consent == "agreed", desk.notice
    [consent] = licence_consents(sandbox)
    assert (consent["method"], consent["service_code"], consent["text_version"]) == (
        "id_card", "SB-003", "licences-2026.12")
    assert desk.licence_offered("M1")["licence_id"] == "EL000004"
    desk.use_licence("M1")  # the clerk's one tap
    assert desk.provided["M1"] and desk.checklist["M1"].provided is Provided.LICENCE
    assert desk.licence_offered("M1") is None and desk.licence_used("M1")["licence_id"] == "EL000004"
    desk.accept()
    assert desk.step is Desk.DONE and desk.result.startswith("SQ"), desk.notice
    body = sandbox.store.case_body(desk.result)
    assert body["e_licences"] == ["EL000004"] and body["material_licences"] == {"M1": "EL000004"}
    assert [c["consent_key"] for c in body["consents"]] == [consent["consent_key"]]  # the one recorded, linked
    desk.next_applicant()
    assert desk.licence_consent == "" and desk.offered == {} and desk.checklist is None
    actions = [entry["action"] for entry in desk._audit.recent]
    assert {"licence_consent_asked", "licence_consent", "material_licence_used"} <= set(actions)


def test_without_a_customer_screen_the_clerk_records_a_witnessed_consent(services, sandbox):
    desk = checking(services, "GT-001")
    desk.ask_licences()
    assert desk.licence_consent == "witnessing"
    assert desk.notice.message.render("en").startswith("Ask the applicant aloud")
    desk.agree_licences()  # the clerk records the answer they heard
    [consent] = licence_consents(sandbox)
    assert (consent["method"], consent["service_code"]) == ("clerk_witnessed", "GT-001")
    assert set(desk.offered) == {"M2", "M3"}  # resident_id and property_certificate
    witnessed = [e for e in desk._audit.recent if e["action"] == "licence_consent"]
    assert witnessed and witnessed[-1]["actor"] == "XH0001" and "clerk_witnessed" in witnessed[-1]["detail"]
    desk.use_licence("M2")
    desk.mark("M2", False)  # unticked: the licence no longer stands for it, and is offered again
    assert not desk.provided["M2"] and desk.licence_used("M2") is None and desk.licence_offered("M2") is not None


def test_a_declined_consent_fetches_nothing(services, sandbox):
    desk = checking(services)
    desk.ask_licences()
    desk.decline_licences()
    assert desk.licence_consent == "declined" and desk.offered == {} and licence_consents(sandbox) == []
    desk.use_licence("M1")
    assert not desk.provided["M1"]
    desk.mark("M1", True)  # on paper
    desk.accept()
    body = sandbox.store.case_body(desk.result)
    assert "e_licences" not in body or body["e_licences"] == []
    assert not [c for c in body.get("consents", []) if c["scope"] == "licences"]


def test_an_unanswered_question_cancelled_records_nothing_and_the_case_carries_no_consent(screen_services, sandbox):
    desk = checking(screen_services)
    desk.ask_licences()
    desk.cancel_licence_question()
    assert desk.licence_consent == "" and desk.offered == {} and licence_consents(sandbox) == []
    assert desk.can_ask_licences() and desk.notice is not None and not desk.notice.error
    desk.agree_licences()  # an answer after the question was withdrawn counts for nothing
    assert desk.licence_consent == "" and licence_consents(sandbox) == []
    desk.mark("M1", True)  # on paper
    desk.accept()
    body = sandbox.store.case_body(desk.result)
    assert not [c for c in body.get("consents", []) if c["scope"] == "licences"]


def test_the_consent_and_licences_go_with_another_service_card_or_sign_out(services, sandbox):
    desk = checking(services, "GT-001")
    desk.ask_licences()
    desk.agree_licences()
    desk.use_licence("M2")
    desk.choose_service("SB-003")  # a consent is for one service
    assert desk.licence_consent == "" and desk.offered == {} and desk.licence_used("M1") is None
    desk.ask_licences()
    desk.agree_licences()
    desk.use_licence("M1")
    desk.accept()
    assert desk.step is Desk.DONE and desk.licence_used("M1") is not None
    desk.card_read(sample_identity("resident"))  # the next applicant's card, without "Next applicant"
    assert desk.licence_consent == "" and desk.offered == {}
    desk.choose_service("SB-003")
    desk.ask_licences()
    desk.agree_licences()
    desk.sign_out()
    assert desk.step is Desk.SIGNED_OUT and desk.licence_consent == "" and desk.offered == {}


def test_licences_not_fetched_say_so_and_paper_stays_possible(services, sandbox):
    desk = checking(services)
    desk.ask_licences()
    sandbox.faults.set("down")
    try:
        desk.agree_licences()
    finally:
        sandbox.faults.clear()
    assert desk.licence_consent == "unavailable" and not desk.busy and desk.notice.error and desk.offered == {}
    assert "Traceback" not in desk.notice.message.render("zh_CN")
    assert desk.can_ask_licences()  # asked again once the backend is back
    desk.ask_licences()
    desk.agree_licences()
    assert desk.licence_consent == "agreed" and desk.offered
    desk.use_licence("M1")
    desk.accept()
    body = sandbox.store.case_body(desk.result)
    assert [c["scope"] for c in body["consents"]] == ["licences"]  # asked twice, carried once
    assert len(licence_consents(sandbox)) == 1


def test_the_consent_names_whose_licences_are_fetched_in_both_languages(services):
    """One text for the kiosk's consent screen and the window's customer screen (kiosk/materials.py): a company's
    matter asks for the company's licences and names those (the catalogue's e_licence_holder), a person's their own;
    the kinds are listed as each language lists them."""
    from common.i18n import set_language
    from kiosk.materials import licence_consent_text

    service = desk_checking(services, "BDC-005").service  # persons and companies: ID card, business licence
    title, body = licence_consent_text(service, "zh_CN", True)
    assert title == "是否调取企业的电子证照？" and "：营业执照。" in body and "居民身份证" not in body
    title, body = licence_consent_text(service, "zh_CN", False)
    assert title == "是否调取您的电子证照？" and "：居民身份证。" in body and "营业执照" not in body
    births = desk_checking(services, "CS-006").service  # four of a person's licences
    assert "出生医学证明、父母双方居民身份证、" in licence_consent_text(births, "zh_CN", False)[1]
    set_language("en")
    title, body = licence_consent_text(service, "en", True)
    assert title == "Fetch the company's electronic licences?" and ": Business licence." in body
    title, body = licence_consent_text(service, "en", False)
    assert title == "Fetch your electronic licences?" and ": Resident ID card." in body
    listed = licence_consent_text(births, "en", False)[1]
    assert "Medical birth certificate, Both parents' resident ID cards, " in listed


def test_a_companys_matter_with_no_licence_of_the_companys_is_not_offered_the_fetch(services, sandbox):
    """YZ-007's one licence-backed material is the legal representative's ID card, a person's: the company's
    licences cannot stand for it, so the clerk is not offered to ask (before, the consent was asked and nothing
    came)."""
    desk = desk_checking(services, "YZ-007")
    desk.set_company_code("91330106MA2H7Q3K8C")
    desk.look_up_company()
    assert desk.company is not None and not desk.can_ask_licences()
    desk.ask_licences()
    assert desk.licence_consent == "" and not [c for c in sandbox.store.consents(desk.identity.id_number)
                                               if c["scope"] == "licences"]
