"""The on-screen touch keyboard (ui/keyboard.py): each field kind's keys, typing into a real QLineEdit by
clicking the keys, the Chinese seam, focus, and the sizes at both text scales; offscreen."""

from __future__ import annotations

import string

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QWidget

from common.i18n import set_language
from kiosk.forms import Keyboard
from ui.keyboard import TouchKeyboard
from tests.keyboard_host import KeyboardForm

DIGITS = set("0123456789")
PAD = DIGITS | {"backspace", "clear"}
# GB 32100-2015: the digits and the capitals but I, O, S, V and Z (written out, not read from the code).
CREDIT_LETTERS = set("ABCDEFGHJKLMNPQRTUWXY")
LATIN = DIGITS | set(string.ascii_lowercase) | set("-.,@/'") | {"backspace", "clear", "shift", "space"}
EXPECTED = {
    Keyboard.DIGITS: PAD,
    Keyboard.PHONE: PAD,
    Keyboard.DECIMAL: PAD | {".", "-"},
    Keyboard.ID_NUMBER: PAD | set(string.ascii_uppercase),  # X on the pad; the rest for a foreigner's nationality
    Keyboard.CREDIT_CODE: PAD | CREDIT_LETTERS,
    Keyboard.LATIN: LATIN,
    Keyboard.CHINESE: set(),
}
CHINESE_SENTENCE = "输入中文请使用台面上的键盘，或扫描二维码录入。"


Form = KeyboardForm


@pytest.fixture
def form(qtbot):
    widget = Form()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_a_new_keyboard_is_hidden_until_a_field_asks_for_keys(form):
    assert form.keyboard.isHidden() and form.keyboard.keys == {}
    assert form.keyboard.kind is Keyboard.NONE


@pytest.mark.parametrize("kind", list(EXPECTED), ids=lambda kind: kind.value)
def test_each_kind_of_field_gets_exactly_its_keys(form, kind):
    form.keyboard.set_kind(kind)
    assert form.keyboard.kind is kind and form.keyboard.isVisible()
    assert set(form.keyboard.keys) == EXPECTED[kind]
    assert all(key.isVisible() for key in form.keyboard.keys.values())


def test_the_credit_code_keys_leave_out_the_letters_gb_32100_never_uses(form):
    form.keyboard.set_kind(Keyboard.CREDIT_CODE)
    assert not set("IOSVZ") & set(form.keyboard.keys)
    assert {name for name in form.keyboard.keys if name.isalpha() and len(name) == 1} == CREDIT_LETTERS
    for ch in "IOSVZ":
        with pytest.raises(ValueError):
            form.keyboard.type_text(ch)


def test_phone_keys_hold_no_letters_and_id_keys_every_capital(form):
    form.keyboard.set_kind(Keyboard.PHONE)
    assert not any(name.isalpha() and len(name) == 1 for name in form.keyboard.keys)
    form.keyboard.set_kind(Keyboard.ID_NUMBER)
    letters = sorted(name for name in form.keyboard.keys if len(name) == 1 and name.isalpha())
    assert letters == list(string.ascii_uppercase)  # a 2017 foreigner card's number: USA330185061513


@pytest.mark.parametrize("kind, typed", [
    (Keyboard.ID_NUMBER, "11010519491231002X"),
    (Keyboard.ID_NUMBER, "USA330185061513"),
    (Keyboard.PHONE, "13812345678"),
    (Keyboard.DECIMAL, "-1250.75"),
    (Keyboard.CREDIT_CODE, "91350100M000100Y43"),
    (Keyboard.LATIN, "Zhang San-Li, o'neil@example.cn/Room 3B."),
], ids=lambda value: getattr(value, "value", None))
def test_clicking_the_keys_types_into_the_field_as_a_person_would(form, kind, typed):
    changed, edited = [], []
    form.field.textChanged.connect(changed.append)
    form.field.textEdited.connect(edited.append)
    form.keyboard.set_kind(kind)
    form.keyboard.type_text(typed)
    assert form.field.text() == typed
    assert len(changed) == len(typed) and changed[-1] == typed  # one change per key, as typing gives
    assert edited == changed


def test_shift_makes_one_capital_then_lets_go(form):
    keyboard = form.keyboard
    keyboard.set_kind(Keyboard.LATIN)
    assert keyboard.keys["a"].text() == "a" and not keyboard.keys["shift"].isChecked()
    keyboard.keys["shift"].click()
    assert keyboard.keys["shift"].isChecked() and keyboard.keys["a"].text() == "A"
    keyboard.keys["a"].click()
    keyboard.keys["b"].click()
    assert form.field.text() == "Ab"
    assert not keyboard.keys["shift"].isChecked() and keyboard.keys["a"].text() == "a"


def test_backspace_takes_one_character_and_clear_takes_all(form):
    form.keyboard.set_kind(Keyboard.DIGITS)
    form.keyboard.type_text("2024")
    form.keyboard.keys["backspace"].click()
    assert form.field.text() == "202"
    form.field.setCursorPosition(1)
    form.keyboard.type_text("9")
    assert form.field.text() == "2902"  # keys type at the cursor, as a keyboard does
    form.keyboard.keys["clear"].click()
    assert form.field.text() == ""


def test_the_field_s_max_length_and_validator_stop_the_keys_as_they_stop_a_person(form):
    form.field.setMaxLength(11)
    form.keyboard.set_kind(Keyboard.PHONE)
    form.keyboard.type_text("138123456789")
    assert form.field.text() == "13812345678"

    form.field.clear()
    form.field.setMaxLength(32767)
    form.field.setValidator(QRegularExpressionValidator(r"[a-z]{0,3}"))
    form.keyboard.set_kind(Keyboard.LATIN)
    form.keyboard.type_text("ab1cd")
    assert form.field.text() == "abc"


def test_a_character_without_a_key_is_refused_before_anything_is_typed(form):
    form.keyboard.set_kind(Keyboard.DIGITS)
    with pytest.raises(ValueError, match="'a'"):
        form.keyboard.type_text("12a3")
    assert form.field.text() == ""
    form.keyboard.set_kind(Keyboard.CREDIT_CODE)
    with pytest.raises(ValueError):
        form.keyboard.type_text("91350100m")  # credit codes are capitals
    form.keyboard.set_kind(Keyboard.CHINESE)
    with pytest.raises(ValueError):
        form.keyboard.type_text("1")


def test_keys_do_nothing_without_a_field_or_with_one_nobody_may_type_in(form, qtbot):
    keyboard = form.keyboard
    keyboard.set_kind(Keyboard.DIGITS)
    keyboard.attach(None)
    keyboard.type_text("12")
    keyboard.keys["clear"].click()
    assert form.field.text() == ""

    keyboard.attach(form.field)
    form.field.setText("5")
    form.field.setReadOnly(True)
    keyboard.type_text("1")
    keyboard.keys["clear"].click()
    assert form.field.text() == "5"
    form.field.setReadOnly(False)
    form.field.setEnabled(False)
    keyboard.keys["backspace"].click()
    assert form.field.text() == "5"

    gone = QLineEdit()
    keyboard.attach(gone)
    gone.deleteLater()
    qtbot.waitUntil(lambda: keyboard.target is None)
    keyboard.type_text("7")  # a field deleted under the keyboard: no crash, nothing typed anywhere
    assert form.field.text() == "5"


def test_no_key_takes_the_focus_from_the_field(form, qtbot):
    form.keyboard.set_kind(Keyboard.LATIN)
    form.activateWindow()
    form.field.setFocus()
    qtbot.waitUntil(form.field.hasFocus)
    assert all(key.focusPolicy() is Qt.FocusPolicy.NoFocus for key in form.keyboard.keys.values())
    for name in ("shift", "h", "i", "space", "backspace"):
        qtbot.mouseClick(form.keyboard.keys[name], Qt.MouseButton.LeftButton)
    assert form.field.text() == "Hi"
    assert form.field.hasFocus() and QApplication.focusWidget() is form.field


def test_the_chinese_field_says_where_to_type_and_has_no_keys(form):
    form.keyboard.set_kind(Keyboard.CHINESE)
    assert form.keyboard.keys == {}
    shown = [w.text() for w in form.keyboard.findChildren(QWidget) if w.isVisible() and hasattr(w, "text")]
    assert shown == [CHINESE_SENTENCE]
    assert not [b for b in form.keyboard.findChildren(QPushButton) if b.isVisible()]

    set_language("en")
    form.keyboard.retranslate()
    shown = [w.text() for w in form.keyboard.findChildren(QWidget) if w.isVisible() and hasattr(w, "text")]
    assert shown == ["To enter Chinese, please use the keyboard on the counter, or scan it from a QR code."]


class PinyinStandIn(QWidget):
    """A widget through the input-method seam, as issue 17's pinyin input will be: one candidate key."""

    def __init__(self) -> None:
        super().__init__()
        self.target = None
        self.retranslated = 0
        self.candidate = QPushButton("中", self)
        self.candidate.clicked.connect(lambda: self.target.insert("中") if self.target is not None else None)

    def attach(self, target):
        self.target = target

    def retranslate(self):
        self.retranslated += 1


@pytest.fixture
def pinyin():
    made = []

    def factory():
        made.append(PinyinStandIn())
        return made[-1]

    TouchKeyboard.register_input_method(Keyboard.CHINESE, factory)
    yield made
    TouchKeyboard.register_input_method(Keyboard.CHINESE, None)


def test_a_registered_input_method_takes_the_chinese_field_s_place(form, pinyin):
    form.keyboard.set_kind(Keyboard.CHINESE)
    assert len(pinyin) == 1 and pinyin[0].isVisible() and pinyin[0].target is form.field
    assert not [w for w in form.keyboard.findChildren(QWidget) if w.isVisible() and w.objectName() == "info"]
    pinyin[0].candidate.click()
    assert form.field.text() == "中"
    form.keyboard.retranslate()
    assert pinyin[0].retranslated >= 1

    other = QLineEdit()
    form.keyboard.attach(other)
    assert pinyin[0].target is other
    form.keyboard.set_kind(Keyboard.DIGITS)
    assert not pinyin[0].isVisible() and pinyin[0].target is None
    form.keyboard.set_kind(Keyboard.CHINESE)
    assert len(pinyin) == 1 and pinyin[0].target is other  # built once, attached again

    TouchKeyboard.register_input_method(Keyboard.CHINESE, None)
    form.keyboard.set_kind(Keyboard.CHINESE)
    assert not pinyin[0].isVisible()
    assert [w.text() for w in form.keyboard.findChildren(QWidget)
            if w.isVisible() and w.objectName() == "info"] == [CHINESE_SENTENCE]


@pytest.mark.parametrize("factory", [lambda: 1 / 0, QWidget], ids=["raises", "no-attach"])
def test_a_broken_input_method_leaves_the_built_in_chinese_page(form, factory, caplog):
    TouchKeyboard.register_input_method(Keyboard.CHINESE, factory)
    try:
        form.keyboard.set_kind(Keyboard.CHINESE)
    finally:
        TouchKeyboard.register_input_method(Keyboard.CHINESE, None)
    assert [w.text() for w in form.keyboard.findChildren(QWidget)
            if w.isVisible() and w.objectName() == "info"] == [CHINESE_SENTENCE]
    assert "the built-in one serves" in caplog.text


def test_none_hides_the_keyboard_and_a_kind_shows_it_again(form):
    form.keyboard.set_kind(Keyboard.ID_NUMBER)
    assert form.keyboard.isVisible()
    form.keyboard.set_kind(Keyboard.NONE)
    assert not form.keyboard.isVisible() and form.keyboard.keys == {}
    form.keyboard.set_kind(Keyboard.DIGITS)
    assert form.keyboard.isVisible() and set(form.keyboard.keys) == PAD
    with pytest.raises(ValueError):
        TouchKeyboard.register_input_method(Keyboard.NONE, QWidget)


def test_the_action_keys_follow_the_language(form):
    form.keyboard.set_kind(Keyboard.LATIN)
    names = ("backspace", "clear", "shift", "space")
    assert [form.keyboard.keys[n].text() for n in names] == ["退格", "清空", "大写", "空格"]
    set_language("en")
    form.keyboard.retranslate()
    assert [form.keyboard.keys[n].text() for n in names] == ["Backspace", "Clear", "Shift", "Space"]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_layout_fits_a_1280_by_800_window_with_large_keys_at_both_scales(qtbot, language):
    set_language(language)
    key_heights = {}
    for elderly in (False, True):
        form = Form(elderly)
        qtbot.addWidget(form)
        form.keyboard.retranslate()
        for kind in EXPECTED:
            form.keyboard.set_kind(kind)
            hint = form.keyboard.sizeHint()
            assert hint.width() <= 1280 - 2 * 24, (elderly, kind, hint)  # room for the screen's margins
            assert hint.height() <= 800 * 0.65, (elderly, kind, hint)  # the field and its title stay above
            for name, key in form.keyboard.keys.items():
                assert key.sizeHint().height() >= (70 if elderly else 64), (elderly, kind, name)
                # the Latin rows grow taller in large text, not wider: beside Back and Continue they fit 1280
                assert key.sizeHint().width() >= (60 if kind is Keyboard.LATIN or not elderly else 79), (elderly, kind, name)
        form.keyboard.set_kind(Keyboard.LATIN)
        key_heights[elderly] = form.keyboard.keys["a"].sizeHint().height()
    assert key_heights[True] > key_heights[False] >= 64
