"""The top-level packages form one-way layers (ARCHITECTURE.md); an import against them fails here.

Every import is read from the source with ``ast``, including those inside functions, so a lazy
import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> the packages it may import (besides itself). Keep in step with ARCHITECTURE.md.
LAYERS: dict[str, set[str]] = {
    "common": set(),
    "devices": {"common"},
    "offline_queue": {"common"},
    "sandbox": {"common"},
    "kiosk": {"common", "devices", "offline_queue"},
    "ui": {"common", "devices", "offline_queue", "kiosk"},
    "entry": {"common", "devices", "offline_queue", "sandbox", "kiosk", "ui"},
}
QT_ALLOWED = {"ui", "entry"}
# The UI talks to devices through their interfaces and events, never a driver.
UI_DEVICE_MODULES = ("devices.base", "devices.events", "devices.health", "devices.errors")


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def source_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_the_layer_map_itself_has_no_cycle():
    def visit(package: str, path: tuple[str, ...]) -> None:
        assert package not in path, f"cycle in LAYERS: {' -> '.join(path + (package,))}"
        for below in LAYERS[package]:
            visit(below, path + (package,))

    for package in LAYERS:
        visit(package, ())


def test_every_top_level_package_is_in_the_map():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert packages == set(LAYERS), "a new top-level package needs its place in LAYERS and ARCHITECTURE.md"


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_imports_point_down_the_layers_only(package):
    wrong = []
    for path in source_files(package):
        for line, name in imports_of(path):
            top = name.split(".")[0]
            where = f"{path.relative_to(ROOT)}:{line} imports {name}"
            if top in LAYERS and top != package and top not in LAYERS[package]:
                wrong.append(where)
            if top == "PySide6" and package not in QT_ALLOWED:
                wrong.append(where + " (Qt above the Qt-free layers only)")
            if package == "ui" and top == "devices" and not (
                    name.startswith(UI_DEVICE_MODULES) or name.endswith(".base") or ".base." in name):
                wrong.append(where + " (the UI uses device interfaces, never a driver)")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_a_wrong_import_is_caught(tmp_path):
    """The checker itself: an import that points up is found."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from ui.app import Gui\n    import kiosk.app\n", encoding="utf-8")
    assert [name for _, name in imports_of(bad)] == ["ui.app", "ui.app.Gui", "kiosk.app"]
