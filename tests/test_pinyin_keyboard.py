"""Chinese on the touch keyboard (ui/pinyin_keyboard.py): a Chinese field's keyboard taps pinyin into
a composition and a tapped candidate into the field, through TouchKeyboard's input-method seam, with
the shipped word list; Backspace, Space and Clear; the sizes in elderly mode; a missing word list;
and the kiosk's window serving its Chinese fields with it. Offscreen, keys tapped with the mouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from common.i18n import set_language
from kiosk.forms import Keyboard
from kiosk.pinyin_input import PinyinWords
from kiosk.tasks import SyncTaskRunner
from ui import pinyin_keyboard
from ui.keyboard import TouchKeyboard
from ui.pinyin_keyboard import PinyinKeyboard
from tests.keyboard_host import KeyboardForm

LEFT = Qt.MouseButton.LeftButton
CATALOGUE = (Path(__file__).resolve().parent.parent / "sandbox" / "data" / "services.json").read_text(encoding="utf-8")


class Form(KeyboardForm):
    """A Chinese field with the touch keyboard docked under it."""

    def __init__(self, elderly: bool = False) -> None:
        super().__init__(elderly, Keyboard.CHINESE)

    @property
    def pinyin(self) -> PinyinKeyboard:
        return self.keyboard.findChild(PinyinKeyboard)


@pytest.fixture(scope="module")
def words():
    return PinyinWords()


@pytest.fixture
def form(qtbot, words):
    pinyin_keyboard.install(words, SyncTaskRunner())
    widget = Form()
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    pinyin_keyboard.uninstall()


def tap_keys(qtbot, pinyin: PinyinKeyboard, keys: str) -> None:
    for key in keys:
        qtbot.mouseClick(pinyin.keys[key], LEFT)


def tap_candidate(qtbot, pinyin: PinyinKeyboard, text: str) -> None:
    """Look along the bar for ``text``, paging on with ▶ as a person would, and tap it."""
    while not pinyin.next.isHidden():
        shown = [b for b in pinyin.candidate_buttons if not b.isHidden() and b.text() == text]
        if shown:
            qtbot.mouseClick(shown[0], LEFT)
            return
        assert pinyin.next.isEnabled(), f"{text} is not among the candidates for {pinyin.composing!r}"
        qtbot.mouseClick(pinyin.next, LEFT)


def test_whole_pinyin_then_the_candidate_puts_the_phrase_into_the_field(form, qtbot):
    pinyin = form.pinyin
    assert pinyin.isVisible() and pinyin.target is form.field and form.keyboard.keys == {}
    tap_keys(qtbot, pinyin, "getigongshanghu")
    assert form.field.text() == "" and pinyin.composing == "getigongshanghu"
    assert pinyin.letters.text().endswith("shanghu") and pinyin.shown_candidates()[0] == "个体工商户"
    tap_candidate(qtbot, pinyin, "个体工商户")
    assert form.field.text() == "个体工商户" and pinyin.composing == "" and pinyin.shown_candidates() == []


def test_initials_then_the_candidate_put_the_same_phrase_in(form, qtbot):
    tap_keys(qtbot, form.pinyin, "gtgsh")
    tap_candidate(qtbot, form.pinyin, "个体工商户")
    assert form.field.text() == "个体工商户"


def test_a_personal_name_is_chosen_surname_first_then_the_given_name(form, qtbot):
    pinyin = form.pinyin
    tap_keys(qtbot, pinyin, "wangxiuying")
    assert "王秀英" not in pinyin.shown_candidates()
    tap_candidate(qtbot, pinyin, "王")
    assert form.field.text() == "王" and pinyin.composing == "xiuying"
    tap_candidate(qtbot, pinyin, "秀英")
    assert form.field.text() == "王秀英"
    qtbot.mouseClick(pinyin.keys["clear"], LEFT)
    tap_keys(qtbot, pinyin, "ouyangxiulan")
    for part in ("欧阳", "秀", "兰"):
        tap_candidate(qtbot, pinyin, part)
    assert form.field.text() == "欧阳秀兰"
    assert "王秀英" not in CATALOGUE and "欧阳秀兰" not in CATALOGUE


def test_a_hangzhou_street_address_with_its_number_is_typed_on_the_keys(form, qtbot):
    pinyin = form.pinyin
    tap_keys(qtbot, pinyin, "hangzhoushixihuquwensanlu")
    for part in ("杭州市", "西湖区", "文三路"):
        tap_candidate(qtbot, pinyin, part)
    tap_keys(qtbot, pinyin, "478hao")
    tap_candidate(qtbot, pinyin, "号")
    assert form.field.text() == "杭州市西湖区文三路478号" and "文三路" not in CATALOGUE


def test_space_backspace_a_digit_and_clear(form, qtbot):
    pinyin = form.pinyin
    tap_keys(qtbot, pinyin, "xian")
    for _ in range(2):
        qtbot.mouseClick(pinyin.keys["backspace"], LEFT)  # the letters first
    assert pinyin.composing == "xi" and form.field.text() == ""
    tap_keys(qtbot, pinyin, "'an")
    assert pinyin.shown_candidates()[0] == "西安"
    qtbot.mouseClick(pinyin.keys["space"], LEFT)  # the first candidate
    assert form.field.text() == "西安" and pinyin.composing == ""
    qtbot.mouseClick(pinyin.keys["space"], LEFT)  # nothing composed: a space
    tap_keys(qtbot, pinyin, "lu1")  # a digit puts the first candidate in before itself
    assert form.field.text() == "西安 路1" and pinyin.composing == ""
    qtbot.mouseClick(pinyin.keys["backspace"], LEFT)  # nothing composed: the field's last character
    assert form.field.text() == "西安 路"
    tap_keys(qtbot, pinyin, "zh")
    qtbot.mouseClick(pinyin.keys["clear"], LEFT)
    assert form.field.text() == "" and pinyin.composing == ""


def test_the_bar_pages_through_the_candidates(form, qtbot):
    pinyin = form.pinyin
    tap_keys(qtbot, pinyin, "shi")
    first = pinyin.shown_candidates()
    assert 1 < len(first) and not pinyin.previous.isEnabled() and pinyin.next.isEnabled()
    qtbot.mouseClick(pinyin.next, LEFT)
    second = pinyin.shown_candidates()
    assert second and not set(first) & set(second) and pinyin.previous.isEnabled()
    qtbot.mouseClick(pinyin.previous, LEFT)
    assert pinyin.shown_candidates() == first


def test_a_read_only_field_or_none_takes_nothing_and_letters_stay_with_their_field(form, qtbot):
    pinyin = form.pinyin
    tap_keys(qtbot, pinyin, "ge")
    other = QLineEdit()
    form.keyboard.attach(other)
    assert pinyin.composing == ""  # letters typed for one field do not follow to the next
    other.setReadOnly(True)
    tap_keys(qtbot, pinyin, "ge")
    assert pinyin.composing == "" and other.text() == ""
    form.keyboard.attach(None)
    tap_keys(qtbot, pinyin, "ge")
    assert pinyin.composing == ""


def test_keys_and_candidates_are_at_least_60_px_high_in_elderly_mode_and_fit_the_screen(qtbot, words):
    set_language("zh_CN")
    pinyin_keyboard.install(words)
    try:
        for elderly in (False, True):
            form = Form(elderly)
            qtbot.addWidget(form)
            form.show()
            tap_keys(qtbot, form.pinyin, "getigongshanghu")
            hint = form.keyboard.sizeHint()
            assert hint.width() <= 1280 - 2 * 150, (elderly, hint)  # Back and Continue stand beside it
            assert hint.height() <= 800 * 0.65, (elderly, hint)
            shown = [b for b in form.pinyin.candidate_buttons if not b.isHidden()]
            for name, key in [*form.pinyin.keys.items(), *(("candidate", b) for b in shown),
                              ("next", form.pinyin.next)]:
                assert key.height() >= (60 if elderly else 44), (elderly, name)
            assert sum(b.sizeHint().width() for b in shown) <= hint.width(), elderly
            qtbot.mouseClick(form.pinyin.keys["clear"], LEFT)
            tap_keys(qtbot, form.pinyin, "hangzhoushishangchengqujiefanglu")  # a long composition
            assert form.keyboard.sizeHint().width() == hint.width(), elderly
            assert form.pinyin.letters.text().endswith("fanglu")  # its end shows: where the citizen types
    finally:
        pinyin_keyboard.uninstall()


def test_a_missing_word_list_says_so_on_the_bar_and_types_nothing(qtbot, tmp_path, caplog):
    set_language("zh_CN")
    pinyin_keyboard.install(PinyinWords(tmp_path / "gone.tsv.gz"), SyncTaskRunner())
    try:
        form = Form()
        qtbot.addWidget(form)
        form.show()
        tap_keys(qtbot, form.pinyin, "ge")
        qtbot.mouseClick(form.pinyin.keys["space"], LEFT)
    finally:
        pinyin_keyboard.uninstall()
    assert "拼音输入暂不可用" in form.pinyin.letters.text() and form.pinyin.composing == "" and form.field.text() == " "
    assert "word list" in caplog.text and "gone.tsv.gz" in caplog.text


def test_the_kiosk_window_serves_its_chinese_fields_with_pinyin(open_gui, qtbot):
    gui = open_gui("kiosk")
    keyboard = TouchKeyboard()
    qtbot.addWidget(keyboard)
    keyboard.set_kind(Keyboard.CHINESE)
    assert keyboard.findChild(PinyinKeyboard) is not None
    gui.close()
    other = TouchKeyboard()
    qtbot.addWidget(other)
    other.set_kind(Keyboard.CHINESE)
    assert other.findChild(PinyinKeyboard) is None  # closed: the built-in page again
