"""An agent collects a licence for its holder at the window (代领).

A mix-in of ``ClerkDesk`` (through ``DeskHandover``). The card on the reader is the collector's: the
person at the desk. When they collect for someone else, the clerk opens the agent's line and types the
holder's ID number from the holder's papers (the ID card or its copy that comes with the written
authorisation, 授权委托书), or lays the holder's own ID card on the reader while the line is open: that
card is then the holder's, not a new applicant's, and only its number is kept (the rest wiped at once; an
expired card is refused, as at the desk). The desk checks its form and check character, then asks the backend which of the holder's licences are ready
(GET /licences/ready with the holder's number: the backend, not the terminal, knows what is ready). The
clerk ticks that they saw the holder's authorisation; only then is a hand-over asked, recorded with
``recipient_is_agent`` true, the collector as recipient and the holder named (docs/api/payloads.md,
"Licence hand-overs"); the backend refuses a holder who does not hold the licence. The receipt names both,
masked (kiosk/handover_receipt.py).

What the desk keeps of the holder is the number typed and its masked form, for the matter in hand only:
forgotten (the number overwritten) with the applicant, or when the clerk goes back to the collector's
own licences. The audit trail carries the holder masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from common import idnumber
from common.i18n import text
from common.masking import mask_id_number
from kiosk.workflows.citizen import Notice

if TYPE_CHECKING:
    from kiosk.workflows.clerk import ClerkDesk


@dataclass
class AgentCollection:
    """The holder an agent collects for: their number (sent to the backend only), masked for the rest."""

    holder_id_number: str
    authorised: bool = False  # the clerk saw the holder's written authorisation and ID card

    @property
    def holder_masked_id(self) -> str:
        return mask_id_number(self.holder_id_number)

    def wipe(self) -> None:
        self.holder_id_number, self.authorised = "", False


class DeskAgent:
    """What ``ClerkDesk`` adds for a licence collected by an agent; ``_init_agent`` is called from
    ``_init_handover``."""

    def _init_agent(self) -> None:
        self.collecting_for: AgentCollection | None = None  # the holder, while the person at the desk is their agent
        self.holder_awaited = False  # the agent's line open, no holder yet: a card laid now is the holder's

    def await_holder(self: "ClerkDesk", on: bool) -> None:
        """The clerk opened the agent's line ("For another holder"), or closed it (back to the collector's own
        licences)."""
        if on and (not self.can_collect_for_another() or self.collecting_for is not None):
            return
        if not on and self.collecting_for is not None:
            self.collect_for_self()
        if self.holder_awaited != on:
            self.holder_awaited = on
            self._go(self.step, Notice(text("Type the holder's ID number, or lay the holder's ID card on the "
                                             "reader."), error=False) if on else None)

    def _holder_card(self: "ClerkDesk", identity) -> bool:
        """A card laid while the agent's line waits for the holder: it is the holder's. Its number is taken (the
        rest of the card wiped at once) and their licences looked up; True when the card was taken so."""
        if not self.holder_awaited or self.collecting_for is not None or not self.can_collect_for_another():
            return False
        expired, number = identity.expired(), identity.id_number
        identity.wipe()
        if expired:
            self._go(self.step, Notice(text("The holder's ID card has expired. Ask for a valid one, or type the "
                                            "number from the holder's papers.")))
            return True
        self.collect_for(number)
        return True

    def can_collect_for_another(self: "ClerkDesk") -> bool:
        from kiosk.workflows.clerk import Desk

        return (self.identity is not None and not self.busy and self.service is None
                and self.step in (Desk.WAITING, Desk.DONE))

    def collect_for(self: "ClerkDesk", holder_id_number: str) -> None:
        """The person at the desk collects for the holder of ``holder_id_number``: the holder's ready licences are
        listed in place of their own."""
        if not self.can_collect_for_another() or self.identity is None:
            return
        number = holder_id_number.strip().upper()
        if idnumber.problem(number):
            self._go(self.step, Notice(text("That is not a valid ID number. Type the holder's number from their ID "
                                            "card.")))
            return
        if number == self.identity.id_number:
            self._go(self.step, Notice(text("That is the ID number of the person at the desk: they collect their own "
                                            "licences without the agent's step.")))
            return
        self._forget_agent()
        collection = self.collecting_for = AgentCollection(number)
        self.holder_awaited = False
        self._audit_step("agent_collection", f"{self.identity.masked_id} for {collection.holder_masked_id}")
        self._list_again()

    def confirm_authorisation(self: "ClerkDesk", seen: bool) -> None:
        """The clerk saw (or unticked) the holder's written authorisation and ID card."""
        collection = self.collecting_for
        if collection is None or self.busy or collection.authorised == seen:
            return
        collection.authorised = seen
        self._audit_step("agent_authorisation_checked" if seen else "agent_authorisation_unchecked",
                         collection.holder_masked_id)
        self._changed()

    def collect_for_self(self: "ClerkDesk") -> None:
        """Back to the licences of the person at the desk."""
        if self.collecting_for is None or self.busy:
            return
        self._forget_agent()
        self._list_again()

    def _list_again(self: "ClerkDesk") -> None:
        """Whose licences are listed changed: the list and its hand-over keys go, and it is looked up again."""
        self.ready_licences, self.licences_unknown, self._handover_keys = (), False, {}
        self._changed()
        self._look_up_licences()

    def _agent_blocks_hand_over(self: "ClerkDesk") -> Notice | None:
        """Before an agent's hand-over: the clerk must have seen the holder's authorisation."""
        if self.collecting_for is not None and not self.collecting_for.authorised:
            return Notice(text("Check the holder's written authorisation and ID card, and tick that you saw them, "
                               "before handing the licence to their agent."))
        return None

    def _forget_agent(self) -> None:
        if self.collecting_for is not None:
            self.collecting_for.wipe()
        self.collecting_for = None
        self.holder_awaited = False
