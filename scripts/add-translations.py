#!/usr/bin/env python3
"""Add or update zh_CN translations from a JSON file {msgid: 中文}; the English .po gets the entry too.

A counted message (marked with ngettext or plural_text) is keyed by its singular msgid; its plural
is read from the code, and the Chinese text fills every form (Chinese has one). The English entry
is left empty, so English shows the source text, unless it already holds an English wording.

Usage: scripts/add-translations.py FILE.json   then: make i18n
Several people may run this at once: the catalogues are locked while they are rewritten.
"""

import fcntl
import json
import sys
from pathlib import Path

from catalogues import LANGUAGES, Entry, extract, po_path, read, write


def update(lang: str, table: dict[str, str], code: dict[str, Entry]) -> int:
    path = po_path(lang)
    catalogue = read(path)
    changed = 0
    for mid, zh in table.items():
        old = catalogue.entries.get(mid)
        plural = code[mid].plural if mid in code else (old.plural if old else None)
        forms = catalogue.nplurals() if plural is not None else 1
        if lang == "zh_CN":
            msgstr = [zh] * forms
        elif old is not None and old.plural == plural and len(old.msgstr) == forms:
            msgstr = old.msgstr
        else:
            msgstr = [""] * forms
        flags = code[mid].flags if mid in code else (old.flags if old else ())
        new = Entry(mid, msgstr, plural, flags=flags)
        if new != old:
            changed += 1
        catalogue.entries[mid] = new
    write(path, catalogue)
    return changed


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    table = json.loads(Path(argv[1]).read_text("utf-8"))
    if not all(isinstance(k, str) and isinstance(v, str) and v for k, v in table.items()):
        print("expected a JSON object of non-empty strings {msgid: 中文}", file=sys.stderr)
        return 2
    code = extract()
    for mid in sorted(set(table) - set(code)):
        print(f"note: not marked in the code (yet?): {mid!r}", file=sys.stderr)
    with open(po_path(LANGUAGES[0]), "rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        counts = {lang: update(lang, table, code) for lang in LANGUAGES}
    print("; ".join(f"{lang}: {n} changed" for lang, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
