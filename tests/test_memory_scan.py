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


def test_the_look_reaches_a_waiting_thread_s_locals_but_not_a_task_under_way():
    """A loop's variable keeps its last piece of work while the thread waits for the next: the look reaches the
    stacks of threads between pieces of work (``idle_stacks``), not those of a task still running."""
    import threading

    from kiosk.tasks import ThreadTaskRunner

    kept, running = "330106199001011235", "330106199001011243"
    kept_digits, running_digits = int(kept), int(running)  # what the threads are given: no string of the numbers
    go, started = threading.Event(), threading.Event()

    # a loop of the terminal's (a test's own threads are not the terminal's: the look leaves them out)
    terminal_module = {"__name__": "kiosk.a_worker", "kept_digits": kept_digits, "started": started, "go": go}
    exec(compile("def idle_loop():\n"
                 "    last = str(kept_digits)  # made on this thread: only its frame holds this string\n"
                 "    started.set()\n"
                 "    go.wait(10)  # what the loop kept of its last piece of work, while it waits for the next\n",
                 "kiosk/a_worker.py", "exec"), terminal_module)
    idle_loop = terminal_module["idle_loop"]

    idle = threading.Thread(target=idle_loop, daemon=True)
    idle.start()
    runner = ThreadTaskRunner(lambda _callback: None, workers=1)  # nothing posted back: no event loop here
    under_way = threading.Event()

    def task():
        holding = str(running_digits)  # noqa: F841
        under_way.set()
        go.wait(10)

    try:
        runner.run(task, lambda _r: None, lambda _e: None)
        assert started.wait(5) and under_way.wait(5)
        held = in_memory({kept, running}, object())
        assert any(place.startswith(kept[:6]) and kept[-4:] in place for place in held), held
        assert not any(running[-4:] in place.split(" in ")[0] for place in held), held
    finally:
        go.set()
        idle.join(5)
        runner.shutdown()
