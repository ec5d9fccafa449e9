"""Dataclass methods compiled once per installation, as Python keeps our modules' bytecode.

``@dataclass`` writes the source of each class's methods (``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, a frozen class's ``__setattr__`` and ``__delattr__``) and compiles it with ``exec``
every time the class is made, in every process. Before the kiosk is usable that is about 115
classes at 1.1-1.5 ms each, 60% of it compiling (measured 2026-12-01, Python 3.11): 70-95 ms of the
start-up's CPU. This module keeps the compiled code in one file beside our bytecode, keyed by the
exact source text. The same text compiles to the same code object, so a class made from the file is
the class ``exec`` would have made; a text not in the file (changed code) is compiled as before.

``install()`` (kiosk/__init__.py, before any of our dataclasses exist) gives the dataclasses module
an ``exec`` of its own that looks the text up first. The file is written by ``build()``, which
``make`` runs beside ``compileall`` and ``kiosk bench ui`` runs before its samples, and, like
bytecode, at a process's exit when it compiled something new and writing bytecode is allowed
(not under ``PYTHONDONTWRITEBYTECODE``). It is read only from there, never from the data directory:
it holds code, and sits where our code's bytecode sits, with the same owner.
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import importlib.util
import marshal
import os
import sys
import zlib
from pathlib import Path
from types import CodeType

PATH = Path(__file__).resolve().parent / "__pycache__" / f"dataclass-code.{sys.implementation.cache_tag}.marshal"
MAX_ENTRIES = 5000  # past this, a save keeps only what the saving process used (old texts pile up over edits)
# what a terminal imports; build() imports every module of these
PACKAGES = ("common", "devices", "offline_queue", "kiosk", "ui")
_HEADER = importlib.util.MAGIC_NUMBER  # another Python's file is not read
_CHECK = 4  # CRC-32 of the payload: a truncated or damaged file is not read


class CodeCache:
    """Source text -> compiled code for the dataclasses of ``packages``, loaded from ``path`` and
    saved back to it. Other modules' dataclasses (a test's, a library's) compile as before."""

    def __init__(self, path: Path, packages: tuple[str, ...] = PACKAGES) -> None:
        self.path = path
        self.packages = frozenset(packages)
        self.codes: dict[str, CodeType] = {}  # compiled or read in this process
        self._stored: dict[str, bytes] = {}  # read from the file, each code object still marshalled
        self.used: set[str] = set()
        self.loaded = 0
        self.compiled = 0

    def load(self) -> None:
        try:
            blob = self.path.read_bytes()
        except OSError:
            return  # none yet
        n = len(_HEADER)
        head, check, payload = blob[:n], blob[n:n + _CHECK], blob[n + _CHECK:]
        if head != _HEADER or _crc(payload) != check:
            return
        try:
            stored = marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            return
        if isinstance(stored, dict):  # each code object still marshalled: read when its class is made
            self._stored.update((text, code) for text, code in stored.items()
                                if isinstance(text, str) and isinstance(code, bytes))
            self.loaded = len(self._stored)

    def texts(self) -> set[str]:
        """Every source text known: read from the file or compiled here."""
        return set(self._stored) | set(self.codes)

    def _code(self, source: str) -> CodeType | None:
        code = self.codes.get(source)
        if code is None and source in self._stored:
            try:
                code = marshal.loads(self._stored[source])
            except (EOFError, ValueError, TypeError):
                return None
            if isinstance(code, CodeType):
                self.codes[source] = code
        return code if isinstance(code, CodeType) else None

    def exec(self, source, globals=None, locals=None) -> None:  # noqa: A002 - exec's own parameter names
        """``exec`` as the dataclasses module calls it, with the compiling done once per text."""
        owner = globals.get("__name__", "") if isinstance(globals, dict) else ""
        if not isinstance(source, str) or owner.partition(".")[0] not in self.packages:
            return builtins.exec(source, globals, locals)
        code = self._code(source)
        if code is None:
            code = self.codes[source] = compile(source, "<string>", "exec")  # what exec(source) compiles
            self.compiled += 1
        self.used.add(source)
        return builtins.exec(code, globals, locals)

    def save(self) -> bool:
        """Write every text known (or, past MAX_ENTRIES, the ones this process used) atomically;
        False where the folder cannot be written."""
        import tempfile

        stored = {**self._stored, **{text: marshal.dumps(code) for text, code in list(self.codes.items())}}
        if len(stored) > MAX_ENTRIES:
            stored = {text: stored[text] for text in list(self.used) if text in stored}
        payload = marshal.dumps(stored)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".dataclass-code-")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(_HEADER + _crc(payload) + payload)
                os.chmod(temporary, 0o644)  # as bytecode: the terminal's account reads what root installed
                os.replace(temporary, self.path)  # readers see the old file or the new, never half of one
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            return False
        return True


def _crc(payload: bytes) -> bytes:
    return zlib.crc32(payload).to_bytes(_CHECK, "big")


_installed: CodeCache | None = None


def install(path: Path = PATH) -> CodeCache:
    """Once per process: the dataclasses module compiles through the cache from now on."""
    global _installed
    if _installed is None:
        cache = CodeCache(path)
        cache.load()
        dataclasses.exec = cache.exec  # a module global shadows the builtin for that module only
        atexit.register(_save_if_new, cache)
        _installed = cache
    return _installed


def _save_if_new(cache: CodeCache) -> None:
    if cache.compiled and not sys.dont_write_bytecode:
        cache.save()


def build(path: Path | None = None) -> tuple[int, list[str]]:
    """Import every module a terminal runs, then save what their dataclasses compiled. Returns how
    many texts the file holds and the modules that could not be imported here. Run in a process of
    its own (``python -c 'import kiosk.dataclass_code as c; c.build()'``: ``make`` does), to
    ``path`` if given instead of beside our bytecode."""
    import importlib
    import pkgutil

    cache, skipped = install(), []
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    root = Path(__file__).resolve().parents[1]
    for package in PACKAGES:
        for module in pkgutil.walk_packages([str(root / package)], prefix=f"{package}."):
            try:
                importlib.import_module(module.name)
            except Exception as exc:  # noqa: BLE001 - an optional driver's library missing here: its classes compile at run time
                skipped.append(f"{module.name}: {exc!r}")
    if path is not None:
        cache.path = path
    cache.save()
    return len(cache.texts()), skipped
