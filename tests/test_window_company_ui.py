"""A matter for a company at the window through the widgets (ui/company_row.py, ui/licence_row.py), against the sandbox
on loopback: the clerk ticks "For a company", types (or a wedge scanner reads) the credit code, looks it up, and the
licence row offers the company's business licence on the applicant's consent; the case goes in the company's name;
nothing typed stays after the matter; the window fits 1280x800 in large English."""

import pytest
from PySide6.QtCore import QPoint, QRect, Qt

from devices.idcard.samples import sample_identity
from kiosk.workflows.clerk import Desk
from tests.test_window_full_fit import ResizeWatcher
from tests.touch import swipe
from tests.window_steps import checking
from ui.legibility import measure

HOLDER = sample_identity("resident").id_number  # an authorised handler of 杭州示例科技有限公司
COMPANY = "91330106MA2H7Q3K8C"


@pytest.fixture
def gui(open_gui):
    return open_gui("window", terminal={"customer_screen": "on"})


def _inside(widget, window):
    placed = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return window.rect().contains(placed), placed


def _look_up(qtbot, view, screen, typed=COMPANY):
    row = screen.licences.company
    assert row.code.isVisible() and row.look_up.isVisible()
    qtbot.keyClicks(row.code, typed)
    assert view.desk.for_company
    qtbot.keyClick(row.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.desk.company is not None and not view.desk.busy, timeout=10000)
    return row


def test_no_licence_button_where_no_licence_of_the_companys_can_stand_in(gui, qtbot, sandbox):
    """YZ-007's one licence-backed material is the legal representative's ID card, a person's: the company's licences
    cannot stand for it, so the row offers no fetch (it offered one, which then could not be asked)."""
    view, screen = checking(gui, qtbot, "YZ-007")  # companies only
    _look_up(qtbot, view, screen)
    assert view.desk.company is not None and screen.scan.scan.isVisible()  # the paper is scanned as ever
    assert not screen.licences.fetch.isVisible() and not view.desk.can_ask_licences()


def test_the_clerk_takes_a_company_and_its_business_licence_stands_for_the_material(gui, qtbot, sandbox):
    view, screen = checking(gui, qtbot, "BDC-005")  # persons and companies; M2 takes a business licence
    row = screen.licences.company
    assert row.isVisible() and row.code.isVisible() and not row.found.isVisible() and not view.desk.for_company
    assert screen.licences.fetch.isEnabled()  # the applicant's own licences, until a code is typed
    qtbot.keyClicks(row.code, "91330106MA2H7Q3K8D")  # the check character wrong: said as typed
    assert view.desk.for_company and not screen.licences.fetch.isEnabled()  # a company's: found first
    assert screen.notice.isVisible() and "校验" in screen.notice.text()
    qtbot.keyClick(row.code, Qt.Key.Key_Backspace)
    qtbot.keyClicks(row.code, "c")
    assert not screen.notice.isVisible() and view.desk.company_code == COMPANY
    qtbot.mouseClick(row.look_up, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.company is not None and not view.desk.busy, timeout=10000)
    assert row.found.isVisible() and row.change.isVisible() and not row.code.isVisible()
    assert "杭州示例科技有限公司" in row.found.full_text() and "经办人" in row.found.full_text()
    assert "申请单位：杭州示例科技有限公司（91330106MA2H7Q3K8C）" in view.customer.service.text()  # the applicant sees it
    licences = screen.licences
    qtbot.mouseClick(licences.fetch, Qt.MouseButton.LeftButton)
    assert not row.isVisible() and licences.withdraw.isVisible()  # in its place while the applicant is asked
    # the applicant reads whose licences are fetched (it said "your licences" for a company too: session 16's note)
    assert view.customer.consent_title.text() == "是否调取企业的电子证照？"
    assert "营业执照" in view.customer.consent_body.text() and "居民身份证" not in view.customer.consent_body.text()
    qtbot.mouseClick(view.customer.consent_agree, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.licence_consent == "agreed" and not view.desk.busy, timeout=10000)
    assert screen.materials.item(1).text().endswith("可用电子证照）")  # the company's business licence
    assert "电子证照" not in screen.materials.item(0).text()  # the resident ID: the person's, not offered
    screen.materials.setCurrentRow(1)
    qtbot.mouseClick(licences.use, Qt.MouseButton.LeftButton)
    assert screen.materials.item(1).checkState() == Qt.CheckState.Checked
    screen.materials.item(0).setCheckState(Qt.CheckState.Checked)  # the resident ID on paper
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=15000)
    body = sandbox.store.case_body(view.desk.result)
    assert (body["applicant"]["type"], body["applicant"]["credit_code"]) == ("company", COMPANY)
    assert body["material_licences"] == {"M2": "EL000043"}
    assert not row.isVisible()  # decided: the company row gives its room to the rating
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton)
    assert view.desk.company is None and row.code.text() == "" and row.found.full_text() == "" and not row.isVisible()
    assert "杭州示例科技有限公司" not in view.customer.service.text()


def test_a_wedge_scanner_reading_the_licence_qr_code_types_the_code_and_enter_looks_it_up(gui, qtbot):
    view, screen = checking(gui, qtbot, "WS-013")
    row = _look_up(qtbot, view, screen, f"https://www.gsxt.gov.cn/index.html?uniscid={COMPANY}&t=1")
    assert view.desk.company.credit_code == COMPANY and row.found.isVisible()


def test_a_wedge_scanners_burst_redraws_the_window_only_when_what_it_shows_changes(gui, qtbot):
    """The scanner types 63 characters in one burst: each key said the same "not a credit code" and redrew the whole
    window (about 7 ms a key, 406 ms held on the window monkey's run). The notice still changes as typed."""
    view, screen = checking(gui, qtbot, "WS-013")
    row, redraws = screen.licences.company, []
    view.desk.subscribe(lambda desk: redraws.append(desk.notice))
    typed = f"https://www.gsxt.gov.cn/index.html?uniscid={COMPANY}&t=1"
    qtbot.keyClicks(row.code, typed)
    assert view.desk.company_code == COMPANY and not screen.notice.isVisible()  # the code found in the text
    assert 1 <= len(redraws) <= 6, redraws  # when the notice came, changed and went; not once a key
    assert all(before != after for before, after in zip(redraws, redraws[1:]))  # each one a change


def test_a_service_for_companies_only_starts_for_a_company_and_sign_out_forgets_it(gui, qtbot):
    view, screen = checking(gui, qtbot, "QY-008")
    row = screen.licences.company
    assert row.isVisible() and row.code.isVisible() and view.desk.for_company
    qtbot.keyClicks(row.code, COMPANY)
    qtbot.mouseClick(row.look_up, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.company is not None and not view.desk.busy, timeout=10000)
    assert view.desk.sign_out_idle()
    assert view.desk.company is None and view.desk.company_code == "" and row.code.text() == ""


def _fits(qtbot, gui, *widgets):
    qtbot.wait(50)  # the layout settles on the event loop
    assert gui.window.size().toTuple() == (1280, 800)
    for widget in widgets:
        assert widget.isVisible(), widget
        inside, placed = _inside(widget, gui.window)
        assert inside, (widget, placed)


def test_the_company_row_fits_1280x800_in_large_english_beside_a_hand_over(gui, qtbot):
    gui.window.toggle_language()
    gui.window.toggle_elderly()
    view, screen = checking(gui, qtbot, "BDC-005")
    qtbot.waitUntil(lambda: screen.handover.isVisible(), timeout=5000)  # a licence is ready for the sample resident
    row, licences = screen.licences.company, screen.licences
    _fits(qtbot, gui, row.code, row.look_up, screen.handover, screen.next, screen.sign_out, screen.accept)
    assert [str(p) for p in measure(gui.window, gui.window.display, True) if "'Company code'" in p.widget
            or "'Look up'" in p.widget] == []
    sizes = []  # every size the window is given from here on, even one undone before a step looks
    gui.window.installEventFilter(watcher := ResizeWatcher(gui.window, sizes))
    _look_up(qtbot, view, screen)
    assert row.found.text().startswith("Hangzhou") and row.found.full_text().endswith("authorised handler.")
    _fits(qtbot, gui, row.found, row.change, screen.notice, screen.materials, screen.refusal, screen.next,
          screen.sign_out, screen.accept)
    customer = view.customer  # the applicant's screen names the company under the service, and still fits
    assert customer.size().toTuple() == (1280, 800) and "Hangzhou Example Technology" in customer.service.text()
    for widget in (customer.service, customer.materials, customer.applicant):
        assert widget.isVisible() and _inside(widget, customer)[0], widget
    ours = ("ElidedLines", "'Change'", "'Look up'")  # the row's type, touch targets and contrast, as the window's
    assert [str(p) for p in measure(gui.window, gui.window.display, True) if any(w in p.widget for w in ours)] == []
    qtbot.mouseClick(licences.fetch, Qt.MouseButton.LeftButton)  # the question open: "Cancel" in the row's place
    _fits(qtbot, gui, licences.withdraw, licences.declined, screen.notice, screen.next, screen.sign_out)
    assert customer.size().toTuple() == (1280, 800)
    for widget in (customer.service, customer.consent_title, customer.consent_body, customer.consent_agree,
                   customer.consent_decline):
        assert widget.isVisible() and _inside(widget, customer)[0], widget
    qtbot.mouseClick(view.customer.consent_agree, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.licence_consent == "agreed" and not view.desk.busy, timeout=10000)
    screen.materials.setCurrentRow(1)
    _fits(qtbot, gui, row.found, licences.use, screen.notice, screen.next, screen.sign_out, screen.accept)
    qtbot.mouseClick(row.change, Qt.MouseButton.LeftButton)  # another company: the field again, the licences gone
    assert view.desk.company is None and view.desk.offered == {} and row.code.isVisible()
    qtbot.keyClicks(row.code, "91330106MA2H7Q3K8CX")  # too long: said in the notice
    assert "18" in screen.notice.text()
    _fits(qtbot, gui, row.code, row.look_up, screen.notice, screen.next, screen.sign_out, screen.accept)
    gui.window.removeEventFilter(watcher)
    assert sizes == []  # never grown on the way, not even for a moment


def test_the_company_row_fits_with_every_other_row_of_a_matter(open_gui, qtbot, sandbox):
    """As tests/test_window_full_fit.py, for a company's matter: a called ticket, a hand-over, a page scanned, the
    company found and its licences agreed, in large English at 1280x800."""
    gui = open_gui("window", terminal={"window_number": 3, "customer_screen": "on"})
    gui.window.toggle_language()
    gui.window.toggle_elderly()
    sandbox.store.queue.take("A", None, "DISPENSER")
    view, screen = checking(gui, qtbot, "BDC-005")
    qtbot.waitUntil(lambda: screen.handover.isVisible() and screen.queue.isVisible(), timeout=5000)
    _fits(qtbot, gui, screen.queue, screen.handover)
    sizes = []
    gui.window.installEventFilter(watcher := ResizeWatcher(gui.window, sizes))
    row, licences = _look_up(qtbot, view, screen), screen.licences
    screen.materials.setCurrentRow(0)
    qtbot.mouseClick(screen.scan.scan, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.desk.busy and view.desk.scanned(screen.scan.code) is not None, timeout=15000)
    qtbot.mouseClick(licences.fetch, Qt.MouseButton.LeftButton)
    _fits(qtbot, gui, licences.withdraw, screen.queue, screen.notice, screen.next, screen.sign_out)
    assert not screen.handover.isVisible()  # it gives its room to the question (as in tests/test_window_full_fit.py)
    qtbot.mouseClick(view.customer.consent_agree, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.licence_consent == "agreed" and not view.desk.busy, timeout=10000)
    screen.materials.setCurrentRow(1)
    _fits(qtbot, gui, row.found, row.change, screen.queue, screen.handover, screen.scan.scan, screen.scan.thumb,
          licences.use, screen.materials, screen.refusal, screen.accept, screen.notice, screen.next, screen.sign_out,
          screen.applicant)
    line = screen.materials.sizeHintForRow(0)
    assert screen.materials.viewport().height() >= 2 * line, (screen.materials.viewport().height(), line)
    gui.window.removeEventFilter(watcher)
    assert sizes == []


def test_blanks_typed_in_the_code_field_are_no_code_and_do_not_stay_for_the_next_applicant(gui, qtbot):
    """Tab, return and newline typed into the field are no code: they stayed in it past the matter, hiding its
    placeholder from the next applicant (window-monkey seed 10)."""
    view, screen = checking(gui, qtbot, "BDC-005")
    row = screen.licences.company
    row.code.insert("\t\r\n ")  # as an input method commits it
    assert row.code.text() == "" and view.desk.company_code == "" and not view.desk.for_company
    qtbot.keyClicks(row.code, "9133 ")
    assert row.code.text() == "9133 "  # a space within a code stays as typed
    assert view.desk.sign_out_idle()
    assert row.code.text() == ""


def test_the_applicant_signs_a_companys_form_on_a_screen_that_keeps_its_size(gui, qtbot, sandbox):
    """QY-008's form has the most answers of the catalogue, and a company's matter names the company under the
    service: with the answers above the pad the customer screen grew to 1280x853 (kiosk bench window-monkey, seed
    449, step 5)."""
    view, screen = checking(gui, qtbot, "QY-008")
    _look_up(qtbot, view, screen)
    customer = view.customer
    customer.resize(1280, 800)
    for row in range(screen.materials.count()):
        screen.materials.item(row).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: customer.pad.isVisible(), timeout=10000)
    qtbot.wait(50)
    assert customer.materials.count() == 4 and "91330106MA2H7Q3K8C" in customer.service.text()
    assert customer.size().toTuple() == (1280, 800)
    for widget in (customer.materials, customer.sign_hint, customer.pad, customer.signed):
        inside, placed = _inside(widget, customer)
        assert widget.isVisible() and inside, (widget, placed)
    assert customer.pad.height() >= 200  # room left to sign in
    gui.window.toggle_language()  # longer lines in English: fewer answers shown whole, the screen as it was
    qtbot.wait(50)
    assert customer.size().toTuple() == (1280, 800) and customer.pad.isVisible()
    assert (customer.materials.height() - 2 * customer.materials.frameWidth()) % customer.materials.sizeHintForRow(0) \
        in (0, 8)  # whole rows, or all of them
    bar = customer.materials.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0  # the rest of the answers below: the applicant's finger drags them
    swipe(qtbot, customer.materials.viewport(), -customer.materials.viewport().height() // 2)
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=3000)


def test_a_credit_code_emptied_by_backspace_is_not_in_the_field_s_undo_history_for_the_next(gui, qtbot):
    """Window-monkey seed 776: a code typed, then the whole field deleted with Backspace, leaves the field as empty as
    the desk wants it, so nothing emptied it again at the matter's end, and Ctrl+Z gave the code to the next
    applicant's matter. At the matter's end every field's undo history goes (ui/widgets.py ``forget_histories``)."""
    view, screen = checking(gui, qtbot, "BDC-005")
    row = screen.licences.company
    qtbot.keyClicks(row.code, COMPANY)
    row.code.selectAll()
    qtbot.keyClick(row.code, Qt.Key.Key_Backspace)
    assert row.code.text() == "" and row.code.isUndoAvailable()  # the clerk may take it back within the matter
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.identity is None and not view.desk.busy, timeout=10000)
    assert not row.code.isUndoAvailable() and not row.code.isRedoAvailable()
    row.code.undo()
    assert row.code.text() == ""


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_company_code_s_hint_is_shown_whole_in_large_text(gui, qtbot, language):
    """The hint says what the field takes (a company's code; empty, the applicant applies for themselves). In large
    text 'Company credit code' was cut to 'Company credi…' beside "Look up", and 单位统一社会信用代码 lost its last
    character; the tooltip says the rest."""
    if language == "en":
        gui.window.toggle_language()
    gui.window.toggle_elderly()
    view, screen = checking(gui, qtbot, "BDC-005")
    row = screen.licences.company
    qtbot.wait(50)  # the layout settles on the event loop
    assert row.code.isVisible() and row.code.text() == "" and row.code.placeholderText()
    hint = f"'{row.code.placeholderText()}'"
    assert [str(p) for p in measure(gui.window, gui.window.display, True, headline=False) if hint in p.widget] == []
