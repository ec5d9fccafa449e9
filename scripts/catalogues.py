#!/usr/bin/env python3
"""The message catalogues as data: what the code marks (xgettext) and what the .po files hold.

Shared by scripts/extract-messages.sh, scripts/add-translations.py and tests/test_i18n.py, so the
keywords that mark a message and the reading of a .po file exist once. The .po reader knows the
subset of the format this project writes: flags (``#,`` lines such as python-brace-format, kept so
msgfmt --check compares the placeholders), other comments (dropped), ``msgid``, ``msgid_plural``,
``msgstr`` / ``msgstr[N]``, continuation lines and obsolete ``#~`` entries (kept as such).

Usage: scripts/catalogues.py pot OUT.pot   (extract every marked message into a template)
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "common" / "locale"
PACKAGES = ("common", "kiosk", "devices", "ui", "offline_queue", "entry")
# _ and t translate now (t is a catalogue's gettext bound to a language), N_ marks, text is lazy;
# ngettext and plural_text take a singular and a plural (arguments 1 and 2).
KEYWORDS = ("_", "N_", "text", "t", "ngettext:1,2", "plural_text:1,2")
LANGUAGES = ("zh_CN", "en")


@dataclass
class Entry:
    msgid: str
    msgstr: list[str] = field(default_factory=lambda: [""])  # one per plural form when ``plural`` is set
    plural: str | None = None
    obsolete: bool = False
    flags: tuple[str, ...] = ()


@dataclass
class Catalogue:
    header: str  # the header block as written, up to its blank line
    entries: dict[str, Entry]

    def nplurals(self) -> int:
        found = re.search(r"nplurals\s*=\s*(\d+)", self.header)
        return int(found.group(1)) if found else 2


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "onetrip.po"


def sources(root: Path = ROOT) -> list[Path]:
    return sorted(p for d in PACKAGES for p in (root / d).rglob("*.py") if "__pycache__" not in p.parts)


def extract(root: Path = ROOT, out: Path | None = None) -> dict[str, Entry]:
    """Every message the code marks (msgid -> entry with its plural, no translation)."""
    with tempfile.TemporaryDirectory() as tmp:
        target = out or Path(tmp) / "onetrip.pot"
        subprocess.run(["xgettext", "--language=Python", "--from-code=UTF-8", "--no-location", "--sort-output",
                        "--package-name=onetrip", *(f"--keyword={k}" for k in KEYWORDS), "-o", str(target),
                        *map(str, sources(root))], check=True, timeout=60)
        return read(target).entries


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(line: str) -> str:
    body = line.strip()
    if not (body.startswith('"') and body.endswith('"')):
        raise ValueError(f"not a quoted string: {line!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body[1:-1])


def quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def _parse_block(block: str) -> Entry | None:
    parts: dict[str, str] = {}
    current = None
    obsolete = False
    flags: list[str] = []
    for raw in block.splitlines():
        line = raw
        if line.startswith("#,"):
            flags += [f.strip() for f in line[2:].split(",") if f.strip()]
            continue
        if line.startswith("#~"):
            obsolete, line = True, line[2:].strip()
        elif line.startswith("#"):
            continue
        line = line.strip()
        if not line:
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"continuation before a keyword: {raw!r}")
            parts[current] += _unquote(line)
            continue
        keyword, _, rest = line.partition(" ")
        current = keyword
        parts[current] = _unquote(rest)
    if "msgid" not in parts:
        return None
    if "msgid_plural" in parts:
        forms = sorted((int(k[7:-1]), v) for k, v in parts.items() if k.startswith("msgstr["))
        return Entry(parts["msgid"], [v for _, v in forms], parts["msgid_plural"], obsolete, tuple(flags))
    return Entry(parts["msgid"], [parts.get("msgstr", "")], None, obsolete, tuple(flags))


def read(path: Path) -> Catalogue:
    text = path.read_text("utf-8")
    blocks = re.split(r"\n\s*\n", text.strip("\n"))
    header, entries = "", {}
    for block in blocks:
        entry = _parse_block(block)
        if entry is None:
            continue
        if entry.msgid == "" and not header:
            header = block
            continue
        entries[entry.msgid] = entry
    return Catalogue(header, entries)


def format_entry(entry: Entry) -> str:
    lines = [f"msgid {quote(entry.msgid)}"]
    if entry.plural is None:
        lines.append(f"msgstr {quote(entry.msgstr[0])}")
    else:
        lines.append(f"msgid_plural {quote(entry.plural)}")
        lines += [f"msgstr[{i}] {quote(s)}" for i, s in enumerate(entry.msgstr)]
    if entry.obsolete:
        lines = ["#~ " + line for line in lines]
    elif entry.flags:
        lines.insert(0, "#, " + ", ".join(entry.flags))
    return "\n".join(lines) + "\n"


def write(path: Path, catalogue: Catalogue) -> None:
    ordered = sorted(catalogue.entries.values(), key=lambda e: (e.obsolete, e.msgid))
    path.write_text(catalogue.header + "\n\n" + "\n".join(format_entry(e) for e in ordered), "utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "pot":
        sys.exit(__doc__.split("Usage: ")[1])
    extract(ROOT, Path(sys.argv[2]))
