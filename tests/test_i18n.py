import re
import subprocess
from pathlib import Path

from common.i18n import LOCALE_DIR, _, catalogue, language, set_language, text

PO = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "onetrip.po"


def po_entries(path: Path) -> dict[str, str]:
    body = path.read_text(encoding="utf-8")
    entries = {}
    for block in body.split("\n\n"):
        mid = "".join(re.findall(r'"(.*)"', block.split("msgstr")[0])) if "msgid" in block else None
        mstr = "".join(re.findall(r'"(.*)"', block.split("msgstr")[1])) if "msgstr" in block else ""
        if mid:
            entries[mid] = mstr
    return entries


def test_chinese_is_the_default_and_english_is_the_source():
    assert language() == "zh_CN"
    assert _("Welcome") == "欢迎您"
    set_language("en")
    assert _("Welcome") == "Welcome"


def test_lazy_text_follows_the_language_when_shown():
    message = text("Within {days} working days", days=3)
    assert str(message) == "3 个工作日内"
    set_language("en")
    assert str(message) == "Within 3 working days"
    assert message.render("zh_CN") == "3 个工作日内"


def test_every_message_in_the_code_has_a_chinese_translation(tmp_path):
    pot = tmp_path / "onetrip.pot"
    root = Path(__file__).resolve().parent.parent
    files = sorted(str(p) for d in ("common", "kiosk", "devices", "ui", "offline_queue", "entry") for p in (root / d).rglob("*.py"))
    subprocess.run(["xgettext", "--language=Python", "--from-code=UTF-8", "--keyword=_", "--keyword=N_",
                    "--keyword=text", "--keyword=t", "--no-location", "-o", str(pot), *files], check=True, timeout=60)
    wanted = {k for k in po_entries(pot) if k}
    translated = {k for k, v in po_entries(PO).items() if v}
    missing = sorted(wanted - translated)
    assert not missing, f"untranslated (run scripts/extract-messages.sh and fill common/locale/zh_CN): {missing}"


def test_compiled_catalogue_matches_its_source():
    entries = po_entries(PO)
    zh = catalogue("zh_CN")
    stale = [k for k, v in entries.items() if k and v and zh.gettext(k) != v.replace('\\"', '"')]
    assert not stale, f"common/locale/zh_CN .mo is stale for {stale[:3]}: run make i18n"
