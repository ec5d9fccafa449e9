#!/usr/bin/env python3
"""Add or update zh_CN translations from a JSON file {msgid: 中文} (English .po gets the empty entry).

Usage: scripts/add-translations.py FILE.json   then: make i18n
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "common" / "locale"


def quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def entries(text: str) -> dict[str, str]:
    found = {}
    for block in text.split("\n\n"):
        if "msgid" not in block or "msgstr" not in block:
            continue
        mid_part, str_part = block.split("msgstr", 1)
        mid = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', mid_part))
        found[mid] = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', str_part))
    return found


def update(lang: str, table: dict[str, str]) -> int:
    path = ROOT / lang / "LC_MESSAGES" / "onetrip.po"
    text = path.read_text("utf-8")
    header, _, _ = text.partition("\n\n")
    current = entries(text)
    current.pop("", None)
    added = 0
    for mid, zh in table.items():
        key = quote(mid)[1:-1]
        value = quote(zh if lang == "zh_CN" else "")[1:-1]
        if current.get(key) != value:
            added += 1
        current[key] = value
    body = "\n".join(f'msgid "{k}"\nmsgstr "{v}"\n' for k, v in sorted(current.items()))
    path.write_text(header + "\n\n" + body, "utf-8")
    return added


if __name__ == "__main__":
    table = json.loads(Path(sys.argv[1]).read_text("utf-8"))
    print(f"zh_CN: {update('zh_CN', table)} changed; en: {update('en', table)} changed")
