"""Every message the code marks is in both catalogues, with the same fields in every language and form.

The messages are extracted with xgettext (the keywords in scripts/catalogues.py, shared with
scripts/extract-messages.sh); the .po files are read as written and the compiled .mo files are
compared with them. A scan of the widget and error calls catches text that bypasses the layer, and
of f-strings a message marked where xgettext cannot see it.
"""

import ast
import datetime as dt
import gettext
import importlib.util
import re
import string
import sys
from pathlib import Path

import pytest

from common.domain import Receipt
from common.i18n import LOCALE_DIR, _, catalogue, language, ngettext, plural_text, set_language, text
from devices.receipt.document import Line
from kiosk.receipts import citizen_receipt

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("catalogues", ROOT / "scripts" / "catalogues.py")
catalogues = sys.modules.setdefault("catalogues", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(catalogues)

PLURAL_FORMS = {"zh_CN": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}
HOW_TO_FIX = ("run scripts/extract-messages.sh, fill zh_CN with scripts/add-translations.py FILE.json, "
              "then make i18n")


@pytest.fixture(scope="module")
def marked():
    return catalogues.extract(ROOT)


def source(language_code):
    return catalogues.read(catalogues.po_path(language_code))


def test_chinese_is_the_default_and_english_is_the_source():
    assert language() == "zh_CN"
    assert _("Welcome") == "欢迎您"
    set_language("en")
    assert _("Welcome") == "Welcome"


def test_lazy_text_follows_the_language_when_shown():
    message = text("Accepted as {number}.", number="A1")
    assert str(message) == "已受理，办件编号 A1。"
    set_language("en")
    assert str(message) == "Accepted as A1."
    assert message.render("zh_CN") == "已受理，办件编号 A1。"


@pytest.mark.parametrize("n, english, chinese", [(1, "Within 1 working day", "1 个工作日内"),
                                                 (3, "Within 3 working days", "3 个工作日内")])
def test_a_count_takes_each_language_s_plural_form(n, english, chinese):
    singular, plural = "Within {days} working day", "Within {days} working days"
    lazy = plural_text(singular, plural, n, days=n)
    assert (lazy.render("en"), lazy.render("zh_CN")) == (english, chinese)
    assert ngettext(singular, plural, n).format(days=n) == chinese
    set_language("en")
    assert ngettext(singular, plural, n).format(days=n) == english
    assert str(lazy) == english


@pytest.mark.parametrize("days, english, chinese", [(1, "Promised within 1 working day", "承诺 1 个工作日内办结"),
                                                    (3, "Promised within 3 working days", "承诺 3 个工作日内办结")])
def test_the_receipt_promises_days_in_the_right_form(days, english, chinese):
    receipt = Receipt("SQ1", "GT-001", "个体工商户设立登记", "Sole trader registration", "张*", "3301**********1234",
                      "T1", dt.datetime(2026, 11, 30, 9, 0), promised_days=days)
    assert english in [line.text for line in citizen_receipt(receipt, "en").elements if isinstance(line, Line)]
    assert chinese in [line.text for line in citizen_receipt(receipt, "zh_CN").elements if isinstance(line, Line)]


@pytest.mark.parametrize("language_code", catalogues.LANGUAGES)
def test_each_catalogue_declares_its_plural_forms(language_code):
    header = source(language_code).header
    assert f'"Plural-Forms: {PLURAL_FORMS[language_code]}\\n"' in header
    forms = [catalogue(language_code).plural(n) for n in (0, 1, 2, 3, 11, 21)]
    assert forms == ([1, 0, 1, 1, 1, 1] if language_code == "en" else [0] * 6)


def test_every_marked_message_is_in_both_catalogues(marked):
    zh, en = source("zh_CN"), source("en")
    problems = []
    for mid, wanted in sorted(marked.items()):
        for lang, found in (("zh_CN", zh.entries.get(mid)), ("en", en.entries.get(mid))):
            if found is None or found.obsolete:
                problems.append(f"{lang}: missing {mid!r}")
            elif found.plural != wanted.plural:
                problems.append(f"{lang}: {mid!r} has plural {found.plural!r}, the code says {wanted.plural!r}")
        entry = zh.entries.get(mid)
        if entry is not None and entry.plural == wanted.plural:
            forms = zh.nplurals() if wanted.plural is not None else 1
            if len(entry.msgstr) != forms or not all(entry.msgstr):
                problems.append(f"zh_CN: {mid!r} needs {forms} non-empty form(s), has {entry.msgstr!r}")
    assert not problems, f"{len(problems)} catalogue gaps ({HOW_TO_FIX}):\n" + "\n".join(problems)


def test_english_text_has_no_punctuation_the_chinese_font_draws_a_full_em_wide(marked):
    """WenQuanYi Micro Hei, the one font the screens and the papers use, draws “ ” ‘ ’ and … as Chinese punctuation,
    each as wide as a Chinese character: in English, 'No service matches “zzzz”.' showed gaps around the quotes and
    'Checking…' three spaced dots. The English text uses straight quotes and three full stops."""
    wide = "“”‘’…"
    found = [(mid, entry.plural) for mid, entry in sorted(marked.items())
             if any(ch in wide for ch in mid + (entry.plural or ""))]
    assert not found, f"{len(found)} English messages with {wide}: {found}"
    assert catalogue("en").gettext("Checking...") == "Checking..."
    assert catalogue("zh_CN").gettext("Checking...") == "正在核验…"  # Chinese keeps its own ellipsis


# Field names that hold a count: a message with one of them must be a plural (ngettext, plural_text).
COUNTS = {"n", "count", "days", "hours", "minutes", "seconds", "s", "pages", "items", "attempts", "copies", "times"}


def test_a_message_with_a_count_has_a_plural(marked):
    singular = [mid for mid, entry in sorted(marked.items())
                if entry.plural is None and {f.strip("{}") for f in fields(mid)} & COUNTS]
    assert not singular, f"use ngettext or plural_text for: {singular}"


def fields(message: str) -> set[str]:
    """The ``str.format`` field names and the printf-style conversions of a message."""
    names = set()
    for _literal, name, _spec, _conversion in string.Formatter().parse(message):
        if name is not None:
            names.add("{" + re.split(r"[.\[]", name, maxsplit=1)[0] + "}")
    names |= set(re.findall(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]", message))
    return names


@pytest.mark.parametrize("language_code", catalogues.LANGUAGES)
def test_translations_keep_the_placeholders_of_their_source(language_code):
    problems = []
    for mid, entry in sorted(source(language_code).entries.items()):
        if entry.obsolete:
            continue
        wanted = fields(mid)
        if entry.plural is not None and fields(entry.plural) != wanted:
            problems.append(f"{mid!r}: the plural {entry.plural!r} has other fields")
        for form, translated in enumerate(entry.msgstr):
            if translated and fields(translated) != wanted:
                problems.append(f"{mid!r} form {form}: {translated!r} has {sorted(fields(translated))}, "
                                f"the source {sorted(wanted)}")
    assert not problems, "\n".join(problems)


def test_fields_are_told_apart():
    assert fields("Within {days} working days") == {"{days}"}
    assert fields("{a.b} {c[0]} {{literal}} %(n)d %s") == {"{a}", "{c}", "%(n)d", "%s"}
    assert fields("{days} 个工作日内") != fields("{day} 个工作日内")


@pytest.mark.parametrize("language_code", catalogues.LANGUAGES)
def test_compiled_catalogue_matches_its_source(language_code):
    po = source(language_code)
    expected = {}
    for mid, entry in po.entries.items():
        if entry.obsolete or not all(entry.msgstr):
            continue  # msgfmt leaves out what is untranslated
        if entry.plural is None:
            expected[mid] = entry.msgstr[0]
        else:
            expected.update({(mid, i): form for i, form in enumerate(entry.msgstr)})
    mo = LOCALE_DIR / language_code / "LC_MESSAGES" / "onetrip.mo"
    assert mo.exists(), f"{mo} is missing: run make i18n"
    with mo.open("rb") as fp:
        compiled = dict(gettext.GNUTranslations(fp)._catalog)
    compiled.pop("", None)
    stale = sorted({k if isinstance(k, str) else k[0] for k in expected.keys() ^ compiled.keys()}
                   | {k if isinstance(k, str) else k[0] for k in expected.keys() & compiled.keys()
                      if expected[k] != compiled[k]})
    assert not stale, f"{mo} is stale for {len(stale)} message(s), e.g. {stale[:3]}: run make i18n"


# Calls whose first argument is shown as it is: a literal with words in it is untranslated text.
SHOWN_AS_IS = {"setText", "setWindowTitle", "setPlaceholderText", "setToolTip", "setStatusTip", "setTitle",
               "showMessage", "addItem", "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox",
               "QListWidgetItem", "QTableWidgetItem", "Notice", "Line"}
# Deliberately not translated: the language switch names the other language in that language;
# the window title starts with the product's name.
NOT_TRANSLATED = {("ui/main_window.py", "English"), ("ui/main_window.py", "中文"),
                  ("ui/main_window.py", "OneTrip — ")}
SCANNED = ("common", "kiosk", "devices", "ui", "offline_queue")


def literal_parts(node):
    """The literal text an expression shows as it is (through f-strings, + and if/else, not calls)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        for value in node.values:
            yield from literal_parts(value)
    elif isinstance(node, ast.BinOp):
        yield from literal_parts(node.left)
        yield from literal_parts(node.right)
    elif isinstance(node, ast.IfExp):
        yield from literal_parts(node.body)
        yield from literal_parts(node.orelse)


def error_classes(trees) -> set[str]:
    """The error classes whose first argument is the message shown (OneTripError's ``message``),
    by name across the packages; a subclass whose ``__init__`` takes a log detail first is left out."""
    bases, first = {}, {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = [getattr(b, "id", getattr(b, "attr", None)) for b in node.bases]
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name == "__init__" and len(item.args.args) > 1:
                        first[node.name] = item.args.args[1].arg

    def message_first(name, seen=()):
        if name in first:
            return first[name] == "message"
        return any(message_first(b, seen + (name,)) for b in bases.get(name, ()) if b in bases and b not in seen)

    return {name for name in bases if message_first(name) and is_error(name, bases)}


def is_error(name, bases, seen=()):
    return name == "OneTripError" or any(is_error(b, bases, seen + (name,))
                                         for b in bases.get(name, ()) if b not in seen)


def bypasses(trees, shown_as_is):
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in shown_as_is:
                continue
            for part in literal_parts(node.args[0]):
                if any(ch.isalpha() for ch in part) and (path, part) not in NOT_TRANSLATED:
                    yield f"{path}:{node.lineno}: {name}({part!r}) is shown untranslated: wrap it in _() or text()"


MARKERS = {"_", "N_", "text", "t", "ngettext", "plural_text"}


def hidden_from_xgettext(trees):
    """Messages marked inside an f-string: xgettext does not look there, so they are never extracted."""
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in MARKERS:
                        yield f"{path}:{inner.lineno}: {ast.unparse(inner)} inside an f-string is not extracted"


def parse(files) -> dict[str, ast.Module]:
    return {str(p.relative_to(ROOT)): ast.parse(p.read_text("utf-8")) for p in files}


def test_no_text_bypasses_the_translation_layer():
    trees = parse(p for d in SCANNED for p in (ROOT / d).rglob("*.py"))
    found = list(bypasses(trees, SHOWN_AS_IS | error_classes(trees))) + list(hidden_from_xgettext(trees))
    assert not found, "\n".join(found)


def test_the_bypass_scan_finds_plain_text(tmp_path):
    sample = tmp_path / "screen.py"
    sample.write_text('label.setText("Welcome")\nlabel.setText(f"{name}：{_(\'Fee\')}")\n'
                      'class PaperGoneError(DeviceError): pass\nraise PaperGoneError(f"no paper in {x}")\n'
                      'ok = Notice(text("Thank you"))\nbad = Notice("谢谢")\n', "utf-8")
    tree = {"screen.py": ast.parse(sample.read_text("utf-8"))}
    classes = error_classes({**tree, "base": ast.parse(
        "class OneTripError(Exception):\n def __init__(self, message=None, *, detail=''): pass\n"
        "class DeviceError(OneTripError): pass\n"
        "class ConfigError(OneTripError):\n def __init__(self, detail): pass\n"
        "class BadKeyError(ConfigError): pass\n")})
    assert {"DeviceError", "PaperGoneError"} <= classes and not {"ConfigError", "BadKeyError"} & classes
    found = list(bypasses(tree, SHOWN_AS_IS | classes))
    assert [f.split(": ", 1)[0] for f in found] == ["screen.py:1", "screen.py:4", "screen.py:6"]
    hidden = list(hidden_from_xgettext(tree))
    assert [f.split(": ", 1)[0] for f in hidden] == ["screen.py:2"]


def test_the_catalogues_keep_the_placeholder_flags_of_the_template():
    """msgfmt --check compares {placeholders} only where the flag is: a catalogue writer must keep it."""
    template = catalogues.read(catalogues.LOCALE / "onetrip.pot").entries
    flagged = {m for m, e in template.items() if "python-brace-format" in e.flags}
    assert flagged, "the template marks no message with placeholders"
    for lang in catalogues.LANGUAGES:
        catalogue = catalogues.read(catalogues.po_path(lang)).entries
        lost = sorted(m for m in flagged if m in catalogue and "python-brace-format" not in catalogue[m].flags)
        assert not lost, f"{lang}: flags lost on {lost[:3]}"
