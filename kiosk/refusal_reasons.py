"""Why a window does not accept an application (不予受理): a short fixed list a clerk chooses from.

Article 32 of the Administrative Licensing Law of the PRC (《中华人民共和国行政许可法》) names what an office
does with an application it will not take: a matter that needs no licence is told so at once (item 1), a
matter outside the office's remit is refused with the office to apply to (item 2). An applicant who does
not meet the conditions the service's legal basis sets for applying is the third common ground; anything
else the clerk writes down. The backend records the decision's ``legal_reason`` in Chinese, the language
of the record, whatever language the window shows (POST /cases/{case_number}/decision, decision
``not_accepted``); the decision document says it in the window's language.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from common.i18n import N_, catalogue

NOTE_MAX = 200  # the backend takes 500 characters of legal_reason; the fixed statement takes up to ~80


class RefusalReason(enum.Enum):
    NOT_OUR_REMIT = "not_our_remit"
    NOT_ELIGIBLE = "not_eligible"
    NOT_LICENSING = "not_licensing"
    OTHER = "other"


# what the clerk chooses from
LABELS = {
    RefusalReason.NOT_OUR_REMIT: N_("Not within this hall's remit"),
    RefusalReason.NOT_ELIGIBLE: N_("The applicant is not eligible"),
    RefusalReason.NOT_LICENSING: N_("Not a licensing matter"),
    RefusalReason.OTHER: N_("Other reason (write it)"),
}

# what the decision says and records
STATEMENTS = {
    RefusalReason.NOT_OUR_REMIT: N_("The matter applied for is not, by law, within the remit of this office "
                                    "(Article 32, paragraph 1, item 2 of the Administrative Licensing Law). "
                                    "Please apply to the competent authority."),
    RefusalReason.NOT_ELIGIBLE: N_("The applicant does not meet the conditions the law sets for applying for this "
                                   "matter."),
    RefusalReason.NOT_LICENSING: N_("The matter applied for does not, by law, need an administrative licence "
                                    "(Article 32, paragraph 1, item 1 of the Administrative Licensing Law)."),
    RefusalReason.OTHER: N_("Other reason: {note}"),
}


@dataclass(frozen=True)
class Refusal:
    """A reason chosen, with the clerk's note (required for ``OTHER``, optional otherwise)."""

    reason: RefusalReason
    note: str = ""

    @classmethod
    def of(cls, reason: RefusalReason, note: str = "") -> "Refusal":
        return cls(reason, " ".join(note.split())[:NOTE_MAX])

    def complete(self) -> bool:
        return self.reason is not RefusalReason.OTHER or bool(self.note)

    def statement(self, lang: str) -> str:
        said = catalogue(lang).gettext(STATEMENTS[self.reason]).format(note=self.note)
        if self.note and self.reason is not RefusalReason.OTHER:
            said += " " + self.note
        return said

    def legal_reason(self) -> str:
        """What the backend records: the statement in Chinese."""
        return self.statement("zh_CN")


def from_record(legal_reason: str, note: str = "") -> Refusal:
    """The refusal a decision's record holds (its Chinese ``legal_reason`` and the clerk's ``note``), for its document
    printed again: the reason whose statement it is, said in any language; a text no reason makes stands as written
    (as "other reason")."""
    for reason in RefusalReason:
        found = Refusal.of(reason, note)
        if found.complete() and found.legal_reason() == legal_reason:
            return found
    return Refusal(RefusalReason.OTHER, " ".join(legal_reason.split()))
