"""A citizen's message said to the hall's staff: without the sentence that sends its reader to the staff.

The devices' messages are written for a citizen at a kiosk: "The receipt printer is out of paper. Please ask the
hall staff for help." At the window the reader is the clerk, who is the hall's staff, and the sentence took a line
of the desk's notice: in large English the hand-over's "receipt did not print" needed five lines where the desk at
1280 x 800 has four, and was cut short (tests/test_window_handover_ui.py). The clerk's workflows say a failure
through :func:`staff_message`; what the citizen reads is unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from common.i18n import Text
from kiosk.workflows.citizen import user_message

# the sentence in each language, as the catalogue words it (common/locale/*/onetrip.po)
_TO_STAFF_EN = re.compile(r"\s*Please ask the hall staff for help\.\s*$")
_TO_STAFF_ZH = re.compile(r"[，,]\s*请(?:联系|向)大厅工作人员(?:协助|求助)?。\s*$")


@dataclass(frozen=True)
class StaffText(Text):
    """``said`` rendered without a closing sentence that sends its reader to the hall's staff."""

    said: Text | None = None

    def render(self, lang: str | None = None) -> str:
        rendered = self.said.render(lang) if self.said is not None else ""
        shorter = _TO_STAFF_ZH.sub("。", _TO_STAFF_EN.sub("", rendered))
        return shorter or rendered


def for_staff(said: Text) -> Text:
    return StaffText("", said=said)


def staff_message(exc: BaseException) -> Text:
    """The plain-language message for any failure, as the clerk reads it (``user_message`` is the citizen's)."""
    return for_staff(user_message(exc))
