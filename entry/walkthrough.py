"""Drive the terminal's screens as a person would: taps on buttons, keys into fields.

``kiosk demo`` walks its journeys with these steps, and ``kiosk bench ui`` may script sessions with
them. Every action is a Qt mouse or key event on a widget a person can see and reach (``tap``
refuses a hidden or disabled widget with a clear error instead of clicking into nothing); only the
citizen's hand on a device, placing the ID card or holding a code to the scanner, is a simulator call.
Waits watch what the window shows (the current screen, a button becoming usable) or, where the
screen has nothing to see yet, the workflow's state; never a fixed time.

Each step takes the ``Gui`` (``ui.app.Gui``: services, bridge and window) and, optionally, a
:class:`Camera` that saves a screenshot at the moments worth showing; without one it only acts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, Qt
from PySide6.QtGui import QImage, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (QComboBox, QLineEdit, QListWidget, QScrollArea, QStyle, QStyleOptionViewItem,
                               QTableWidget, QWidget)

from common import provisional
from common.i18n import _
from common.domain import ApplyAs
from kiosk.forms import Keyboard
from kiosk.materials import Provided
from kiosk.workflows.citizen import Step
from entry.file_writer import BackgroundWriter
from sandbox.form_answers import ANSWERS, answer_for
from ui.display import DRAWN, display_for
from ui.app import Gui
from ui.keyboard import TouchKeyboard
from ui.widgets import caption_of


SHOWN_WITHIN_S = 1.0  # how long a tap looks for a widget that is not shown yet


class WalkError(RuntimeError):
    """A step could not be done as a person would do it: the message says which and why."""


def settle() -> None:
    for _ in range(5):
        QCoreApplication.processEvents()


def wait_until(condition: Callable[[], bool], what: str, timeout_s: float = 10.0) -> None:
    """Run the event loop until ``condition`` holds; ``what`` names the awaited sight in the error."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise WalkError(f"waited {timeout_s:g} s for {what}")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def tap(widget: QWidget | None, what: str) -> None:
    """A finger on the widget's centre: press and release, as the touch screen sends them."""
    if widget is None:
        raise WalkError(f"there is no {what} on the screen")
    if not widget.isVisible():
        # a widget just added to a shown screen is shown on the event loop's next turn (QLayout queues it): look
        # again a moment later, as a person would
        try:
            wait_until(widget.isVisible, what, SHOWN_WITHIN_S)
        except WalkError:
            raise WalkError(f"the {what} is not on the screen") from None
    if not widget.isEnabled():
        raise WalkError(f"the {what} is greyed out")
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
    settle()


def type_into(field: QLineEdit, value: str, what: str) -> None:
    """Tap the field, then type the text key by key."""
    tap(field, what)
    field.selectAll()
    QTest.keyClicks(field, value)
    settle()


def choose(combo: QComboBox, data: str, what: str) -> None:
    """Open the drop-down with a tap, walk to the entry with the arrow keys, take it with Enter."""
    target = combo.findData(data)
    if target < 0:
        raise WalkError(f"the {what} offers no {data}")
    tap(combo, what)
    view = combo.view()
    wait_until(view.isVisible, f"the {what}'s list to open", 5)
    for _ in range(combo.count() + 1):
        row = view.currentIndex().row()
        if row == target:
            break
        QTest.keyClick(view, Qt.Key.Key_Down if row < target else Qt.Key.Key_Up)
    QTest.keyClick(view, Qt.Key.Key_Return)
    settle()
    if combo.currentIndex() != target:
        raise WalkError(f"the {what} did not take {data}")


def tick(items: QListWidget, data: str, what: str, checked: bool = True) -> None:
    """Tap the check box of the entry whose data is ``data`` (only if it is not already as wanted)."""
    def entry():
        for row in range(items.count()):
            if items.item(row).data(Qt.ItemDataRole.UserRole) == data:
                return items.item(row)
        raise WalkError(f"the {what} has no entry {data}")

    item = entry()
    wanted = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
    if item.checkState() == wanted:
        return
    items.scrollToItem(item)
    option = QStyleOptionViewItem()
    items.initViewItemOption(option)
    option.rect = items.visualItemRect(item)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = items.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, items)
    QTest.mouseClick(items.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, box.center())
    settle()
    if entry().checkState() != wanted:  # the screen may have redrawn the list, with new entries
        raise WalkError(f"tapping the check box of {data} in the {what} did not change it")


class Camera:
    """Saves numbered screenshots of the window into a folder: ``01-home.png``, ``02-...``.

    The window is grabbed on the GUI thread; the PNG is encoded and written on one writer thread
    (about 0.17 s a screen, a quarter of the demo's time when done in line). ``close`` waits for
    the writes and raises the first that failed.
    """

    def __init__(self, out: Path, first: int = 1, every_size: bool = False) -> None:
        self.out = out
        self.next = first
        self.every_size = every_size  # each screen also at every target size in both text sizes (sizes/...)
        self._drawn: set[tuple[str, str]] = set()  # the screens already drawn at every size
        self.shots: list[Path] = []
        self._writer = BackgroundWriter("demo-shots")

    def shot(self, gui: Gui, name: str) -> Path:
        settle()
        path = self.out / f"{self.next:02d}-{name}.png"
        image = gui.window.grab().toImage()
        self._writer.submit(lambda: self._write(image, path))
        screen = getattr(gui.window.view, "currentWidget", lambda: gui.window.view)()
        kind = (type(screen).__name__, name.split("-")[0])  # a screen, in one of its states (e.g. done, done-fee)
        if self.every_size and kind not in self._drawn:
            self._drawn.add(kind)  # once a screen: restyling the whole window six times a shot took minutes
            for folder, other in render_every_size(gui):
                target = self.out / "sizes" / folder / path.name
                self._writer.submit(lambda picture=other, where=target: self._write(picture, where))
        self.next += 1
        self.shots.append(path)
        return path

    def shot_of(self, window: QWidget, name: str) -> Path:
        """A window other than the terminal's main one (the window's customer screen), numbered in the same row."""
        settle()
        path = self.out / f"{self.next:02d}-{name}.png"
        image = window.grab().toImage()
        self._writer.submit(lambda: self._write(image, path))
        self.next += 1
        self.shots.append(path)
        return path

    @staticmethod
    def _write(image: QImage, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write the screenshot {path}")

    def close(self, timeout_s: float = 60.0) -> None:
        self._writer.close(timeout_s)


def render_every_size(gui: Gui) -> list[tuple[str, QImage]]:
    """The window as it is now, drawn at every target screen size and an old 4:3 kiosk's (``ui.display.DRAWN``) in
    both text sizes (the display and the style only: the session, the voice and the timers are not touched), then
    put back. ``[(folder, picture)]``, e.g. ``1080x1920-large``."""
    window = gui.window
    shown, elderly, size = window.display, window.elderly, window.size()
    pictures = []
    try:
        for display in DRAWN:
            window.set_display(display)  # laid out for it: narrow below 1280 px (ui/theme.py)
            for large in (False, True):
                window.restyle(display, large)  # the screen shown at once: the only one drawn
                # the header's button offers the other size, as a citizen who chose this one sees it
                window.elderly_button.setText(_("Standard text") if large else _("Large text"))
                settle()
                window.resize(display.width_px, display.height_px)
                settle()
                pictures.append((f"{display.name}-{'large' if large else 'standard'}", window.grab().toImage()))
    finally:
        window.set_display(shown)
        window.restyle(shown, elderly)
        window.retranslate()
        settle()
        window.resize(size)
        settle()
    return pictures


def _snap(camera: Camera | None, gui: Gui, name: str) -> None:
    if camera is not None:
        camera.shot(gui, name)


def show(gui: Gui, width: int = 1280, height: int = 800) -> None:
    gui.window.set_display(display_for(width, height))  # one of the target screens: type in points on it
    settle()  # restyled first: the window's minimum size is the new one before it is resized
    gui.window.resize(width, height)
    gui.window.show()
    settle()


# -- the header, in every mode ------------------------------------------------------------------

def switch_language(gui: Gui) -> None:
    tap(gui.window.language_button, "language button")


def toggle_large_text(gui: Gui) -> None:
    tap(gui.window.elderly_button, "large-text button")


# -- the citizen at the kiosk ------------------------------------------------------------------------

def _screen(gui: Gui, step: Step):
    return gui.window.view.screens[step]


def showing(gui: Gui, step: Step) -> bool:
    return gui.window.view.currentWidget() is _screen(gui, step)


def wait_for_screen(gui: Gui, step: Step, timeout_s: float = 10.0) -> None:
    wait_until(lambda: showing(gui, step) and not gui.window.session.busy, f"the {step.value} screen", timeout_s)


@dataclass(frozen=True)
class Journey:
    """What a citizen's journey left: the number on the done screen and the printed receipt."""

    number: str               # the case number, or the one-time notice's when something was missing
    receipt_png: Path | None  # the printed receipt (or notice)
    incomplete: bool = False

    @property
    def provisional(self) -> bool:
        return provisional.is_valid(self.number)


def key_in(keyboard: TouchKeyboard, field: QLineEdit, value: str, what: str) -> None:
    """Tap the field, clear it with the keyboard's Clear key, then tap the value key by key. A field
    the keyboard has no keys for (Chinese: the pinyin keys are walked in tests/test_pinyin_keyboard.py) is typed on the
    hardware keyboard. The field, once tapped, must be in sight whole with its caption above it, as the citizen types
    (the title stands aside for them where the keys leave too little room: ui/keys_give_way.py)."""
    tap(field, what)
    settle()  # the keys for the field come up, and the screen makes room for them
    hidden = out_of_sight(field)
    if hidden:
        raise WalkError(f"the {what} is tapped, but its {hidden} is out of sight above the keys")
    if keyboard.kind in (Keyboard.CHINESE, Keyboard.NONE):
        field.selectAll()
        for ch in value:  # key by key, as the counter's keyboard (or a scanner typing a code) delivers them
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QCoreApplication.sendEvent(field, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))
        settle()
        if field.text() != value:
            raise WalkError(f"the {what} shows {field.text()!r} after entering {value!r}")
        return
    tap(keyboard.keys.get("clear"), "keyboard's clear key")
    for ch in value:
        tap(keyboard.keys.get(ch), f"keyboard key {ch!r}")
    if field.text() != value:
        raise WalkError(f"the {what} shows {field.text()!r} after typing {value!r}")


def out_of_sight(field: QWidget) -> str:
    """What of a field being typed in the citizen cannot see: "field" (cut by its scroll area's edge, or not shown),
    "caption" (the label whose buddy it is, where it has one), or "" for neither."""
    area = field.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    view = area.viewport() if area is not None else field.window()

    def whole(widget: QWidget) -> bool:
        top = widget.mapTo(view, widget.rect().topLeft()).y()
        return widget.isVisible() and top >= 0 and top + widget.height() <= view.height()

    caption = caption_of(field, view)
    return "field" if not whole(field) else "caption" if caption is not None and not whole(caption) else ""


def fill_form(gui: Gui, camera: Camera | None, suffix: str) -> None:
    """Every field of the form: choices tapped, the rest keyed in; then Continue."""
    form = _screen(gui, Step.FORM)
    shot = False
    for name, row in form.rows.items():
        value = answer_for(row.field)
        if row.edit is not None and name not in ANSWERS and (row.edit.text() or not row.field.required):
            continue  # filled from the card already, or optional: the citizen leaves it
        if row.choices:
            form.scroll.ensureWidgetVisible(row.choices[value])
            tap(row.choices.get(value), f"choice {value} of {name}")
        elif row.edit.text() != value and (value or row.field.required):
            key_in(form.keyboard, row.edit, value, f"form field {name}")
        if not shot and row.edit is not None and form.keyboard.kind not in (Keyboard.CHINESE, Keyboard.NONE):
            _snap(camera, gui, f"form-keyboard{suffix}")
            shot = True
    _snap(camera, gui, f"form{suffix}")
    tap(form.next, "'continue' button")
    wait_until(lambda: not showing(gui, Step.FORM) or form.notice.isVisible(), "the form to be taken")
    if showing(gui, Step.FORM):
        _snap(camera, gui, f"form-refused{suffix}")
        raise WalkError(f"the form was not taken: {form.notice.text()}")


def company_step(gui: Gui, code: str, camera: Camera | None, suffix: str) -> None:
    screen = _screen(gui, Step.COMPANY)
    key_in(screen.keyboard, screen.code, code, "credit code field")
    tap(screen.look_up, "'look up' button")
    wait_until(lambda: not gui.window.session.busy and (screen.next.isEnabled() or screen.notice.isVisible()),
               "the company to be looked up", 20)
    _snap(camera, gui, f"company{suffix}")
    if not screen.next.isEnabled():
        raise WalkError(f"the company could not be used: {screen.notice.text()}")
    tap(screen.next, "'continue' button")


def principal_step(gui: Gui, principal: tuple[str, str], camera: Camera | None, suffix: str) -> None:
    id_number, name = principal
    screen = _screen(gui, Step.PRINCIPAL)
    key_in(screen.keyboard, screen.id_number, id_number, "principal's ID number field")
    key_in(screen.keyboard, screen.name, name, "principal's name field")
    _snap(camera, gui, f"principal{suffix}")
    tap(screen.next, "'continue' button")
    wait_until(lambda: not gui.window.session.busy and (not showing(gui, Step.PRINCIPAL) or screen.notice.isVisible()),
               "the principal's details to be checked", 20)
    if showing(gui, Step.PRINCIPAL):
        raise WalkError(f"the principal's details were refused: {screen.notice.text()}")


# A signature as a finger writes it: a few strokes across the pad, in its own coordinates (0..1).
SIGNATURE_STROKES = (
    [(0.10, 0.62), (0.16, 0.35), (0.21, 0.70), (0.27, 0.40), (0.32, 0.66)],
    [(0.38, 0.50), (0.46, 0.30), (0.50, 0.72), (0.56, 0.45), (0.63, 0.58)],
    [(0.68, 0.40), (0.74, 0.68), (0.82, 0.36), (0.90, 0.60)],
)


def sign_on_pad(gui: Gui, camera: Camera | None, suffix: str) -> None:
    screen = _screen(gui, Step.SIGNATURE)
    pad = screen.pad
    for stroke in SIGNATURE_STROKES:
        pad.draw_stroke([(x * pad.width(), y * pad.height()) for x, y in stroke])
    settle()
    _snap(camera, gui, f"signature{suffix}")
    tap(screen.next, "'continue' button under the signature")
    wait_until(lambda: not showing(gui, Step.SIGNATURE) or screen.notice.isVisible(), "the signature to be kept")
    if showing(gui, Step.SIGNATURE):
        raise WalkError(f"the signature was not kept: {screen.notice.text()}")


def scan_pages(gui: Gui, code: str, camera: Camera | None, suffix: str, shot: bool) -> None:
    """The paper laid under the document camera: the kiosk takes each page when it lies still."""
    session = gui.window.session
    screen = _screen(gui, Step.CAPTURE)
    wanted = session.checklist[code].requirement.pages
    wait_until(lambda: len(session.checklist[code].pages) >= wanted, f"{wanted} page(s) of {code} to be taken", 60)
    settle()
    if shot:
        _snap(camera, gui, f"capture{suffix}")
    tap(screen.done, "'done' button on the camera screen")
    wait_for_screen(gui, Step.MATERIALS)


def provide_materials(gui: Gui, camera: Camera | None, suffix: str, licences: bool = True,
                      not_brought: tuple[str, ...] = ()) -> None:
    """The licence consent, then each material: a licence where one is offered, "does not apply" for
    a conditional one, scanned pages for the rest, "I do not have it" for those in ``not_brought``."""
    if showing(gui, Step.LICENCE_CONSENT):
        _snap(camera, gui, f"licence-consent{suffix}")
        consent = _screen(gui, Step.LICENCE_CONSENT)
        tap(consent.agree if licences else consent.decline, "'fetch my licences' answer")
    wait_for_screen(gui, Step.MATERIALS, 20)
    session = gui.window.session
    screen = _screen(gui, Step.MATERIALS)
    shot = True
    for material in list(session.checklist.items):
        code = material.code
        row = screen.rows[code]  # the rows are drawn again after every answer: look each one up afresh
        if material.provided in (Provided.LICENCE, Provided.PAGES, Provided.NOT_APPLICABLE):
            continue  # provided already (a saved application brought back)
        if code in not_brought:
            tap(row.not_brought, f"'I do not have it' for {code}")
        elif row.licence.isVisible():
            tap(row.licence, f"'use my electronic licence' for {code}")
        elif row.not_applicable.isVisible():
            tap(row.not_applicable, f"'does not apply' for {code}")
        elif material.requirement.required:
            tap(row.scan, f"'scan' for {code}")
            wait_for_screen(gui, Step.CAPTURE)
            scan_pages(gui, code, camera, suffix, shot)
            shot = False
    _snap(camera, gui, f"materials{suffix}")
    tap(screen.next, "'continue' button under the materials")
    wait_until(lambda: not showing(gui, Step.MATERIALS) or screen.notice.isVisible(), "the materials to be taken")
    if showing(gui, Step.MATERIALS):
        raise WalkError(f"the materials were not taken: {screen.notice.text()}")
    if showing(gui, Step.SIGNATURE):
        sign_on_pad(gui, camera, suffix)


def leave_with_notice(gui: Gui, camera: Camera | None, suffix: str, rating: int | None = None,
                      before: Callable[[], None] | None = None) -> Journey:
    """Something is missing: print the one-time notice (the application is saved), (rate it,) finish, go home."""
    _snap(camera, gui, f"incomplete{suffix}")
    if before is not None:
        before()
    tap(_screen(gui, Step.INCOMPLETE).print, "'print the notice and save' button")
    wait_until(lambda: showing(gui, Step.DONE) and not gui.window.session.busy, "the notice to be printed", 30)
    _snap(camera, gui, f"notice-printed{suffix}")
    number = gui.window.session.notice_number
    if rating is not None:
        done = _screen(gui, Step.DONE)
        tap(done.rate_buttons.get(rating), f"rating button {rating}")
        wait_until(lambda: not gui.window.session.busy and gui.window.session.rating == rating, "the rating", 10)
    printer = gui.services.devices.receipt_printer
    notice = Path(printer.last_png) if getattr(printer, "last_png", None) else None
    tap(_screen(gui, Step.DONE).finish, "'finish' button")
    gui.services.devices.id_reader.remove_card()
    wait_for_screen(gui, Step.HOME)
    return Journey(number, notice, incomplete=True)


def identify_at_kiosk(gui: Gui, camera: Camera | None, suffix: str, sample_card: str = "resident") -> None:
    """Home -> "start with my ID card" -> consent -> card on the reader -> identified."""
    _snap(camera, gui, f"home{suffix}")
    tap(_screen(gui, Step.HOME).card_button, "'start with my ID card' button")
    wait_for_screen(gui, Step.CONSENT)
    _snap(camera, gui, f"consent{suffix}")
    tap(_screen(gui, Step.CONSENT).agree, "'I agree' button")
    wait_for_screen(gui, Step.READ_CARD)
    _snap(camera, gui, f"place-card{suffix}")
    gui.services.devices.id_reader.place_card(sample_card)
    wait_for_screen(gui, Step.IDENTIFIED)


def pay_fee(gui: Gui, camera: Camera | None, suffix: str, pay: Callable[[str], bool] | None,
            then: Step = Step.DONE) -> None:
    """The fee's code on screen; ``pay(order_id)`` is the citizen's phone paying it (False, or no ``pay``: it could
    not, and the citizen pays later); ``then``: the screen that follows a payment."""
    session, screen = gui.window.session, _screen(gui, Step.PAYMENT)
    wait_until(lambda: session.payment is not None or screen.notice.isVisible(), "the payment code", 20)
    settle()
    _snap(camera, gui, f"payment{suffix}")
    if session.payment is not None and pay is not None and pay(session.payment.order_id):
        wait_until(lambda: showing(gui, then), "the payment to be seen (the screen asks every 3 s)", 30)
    else:
        tap(screen.later, "'pay later at the window' button")


def confirm_and_finish(gui: Gui, camera: Camera | None, suffix: str,
                       before_confirm: Callable[[], None] | None = None, rating: int | None = None,
                       pay: Callable[[str], bool] | None = None) -> Journey:
    """The confirm screen -> submitted -> (the fee) -> the receipt -> (a satisfaction rating) -> finish -> home. The
    service's materials changed meanwhile (the backend refuses the case, the kiosk asks for what was added): those
    given, then confirmed again."""
    wait_for_screen(gui, Step.CONFIRM)
    _snap(camera, gui, f"confirm{suffix}")
    if before_confirm is not None:
        before_confirm()
    tap(_screen(gui, Step.CONFIRM).confirm, "'confirm and submit' button")
    session = gui.window.session
    wait_until(lambda: any(showing(gui, step) for step in (Step.DONE, Step.FAILED, Step.PAYMENT))
               or (showing(gui, Step.MATERIALS) and not session.busy), "the done screen", 30)
    if showing(gui, Step.MATERIALS):
        _snap(camera, gui, f"materials-changed{suffix}")
        provide_materials(gui, camera, f"{suffix}-changed")
        return confirm_and_finish(gui, camera, f"{suffix}-changed", None, rating, pay)
    if showing(gui, Step.PAYMENT):
        pay_fee(gui, camera, suffix, pay)
        wait_until(lambda: showing(gui, Step.DONE) or showing(gui, Step.FAILED), "the done screen", 30)
    if showing(gui, Step.FAILED):
        _snap(camera, gui, f"failed{suffix}")
        raise WalkError(f"the application was not submitted: {_screen(gui, Step.FAILED).notice.text()}")
    _snap(camera, gui, f"done{suffix}")
    done = _screen(gui, Step.DONE)
    number = done.number.text()
    printer = gui.services.devices.receipt_printer
    receipt = Path(printer.last_png) if getattr(printer, "last_png", None) else None
    if rating is not None:
        tap(done.rate_buttons.get(rating), f"rating button {rating}")
        wait_until(done.notice.isVisible, "the rating's thanks", 10)
    tap(done.finish, "'finish' button")
    gui.services.devices.id_reader.remove_card()
    wait_for_screen(gui, Step.HOME)
    return Journey(number, receipt)


def citizen_journey(gui: Gui, service_code: str, camera: Camera | None = None, suffix: str = "",
                    before_confirm: Callable[[], None] | None = None, sample_card: str = "resident",
                    rating: int | None = None, apply_as: ApplyAs = ApplyAs.MYSELF, company: str = "",
                    principal: tuple[str, str] | None = None, licences: bool = True,
                    not_brought: tuple[str, ...] = (), pay: Callable[[str], bool] | None = None,
                    before_principal: Callable[[], None] | None = None, search: str = "") -> Journey:
    """Identified -> continue -> a service -> its guide -> who applies (the company's code, or the
    principal's details) -> the form on the touch keyboard -> the materials (and the signature)
    -> confirm -> finish; or, with a material not brought, the one-time notice (``before_confirm`` then runs just
    before it is printed). With ``search``, the service is found by tapping those keys on the search's touch keys
    (its initials, its code) rather than in the list."""
    identify_at_kiosk(gui, camera, suffix, sample_card)
    _snap(camera, gui, f"identity{suffix}")
    identified = _screen(gui, Step.IDENTIFIED)
    tap(identified.next, "'continue' button")
    services = _screen(gui, Step.CHOOSE_SERVICE)
    refused = lambda: showing(gui, Step.IDENTIFIED) and not gui.window.session.busy and identified.notice.isVisible()
    wait_until(lambda: (showing(gui, Step.CHOOSE_SERVICE) and service_code in services.buttons) or refused(),
               f"service {service_code} in the list", 20)
    if refused():
        raise WalkError(f"the services could not be shown: {identified.notice.text()}")
    _snap(camera, gui, f"services{suffix}")
    if search:
        tap(services.search, "search field")
        for ch in search:
            tap(services.keyboard.keys.get(ch), f"search key {ch!r}")
        wait_until(services.buttons[service_code].isVisible, f"service {service_code} found by {search!r}")
        _snap(camera, gui, f"services-search{suffix}")
    services.scroll.ensureWidgetVisible(services.buttons[service_code])
    tap(services.buttons[service_code], f"service button {service_code}")
    wait_for_screen(gui, Step.GUIDE)
    _snap(camera, gui, f"guide{suffix}")
    tap(_screen(gui, Step.GUIDE).apply, "'apply' button")
    wait_until(lambda: not gui.window.session.busy and not showing(gui, Step.GUIDE), "the next step after the guide")
    if showing(gui, Step.WHO):
        _snap(camera, gui, f"who{suffix}")
        tap(_screen(gui, Step.WHO).options.get(apply_as), f"'{apply_as.value}' button")
    if showing(gui, Step.COMPANY):
        company_step(gui, company, camera, suffix)
    elif showing(gui, Step.PRINCIPAL):
        if principal is None:
            raise WalkError("the journey acts for another person but names none")
        if before_principal is not None:
            before_principal()
        principal_step(gui, principal, camera, suffix)
    after_who = (Step.FORM, Step.LICENCE_CONSENT, Step.MATERIALS, Step.CONFIRM)
    wait_until(lambda: any(showing(gui, step) for step in after_who), "the form or the materials")
    if showing(gui, Step.FORM):
        fill_form(gui, camera, suffix)
    if not showing(gui, Step.CONFIRM):
        provide_materials(gui, camera, suffix, licences, not_brought)
    if showing(gui, Step.INCOMPLETE):
        return leave_with_notice(gui, camera, suffix, rating, before_confirm)
    return confirm_and_finish(gui, camera, suffix, before_confirm, rating, pay)


def resume_journey(gui: Gui, service_code: str, camera: Camera | None = None, suffix: str = "-resumed",
                   sample_card: str = "resident") -> Journey:
    """The next visit: identified -> the saved application offered -> continued -> what was missing
    scanned -> confirm -> finish."""
    identify_at_kiosk(gui, camera, suffix, sample_card)
    session, identified = gui.window.session, _screen(gui, Step.IDENTIFIED)
    saved = lambda: next((d for d in session.drafts_found if d.get("service_code") == service_code), None)  # noqa: E731
    wait_until(lambda: saved() is not None, f"the saved {service_code} application to be offered", 20)
    _snap(camera, gui, f"identity{suffix}")
    tap(identified.draft_buttons.get(str(saved()["draft_id"])), "'continue your saved application' button")
    wait_for_screen(gui, Step.MATERIALS, 30)
    provide_materials(gui, camera, suffix)
    return confirm_and_finish(gui, camera, suffix)


def my_cases_journey(gui: Gui, camera: Camera | None = None, sample_card: str = "resident", fee_case: str = "",
                     pay: Callable[[str], bool] | None = None) -> str:
    """Identified -> "my applications" -> (``fee_case``: its fee, left unpaid, paid from its progress) -> the newest
    case's progress -> its receipt printed again -> home. Returns the reprinted case's number."""
    identify_at_kiosk(gui, camera, "-cases", sample_card)
    tap(_screen(gui, Step.IDENTIFIED).cases, "'my applications' button")
    wait_for_screen(gui, Step.MY_CASES, 20)
    _snap(camera, gui, "my-cases")
    cases = _screen(gui, Step.MY_CASES)
    if fee_case:
        fee_from_cases(gui, camera, fee_case, pay)
    accepted = [str(c["case_number"]) for c in gui.window.session.my_cases if c.get("case_number")]
    number = accepted[0] if accepted else ""
    tap(cases.buttons.get(number), "the newest accepted application")
    wait_for_screen(gui, Step.PROGRESS)
    progress = _screen(gui, Step.PROGRESS)
    tap(progress.reprint, "'print the receipt again' button")
    wait_until(lambda: not gui.window.session.busy and progress.notice.isVisible(), "the receipt to be reprinted", 20)
    _snap(camera, gui, "case-progress-reprinted")
    tap(progress.back, "'back' button")
    wait_for_screen(gui, Step.MY_CASES)
    tap(cases.back, "'back' button")
    wait_for_screen(gui, Step.IDENTIFIED)
    tap(_screen(gui, Step.IDENTIFIED).back, "'not me / cancel' button")
    gui.services.devices.id_reader.remove_card()
    wait_for_screen(gui, Step.HOME)
    return number


def fee_from_cases(gui: Gui, camera: Camera | None, number: str, pay: Callable[[str], bool] | None) -> None:
    """From "my applications": the case whose fee was left unpaid -> "Pay the fee" -> its code, paid on the citizen's
    phone (``pay``; else "pay later" again) -> the case again, the fee paid -> back to the applications."""
    session = gui.window.session
    tap(_screen(gui, Step.MY_CASES).buttons.get(number), "the application whose fee is not paid yet")
    wait_for_screen(gui, Step.PROGRESS)
    progress = _screen(gui, Step.PROGRESS)
    _snap(camera, gui, "case-progress-fee-due")
    tap(progress.pay, "'pay the fee' button")
    wait_for_screen(gui, Step.PAYMENT)
    pay_fee(gui, camera, "-from-cases", pay, then=Step.PROGRESS)
    wait_until(lambda: showing(gui, Step.PROGRESS) and not session.busy, "the application shown again", 30)
    _snap(camera, gui, "case-progress-fee-paid")
    tap(progress.back, "'back' button")
    wait_for_screen(gui, Step.MY_CASES)


def licence_journey(gui: Gui, camera: Camera | None = None, sample_card: str = "resident",
                    reader_kind: str = "id_reader") -> bool:
    """Home -> "print my licence" -> card -> the ready licences -> the first printed. False when none was ready.
    ``reader_kind``: the ID card's reader, or ``ss_card_reader`` for the social security card."""
    reader = getattr(gui.services.devices, reader_kind)
    tap(_screen(gui, Step.HOME).licence_button, "'print my licence' button")
    wait_for_screen(gui, Step.CONSENT)
    tap(_screen(gui, Step.CONSENT).agree, "'I agree' button")
    wait_for_screen(gui, Step.READ_CARD)
    reader.place_card(sample_card)
    wait_for_screen(gui, Step.LICENCES, 20)
    _snap(camera, gui, "licences")
    licences = _screen(gui, Step.LICENCES)
    first = next(iter(licences.buttons.values()), None)
    if first is None:
        tap(licences.back, "'back to start' button")
    else:
        tap(first, "licence button")
        wait_for_screen(gui, Step.LICENCE_PREVIEW, 20)
        _snap(camera, gui, "licence-preview")
        tap(_screen(gui, Step.LICENCE_PREVIEW).print, "'print it' button")
        wait_for_screen(gui, Step.DONE, 30)
        _snap(camera, gui, "licence-printed")
        tap(_screen(gui, Step.DONE).finish, "'finish' button")
    reader.remove_card()
    wait_for_screen(gui, Step.HOME)
    return first is not None


def progress_by_receipt(gui: Gui, code: str, camera: Camera | None = None, suffix: str = "") -> str:
    """The citizen holds a receipt's QR code to the scanner; returns what the progress screen says (its title and
    status, and for a refused case why)."""
    gui.services.devices.qr_scanner.present(code)
    wait_for_screen(gui, Step.PROGRESS, 20)
    _snap(camera, gui, f"progress{suffix}")
    screen = _screen(gui, Step.PROGRESS)
    title = " · ".join(part for part in (screen.title.text(), screen.status.text(), screen.next.text()) if part)
    tap(screen.back, "'back to start' button")
    wait_for_screen(gui, Step.HOME)
    return title


# -- the clerk at the window -----------------------------------------------------------------------------

def staff_sign_in(gui: Gui, staff_id: str, password: str, camera: Camera | None, shot: str) -> None:
    """Staff id, password, then "sign in", on the window's or maintenance's sign-in screen (ui/staff_sign_in.py)."""
    view = gui.window.view
    _snap(camera, gui, shot)
    type_into(view.sign_in.staff_id, staff_id, "staff id field")
    type_into(view.sign_in.password, password, "password field")
    tap(view.sign_in.sign_in, "'sign in' button")


def clerk_sign_in(gui: Gui, staff_id: str, password: str, camera: Camera | None = None) -> None:
    view = gui.window.view
    staff_sign_in(gui, staff_id, password, camera, "window-sign-in")
    wait_until(lambda: view.currentWidget() is view.desk_screen, "the clerk's desk", 20)


def clerk_call_ticket(gui: Gui, camera: Camera | None = None) -> str:
    """Tap "Call next" on the queue row; returns the ticket called, once the desk and the applicant's screen say it."""
    view = gui.window.view
    row = view.desk_screen.queue
    wait_until(lambda: row.call_next.isVisible() and row.call_next.isEnabled(), "the queue row's 'Call next'", 20)
    tap(row.call_next, "'Call next' button")
    wait_until(lambda: gui.window.desk.called_ticket is not None and not gui.window.desk.queue_busy,
               "a ticket to be called", 20)
    _snap(camera, gui, "window-ticket-called")
    customer = getattr(view, "customer", None)
    if camera is not None and customer is not None:
        camera.shot_of(customer, "window-customer-called")
    return gui.window.desk.called_ticket.number


def clerk_check_materials(gui: Gui, service_code: str, provided: tuple[str, ...], camera: Camera | None = None,
                          sample_card: str = "resident", scanned: tuple[str, ...] = ()) -> None:
    """The applicant's card on the reader, the service chosen from the list, the materials at hand ticked, and those
    in ``scanned`` scanned on the window's document camera."""
    desk = gui.window.view.desk_screen
    gui.services.devices.id_reader.place_card(sample_card)
    wait_until(lambda: desk.services.isEnabled(), "the applicant's card to be read", 20)
    choose(desk.services, service_code, "service list")
    wait_until(lambda: desk.materials.count() > 0 and desk.services.isEnabled(), "the service's materials", 20)
    for code in provided:
        tick(desk.materials, code, "materials list")
    for code in scanned:
        clerk_scan(gui, code, camera)
    _snap(camera, gui, "window-checking")
    customer = getattr(gui.window.view, "customer", None)  # the screen facing the applicant, when configured
    if camera is not None and customer is not None:
        camera.shot_of(customer, "window-customer-screen")


def clerk_scan(gui: Gui, code: str, camera: Camera | None = None) -> None:
    """The material ``code`` tapped in the list, laid under the window's document camera, "Scan" tapped; its page
    is in when its row shows the thumbnail."""
    screen, desk = gui.window.view.desk_screen, gui.window.desk
    items = screen.materials
    item = next((items.item(row) for row in range(items.count())
                 if items.item(row).data(Qt.ItemDataRole.UserRole) == code), None)
    if item is None:
        raise WalkError(f"the materials list has no entry {code}")
    items.scrollToItem(item)
    QTest.mouseClick(items.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     items.visualItemRect(item).center())
    settle()
    if screen.scan.code != code:
        raise WalkError(f"tapping {code} in the materials list did not choose it for scanning")
    tap(screen.scan.scan, "'Scan' button")
    wait_until(lambda: not desk.busy, "the page to be scanned", 20)
    if desk.scanned(code) is None:
        raise WalkError(f"{code} was not scanned: {desk.notice.message if desk.notice else 'nothing said'}")
    _snap(camera, gui, "window-scanned")


def clerk_fill_form(gui: Gui, camera: Camera | None = None, leave: tuple[str, ...] = ()) -> None:
    """The clerk opens the application form, types every field the applicant's answers call for on the desk's
    keyboard (a field the card filled is left as it is) and chooses the choices; ``leave``: fields left empty.
    Then back to the materials."""
    screen, desk = gui.window.view.desk_screen, gui.window.desk
    tap(screen.form_toggle, "'application form' button")
    wait_until(screen.form.isVisible, "the application form", 5)
    fill_form_panel(screen.form, leave)
    wrong = {name for name in desk.form_messages() if name not in leave}
    if wrong:
        raise WalkError(f"the application form still has {sorted(wrong)} to put right")
    _snap(camera, gui, "window-form")
    tap(screen.form_toggle, "'materials' button")
    wait_until(lambda: not screen.form.isVisible(), "the materials list back", 5)


def fill_form_panel(form, leave: tuple[str, ...] = ()) -> None:
    """Each empty field of the window's form panel (ui/form_panel.py) typed key by key, as the desk's keyboard and
    its input method deliver them, then Tab to the next; each choice chosen from its list."""
    for name, row in form.rows.items():
        value = "" if name in leave else answer_for(row.field)
        if row.choice is not None:
            if value and row.choice.currentData() != value:
                choose(row.choice, value, f"choice of {name}")
        elif row.edit is not None and value and not row.edit.text():
            tap(row.edit, f"form field {name}")
            row.edit.selectAll()
            for ch in value:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QCoreApplication.sendEvent(row.edit, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                                   Qt.KeyboardModifier.NoModifier, ch))
            QTest.keyClick(row.edit, Qt.Key.Key_Tab)  # on to the next field: this one is judged
            settle()


def clerk_issue_notice(gui: Gui, camera: Camera | None = None) -> str:
    """Tap "issue one-time notice"; returns its number ("-" when the backend could not record it)."""
    tap(gui.window.view.desk_screen.issue, "'issue one-time notice' button")
    wait_until(lambda: gui.window.desk.result != "" and not gui.window.desk.busy, "the notice to be issued", 30)
    _snap(camera, gui, "window-notice-issued")
    return gui.window.desk.result


def clerk_resume_draft(gui: Gui, service_code: str, camera: Camera | None = None,
                       sample_card: str = "resident") -> None:
    """The applicant's card on the reader, their saved applications offered on the window's line (草稿), the one of
    ``service_code`` chosen in its list, "Continue it" tapped; returns once its materials are back in the list."""
    screen, desk = gui.window.view.desk_screen, gui.window.desk
    gui.services.devices.id_reader.place_card(sample_card)

    def wanted() -> str | None:
        return next((d["draft_id"] for d in desk.drafts_found if d.get("service_code") == service_code), None)

    wait_until(lambda: screen.drafts.isVisible() and screen.drafts.resume.isEnabled() and wanted() is not None,
               f"the applicant's saved application of {service_code} to be offered", 20)
    screen.drafts.drafts.setCurrentIndex(screen.drafts.drafts.findData(wanted()))  # as the clerk picks it
    _snap(camera, gui, "window-draft-offered")
    tap(screen.drafts.resume, "'Continue it' button")
    wait_until(lambda: desk.service is not None and not desk.busy and screen.materials.count() > 0,
               "the saved application to come back", 20)
    if desk.notice is not None and desk.notice.error:
        raise WalkError(f"the saved application did not come back: {desk.notice.message.render('en')}")
    _snap(camera, gui, "window-draft-resumed")


def clerk_next_applicant(gui: Gui) -> None:
    """Tap "next applicant": the matter ends, the desk waits for the next card."""
    tap(gui.window.view.desk_screen.next, "'next applicant' button")
    wait_until(lambda: gui.window.desk.identity is None and not gui.window.desk.busy, "the desk to be cleared", 10)


def clerk_accept(gui: Gui, camera: Camera | None = None) -> str:
    """Tap "Accept" (受理) with every required material provided; returns the case number once the case is
    submitted, its receipt printed and its acceptance notice printed on A4."""
    desk = gui.window.desk
    tap(gui.window.view.desk_screen.accept, "'Accept' button")
    wait_until(lambda: desk.result != "" and not desk.busy, "the case to be accepted and printed", 30)
    _snap(camera, gui, "window-accepted")
    return desk.result


def clerk_refuse(gui: Gui, reason: str, note: str = "", camera: Camera | None = None) -> str:
    """不予受理: the legal reason chosen from the list (and the note, as an input method commits it), "do not accept"
    tapped; returns the case number once the decision is recorded and its A4 document printed."""
    desk, row = gui.window.desk, gui.window.view.desk_screen.refusal
    choose(row.reason, reason, "refusal reasons")
    if note:
        row.note.insert(note)
    _snap(camera, gui, "window-refusal-reason")
    tap(row.refuse, "'do not accept' button")
    wait_until(lambda: desk.result != "" and not desk.busy, "the refusal to be recorded and printed", 30)
    _snap(camera, gui, "window-not-accepted")
    return desk.result


def clerk_print_copy(gui: Gui, number: str, camera: Camera | None = None, suffix: str = "") -> None:
    """Between applicants, a past decision's document, or a one-time notice, printed again (补打): its case or notice
    number typed in the copy's line, "Print a copy" tapped; returns once the desk says the copy is printed."""
    desk, row = gui.window.desk, gui.window.view.desk_screen.copy
    type_into(row.number, number, "the number of the copy")
    _snap(camera, gui, f"window-copy-number{suffix}")
    tap(row.print_copy, "'print a copy' button")
    wait_until(lambda: not desk.busy and desk.notice is not None, "the copy to be printed", 30)
    if desk.notice.error:
        raise WalkError(f"the copy was not printed: {desk.notice.message.render('en')}")
    _snap(camera, gui, f"window-copy-printed{suffix}")


def applicant_monitor(gui: Gui, connected: bool, camera: Camera | None = None) -> None:
    """The applicant's monitor unplugged (its screen hidden, the window working without it once the 3 s grace has
    passed: ui/customer_screen.py) or plugged back (placed on it again), as Qt's screen signals call them; the
    offscreen platform's monitors themselves stay."""
    view = gui.window.view
    if connected:
        view.customer.place()
    else:
        view.customer.without_monitor()
    wait_until(lambda: gui.window.desk.screen_present is connected, "the desk to work with or without the "
                                                                    "applicant's screen", 10)
    settle()
    _snap(camera, gui, "window-applicant-screen-" + ("back" if connected else "gone"))


def clerk_applicant_rates(gui: Gui, level: int, camera: Camera | None = None) -> None:
    """The applicant taps a level on the window's customer-facing side (好差评): on the customer screen when the window
    has one (ui/customer_screen.py) and its monitor is connected, else on the clerk's."""
    customer = getattr(gui.window.view, "customer", None)
    if customer is not None and not gui.window.desk.screen_present:
        customer = None
    panel = customer.rating if customer is not None else gui.window.view.desk_screen.rating
    wait_until(panel.isVisible, "the evaluation on the applicant's side", 10)
    _snap(camera, gui, "window-rating")
    if camera is not None and customer is not None:
        camera.shot_of(customer, "window-customer-rating")
    tap(panel.level_buttons.get(level), f"rating button {level}")
    wait_until(lambda: not gui.window.desk.busy and gui.window.desk.rating.level == level, "the window's rating", 10)


# -- hall staff in maintenance mode -------------------------------------------------------------------------

def maintenance_sign_in(gui: Gui, staff_id: str, password: str, camera: Camera | None = None) -> None:
    """A staff member with the maintenance role signs in."""
    view = gui.window.view
    staff_sign_in(gui, staff_id, password, camera, "maintenance-sign-in")
    wait_until(lambda: view.currentWidget() is view.status, "the device status screen", 10)


def maintenance_self_test(gui: Gui, camera: Camera | None = None) -> list[tuple[str, str]]:
    """Tap "run self-tests" and wait until every device's row shows its result: [(device, result)]."""
    status = gui.window.view.status
    table: QTableWidget = status.table
    tap(status.self_test, "'run self-tests' button")

    def results() -> list[tuple[str, str]]:
        rows = [(table.item(r, 0), table.item(r, 3)) for r in range(table.rowCount())]
        return [(name.text(), result.text()) for name, result in rows if name and result and result.text()]

    wait_until(lambda: len(results()) == table.rowCount(), "every device's self-test result", 30)
    _snap(camera, gui, "maintenance-devices")
    return results()


def maintenance_diagnostics(gui: Gui, camera: Camera | None = None) -> str:
    """Tap "diagnostics" and wait for the hall's terminals from the backend; back to the devices.
    Returns the hall's terminals as the page lists them."""
    view = gui.window.view
    tap(view.status.more, "'diagnostics' button")
    page = view.diagnostics
    terminal = gui.services.config.terminal.id
    wait_until(lambda: terminal in page.hall_lines.text(), "the hall's terminals", 15)
    _snap(camera, gui, "maintenance-network-log-configuration")
    listed = page.hall_lines.text()
    tap(page.back, "'back to devices' button")
    wait_until(lambda: view.currentWidget() is view.status, "the device status screen", 5)
    return listed
