"""One translation layer for the whole terminal, usable without Qt.

Source strings are English and marked with ``_()`` (translate now) or
``N_()`` (mark only). Errors raised in ``devices/`` and ``kiosk/`` carry a
:class:`Text`, which is rendered in whatever language is active when it is
shown, so a message made on a worker thread still follows the citizen's
language choice. Catalogues are GNU gettext ``.mo`` files compiled from the
``.po`` sources in ``common/locale`` (``make i18n``).
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


@dataclass(frozen=True)
class Text:
    """A user-facing message, translated when it is shown, with ``str.format`` fields."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        translated = catalogue(lang or _active).gettext(self.msgid)
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
