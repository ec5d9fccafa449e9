"""ui/qt_import_hook.py: PySide6's "does this module use PySide?" answered from the module's globals."""

import re
import sys
import types
from pathlib import Path

import ui  # noqa: F401 - installs the hook
from ui.qt_import_hook import uses_pyside

REPO = Path(__file__).resolve().parent.parent


def test_the_hook_is_installed_once_ui_is_imported():
    feature = sys.modules["PySide6.support.feature"]
    assert feature._mod_uses_pyside is uses_pyside


def test_a_module_that_imports_pyside_uses_it_and_one_that_does_not_does_not():
    import kiosk.config
    import ui.widgets

    assert uses_pyside(ui.widgets) and not uses_pyside(kiosk.config)


def test_an_odd_global_does_not_break_an_import():
    class Odd:
        @property
        def __module__(self):  # noqa: PLE0236 - the point: reading it raises
            raise RuntimeError("no")

    odd = types.ModuleType("odd_module")
    odd.thing = Odd()
    odd.qt = sys.modules["PySide6.QtCore"]
    assert uses_pyside(odd)
    del odd.qt
    assert not uses_pyside(odd)


def test_no_module_of_ours_switches_pyside_features():
    """The hook's answer matters only to a module that switches features; none of ours may."""
    switching = re.compile(r"^\s*(from|import)\s+__feature__", re.MULTILINE)
    ours = [path for top in ("common", "devices", "offline_queue", "kiosk", "ui", "entry", "sandbox", "tests")
            for path in (REPO / top).rglob("*.py")]
    assert len(ours) > 100
    assert [str(p) for p in ours if switching.search(p.read_text(encoding="utf-8"))] == []
