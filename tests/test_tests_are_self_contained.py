"""Tests read nothing outside the repository: no test file names a path that leaves the checkout.

A static check of every ``tests/**/*.py`` (this file included), so that a clone anywhere passes. It
flags what took a test outside before: climbing above the repository (a ``parents`` index of 2 or more, a third
``.parent``, a ``..`` segment), the home directory (``~``, ``Path.home()``, ``expanduser``,
``$HOME``), and an absolute path literal that exists on this machine outside the checkout (such as a
file under ``/etc``, ``/usr/share`` or a sibling folder of the checkout). Device and kernel paths
(``/dev``, ``/proc``, ``/sys``) are the machine's ports, not data, and are allowed. A literal that is
never read (a hostile file name sent to a server, say) is allowed on a line that says so with the
comment ``# not read: <why>``. Paths built at run time from other values are out of its reach: review
catches those.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DEPTH = 1  # a test file's folder below the repository: parents[DEPTH] is the repository itself
DOT_DOT = re.compile(r"(^|[/\\])\.\.([/\\]|$)")
ABSOLUTE = re.compile(r"^/[A-Za-z0-9_.-]")
IN_HOME = re.compile(r"^~[\w.-]*/")
MACHINE_PORTS = ("dev", "proc", "sys")
NOT_READ = re.compile(r"#\s*not read:\s*\S")


def _test_sources() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "data" not in p.relative_to(TESTS).parts)


def _parent_chain(node: ast.AST) -> int:
    length = 0
    while isinstance(node, ast.Attribute) and node.attr == "parent":
        length += 1
        node = node.value
    return length


def _outside_checkout(text: str) -> bool:
    if not ABSOLUTE.match(text) or "\n" in text or text.split("/")[1] in MACHINE_PORTS:
        return False
    path = Path(text)
    try:
        return path.exists() and not path.resolve().is_relative_to(ROOT)
    except (OSError, ValueError):
        return False


def _reason(node: ast.AST, parent: ast.AST | None) -> str | None:
    if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
            and node.value.attr == "parents" and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, int) and node.slice.value > DEPTH):
        return f"parents[{node.slice.value}] is above the repository"
    if isinstance(node, ast.Attribute) and _parent_chain(node) > DEPTH + 1:
        return "a chain of .parent climbs above the repository"
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "expanduser" or (name == "home" and isinstance(func, ast.Attribute)
                                    and getattr(func.value, "id", "") == "Path"):
            return f"{name}() reads the home directory"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
        if text == "HOME" and isinstance(parent, (ast.Subscript, ast.Call)):
            return "the home directory ($HOME)"
        if DOT_DOT.search(text):
            return f"{text[:60]!r} has a '..' segment"
        if IN_HOME.match(text):
            return f"{text[:60]!r} is in the home directory"
        if _outside_checkout(text):
            return f"{text!r} exists outside the repository"
    return None


def escapes(source: str) -> list[str]:
    """What in ``source`` (a test module's text) points outside the repository, as ``line: reason``."""
    tree = ast.parse(source)
    parent_of = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    not_read = {number for number, line in enumerate(source.splitlines(), 1) if NOT_READ.search(line)}
    found = set()
    for node in ast.walk(tree):
        reason = _reason(node, parent_of.get(node))
        if reason and getattr(node, "lineno", None) not in not_read:
            found.add(f"{getattr(node, 'lineno', '?')}: {reason}")
    return sorted(found)


@pytest.mark.parametrize("path", _test_sources(), ids=lambda p: str(p.relative_to(TESTS)))
def test_no_test_file_points_outside_the_repository(path):
    assert escapes(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("line", [
    'CORPUS = Path(__file__).resolve().parents[' + '2] / "sibling" / "corpus" / "qr-real"',  # split: a sample
    'CORPUS = Path(__file__).resolve().parent.parent.parent / "sibling"',
    'CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "sibling")',
    'CORPUS = Path("../sibling/corpus/qr-real")',
    'CONFIG = Path("~/.config/onetrip/site.toml")',
    'CONFIG = Path.home() / ".config"',
    'CONFIG = os.path.expanduser(name)',
    'CONFIG = os.environ["HOME"]',
    f'SITE = Path({str(ROOT.parent)!r}) / "sibling"',
    'PASSWD = open("/etc/passwd").read()',
    'PASSWD = open("/etc/passwd").read()  # not read:',
])
def test_the_check_flags_the_ways_out(line):
    assert escapes(line), line


@pytest.mark.parametrize("line", [
    'CORPUS = Path(__file__).resolve().parent / "data" / "qr-real"',
    'SPEC = Path(__file__).resolve().parent.parent / "docs" / "api" / "openapi.yaml"',
    'ROOT = Path(__file__).resolve().parents[1]',
    'PORT = {"port": "/dev/ttyUSB1", "decoder": "/opt/vendor/libwlt.so"}',
    'URL = sandbox.url + "/api/v1/cases"',
    'PAYLOAD = "file:///etc/passwd"',
    'NAMES = ["../../etc/passwd", "a/../b"]  # not read: hostile file names for the sandbox to refuse',
])
def test_the_check_lets_paths_inside_the_repository_and_plain_values_pass(line):
    assert escapes(line) == []
