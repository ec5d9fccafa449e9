"""The kiosk's materials in the language's own brackets (kiosk.materials.with_note, through the translation
layer, as the window's list since e5de12b): in English 'Resident ID card (required)', never an English word
in full-width Chinese brackets; in Chinese 居民身份证（必交）."""

from PySide6.QtCore import Qt

from common.domain import ApplyAs
from kiosk.workflows.citizen import Step
from tests.citizen_steps import FORMS, fill_form, place_card_and_agree

LEFT = Qt.MouseButton.LeftButton


def to_guide(gui, qtbot, english: bool):
    window, screens = gui.window, gui.window.view.screens
    if english:
        qtbot.mouseClick(window.language_button, LEFT)
    place_card_and_agree(gui, qtbot)
    qtbot.mouseClick(screens[Step.IDENTIFIED].next, LEFT)
    qtbot.waitUntil(lambda: window.session.step is Step.CHOOSE_SERVICE, timeout=5000)
    qtbot.mouseClick(screens[Step.CHOOSE_SERVICE].buttons["GT-001"], LEFT)
    assert window.session.step is Step.GUIDE
    return screens[Step.GUIDE].body.text()


def to_incomplete(gui, qtbot):
    """Nothing brought, the agent's authorisation (M4, conditional) included: all on the incomplete screen."""
    session, screens = gui.window.session, gui.window.view.screens
    qtbot.mouseClick(screens[Step.GUIDE].apply, LEFT)
    if session.step is Step.WHO:
        session.choose_applicant(ApplyAs.MYSELF)
    if session.step is Step.FORM:
        fill_form(session, FORMS["GT-001"])
    if session.step is Step.LICENCE_CONSENT:
        session.decline_licences()
    assert session.step is Step.MATERIALS
    for material in session.checklist.items:
        session.material_not_brought(material.code)
    session.materials_done()
    qtbot.waitUntil(lambda: session.step is Step.INCOMPLETE, timeout=5000)
    return screens[Step.INCOMPLETE].missing.text()


def test_in_english_the_kiosk_s_materials_read_with_ascii_brackets(open_gui, qtbot):
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 600})
    guide = to_guide(gui, qtbot, english=True)
    assert "Registration application form (required; 2 pages)" in guide, guide
    assert "power of attorney (if applicable; when an agent applies; 2 pages)" in guide  # not its Chinese half
    materials = guide[guide.index("<ul>"):]  # (the legal basis is cited in Chinese, its punctuation with it)
    assert "（" not in materials and "）" not in materials and "；" not in materials and "委托" not in materials
    missing = to_incomplete(gui, qtbot)
    assert "(when an agent applies)" in missing, missing
    assert "（" not in missing and "）" not in missing


def test_in_chinese_they_keep_the_full_width_brackets(open_gui, qtbot):
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 600})
    guide = to_guide(gui, qtbot, english=False)
    assert "个体工商户登记（备案）申请书（必交；2页）" in guide, guide
    assert "授权委托书（如适用；委托他人办理的；2页）" in guide  # not the condition's English half
    assert "（委托他人办理的）" in to_incomplete(gui, qtbot)
