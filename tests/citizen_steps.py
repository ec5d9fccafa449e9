"""Walking a citizen's session (without Qt) to a step, as the screens would call it."""

import io

from PIL import Image

from common.domain import ApplyAs
from devices.idcard.samples import sample_identity
from kiosk.workflows.citizen import Step

# What a citizen types into the sandbox catalogue's forms (sandbox/data/services.json).
FORMS = {
    "GT-001": {"business_scope": "日用百货零售", "phone": "13800000001"},
    "GJJ-004": {"amount": "50000", "phone": "138 0000 0001"},
    "JZ-002": {"phone": "13800000002", "residence_address": "浙江省杭州市西湖区示例路1号"},
    "YZ-007": {"reason": "lost", "licence_copy": "original", "phone": "13800000008"},
    "WS-013": {"period_from": "20260101", "period_to": "2026-06-30", "tax_type": "all"},
    "JSZ-010": {"delivery": "pickup", "phone": "13800000001"},
}


def identify(session, identity=None, purpose="apply"):
    session.start_with_card(purpose)
    session.agree_consent()
    session.card_read(identity if identity is not None else sample_identity("resident"))


def fill_form(session, values):
    for name, value in values.items():
        session.set_form_value(name, value)
    session.submit_form()


def signature_png():
    """A small signature, as the pad would give it."""
    image = Image.new("RGB", (300, 100), "white")
    for x in range(20, 280):
        image.putpixel((x, 50 + (x % 20)), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def provide_materials(session, licences=True):
    """From the licence consent or the materials list to the confirm screen: licences where offered,
    conditional materials answered "does not apply", the rest scanned on the simulated camera; signed."""
    if session.step is Step.LICENCE_CONSENT:
        (session.agree_licences if licences else session.decline_licences)()
    if session.step is Step.MATERIALS:
        for material in session.checklist.items:
            if material.code in session.offered_licences:
                session.use_licence(material.code)
            elif material.conditional:
                session.material_does_not_apply(material.code)
            elif material.requirement.required:
                session.scan_material(material.code)
                for _ in range(material.requirement.pages):
                    session.capture_page()
                session.capture_done()
        session.materials_done()
    if session.step is Step.SIGNATURE:
        session.sign(signature_png())
    assert session.step is Step.CONFIRM, (session.step, session.notice)


def walk_to_confirm(session, code="GT-001", apply_as=ApplyAs.MYSELF, identity=None):
    identify(session, identity)
    session.continue_to_services()
    session.choose_service(code)
    session.start_application()
    if session.step is Step.WHO:
        session.choose_applicant(apply_as)
    if session.step is Step.FORM:
        fill_form(session, FORMS[code])
    provide_materials(session)


def place_card_and_agree(gui, qtbot, sample="resident"):
    """A card laid on the reader at the home screen, then "I agree" tapped on the consent screen."""
    from PySide6.QtCore import Qt

    session = gui.window.session
    gui.services.devices.id_reader.place_card(sample)
    qtbot.waitUntil(lambda: session.step is Step.CONSENT, timeout=5000)
    qtbot.mouseClick(gui.window.view.screens[Step.CONSENT].agree, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.step is Step.IDENTIFIED, timeout=5000)


def to_my_case(gui, qtbot, number):
    """The sample card laid, "I agree", "My applications", then the case ``number``: its progress screen."""
    from PySide6.QtCore import Qt

    session, screens = gui.window.session, gui.window.view.screens
    place_card_and_agree(gui, qtbot)
    qtbot.mouseClick(screens[Step.IDENTIFIED].cases, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.step is Step.MY_CASES and not session.busy, timeout=10000)
    qtbot.mouseClick(screens[Step.MY_CASES].buttons[number], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.step is Step.PROGRESS and not session.busy, timeout=10000)
    return screens[Step.PROGRESS]
