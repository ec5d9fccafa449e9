"""Nothing of a person stays in the terminal's memory once their matter has ended: the monkeys look through it
(entry/bench/monkey_common.py ``in_memory``: every object the loaded modules and the terminal reach, what is set
aside from the collector included), and the first look found the standard library's cache of parsed URLs holding
the ID numbers of applicants gone long before (``GET /drafts?id_number=...``: kiosk/backend/client.py)."""

import gc
from urllib.parse import clear_cache, urlsplit

from common.idnumber import complete
from entry.bench.monkey_common import calls_carrying, in_memory
from kiosk.backend.client import BackendClient
from kiosk.config import BackendConfig


def test_a_look_up_by_id_number_leaves_the_number_nowhere_in_memory(sandbox):
    number = complete("33010619870417213")  # nobody else's: not in the catalogue, samples or docs
    client = BackendClient(BackendConfig(url=sandbox.url, retries=0), "ZJ-HZ-TEST-01")
    try:
        client.drafts(number)
        client.ready_licences(number)
        assert not calls_carrying({number})
        assert in_memory({number}, client) == []
    finally:
        client.close()


def test_the_look_finds_a_number_a_cache_keeps_and_no_longer_once_it_is_emptied():
    number = complete("33010619790902457")
    urlsplit(f"http://127.0.0.1:9/api/v1/drafts?id_number={number}")  # as requests parses a look-up's URL
    try:
        held = in_memory({number}, object())
        assert held and any("_lru_cache_wrapper" in place for place in held), held
        assert all(place.startswith(number[:6] + "..." + number[-4:]) for place in held), held  # said masked
    finally:
        clear_cache()
    assert in_memory({number}, object()) == []


def test_the_look_reaches_what_is_set_aside_from_the_collector_and_skips_documentation():
    number = complete("33010619650311882")
    kept = {"holder": [number]}
    gc.collect()
    gc.freeze()  # as a terminal sets aside what it keeps for life (ui/long_lived.py)
    try:
        assert in_memory({number}, kept), "a frozen object is still the terminal's memory"
    finally:
        gc.unfreeze()

    def documented():
        """An example: ``330106199001011234``."""

    assert in_memory({"330106199001011234"}, documented) == []  # a docstring's example is not a person's data


def test_a_field_s_undo_history_is_looked_at_and_left_as_it_was(qtbot):
    """Qt's ``QLineEdit.clear()`` is an edit ``undo()`` reverses; the terminal's ``LineEdit`` empties the history too
    (ui/widgets.py). The monkeys' widget check reads what Ctrl+Z would bring back, and leaves the field as it was."""
    from PySide6.QtWidgets import QLineEdit, QWidget

    from entry.bench.monkey_common import held_by
    from ui.widgets import LineEdit

    number = complete("33010619910506731")
    root = QWidget()
    qtbot.addWidget(root)
    plain, ours, typing = QLineEdit(root), LineEdit(root), QLineEdit(root)
    for edit in (plain, ours):
        edit.insert(number)
        edit.clear()
    typing.insert("33010619")
    typing.insert("91")  # still being typed: its history is its own
    held = held_by(root, {number})
    assert held == [f"QLineEdit (its undo history) holds {number!r}"], held
    assert typing.text() == "3301061991" and typing.isUndoAvailable() and typing.cursorPosition() == 10
    assert plain.text() == "" and plain.isUndoAvailable() and not ours.isUndoAvailable()


class Documented:
    """A class's example: ``330106197705050018``."""


def test_a_class_s_documentation_is_not_a_person_s_data():
    assert in_memory({"330106197705050018"}, Documented) == []


def test_a_name_masked_in_the_log_is_nowhere_in_memory_once_forgotten():
    """The masker once made a pattern of the names it masks; ``re.compile`` kept it in the module's cache of its last
    512 patterns, the citizen's name with it, long after ``forget_names`` (found by the monkeys' look for names)."""
    from common.masking import Masker

    name = "欧阳" + "试名"  # nobody's: not in the samples or the catalogue
    masker = Masker()
    masker.add_name(name)
    masked = masker.mask(f"session: principal {name} identified")
    assert name not in masked and "欧*" in masked
    masker.forget_names()
    del masked
    assert in_memory({name}, masker) == []
