"""What `make` installs, and what a terminal needs.

pyproject.toml keeps lower bounds; requirements.lock pins the exact versions `make` installs (all of
them, transitive ones included), so a terminal set up next year gets what was tested. A terminal
installs only the base dependencies: its packages must import without the test and sandbox extras,
and `kiosk sandbox` / `kiosk demo` without the sandbox extra say so in one line.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
MAKE_EXTRAS = ("test", "sandbox")  # what the Makefile installs besides the base dependencies
TERMINAL_PACKAGES = ("common", "devices", "offline_queue", "kiosk", "ui")


def _requirements(*extras: str) -> list[Requirement]:
    found = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    for extra in extras:
        found += [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"][extra]]
    return found


def _lock_sections() -> dict[str, dict[str, str]]:
    """``{"installer"|"build"|"runtime": {canonical name: version}}`` from requirements.lock."""
    sections: dict[str, dict[str, str]] = {}
    current = None
    for number, raw in enumerate(LOCK.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line.startswith("# ["):
            current = sections.setdefault(line[3:line.index("]")], {})
            continue
        if not line or line.startswith("#"):
            continue
        name, sep, version = line.partition("==")
        assert sep and version and not any(c in version for c in " ;<>=!~,@"), \
            f"requirements.lock:{number}: {raw!r} is not an exact pin NAME==VERSION"
        assert current is not None, f"requirements.lock:{number}: a pin before the first section"
        key = canonicalize_name(name)
        assert key not in current, f"requirements.lock:{number}: {name} pinned twice"
        current[key] = version
    return sections


def _closure(requirements: list[Requirement]) -> set[str]:
    """Canonical names of these requirements and all they pull in, by the installed metadata."""
    seen: dict[str, set[str]] = {}
    todo = [(req, "") for req in requirements]
    while todo:
        req, extra = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(req.name)
        if name in seen and set(req.extras) <= seen[name]:
            continue
        extras = seen.setdefault(name, set())
        extras.update(req.extras)
        for text in metadata.distribution(req.name).requires or []:
            sub = Requirement(text)
            todo += [(sub, e) for e in ("", *sorted(extras))]
    return set(seen)


def test_every_pyproject_requirement_has_an_exact_pin_within_its_bound():
    sections = _lock_sections()
    assert set(sections) == {"installer", "build", "runtime"}, sections.keys()
    checks = [(req, "runtime") for req in _requirements(*MAKE_EXTRAS)]
    checks += [(Requirement(r), "build") for r in PYPROJECT["build-system"]["requires"]]
    checks.append((Requirement("pip"), "installer"))
    for req, section in checks:
        pinned = sections[section].get(canonicalize_name(req.name))
        assert pinned is not None, f"{req.name} ({section}) has no pin in requirements.lock: run make lock"
        assert req.specifier.contains(pinned, prereleases=True), \
            f"requirements.lock pins {req.name}=={pinned}, outside pyproject's {req}"


def test_the_lock_pins_exactly_what_pyproject_pulls_in():
    locked = set(_lock_sections()["runtime"])
    needed = _closure(_requirements(*MAKE_EXTRAS))
    assert not needed - locked, f"pulled in but not pinned (run make lock): {sorted(needed - locked)}"
    assert not locked - needed, f"pinned but nothing needs them (run make lock): {sorted(locked - needed)}"


def test_the_venv_has_the_locked_versions():
    sections = _lock_sections()
    wanted = {**sections["installer"], **sections["runtime"]}
    differ = {name: f"{metadata.version(name)} installed, {version} locked"
              for name, version in wanted.items() if metadata.version(name) != version}
    assert differ == {}, "the venv is not the lock (make reinstalls it when the lock changes)"


_TERMINAL_ONLY = """
import importlib, importlib.abc, json, sys
BLOCKED = frozenset(json.loads(sys.argv[1]))
early = sorted(BLOCKED & {m.partition(".")[0] for m in sys.modules})
class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, NotInstalled())
"""

_IMPORT_ALL = """
import traceback
imported, failed = [], {}
for name in json.loads(sys.argv[2]):
    try:
        importlib.import_module(name)
        imported.append(name)
    except BaseException:
        failed[name] = traceback.format_exc(limit=-3)
try:
    import sandbox.server
    guard = "sandbox.server imported"
except ModuleNotFoundError as exc:
    guard = exc.name
print(json.dumps({"early": early, "imported": imported, "failed": failed, "guard": guard}))
"""


def _extras_only_modules() -> list[str]:
    """Top-level import names of what the test and sandbox extras install and the base does not."""
    extras_only = _closure(_requirements(*MAKE_EXTRAS)) - _closure(_requirements())
    return sorted(module for module, dists in metadata.packages_distributions().items()
                  if all(canonicalize_name(d) in extras_only for d in dists))


def _terminal_modules() -> list[str]:
    names = []
    for package in TERMINAL_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _run(program: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", program, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_terminal_imports_every_module_without_the_test_and_sandbox_extras():
    blocked = _extras_only_modules()
    assert {"fastapi", "uvicorn", "multipart", "yaml", "pytest"} <= set(blocked), blocked
    modules = _terminal_modules()
    done = _run(_TERMINAL_ONLY + _IMPORT_ALL, json.dumps(blocked), json.dumps(modules))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["early"] == []
    assert report["guard"] == "uvicorn"  # the blocker works: the sandbox cannot load
    assert report["failed"] == {}
    assert report["imported"] == modules
    assert len(modules) > 60


def test_the_kiosk_command_works_without_the_extras():
    program = _TERMINAL_ONLY + "from entry.cli import main\nmain(['--version'])\n"
    done = _run(program, json.dumps(_extras_only_modules()))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("OneTrip ")


def test_sandbox_and_demo_without_the_sandbox_extra_say_what_to_install(tmp_path):
    for argv in (["sandbox", "--port", "0"], ["demo", "--headless", "--output", str(tmp_path / "demo")]):
        program = _TERMINAL_ONLY + f"from entry.cli import main\nsys.exit(main({argv!r}))\n"
        done = _run(program, json.dumps(_extras_only_modules()), cwd=tmp_path)
        assert done.returncode == 2, (argv, done.stdout, done.stderr)
        assert done.stdout == ""
        lines = done.stderr.splitlines()
        assert len(lines) == 1 and "pip install -e '.[sandbox]'" in lines[0], (argv, done.stderr)
        assert lines[0].startswith(f"kiosk: {argv[0]} needs the sandbox packages ("), lines
