"""The clerk hands over a licence ready for collection (领证) at the window.

A mix-in of ``ClerkDesk``. When the applicant's card is read, the licences ready for them are asked of the
backend (GET /licences/ready) on the task runner and listed on the desk; an answer that comes back after the
applicant went is dropped. The clerk hands one over: on the task runner the hand-over is recorded with the
clerk's staff token (POST /handovers) and its receipt printed on the window's receipt printer
(kiosk/handover_receipt.py: the window's A4 documents name a service, a hand-over has none). Each step
is audited, the holder masked.

Nothing is recorded twice: the hand-over carries an ``Idempotency-Key`` made once per licence for the
applicant's visit (docs/api/payloads.md, "Licence hand-overs"), so a retry after a lost answer gets the
hand-over recorded once. A hand-over recorded whose receipt did not print is handed over all the same (the
licence leaves the list, as the backend no longer lists it): its receipt, which holds only what the paper
shows, is offered again ("Print again" on the hand-over row) until the applicant's matter ends; printing it
again prints only. One still unprinted when the matter ends is not dropped silently: audited
``handover_receipt_never_printed`` with its hand-over number, and the clerk is told at the next applicant
(the hand-over stands recorded in the service system). Signed in offline there is no staff token: the clerk
is told a hand-over needs the service system and nothing is asked. The list, the keys and the hand-overs are
forgotten with the applicant.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from common.i18n import language, text
from devices.errors import DeviceError
from kiosk.handover_receipt import HandedOver, ReadyLicence, handover_receipt
from kiosk.workflows.clerk_agent import DeskAgent
from kiosk.tasks import InTurn, while_current
from kiosk.workflows.citizen import Notice
from kiosk.staff_words import staff_message

if TYPE_CHECKING:
    from kiosk.workflows.clerk import ClerkDesk, Desk

log = logging.getLogger(__name__)


class HandoverReceiptError(Exception):
    """The hand-over is recorded; its receipt did not print (``cause``)."""

    def __init__(self, done: HandedOver, cause: BaseException, printed: tuple[HandedOver, ...] = ()) -> None:
        super().__init__(done.handover_id)
        self.done, self.cause, self.printed = done, cause, printed  # printed: those before it, printing again


class DeskHandover(DeskAgent):
    """What ``ClerkDesk`` adds to hand licences over (to their holder, or to an agent: kiosk/workflows/clerk_agent.py);
    ``_init_handover`` is called from its constructor."""

    def _init_handover(self) -> None:
        self._init_agent()
        self.ready_licences: tuple[ReadyLicence, ...] = ()  # for the applicant in hand, as the backend listed them
        self.licences_unknown = False  # the list could not be had: said on the desk, nothing else stops
        self._handover_keys: dict[str, str] = {}  # licence id -> its Idempotency-Key for this visit
        self.unprinted_handovers: tuple[HandedOver, ...] = ()  # recorded, their receipts not printed: offered again
        self._never_printed: tuple[str, ...] = ()  # hand-over numbers whose receipt the last matter left unprinted

    def _look_up_licences(self: "ClerkDesk") -> None:
        """After a card is read: the licences ready for the applicant (or, for an agent, the holder they collect for),
        asked on the task runner."""
        identity, collection = self.identity, self.collecting_for
        if identity is None:
            return
        id_number = collection.holder_id_number if collection is not None else identity.id_number

        def current() -> bool:  # the applicant (or the holder asked for) changed meanwhile: not theirs to show
            return self.identity is identity and self.collecting_for is collection

        def found(items: list[dict]) -> None:
            if not current():
                return
            self.ready_licences = tuple(ReadyLicence.of(item) for item in items)
            self.licences_unknown = False  # a read, not a step of the matter: not audited (the hand-over is)
            self._changed()

        def failed(exc: BaseException) -> None:
            log.info("desk: licences ready not known (%s)", type(exc).__name__)
            if current():
                self.ready_licences, self.licences_unknown = (), True
                self._changed()

        self._tasks.run(while_current(current, lambda: self._backend.ready_licences(id_number)), found, failed)

    def can_hand_over(self: "ClerkDesk") -> bool:
        from kiosk.workflows.clerk import Desk

        return (bool(self.ready_licences) and self.identity is not None and not self.busy
                and self.step in (Desk.WAITING, Desk.CHECKING, Desk.DONE))

    def hand_over(self: "ClerkDesk", licence_id: str) -> None:
        """Record ``licence_id`` handed to the applicant in hand, then print its receipt (both on the task runner)."""
        licence = next((lic for lic in self.ready_licences if lic.licence_id == licence_id), None)
        if licence is None or not self.can_hand_over() or self.identity is None:
            return
        back = self.step
        token = (self.staff or {}).get("token", "")
        blocked = self._agent_blocks_hand_over()
        if blocked is not None:
            self._go(back, blocked)
            return
        if not token:
            self._go(back, Notice(text("Signed in offline: a hand-over must be recorded by the service system. "
                                       "Sign in again when it can be reached.")))
            return
        key = self._handover_keys.setdefault(licence_id, uuid.uuid4().hex)  # again: the same hand-over
        identity, clerk, lang = self.identity, self.actor, language()
        backend, printer = self._backend, self._printer
        id_number, masked_name, masked_id = identity.id_number, identity.masked_name, identity.masked_id
        collection = self.collecting_for  # an agent collects: the holder named, the authorisation checked
        holder = collection.holder_id_number if collection is not None else None
        holder_masked = collection.holder_masked_id if collection is not None else ""
        from kiosk.workflows.clerk import Desk

        self._go(Desk.WORKING)

        def work() -> HandedOver:
            answer = backend.handover(token, licence.case_number, licence.licence_id, id_number,
                                      recipient_is_agent=holder is not None, idempotency_key=key,
                                      holder_id_number=holder, authorisation_checked=holder is not None)
            return HandedOver(licence, str(answer["handover_id"]), str(answer.get("recorded_at", "")), masked_name,
                              masked_id, clerk, agent_for_masked_id=holder_masked)

        def print_it(done: HandedOver) -> HandedOver:  # on the print worker, once recorded
            try:
                printer.print_receipt(handover_receipt(done, lang))
            except DeviceError as exc:  # recorded all the same: said so, and tapping again prints only
                raise HandoverReceiptError(done, exc) from exc
            return done

        InTurn(self._desk_tasks, self._print_tasks, print_it).run(work, lambda done: self._handed_over(done, back),
                                                                  lambda exc: self._handover_failed(exc, licence, back))

    def _handed_over(self: "ClerkDesk", done: HandedOver, back: "Desk") -> None:
        agent = f" agent for {done.agent_for_masked_id}" if done.agent_for_masked_id else ""
        self._audit_step("licence_handed_over",
                         f"{done.licence.licence_id} {done.handover_id} {done.holder_masked_id}{agent}")
        self.ready_licences = tuple(lic for lic in self.ready_licences if lic.licence_id != done.licence.licence_id)
        self._go(back, Notice(text("Licence {licence} handed over ({number}); the hand-over receipt is printed.",
                                   licence=done.licence.name(language()), number=done.handover_id), error=False))

    def _handover_failed(self: "ClerkDesk", exc: BaseException, licence: ReadyLicence, back: "Desk") -> None:
        if isinstance(exc, HandoverReceiptError):
            done = exc.done
            self._audit_step("handover_receipt_not_printed", f"{done.licence.licence_id} {done.handover_id} "
                                                             f"{type(exc.cause).__name__}")
            self.ready_licences = tuple(lic for lic in self.ready_licences if lic.licence_id != licence.licence_id)
            if done not in self.unprinted_handovers:
                self.unprinted_handovers += (done,)
            self._go(back, Notice(text("The hand-over of {licence} is recorded ({number}), but its receipt did not "
                                       'print: {reason} Press "Print again" once the printer is ready; it is not '
                                       "recorded twice.", licence=licence.name(language()), number=done.handover_id,
                                       reason=staff_message(exc.cause))))
            return
        self._audit_step("handover_failed", f"{licence.licence_id} {type(exc).__name__}")
        self._go(back, Notice(text("The service system did not confirm the hand-over of {licence}: {reason} Tap "
                                   '"Hand over" again; it is never recorded twice.',
                                   licence=licence.name(language()), reason=staff_message(exc))))

    def can_print_handover_again(self: "ClerkDesk") -> bool:
        from kiosk.workflows.clerk import Desk

        return (bool(self.unprinted_handovers) and not self.busy
                and self.step in (Desk.WAITING, Desk.CHECKING, Desk.DONE))

    def print_handover_again(self: "ClerkDesk") -> None:
        """The hand-over receipts the printer failed, printed again in order (only printed: each hand-over
        stands recorded); one failing again stays offered with those after it."""
        if not self.can_print_handover_again():
            return
        back, waiting, printer, lang = self.step, self.unprinted_handovers, self._printer, language()
        from kiosk.workflows.clerk import Desk

        for done in waiting:
            self._audit_step("handover_receipt_print_again", done.handover_id)
        self._go(Desk.WORKING)

        def work() -> tuple[HandedOver, ...]:
            printed: list[HandedOver] = []
            for done in waiting:
                try:
                    printer.print_receipt(handover_receipt(done, lang))
                except DeviceError as exc:
                    raise HandoverReceiptError(done, exc, tuple(printed)) from exc
                printed.append(done)
            return tuple(printed)

        self._print_tasks.run(work, lambda printed: self._reprinted(printed, back),
                              lambda exc: self._reprint_failed(exc, back))

    def _reprinted(self: "ClerkDesk", printed: tuple[HandedOver, ...], back: "Desk") -> None:
        self.unprinted_handovers = tuple(d for d in self.unprinted_handovers if d not in printed)
        for done in printed:
            self._audit_step("handover_receipt_printed", done.handover_id)
        self._go(back, Notice(text("The hand-over receipt is printed.") if len(printed) == 1
                              else text("The hand-over receipts are printed."), error=False))

    def _reprint_failed(self: "ClerkDesk", exc: BaseException, back: "Desk") -> None:
        printed = exc.printed if isinstance(exc, HandoverReceiptError) else ()
        cause = exc.cause if isinstance(exc, HandoverReceiptError) else exc
        self.unprinted_handovers = tuple(d for d in self.unprinted_handovers if d not in printed)
        for done in printed:
            self._audit_step("handover_receipt_printed", done.handover_id)
        self._audit_step("handover_receipt_not_printed", type(cause).__name__)
        self._go(back, Notice(text('The hand-over receipt did not print again: {reason} Press "Print again" once '
                                   "the printer is ready.", reason=staff_message(cause))))

    def _forget_handover(self: "ClerkDesk") -> None:
        """The applicant's matter ends: a receipt still unprinted is audited and said at the next applicant."""
        left = tuple(done.handover_id for done in self.unprinted_handovers)
        for number in left:
            log.warning("desk: the receipt of hand-over %s was never printed", number)
            self._audit_step("handover_receipt_never_printed", number)
        self._never_printed = left
        self._forget_agent()
        self.ready_licences, self.licences_unknown = (), False
        self._handover_keys = {}
        self.unprinted_handovers = ()

    def _left_unprinted(self: "ClerkDesk") -> Notice | None:
        """Once, at the next applicant: the hand-over receipts and a decision's papers (kiosk/workflows/
        clerk_documents.py) the last matter left unprinted."""
        left, self._never_printed = self._never_printed, ()
        said = [text("The receipt of hand-over {numbers} was never printed. The hand-over is recorded in the "
                     "service system.", numbers=", ".join(left))] if left else []
        papers = self._papers_never_printed()
        said += [papers] if papers is not None else []
        if not said:
            return None
        return Notice(said[0] if len(said) == 1 else text("{printed} {kept}", printed=said[0], kept=said[1]))
