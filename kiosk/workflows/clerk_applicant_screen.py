"""The applicant's monitor at the window, connected or not.

A window configured with a screen facing the applicant (``terminal.customer_screen``) asks for their signature,
their consent to fetch licences and their evaluation there (``ui/customer_screen.py``). That monitor may be off,
unplugged or broken: the terminal then works as a window without one, and says so to the clerk. The signature is
not asked (the case is accepted unsigned, as at a window without that screen), the consent is asked aloud and
witnessed by the clerk, and the applicant rates on the clerk's screen. A question the applicant was answering on
their screen when it went is not lost: the signature asked is withdrawn (the clerk's Accept accepts without it), the
licence question goes on aloud. The monitor back, the next question is asked on it again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from common.i18n import text
from kiosk.workflows.citizen import Notice

if TYPE_CHECKING:
    from kiosk.workflows.clerk import ClerkDesk

log = logging.getLogger(__name__)


class DeskApplicantScreen:
    """What ``ClerkDesk`` adds for the applicant's monitor coming and going."""

    screen_present = True  # the applicant's monitor is connected (ui/customer_screen.py says when it is not)

    def faces_applicant(self: "ClerkDesk") -> bool:
        """The applicant answers on a screen of their own now: one is configured and connected."""
        return self.signs_at_window and self.screen_present

    def applicant_screen(self: "ClerkDesk", present: bool) -> None:
        """The applicant's monitor came or went (told by the customer screen, after its grace)."""
        from kiosk.workflows.clerk import Desk

        if present == self.screen_present:
            return
        self.screen_present = present
        log.warning("window: the applicant's screen is %s", "connected again" if present else "not connected")
        if present or self.step is not Desk.CHECKING:
            self._changed()
            return
        if self.signature_asked and not self.busy:  # a signature on a screen that is gone: the clerk's Accept goes on
            self.signature_asked = False
            self._go(Desk.CHECKING, Notice(text("The applicant's screen is not connected, so they cannot sign "
                                                "on it. Accept again to accept the case without their "
                                                "signature."), error=True))
        elif self.licence_consent == "asked":  # the question goes on aloud, witnessed by the clerk
            self.licence_consent = "witnessing"
            self._audit_step("licence_consent_asked", "aloud")
            if self.busy:  # a page being scanned meanwhile: its answer is the desk's next notice
                self._changed()
            else:
                self._go(Desk.CHECKING, Notice(self._aloud_question(), error=True))
        else:
            self._changed()
