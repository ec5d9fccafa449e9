"""One translation layer for the whole terminal, usable without Qt.

Source strings are English and marked with ``_()`` (translate now) or
``N_()`` (mark only). A message that holds a count goes through
``ngettext(singular, plural, n)`` (now) or ``plural_text(singular, plural,
n, **params)`` (lazy), so each language takes its form from the catalogue's
``Plural-Forms`` header: Chinese has one ("3 个工作日内"), English two
("1 working day", "3 working days"). Errors raised in ``devices/`` and
``kiosk/`` carry a :class:`Text`, which is rendered in whatever language is
active when it is shown, so a message made on a worker thread still follows
the citizen's language choice. Catalogues are GNU gettext ``.mo`` files
compiled from the ``.po`` sources in ``common/locale`` (``make i18n``);
``tests/test_i18n.py`` checks that every marked message is in both, with the
same ``{fields}`` in every language and form.
"""

from __future__ import annotations

import gettext
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DOMAIN = "onetrip"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"

_lock = threading.Lock()
_catalogues: dict[str, gettext.NullTranslations] = {}
_active = DEFAULT_LANGUAGE


def catalogue(language: str) -> gettext.NullTranslations:
    """The catalogue for ``language`` (cached); English falls back to the source text."""
    with _lock:
        found = _catalogues.get(language)
        if found is None:
            found = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
            _catalogues[language] = found
        return found


def set_language(language: str) -> None:
    global _active
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {', '.join(LANGUAGES)}")
    _active = language


def language() -> str:
    return _active


def _(message: str) -> str:
    """Translate ``message`` into the active language now."""
    return catalogue(_active).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message for ``n`` in the active language now (format it yourself)."""
    return catalogue(_active).ngettext(singular, plural, n)


@dataclass(frozen=True)
class Text:
    """A user-facing message, translated when it is shown, with ``str.format`` fields.

    With ``plural`` set it is a counted message: ``n`` picks the language's form."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
    plural: str | None = None
    n: int = 0

    def render(self, lang: str | None = None) -> str:
        found = catalogue(lang or _active)
        translated = found.gettext(self.msgid) if self.plural is None else found.ngettext(self.msgid, self.plural, self.n)
        if not self.params:
            return translated
        rendered = {k: v.render(lang) if isinstance(v, Text) else v for k, v in self.params.items()}
        try:
            return translated.format(**rendered)
        except (KeyError, IndexError, ValueError):
            return translated

    def __str__(self) -> str:
        return self.render()


def text(msgid: str, **params: Any) -> Text:
    """Make a lazily translated message: ``text("Printer {name} is offline", name=...)``."""
    return Text(msgid, dict(params))


def plural_text(singular: str, plural: str, n: int, **params: Any) -> Text:
    """A lazily translated message whose form follows the count ``n``:
    ``plural_text("{count} page", "{count} pages", pages, count=pages)`` (``n`` is the count's own argument,
    so a parameter has another name)."""
    return Text(singular, dict(params), plural, n)
