"""What the licence hand-over receipt (领证回执) says, laid out for the window's receipt printer.

The window's A4 documents (kiosk/window_documents.py) each name the service of the matter in hand; a
hand-over has no service chosen, only the licence the backend lists as ready, so its receipt is the
thermal one the window prints beside every decision. It holds what the paper shows: the holder masked, and for
a licence collected by an agent (代领, kiosk/workflows/clerk_agent.py) the agent too, masked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from common.i18n import catalogue
from devices.receipt.document import Feed, Line, ReceiptDocument, Rule


@dataclass(frozen=True)
class ReadyLicence:
    """A licence ready for collection, as GET /licences/ready lists it."""

    licence_id: str
    case_number: str
    name_zh: str
    name_en: str = ""

    @classmethod
    def of(cls, item: dict) -> "ReadyLicence":
        return cls(str(item["licence_id"]), str(item["case_number"]), str(item.get("name_zh", "")),
                   str(item.get("name_en", "") or ""))

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_zh


@dataclass(frozen=True)
class HandedOver:
    """A hand-over the backend recorded, and what its receipt names, masked: who took the licence (the card read:
    its holder, or their agent) and, for an agent, the holder they collected for (their ID number only: the
    terminal knows no more of them)."""

    licence: ReadyLicence
    handover_id: str
    recorded_at: str
    holder_masked_name: str  # the recipient: the person whose card was read
    holder_masked_id: str
    clerk: str
    agent_for_masked_id: str = ""  # set when the recipient collected as agent (代领) for this holder


def _when(recorded_at: str) -> str:
    try:
        return dt.datetime.fromisoformat(recorded_at).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return recorded_at


def handover_receipt(done: HandedOver, lang: str) -> ReceiptDocument:
    t = catalogue(lang).gettext
    lines = [
        Line(t("Licence Hand-over Receipt"), "center", bold=True, size=2),
        Feed(1),
        Line(t("Hand-over number: {number}").format(number=done.handover_id), bold=True),
        Line(t("Licence: {name}").format(name=done.licence.name(lang))),
        Line(t("Case number: {number}").format(number=done.licence.case_number)),
        *((Line(t("Holder: {id}").format(id=done.agent_for_masked_id)),
           Line(t("Collected by agent: {name} ({id})").format(name=done.holder_masked_name, id=done.holder_masked_id)))
          if done.agent_for_masked_id else
          (Line(t("Collected by: {name} ({id})").format(name=done.holder_masked_name, id=done.holder_masked_id)),)),
        Line(t("Handed over by: {clerk}").format(clerk=done.clerk or "-")),
        Line(t("Handed over: {time}").format(time=_when(done.recorded_at))),
        Rule(),
        Line(t("Signature of the recipient:")),
        Feed(2),
    ]
    return ReceiptDocument(f"handover {done.handover_id}", tuple(lines))
