"""The applicant's signature at the window (一窗受理), as the kiosk's goes with a case.

A service whose catalogue entry says ``signature_required`` is signed by the applicant on the kiosk
(``kiosk/workflows/citizen.py``'s SIGNATURE step) and the PNG travels with the case as
``signature.png``. At a window with a screen facing the applicant (``terminal.customer_screen``) the
same happens there: the clerk's Accept asks for it, the applicant signs on their screen's pad
(``ui/customer_screen.py``, the kiosk's ``ui/signature.py``), and the acceptance then goes on with the
signature attached. A window without that screen, or whose screen is not connected now
(``kiosk/workflows/clerk_applicant_screen.py``), accepts as before, unsigned. The signature belongs to
the applicant's matter: another service chosen, the next applicant or a sign-out drop it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from common.domain import Attachment
from common.i18n import text
from kiosk.backend.declarations import SIGNATURE_NAME
from kiosk.workflows.citizen import Notice

if TYPE_CHECKING:
    from kiosk.workflows.clerk import ClerkDesk


class DeskSignature:
    """What ``ClerkDesk`` adds for the applicant's signature on the customer screen."""

    signs_at_window = False  # a pad faces the applicant (set from the configuration)
    signature: bytes | None = None
    signature_asked = False  # the clerk accepted: the applicant is asked to sign on their screen

    def awaiting_signature(self: "ClerkDesk") -> bool:
        """The matter's service asks for a signature, this window can take one, and none is given yet."""
        return (self.faces_applicant() and self.identity is not None and self.service is not None
                and self.service.signature_required and not self.signature)

    def _ask_signature(self: "ClerkDesk") -> None:
        from kiosk.workflows.clerk import Desk

        self.signature_asked = True
        self._go(Desk.CHECKING, Notice(text("The applicant signs on their screen; the case is accepted when they "
                                            "have signed."), error=False))

    def sign(self: "ClerkDesk", png: bytes) -> None:
        """The applicant's signature from their screen's pad: kept with the matter, and the acceptance the clerk
        asked for goes on."""
        from kiosk.workflows.clerk import Desk

        if not png or not self.signature_asked or self.busy or self.step is not Desk.CHECKING \
                or not self.awaiting_signature():
            return
        self.signature, self.signature_asked = png, False
        self._audit_step("signed")
        self.accept()

    def _signature_files(self) -> list[Attachment]:
        return [Attachment(SIGNATURE_NAME, "image/png", self.signature)] if self.signature else []

    def _forget_signature(self) -> None:
        self.signature, self.signature_asked = None, False
