"""Dataclass methods compiled once per installation (kiosk/dataclass_code.py): a class made from the
file behaves as one compiled afresh, and a damaged, foreign or unwritable file costs nothing."""

from __future__ import annotations

import dataclasses
import os
import sys
import types

import pytest

import kiosk
from kiosk import dataclass_code
from kiosk.dataclass_code import CodeCache

SOURCE = '''
from __future__ import annotations
from dataclasses import dataclass, field

@dataclass(frozen=True)
class Stamp:
    """A frozen class: __init__, __repr__, __eq__, __hash__, __setattr__ and __delattr__ are written."""
    office: str
    count: int = 0
    tags: tuple = field(default_factory=tuple)

@dataclass
class Tally:
    seen: list = field(default_factory=list)
'''


def _make(monkeypatch, cache: CodeCache) -> types.ModuleType:
    """SOURCE run as module ``onetrip_sample``, its dataclasses compiled through ``cache``."""
    module = types.ModuleType("onetrip_sample")
    monkeypatch.setitem(sys.modules, "onetrip_sample", module)
    monkeypatch.setattr(dataclasses, "exec", cache.exec)
    exec(compile(SOURCE, "onetrip_sample.py", "exec"), module.__dict__)
    return module


def _behaves(module: types.ModuleType) -> None:
    stamp = module.Stamp("Hall 3", 2)
    assert repr(stamp) == "Stamp(office='Hall 3', count=2, tags=())"
    assert stamp == module.Stamp("Hall 3", 2) and stamp != module.Stamp("Hall 3", 3)
    assert hash(stamp) == hash(module.Stamp("Hall 3", 2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        stamp.count = 5
    with pytest.raises(TypeError):
        module.Stamp()  # office is required
    first, second = module.Tally(), module.Tally()
    first.seen.append(1)
    assert second.seen == []  # each its own list


def test_a_class_made_from_the_saved_file_compiles_nothing_and_behaves_the_same(tmp_path, monkeypatch):
    path = tmp_path / "dataclass-code.marshal"
    fresh = CodeCache(path, packages=("onetrip_sample",))
    _behaves(_make(monkeypatch, fresh))
    assert fresh.compiled >= 8  # six methods of the frozen class, three of the other
    assert fresh.save() and path.stat().st_mode & 0o777 == 0o644

    cached = CodeCache(path, packages=("onetrip_sample",))
    cached.load()
    assert cached.loaded == fresh.compiled
    _behaves(_make(monkeypatch, cached))
    assert cached.compiled == 0


def test_other_modules_dataclasses_are_compiled_as_before_and_not_kept(tmp_path, monkeypatch):
    cache = CodeCache(tmp_path / "codes", packages=("kiosk",))
    _behaves(_make(monkeypatch, cache))
    assert cache.codes == {} and cache.compiled == 0


@pytest.mark.parametrize("damage", ["truncated", "flipped", "another_python", "not_a_dict", "empty"])
def test_a_damaged_or_foreign_file_is_not_read(tmp_path, monkeypatch, damage):
    path = tmp_path / "dataclass-code.marshal"
    fresh = CodeCache(path, packages=("onetrip_sample",))
    _make(monkeypatch, fresh)
    fresh.save()
    blob = path.read_bytes()
    if damage == "truncated":
        blob = blob[: len(blob) // 2]
    elif damage == "flipped":
        middle = len(blob) // 2
        blob = blob[:middle] + bytes([blob[middle] ^ 0xFF]) + blob[middle + 1:]
    elif damage == "another_python":
        blob = b"\x00\x00\r\n" + blob[4:]
    elif damage == "not_a_dict":
        import marshal
        import zlib

        payload = marshal.dumps(["def f(): pass"])
        blob = blob[:4] + zlib.crc32(payload).to_bytes(4, "big") + payload
    else:
        blob = b""
    path.write_bytes(blob)

    cache = CodeCache(path, packages=("onetrip_sample",))
    cache.load()
    assert cache.loaded == 0
    _behaves(_make(monkeypatch, cache))
    assert cache.compiled == fresh.compiled


def test_an_entry_that_is_not_code_is_compiled_afresh(tmp_path, monkeypatch):
    import marshal
    import zlib

    path = tmp_path / "dataclass-code.marshal"
    fresh = CodeCache(path, packages=("onetrip_sample",))
    _make(monkeypatch, fresh)
    garbage = {text: b"not marshalled code" for text in fresh.texts()}
    garbage[next(iter(garbage))] = marshal.dumps(["a list, not code"])
    payload = marshal.dumps(garbage)
    path.write_bytes(dataclass_code._HEADER + zlib.crc32(payload).to_bytes(4, "big") + payload)
    cache = CodeCache(path, packages=("onetrip_sample",))
    cache.load()
    assert cache.loaded == fresh.compiled
    _behaves(_make(monkeypatch, cache))
    assert cache.compiled == fresh.compiled


def test_a_folder_that_cannot_be_written_is_reported_not_raised(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder would go")
    cache = CodeCache(blocker / "__pycache__" / "codes", packages=("onetrip_sample",))
    _make(monkeypatch, cache)
    assert cache.save() is False
    assert list(tmp_path.iterdir()) == [blocker]  # no temporary file left behind


def test_past_the_limit_a_save_keeps_only_what_this_process_used(tmp_path, monkeypatch):
    path = tmp_path / "codes"
    cache = CodeCache(path, packages=("onetrip_sample",))
    cache.codes = {f"# stale text {n}": compile("pass", "<string>", "exec") for n in range(5)}
    _make(monkeypatch, cache)
    monkeypatch.setattr(dataclass_code, "MAX_ENTRIES", 3)
    cache.save()
    reread = CodeCache(path, packages=("onetrip_sample",))
    reread.load()
    assert reread.texts() == cache.used and not any(text.startswith("# stale") for text in reread.texts())


def test_the_terminal_process_compiles_our_dataclasses_through_the_cache():
    assert kiosk.dataclass_code._installed is not None
    assert dataclasses.exec == dataclass_code._installed.exec


def test_the_install_step_imports_every_module_and_writes_their_methods(tmp_path):
    """What ``make`` runs beside compileall, in a fresh process as there."""
    import json
    import subprocess

    target = tmp_path / "codes"
    script = ("import json, sys, kiosk.dataclass_code as c; from pathlib import Path; "
              "print(json.dumps(c.build(Path(sys.argv[1]))))")
    done = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-2000:]
    count, skipped = json.loads(done.stdout.splitlines()[-1])
    assert skipped == []
    reread = CodeCache(target)
    reread.load()
    assert reread.loaded == count > 500  # config, domain, devices, queue: hundreds of methods
    # what the kiosk makes first is there: the configuration's classes
    assert any("TerminalConfig" in text or "hall_id" in text for text in reread.texts())
