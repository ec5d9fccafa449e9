"""``kiosk bench window-monkey``: a seeded monkey on the clerk's window (一窗受理), checking after every step.

It signs a clerk in, then picks with a seeded ``numpy.random.Generator`` one thing a clerk, an applicant or
a device could do next: tap one of the visible, enabled buttons (accept, issue the one-time notice, next
applicant, sign out, sign in, the language; on the applicant's side the five levels and the reasons of the
evaluation), choose a service, tick or untick a material, type odd text into a field (the sign-in's, the
applicant's words), sign in again (now and then with a wrong password), lay an ID card on the simulated
reader (a real one, an expired one, a broken one) or lift it, hold a code to the simulated scanner, put
the simulated receipt printer out of paper (open, jammed, offline, never answering, slow) or set it right, upset
the backend through the sandbox's fault switch (down, errors, slow past the read timeout, dropped connections,
lost replies, unsigned or forged answers) or set it right. And the window's
decisions and documents: not accepting (不予受理: a legal reason chosen from the list, now and then a note,
always one for "Other", then "Do not accept"), handing over a licence listed as ready for the applicant
("Hand over"; the sandbox seeds one for the sample resident, so once a run), collecting for another holder
(代领: the holder's number typed, Find, the authorisation ticked more often than not), continuing an applicant's saved
application (the monkey saves two people's as a kiosk leaves them, and again after one is continued; one chosen on
the line, "Continue it"), printing an A4 document again
after the printer failed it ("Print again", the printer set right first more often than not), scanning a
material on the simulated document camera (a row of the list chosen, then "Scan", "Retake" or "Remove"; the
camera now and then unplugged, giving no picture or hanging, then set right), electronic licences (a row chosen, then
"E-licences", the clerk's "Agreed" or "Declined" for the consent asked aloud, or "Use licence"), a matter for a
company (a credit code typed or a licence QR code's text, Enter or "Look up", "Change"), and walking
away: the window's second shortened until its idle sign-out (ui/staff_idle.py) has signed the clerk out,
audited ``signed_out_idle``, waiting for a decision in flight. While materials are checked, now and then a clerk
who has every material at hand looks the company up where the matter is a company's, ticks what is missing and
accepts (``WindowMonkey.knows``): with ticks at random alone a whole set was seldom made (seed 41: no acceptance in
300 steps).
At a window with a number (``terminal.window_number``, as ``window_config`` sets) the hall's queue too: the
hall's ticket dispenser takes tickets now and then (through the backend, as a dispenser would), and the clerk
taps the queue row's "Call next", "Call again" and "No-show" (ui/queue_row.py).
What it shares with the kiosk's monkey (the texts, the cards and codes, the hooks, the waits, the trail,
the leak checks, the bench's loop) is in entry/bench/monkey_common.py.

After every step, once the desk is no longer busy (waited on, never slept), it checks:

- no exception reached ``sys.excepthook`` (Qt slots, posted calls) or ``threading.excepthook``;
- the step held the GUI thread no longer than 1 s without turning its event loop (entry/bench/gui_stall.py; the
  dispenser's own backend calls are set aside);
- the window keeps its size (nothing grows past the 1280x800 screen) and shows the desk's screen: the
  sign-in when signed out, the desk otherwise;
- nothing on the screen reads like a traceback or a template, and in Chinese no English sentence;
- the audit trail on disk verifies (the keyed chain holds) and holds no applicant's name or ID number;
- a walk-away ends in the sign-in screen with ``signed_out_idle`` the trail's last entry;
- signed out, the desk holds no queue ticket or count; a ticket called whose holder has not come is named in
  the applicant's box; a ticket that the next applicant, the next call or a sign-out ended is no longer the
  desk's;
- when an applicant's matter ends (the next applicant, a sign-out, an idle sign-out, another card laid
  down), nothing of that applicant remains: the desk holds no service, material, scanned page (every page seen
  zeroed, no thumbnail kept), licence consent or licence offered, company or credit code (nor the field), result,
  notice attempt or evaluation of theirs, the masker knows no name of theirs, and no widget of the window, shown or
  hidden (a line edit's undo history included), holds their name, ID number (whole or masked), address, case or
  notice number or the words they gave; at the first matter's end (the bench: and every fifth after), nothing in
  the window's memory (every object its modules and itself reach, what is set aside from the collector included)
  holds the applicant's ID number, or the name or address read from their card, once the backend calls carrying
  them have ended (monkey_common ``in_memory``).

With ``--catalogue-changes`` the hall now and then changes the service in hand (or another) under the window: a
material dropped or added, a field added to its form, or a service put back (sandbox/catalogue_changes.py); the
desk meets it at the next Accept or notice and follows the list (its ``materials_changed`` audits are tallied as
"materials followed"). Without it the seeds run as before.
With ``--licences-issued`` the department now and then issues the licence of a case this window accepted (the
sandbox's ``/control/cases/{n}/ready``), so its holder's card read here again lists it ready and the clerk may hand
it over; without it only the sandbox's one seeded ready licence is met. The seeds run as before without it.
The window serves category A only (``terminal.queue_categories``): a B ticket called to it is a failure.
With ``--customer-screen`` the window has the applicant's own screen (ui/customer_screen.py), and the applicant
acts on it between the clerk's steps: agrees to or declines the licence question, signs on the pad (or clears it),
rates and taps the reasons and the touch keyboard; that screen keeps its size, shows nothing that reads as a
traceback or untranslated, and when a matter ends holds nothing of the applicant, shown or hidden, as the clerk's.
With ``--monitor-unplugged`` (and ``--customer-screen``) the applicant's monitor is now and then unplugged and
plugged back (``CustomerScreen.without_monitor`` and ``place``, as Qt's screen signals call them; the offscreen
platform's monitors themselves stay): hidden, the desk told after its grace, the window works without it (the
signature not asked, the licence question aloud, the rating on the clerk's screen). Without it the seeds run as before.
Not exercised: printing a licence at the window; the warning's "Stay signed in" and a touch during the countdown
(tests/test_window_idle.py; a walk-away waits the countdown out); a licence handed over twice from two windows
(the sandbox's hand-over tests); the printed documents'
contents (tests/test_window_documents.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

from common.i18n import text
from entry.bench import monkey_common
from entry.bench.monkey_common import (CONTROL_TIMEOUT_S, SeededMonkey, held_by, open_terminal, people_of,
                                       run_seeds, screen_problem, terminal_named, visible_texts)

__all__ = ["WindowMonkey", "add_arguments", "open_window", "run", "window_config"]

STAFF_ID, PASSWORD = "XH0001", "demo-XH0001"  # the sandbox's clerk (sandbox/data)
# What a receipt printer does to a clerk (devices/receipt/sim.py); with ``upsets``, one that never answers or is slow too
PRINTER_FAULTS = ("paper_out", "paper_out_mid_job", "cover_open", "cutter_error", "offline")
SLOW_PRINTER_FAULTS = ("silent", "slow")
HOLDERS = ("330106199003071236", "330102195506122468", "330106199003071230")  # for an agent: ready, none, a slip
# a company's credit code at the window (ui/company_row.py): the sample resident's company (a handler of it), as typed
# with spaces, a licence QR code's text, a company they have no role in, one nobody holds, a slip, and the field emptied
COMPANY_CODES = ("91330106MA2H7Q3K8C", "9133 0106ma2h7q3k8c", "https://www.gsxt.gov.cn/?uniscid=91330106MA2H7Q3K8C",
                 "91330102MA2J4R8L6C", "91330100MA0000001F", "91330106MA2H7Q3K8D", "")
CAMERA_FAULTS = ("no_frame", "unplugged")  # the document camera's (devices/doccam/sim.py); with ``upsets``, "hang" too
# Buttons that end the matter or the shift: tapped less often than the others, so the monkey gets deep.
LEAVING = {"next": 0.12, "sign_out": 0.03}
QUEUE_CATEGORIES = ("A", "B")  # the sandbox's (sandbox/hall_queue.py)
DRAFT_HOLDER, DRAFT_COMPANY = "330106199003071236", "91330106MA2H7Q3K8C"  # the sample resident handles it (sandbox)


class WindowMonkey(SeededMonkey):
    """Random steps on one window ``gui`` (``ui.app.Gui`` in mode "window", shown and started), checked after each."""

    def __init__(self, gui, seed: int, wait_s: float = 30.0, echo: Callable[[str], None] | None = None,
                 upsets: bool = True) -> None:
        """``upsets``: the sandbox's faults are among the steps, and the devices' hanging and slow ones (the bench;
        the suite's seeds from before they were walk the same way without them)."""
        super().__init__(gui, seed, wait_s, echo)
        self.upsets = upsets
        self.printer_faults = PRINTER_FAULTS + (SLOW_PRINTER_FAULTS if upsets else ())
        self.camera_faults = CAMERA_FAULTS + (("hang",) if upsets else ())
        self.view = gui.window.view
        self.desk = self.view.desk
        self.audit = gui.services.audit
        self.masker = self.desk._masker
        self._applicant = None  # the Identity object of the matter in hand, as last seen
        self._applicant_texts: set[str] = set()  # what that applicant showed or gave, remembered before wiped
        self._typed: set[str] = set()  # what anyone typed, which may be shown back as it is
        self._decided: list[str] = []  # the case and notice numbers of this window's matters: copied later
        self._accepted: list[str] = []  # the cases this window accepted, whose licence the department may issue
        self.licences_issued = False  # whether the department issues those licences now and then (--licences-issued)
        self.monitor_unplugged = False  # the applicant's monitor unplugged now and then (--monitor-unplugged)
        self.a4_queue = None  # the bench's A4 printer the window prints through (--cups, --ipp-printer), else None
        self._audit_seen = 0  # the trail's entries counted for copies printed
        self._pages: list[bytearray] = []  # every page the matter in hand scanned, to be zeroed when it ends
        self.customer = self.view.customer  # the applicant's screen (terminal.customer_screen), or None
        self._customer_size = self.customer.size() if self.customer is not None else None

    def screen(self):
        return self.view.currentWidget()

    def settle(self, what: str) -> None:
        self.wait(lambda: not self.desk.busy and not self.desk.queue_busy, f"{what}: the desk no longer busy")

    def begin(self) -> None:
        self.settle("the sign-in screen")
        self.sign_in(right=True)
        self.settle("the clerk's sign-in")
        self._save_drafts()
        self.check()

    def _save_drafts(self) -> None:
        """Two sample people's saved applications, as a kiosk leaves them (for themselves, and the resident's for the
        company they handle): offered when their card is read. Saved again whenever one was continued (it goes with
        its case).
        The monkey's own setup, through the client; the backend upset, they wait for the next time."""
        from common.backend_errors import BackendError
        from common.domain import Application, Attachment
        from devices.idcard.samples import sample_identity

        import cv2
        import numpy as np

        backend = self.gui.services.backend
        page = bytes(cv2.imencode(".jpg", np.full((120, 90, 3), 235, np.uint8))[1])  # a scanned page, as kept
        try:
            with self.aside():
                company = backend.company(DRAFT_COMPANY, DRAFT_HOLDER)
                for code, card, company in (("GJJ-004", "resident", None), ("BDC-005", "resident", company),
                                            ("GJJ-004", "resident_long_term", None)):
                    service = backend.service(code)
                    application = Application(service, sample_identity(card), "MONKEY", company=company,
                                              form={"amount": 50000, "phone": "13800000001"} if code == "GJJ-004"
                                              else {})
                    pages = [Attachment("M3-1.jpg", "image/jpeg", page)] if code == "GJJ-004" else []
                    backend.save_application_draft(application, pages, materials_done=[p.name[:2] for p in pages],
                                                   missing=["M2"] if code == "GJJ-004" else ["M1"])
        except BackendError as exc:
            self.note("drafts", f"not saved ({type(exc).__name__})")

    def resume_draft(self) -> None:
        """The applicant's saved application: one chosen on the line, "Continue it" tapped."""
        from entry.walkthrough import tap

        row = getattr(self.screen(), "drafts", None)
        if row is None or not row.isVisible() or not row.resume.isEnabled() or row.drafts.count() == 0:
            self.tap()
            return
        row.drafts.setCurrentIndex(int(self.rng.integers(row.drafts.count())))
        self.note("resume_draft", row.drafts.currentText()[:40])
        tap(row.resume, "'Continue it' button")

    # -- one step --------------------------------------------------------------------------------

    def step(self) -> None:
        from kiosk.workflows.clerk import Desk

        desk = self.desk
        if desk.step is Desk.SIGNED_OUT and self.rng.random() < 0.5:
            self.sign_in(right=self.rng.random() < 0.8)
        else:
            # what a clerk does next depends on the matter in hand (a card when nobody is there, the service
            # once someone is, the materials while checking, the evaluation once done), so the monkey goes
            # deep into matters rather than round the sign-in; anything can still come at any time
            weights = {self.tap: 0.30, self.choose_service: 0.05, self.mark: 0.05, self.type_text: 0.08,
                       self.card: 0.12, self.code: 0.05, self.printer_fault: 0.05, self.walk_away: 0.005}
            if self.upsets:
                weights[self.backend_fault] = 0.03
            if desk.step is Desk.SIGNED_OUT:
                pass
            elif desk.identity is None:
                weights.update({self.card: 0.50, self.tap: 0.15})
            elif desk.service is None:
                weights.update({self.choose_service: 0.50, self.tap: 0.15})
            elif desk.step is Desk.CHECKING:
                weights.update({self.mark: 0.35, self.choose_service: 0.08, self.refuse: 0.10, self.scan: 0.12,
                                self.camera_fault: 0.02})
                # ticks at random seldom made a whole set: 0 acceptances in 300 steps, seed 41
                weights.update({self.knows: 0.20})
                if desk.can_ask_licences() or desk.licence_consent in ("witnessing", "agreed"):
                    weights.update({self.licences: 0.08})  # electronic licences, consent witnessed aloud
                if desk.can_change_company():  # a service companies may apply for
                    # the company found seldom at 0.08 (0-3 times in 300 steps, seeds 301-306): its code is typed
                    # more often until one is found, and "Change" now and then after
                    weights.update({self.company: 0.20 if desk.company is None else 0.05})
            elif desk.step is Desk.DONE:  # the applicant rates (and may say why), or the clerk goes on
                weights.update({self.tap: 0.50, self.type_text: 0.15})
                if desk.unprinted is not None:  # a document the printer failed
                    weights.update({self.print_again: 0.40})
            if desk.can_resume_draft():  # the applicant's saved application, before a service is chosen
                weights.update({self.resume_draft: 0.50})
            if desk.can_print_copy() and self._decided:  # between applicants: a past decision's paper again (补打)
                weights.update({self.print_copy: 0.05})
            if desk.ready_licences and desk.can_hand_over():
                weights.update({self.hand_over: 0.30})
            if desk.can_print_handover_again():  # a hand-over whose receipt the printer failed
                weights.update({self.print_handover_again: 0.30})
            if desk.can_collect_for_another():  # the person at the desk collects for someone else (代领)
                weights.update({self.collect_for_another: 0.06})
            if self.customer is not None and desk.identity is not None:  # else the weights (and seeds) as before
                customer = self.customer  # the applicant answers what their screen asks, and now and then taps
                asked = any(w.isVisible() for w in (customer.pad, customer.consent_row, customer.rating))
                weights.update({self.applicant: 0.5 if asked else 0.03})
            if self.monitor_unplugged and self.customer is not None:  # else the weights (and seeds) as before
                weights.update({self.monitor: 0.03})
            if self.catalogue_changes:  # else the weights (and seeds) as before
                weights.update({self.hall_changes: 0.06 if desk.step is Desk.CHECKING else 0.02})
            if self.licences_issued and self._accepted:  # else the weights (and seeds) as before
                weights.update({self.department_issues: 0.05})
            if desk.calls_tickets and desk.step is not Desk.SIGNED_OUT:  # else the weights (and seeds) as before
                weights.update({self.queue: 0.10, self.dispense: 0.04})
                if desk.called_ticket is not None and desk.identity is None:  # called: the holder comes, or not
                    weights.update({self.queue: 0.25, self.card: 0.25})
            actions = list(weights)
            self.pick(actions, [weights[a] for a in actions])()
        self._remember_applicant()
        self.settle(self.trail[-1] if self.trail else "the step")
        self._remember_applicant()

    def hall_changes(self) -> None:
        """The hall changes a service under the window, the one in hand more often than not (monkey_common.py)."""
        self.catalogue_change(self.desk.service)

    def sign_in(self, right: bool) -> None:
        from PySide6.QtTest import QTest

        from entry.walkthrough import settle, tap

        screen = self.view.sign_in
        if self.screen() is not screen:
            self.tap()
            return
        password = PASSWORD if right else "wrong-" + str(self.rng.integers(1000))
        self.note("sign_in", f"{STAFF_ID} with {'the right' if right else 'a wrong'} password")
        for edit, value in ((screen.staff_id, STAFF_ID), (screen.password, password)):
            tap(edit, "field")
            edit.selectAll()
            QTest.keyClicks(edit, value)
        settle()
        if screen.sign_in.isEnabled():
            tap(screen.sign_in, "'Sign in' button")

    def _buttons(self) -> tuple[list, list]:
        from PySide6.QtWidgets import QAbstractButton

        def usable(widgets):
            return [w for w in widgets if w.isVisible() and w.isEnabled()]

        band = self.view.wait_band.stop  # "Stop waiting" for a saved application's pages, over the screen
        return (usable(self.screen().findChildren(QAbstractButton) + [band]),
                usable([self.window.language_button, self.window.elderly_button]))  # the header's: language, large text

    def tap(self) -> None:
        from PySide6.QtWidgets import QAbstractButton

        from entry.walkthrough import tap

        own, header = self._buttons()
        groups = [(g, w) for g, w in [(own, 0.9), (header, 0.1)] if g]
        if not groups:
            self.fail("nothing to tap on the screen")
        group = self.pick([g for g, _ in groups], [w for _, w in groups])
        if group is own:  # a clerk mostly goes on; leaving is one button among many but not as likely
            names = {id(value): name for name, value in vars(self.screen()).items()
                     if isinstance(value, QAbstractButton)}
            button = self.pick(own, [LEAVING.get(names.get(id(b)), 1.0) for b in own])
        else:
            button = self.pick(group)
        self.note("tap", f"{button.text() or button.objectName() or type(button).__name__!r}")
        ended = group is own and names.get(id(button)) == "next"  # "Next applicant": the called ticket is served
        tap(button, "button")
        if ended:
            self.settle("the next applicant")
            if self.desk.called_ticket is not None:
                self.fail(f"'Next applicant' left ticket {self.desk.called_ticket.number} called")

    def choose_service(self) -> None:
        """The clerk picks an entry of the service list (the first, "choose...", included)."""
        from entry.walkthrough import settle

        services = getattr(self.screen(), "services", None)
        if services is None or not services.isVisible() or not services.isEnabled() or services.count() == 0:
            self.tap()
            return
        index = int(self.rng.integers(services.count()))
        companies = {s.code for s in self.desk.catalogue if "company" in s.applicant_types}
        for_companies = [i for i in range(services.count()) if services.itemData(i) in companies]
        if for_companies and self.rng.random() < 0.25:  # a company's matter: 4 of 15 services, seldom drawn alone
            index = int(self.rng.choice(for_companies))
        self.note("service", f"{services.itemText(index)!r}")
        services.setCurrentIndex(index)
        services.activated.emit(index)  # as a choice in the open list is reported
        settle()

    def _to_materials(self) -> None:
        """The application form open: the clerk goes back to the materials list (its button) to work on them."""
        from entry.walkthrough import tap

        screen = self.screen()
        toggle = getattr(screen, "form_toggle", None)  # the desk's screen (the sign-in's has a form of its own)
        if toggle is not None and screen.form.isVisible() and toggle.isVisible() and toggle.isEnabled():
            self.note("to_materials", f"{toggle.text()!r}")
            tap(toggle, "'materials' button")

    def mark(self) -> None:
        """The clerk ticks or unticks a material as the applicant hands it over (or not)."""
        from PySide6.QtCore import Qt

        from entry.walkthrough import settle

        self._to_materials()
        materials = getattr(self.screen(), "materials", None)
        if materials is None or not materials.isVisible() or not materials.isEnabled() or materials.count() == 0:
            self.tap()
            return
        item = materials.item(int(self.rng.integers(materials.count())))
        ticked = item.checkState() == Qt.CheckState.Checked
        self.note("material", f"{'untick' if ticked else 'tick'} {item.text()[:30]!r}")
        item.setCheckState(Qt.CheckState.Unchecked if ticked else Qt.CheckState.Checked)
        settle()

    def scan(self) -> None:
        """A material chosen in the list, then "Scan" (a page, or the next), "Retake" or "Remove" when it has pages."""
        from entry.walkthrough import settle, tap

        self._to_materials()
        row = getattr(self.screen(), "scan", None)
        materials = getattr(self.screen(), "materials", None)
        if row is None or not row.controls.isVisible() or materials is None or materials.count() == 0:
            self.tap()
            return
        index = int(self.rng.integers(materials.count()))
        materials.setCurrentRow(index)
        settle()
        buttons = [b for b in (row.scan, row.scan, row.retake, row.remove) if b.isVisible() and b.isEnabled()]
        if not buttons:
            self.tap()
            return
        button = self.pick(buttons)
        self.note("scan", f"{button.text()!r} {materials.item(index).text()[:30]!r}")
        held, camera = self.gui.services.held_devices, self.desk.document_camera
        held_before = held is not None and camera is not None and held.holds(camera)
        tap(button, "scanning button")
        if held_before and button is row.scan:  # held past the bound (--held-after-s): the clerk is told to sign out
            from kiosk.workflows.clerk_scan import CAMERA_HELD

            self.settle("a scan on a held camera")
            if not held.holds(camera):  # the hung capture ended meanwhile (the simulator's 60 s): nothing to say
                return
            self.note("knows", "the camera is held: the scan tells the clerk to sign out")
            notice = self.desk.notice
            if notice is None or notice.message.params.get("reason") != text(CAMERA_HELD):
                said = notice.message.render() if notice is not None else None
                self.fail(f"a scan on a camera held past the bound said {said!r}")

    def licences(self) -> None:
        """A material chosen in the list, then one of the licence row's buttons: "E-licences" (the consent asked
        aloud), "Agreed" or "Declined" (the clerk records the answer), "Cancel the question" (withdrawn unanswered,
        in the window's left column), "Use licence" (ui/licence_row.py)."""
        from entry.walkthrough import settle, tap

        self._to_materials()
        row = getattr(self.screen(), "licences", None)
        materials = getattr(self.screen(), "materials", None)
        if row is None or not row.isVisible() or materials is None or materials.count() == 0:
            self.tap()
            return
        index = int(self.rng.integers(materials.count()))
        materials.setCurrentRow(index)
        settle()
        buttons = [b for b in (row.fetch, row.agreed, row.declined, row.withdraw, row.use)
                   if b.isVisible() and b.isEnabled()]
        if not buttons:
            self.tap()
            return
        button = self.pick(buttons)
        self.note("licences", f"{button.text()!r} {materials.item(index).text()[:30]!r}")
        tap(button, "licence button")

    def applicant(self) -> None:
        """The applicant on their own screen: a stroke on the signature pad when it asks for one, else one of the
        buttons shown there (the licence question's answers, "Clear and sign again", "Continue", the evaluation's
        levels and reasons, the touch keyboard's keys)."""
        from PySide6.QtWidgets import QAbstractButton

        from entry.walkthrough import settle, tap

        customer = self.customer
        if customer.pad.isVisible() and (customer.pad.is_empty() or self.rng.random() < 0.3):
            width, height = customer.pad.width(), customer.pad.height()
            points = [(float(self.rng.uniform(0.1, 0.9) * width), float(self.rng.uniform(0.2, 0.8) * height))
                      for _ in range(int(self.rng.integers(2, 6)))]
            self.note("applicant", f"signs ({len(points)} points)")
            customer.pad.draw_stroke(points)
            settle()
            return
        buttons = [b for b in customer.findChildren(QAbstractButton) if b.isVisible() and b.isEnabled()]
        if not buttons:
            self.tap()
            return
        button = self.pick(buttons)
        self.note("applicant", f"{button.text() or button.objectName() or type(button).__name__!r}")
        tap(button, "button on the applicant's screen")

    def company(self) -> None:
        """A matter for a company (ui/company_row.py): "Change" when one is found, else a credit code typed (the
        sample resident's company, one they have no role in, a slip, a licence QR code's text, or the field emptied)
        and looked up with Enter or "Look up"."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from entry.walkthrough import tap

        row = getattr(getattr(self.screen(), "licences", None), "company", None)
        if row is None or not row.isVisible():
            self.tap()
            return
        if row.change.isVisible() and row.change.isEnabled():
            self.note("company", "'Change'")
            tap(row.change, "'Change' button")
            return
        if not row.code.isVisible() or not row.code.isEnabled():
            self.tap()
            return
        code = str(self.rng.choice(COMPANY_CODES))
        self.note("company", repr(code))
        tap(row.code, "field")
        row.code.selectAll()
        if code:
            QTest.keyClicks(row.code, code)
        else:
            QTest.keyClick(row.code, Qt.Key.Key_Backspace)
        self._gave(code)
        if self.rng.random() < 0.5:
            QTest.keyClick(row.code, Qt.Key.Key_Return)
        elif row.look_up.isVisible() and row.look_up.isEnabled():
            tap(row.look_up, "'Look up' button")
        self.settle("the company")

    def knows(self) -> None:
        """A clerk with every material at hand: the company looked up first where the matter is a company's (the
        sample resident's own, whatever card lies on the reader), each required material still missing ticked in
        the list, the printers set right, then "Accept". With the customer screen the service may ask the applicant
        to sign first; that is the applicant's step. What the desk refuses (no company of the person's, the backend
        upset) is noted, and the checks after the step judge the desk."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from entry.walkthrough import settle, tap

        self._to_materials()
        screen, desk = self.screen(), self.desk
        materials = getattr(screen, "materials", None)
        if materials is None or not materials.isVisible() or not materials.isEnabled():
            self.tap()
            return
        row = screen.licences.company
        if desk.applicant_problem() is not None and row.code.isVisible() and row.code.isEnabled():
            self.note("knows", f"looks up {COMPANY_CODES[0]}")
            tap(row.code, "field")
            row.code.selectAll()
            QTest.keyClicks(row.code, COMPANY_CODES[0])
            QTest.keyClick(row.code, Qt.Key.Key_Return)
            self.settle("the company")
            if desk.applicant_problem() is not None:
                self.note("knows", "the company was not found for this applicant")
                return
        missing = [m.code for m in desk.missing()]
        for code in missing:  # each tick redraws the list: its items are found again for the next
            item = next((materials.item(i) for i in range(materials.count())
                         if materials.item(i).data(Qt.ItemDataRole.UserRole) == code), None)
            if item is not None and item.checkState() != Qt.CheckState.Checked:
                item.setCheckState(Qt.CheckState.Checked)
                settle()
        self.note("knows", f"ticks {len(missing)} material(s), then {screen.accept.text()!r}")
        if desk.form_messages() and screen.form_toggle.isVisible() and screen.form_toggle.isEnabled():
            self._fill_form(screen)  # the application form typed in from the applicant's answers
        if not screen.accept.isEnabled():
            self.note("knows", "'Accept' stayed disabled")
            return
        # and the paper in the printers: left out of paper by an earlier step, the acceptance's receipt failed and
        # the suite's seed 4 accepted nothing in one order of the tests (the failure and "Accept" again are the
        # random taps' to exercise)
        for printer in (self.gui.services.devices.receipt_printer, self._document_printer()):
            if printer is not None and hasattr(printer, "inject"):
                printer.inject("clear")
        tap(screen.accept, "'Accept' button")
        self.settle("the acceptance")
        if desk.result:
            self.tally.count("accepted")
            self._accepted.append(desk.result)

    def _fill_form(self, screen) -> None:
        """The form's panel opened, its empty fields typed and its choices chosen (entry/walkthrough.py), back to
        the materials; what was typed is the applicant's."""
        from entry.walkthrough import fill_form_panel, tap

        tap(screen.form_toggle, "'application form' button")
        fill_form_panel(screen.form)
        for value in self.desk.form_values.values():
            self._gave(value)
        self.note("knows", f"fills the form: {len(self.desk.form_messages())} field(s) still wrong")
        if screen.form_toggle.isVisible() and screen.form.isVisible():
            tap(screen.form_toggle, "'materials' button")

    def monitor(self) -> None:
        """The applicant's monitor unplugged (the window on without it once its grace has passed), or plugged back."""
        customer = self.customer
        if customer.isVisible():
            self.note("applicant's monitor", "unplugged")
            customer.without_monitor()
        else:
            self.note("applicant's monitor", "plugged back")
            customer.place()

    def camera_fault(self) -> None:
        """The document camera unplugged, giving no picture or hanging, or set right again (more often)."""
        camera = self.gui.services.devices.document_camera
        if not hasattr(camera, "inject"):
            return
        fault = "clear" if self.rng.random() < 0.6 else str(self.rng.choice(self.camera_faults))
        self.note("document camera", fault)
        camera.inject(fault)

    def refuse(self) -> None:
        """Not accepted (不予受理): a reason from the list, now and then a note (always for "Other", which needs
        one), then "Do not accept" more often than not (a reason chosen and left stays for the next tap)."""
        from entry.walkthrough import settle, tap
        from kiosk.refusal_reasons import RefusalReason

        row = getattr(self.screen(), "refusal", None)
        if row is None or not row.isVisible() or not row.reason.isEnabled() or row.reason.count() < 2:
            self.tap()
            return
        index = int(self.rng.integers(1, row.reason.count()))
        row.reason.setCurrentIndex(index)
        row.reason.activated.emit(index)  # as a choice in the open list is reported
        settle()
        self.note("refusal", f"{row.reason.itemText(index)!r}")
        if row.chosen() is RefusalReason.OTHER or self.rng.random() < 0.3:
            self._gave(self.type_into([row.note]))
        if row.refuse.isEnabled() and self.rng.random() < 0.85:
            self.note("do_not_accept", f"{row.refuse.text()!r}")
            tap(row.refuse, "'Do not accept' button")

    def hand_over(self) -> None:
        """A licence listed as ready for the applicant in hand, chosen and handed over."""
        from entry.walkthrough import settle, tap

        row = getattr(self.screen(), "handover", None)
        if row is None or not row.hand_over.isVisible() or not row.hand_over.isEnabled() or row.licences.count() == 0:
            self.tap()
            return
        index = int(self.rng.integers(row.licences.count()))
        row.licences.setCurrentIndex(index)
        settle()
        self.note("hand_over", f"{row.licences.itemText(index)!r}")
        tap(row.hand_over, "'Hand over' button")

    def department_issues(self) -> None:
        """The department approves a case this window accepted and makes its licence (the sandbox's
        ``/control/cases/{n}/ready``): listed ready when its holder's card is read here again, to hand over."""
        import requests

        number = self._accepted.pop(int(self.rng.integers(len(self._accepted))))
        self.note("licence issued", number)
        with self.aside():
            reply = requests.post(self.gui.services.config.backend.url.rstrip("/") + f"/control/cases/{number}/ready",
                                  timeout=CONTROL_TIMEOUT_S)
        if reply.status_code not in (404, 409):  # 409: decided otherwise since; 404: a case still queued here
            reply.raise_for_status()

    def queue(self) -> None:
        """The clerk taps one of the queue row's buttons shown and enabled: call next, call again, no-show."""
        from entry.walkthrough import tap

        row = getattr(self.screen(), "queue", None)
        buttons = [b for b in (row.call_next, row.call_again, row.no_show) if b.isVisible() and b.isEnabled()] \
            if row is not None and row.isVisible() else []
        if not buttons:
            self.tap()
            return
        button = self.pick(buttons)
        before = self.desk.called_ticket
        self.note("queue", f"{button.text()!r} ({before.number if before else 'none called'})")
        tap(button, "queue button")
        self.settle("the queue's answer")
        if button is row.call_next and self.desk.called_ticket is not None \
                and before is not None and self.desk.called_ticket.number == before.number:
            self.fail(f"'Call next' left ticket {before.number} called")
        if self.desk.called_ticket is not None and self.desk.called_ticket is not before:
            self.tally.count("ticket_called")

    def dispense(self) -> None:
        """The hall's ticket dispenser: one to three tickets taken, of a category each (the backend's own call: the
        dispenser waits on it, not the window, so its time is not the window's)."""
        from common.backend_errors import BackendError

        backend = self.gui.services.backend
        taken = []
        with self.aside():
            for _ in range(int(self.rng.integers(1, 4))):
                try:
                    taken.append(backend.take_queue_ticket(
                        category=str(self.rng.choice(QUEUE_CATEGORIES)))["ticket_number"])
                except BackendError as exc:
                    taken.append(type(exc).__name__)
        self.note("dispense", " ".join(taken))

    def print_again(self) -> None:
        """An A4 document the printer failed, printed again: the printer set right first, more often than not."""
        from entry.walkthrough import tap

        button = getattr(self.screen(), "print_again", None)
        if button is None or not button.isVisible() or not button.isEnabled():
            self.tap()
            return
        document_printer = self._document_printer()
        if document_printer is not None and self.rng.random() < 0.7:
            self.note("document printer", "clear")
            document_printer.inject("clear")
        self.note("print_again", f"{button.text()!r}")
        tap(button, "'Print again' button")

    def print_copy(self) -> None:
        """Between applicants, a copy of a past decision's document or notice: its number typed (or the receipt's
        code, or a number mistyped), the A4 printer set right more often than not, "Print a copy" tapped or Return
        pressed."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from entry.walkthrough import tap

        row = getattr(self.screen(), "copy", None)
        if row is None or not row.isVisible() or not row.number.isEnabled():
            self.tap()
            return
        number = self.rng.choice(self._decided)
        typed = self.rng.choice([number, number.lower(), f"OTR1:{number}", number[:-1], "SQ2099010100001"])
        document_printer = self._document_printer()
        if document_printer is not None and self.rng.random() < 0.7:
            self.note("document printer", "clear")
            document_printer.inject("clear")
        self.note("print_copy", typed)
        row.number.clear()
        QTest.keyClicks(row.number, typed)
        if self.rng.random() < 0.5:
            QTest.keyClick(row.number, Qt.Key.Key_Return)
        elif row.print_copy.isEnabled():
            tap(row.print_copy, "'Print a copy' button")
        self.tally.count("copy asked")

    def collect_for_another(self) -> None:
        """The person at the desk collects for a holder: "For another holder", the holder's number typed (the
        sample resident's, who has a licence ready, or another) and Find, or the holder's card laid on the reader
        (any sample card, broken ones too), and the authorisation ticked more often than not; the hand-over itself
        is the hand-over step's."""
        from PySide6.QtTest import QTest

        from entry.walkthrough import settle, tap

        row = getattr(self.screen(), "handover", None)
        if row is None or not row.for_another.isVisible() or not row.for_another.isEnabled():
            self.tap()
            return
        if not row.for_another.isChecked():
            tap(row.for_another, "'For another holder' button")
            settle()
            if self.rng.random() < 0.3:  # the holder's own card laid on the reader, in place of the number typed
                if self._card_on:
                    self.card()  # the collector's lifted first
                self.card()
                return
        holder = str(self.rng.choice(HOLDERS))
        if not row.holder.isVisible() or not row.holder.isEnabled():
            self.tap()
            return
        self.note("agent", f"for {self.masker.mask(holder)}")
        tap(row.holder, "field")
        row.holder.selectAll()
        QTest.keyClicks(row.holder, holder)
        self._gave(holder)
        tap(row.find, "'Find' button")
        self.settle("the holder's licences")
        if row.authorised.isVisible() and row.authorised.isEnabled() and self.rng.random() < 0.7:
            tap(row.authorised, "'Authorisation seen' button")

    def print_handover_again(self) -> None:
        """A hand-over receipt the receipt printer failed, printed again: the printer set right first, more often
        than not."""
        from entry.walkthrough import tap

        row = getattr(self.screen(), "handover", None)
        if row is None or not row.print_again.isVisible() or not row.print_again.isEnabled():
            self.tap()
            return
        if self.rng.random() < 0.7:
            self.note("printer", "clear")
            self.gui.services.devices.receipt_printer.inject("clear")
        self.note("print_handover_again", f"{row.print_again.text()!r}")
        tap(row.print_again, "hand-over 'Print again' button")

    def walk_away(self) -> None:
        """The clerk walks away: the window's second shortened to a millisecond until its idle time and
        warning have passed and the clerk is signed out (after a decision in flight, which it waits for)."""
        from kiosk.workflows.clerk import Desk

        idle = self.view.idle
        if self.desk.step is Desk.SIGNED_OUT:
            self.tap()
            return
        self.note("walk_away", f"idle {idle.idle.interval() // 1000} s, then the countdown")
        idle.set_second_ms(1)
        try:
            self.wait(lambda: self.desk.step is Desk.SIGNED_OUT, "the idle clerk to be signed out", 15)
        finally:
            idle.set_second_ms(1000)
        self.audit.flush()
        last = next(reversed(self.audit.recent), {}).get("action", "")
        if last != "signed_out_idle":
            self.fail(f"signed out idle, yet the trail's last entry is {last!r}")
        self.tally.idle_endings += 1

    def printer_fault(self) -> None:
        """The receipt printer runs out of paper, opens, jams... or the A4 document printer jams, stops or runs out
        (the decision's document then offered again: "Print again"); or either is set right again."""
        document_printer = self._document_printer()
        if document_printer is not None and self.rng.random() < 0.4:
            faults = document_printer.faults  # the simulator's jam; the bench's CUPS queue stopped, its IPP printer
            # out of paper or toner (a single one drawn without a draw: the seeds' walks stay as they were)
            fault = "clear" if self.rng.random() < 0.5 else faults[0] if len(faults) == 1 else self.rng.choice(faults)
            self.note("document printer", fault)
            document_printer.inject(fault)
            return
        printer = self.gui.services.devices.receipt_printer
        fault = "clear" if self.rng.random() < 0.5 else str(self.rng.choice(self.printer_faults))
        self.note("printer", fault)
        printer.inject(fault)

    def _document_printer(self):
        """The simulated A4 printer, when the window has one (a real one takes no faults), or the bench's CUPS queue
        the window prints through (``--cups``: stopped and started as a simulator's faults)."""
        if self.a4_queue is not None:
            return self.a4_queue
        printer = getattr(self.gui.services.devices, "document_printer", None)
        return printer if hasattr(printer, "inject") else None

    def type_text(self) -> None:
        from PySide6.QtWidgets import QLineEdit

        edits = [e for e in self.screen().findChildren(QLineEdit)
                 if e.isVisible() and e.isEnabled() and not e.isReadOnly()]
        if not edits:
            self.tap()
            return
        self._gave(self.type_into(edits))

    def _gave(self, value: str) -> None:
        """Text typed: it may be shown back as it is, and while an applicant is in hand it is theirs."""
        if len(value.strip()) >= 6:
            self._typed.add(value.strip()[:40])
            if self.desk.identity is not None:
                self._applicant_texts.add(value.strip()[:40])

    # -- the checks ------------------------------------------------------------------------------

    def _remember_applicant(self) -> None:
        from common.masking import mask_id_number, mask_name
        from kiosk.payloads import is_case_number, is_notice_number

        desk = self.desk
        if desk.identity is not self._applicant:
            self._matter_ended()
            self._applicant = desk.identity
        person = desk.identity
        if person is None:
            return
        if person.id_number:
            self._applicant_texts.update(s for s in (person.name, person.id_number, mask_id_number(person.id_number),
                                                     person.address, mask_name(person.name)) if s and len(s) >= 2)
            self.people |= people_of(person)
        for draft in desk.drafts_found:  # a saved application's company: gone from the window with the matter
            named = str((draft.get("applicant") or {}).get("company_name") or "")
            if len(named) >= 6:
                self._applicant_texts.add(named)
        if desk.company is not None:  # the company the matter is for: gone from the window with the matter
            company = desk.company
            self._applicant_texts.update(s for s in (company.name_zh, company.name_en, company.credit_code)
                                         if len(s) >= 6)
        if len(desk.result) >= 8:
            self._applicant_texts.add(desk.result)
            if (is_case_number(desk.result) or is_notice_number(desk.result)) and desk.result not in self._decided:
                self._decided.append(desk.result)  # its decision's document (or the notice) may be copied later
        collection = desk.collecting_for  # an agent's holder, typed or their card laid: the matter's too
        if collection is not None and collection.holder_id_number:
            self._applicant_texts.update({collection.holder_id_number, collection.holder_masked_id})
        if len(desk.rating.comment.strip()) >= 6:
            self._applicant_texts.add(desk.rating.comment.strip()[:40])
        seen = {id(page) for page in self._pages}
        self._pages += [page for m in (desk.checklist.items if desk.checklist else ()) for page in m.pages
                        if id(page) not in seen]

    def _matter_ended(self) -> None:
        """The applicant in hand went (or another came): nothing of theirs may remain."""
        if self._applicant is None:
            return
        self.tally.sessions_ended += 1
        gone, self._applicant_texts = self._applicant_texts, set()
        desk, person = self.desk, self.desk.identity
        if person is not None and person.id_number:  # the same person's card laid again: theirs to show
            from common.masking import mask_id_number, mask_name

            gone -= {person.name, person.id_number, mask_id_number(person.id_number), person.address,
                     mask_name(person.name)}
        left = {name: value for name, value in (
            ("service", desk.service), ("materials", desk.provided), ("result", desk.result),
            ("notice attempt", desk._notice_attempt), ("rating", desk.rating.key),
            ("rating comment", desk.rating.comment), ("rating applicant", desk._rating_applicant),
            ("scanned pages", desk.page_count()), ("page thumbnails", self.view.desk_screen.scan._thumbs),
            ("licence consent", desk.licence_consent), ("offered licences", desk.offered),
            ("company", desk.company), ("company code", desk.company_code), ("for a company", desk.for_company),
            ("company field", self.view.desk_screen.licences.company.code.text()), ("form", desk.form_values),
            ("form fields", [n for n, r in self.view.desk_screen.form.rows.items()
                             if r.edit is not None and r.edit.text()])) if value}
        pages, self._pages = self._pages, []
        if any(len(page) for page in pages):
            left["pages not zeroed"] = sum(1 for page in pages if len(page))
        names = set(self.masker._names) - ({person.name} if person is not None else set())
        if names:
            left["masker names"] = sorted(names)
        if left:
            self.fail(f"the applicant's matter ended with {sorted(left)} left at the desk")
        held = held_by(self.window, gone) + (held_by(self.customer, gone) if self.customer is not None else [])
        if held:
            self.fail("the applicant's matter ended, yet their data remains:\n    " + "\n    ".join(held))
        if self.memory_due():
            held = self.memory_holds(gone, spared=(gone,))
            if held:
                self.fail("the applicant's matter ended, yet the window's memory holds what was theirs:\n    "
                          + "\n    ".join(held[:10]))

    def check(self) -> None:
        from kiosk.workflows.clerk import Desk

        self.tally.steps += self._step > 0  # the sign-in before the first step is checked, not counted
        self.check_errors_and_size()
        screen = self.screen()
        expected = self.view.sign_in if self.desk.step is Desk.SIGNED_OUT else self.view.desk_screen
        if screen is not expected:
            self.fail(f"the window shows {type(screen).__name__}, the desk is {self.desk.step.value}")
        if not any(b.isVisible() and b.isEnabled() for b in self._buttons()[0]):
            self.fail(f"{type(screen).__name__} ({self.desk.step.value}) has nothing a clerk can tap")
        for shown in visible_texts(screen):
            problem = screen_problem(shown, self._typed | self._applicant_texts)
            if problem:
                self.fail(f"{type(screen).__name__} {problem}")
        self._check_customer()
        self._check_queue()
        report = self.audit.verify()
        if not report.ok:
            self.fail(f"the audit trail does not verify: {report}")
        self._check_audit_masked()
        self._count_copies()

    def _check_customer(self) -> None:
        customer = self.customer
        if customer is None:
            return
        if customer.isVisible() and customer.size() != self._customer_size:
            self.fail(f"the applicant's screen grew from {self._customer_size.toTuple()} to {customer.size().toTuple()}")
        for shown in visible_texts(customer):
            problem = screen_problem(shown, self._typed | self._applicant_texts)
            if problem:
                self.fail(f"the applicant's screen {problem}")

    def _check_queue(self) -> None:
        from kiosk.workflows.clerk import Desk

        desk = self.desk
        if desk.step is Desk.SIGNED_OUT and (desk.called_ticket is not None or desk.queue_waiting is not None):
            self.fail(f"signed out, the desk still holds the queue: {desk.called_ticket}, {desk.queue_waiting} waiting")
        ticket = desk.called_ticket
        if ticket is not None and desk.queue_categories and ticket.number[0] not in desk.queue_categories:
            self.fail(f"ticket {ticket.number} called to a window of {','.join(desk.queue_categories)} only")
        if ticket is not None and desk.identity is None and desk.step is not Desk.SIGNED_OUT \
                and ticket.number not in self.view.desk_screen.applicant.text():
            self.fail(f"ticket {ticket.number} is called, yet the applicant's box says "
                      f"{self.view.desk_screen.applicant.text()!r}")

    def _count_copies(self) -> None:
        """The copies of decisions printed and the saved applications continued or saved by a notice since the last
        step, from the trail (the print ends after the step); a draft continued is saved again for a later
        applicant."""
        resumed = False
        entries = self.audit.since(self._audit_seen)
        for entry in entries:
            if entry.get("action") == "decision_copy_printed":
                self.tally.count("copy printed")
            elif entry.get("action") == "draft_resumed":
                self.tally.count("draft resumed")
                resumed = True
            elif entry.get("action") == "draft_load_stopped":  # the clerk stopped waiting for its pages
                self.tally.count("draft load stopped")
            elif entry.get("action") == "draft_saved":  # a notice on a matter begun at the window
                self.tally.count("draft saved")
            elif entry.get("action") == "draft_declined":  # the applicant kept nothing ("Keep for the next visit")
                self.tally.count("draft declined")
            elif entry.get("action") == "notice_issued":
                self.tally.count("notice issued")
            elif entry.get("action") == "materials_changed":  # the hall changed the service's list under the desk
                self.tally.count("materials followed")
        self._audit_seen = entries[-1]["seq"] + 1 if entries else self._audit_seen
        if resumed:
            self._save_drafts()

    def _check_audit_masked(self) -> None:
        """The trail's last entries hold no applicant's name, ID number or address unmasked."""
        person = self._applicant
        if person is None or not person.id_number:
            return
        secrets = [s for s in (person.name, person.id_number, person.address) if len(s) >= 2]
        for entry in self.audit.recent[-20:]:
            said = f"{entry.get('actor', '')} {entry.get('action', '')} {entry.get('detail', '')}"
            found = [s for s in secrets if s in said]
            if found:
                self.fail(f"the audit trail holds {found[0][:40]!r} unmasked: {said[:120]!r}")


# -- the bench -------------------------------------------------------------------------------------

def window_config(url: str, data_dir: Path, customer_screen: bool = False, terminal_id: str | None = None,
                  a4_queue: str = ""):
    """``a4_queue``: the A4 printer through that CUPS queue, checked every second, rather than simulated."""
    from kiosk.config import load_config

    a4 = {"document_printer": {"type": "cups", "printer": a4_queue, "timeout_s": 10, "check_every_s": 1,
                               "printed_within_s": 20}} if a4_queue else {}
    return load_config(environ={}, overrides={
        "backend": {"url": url, "retries": 0, "connect_timeout_s": 1.0, "read_timeout_s": 2.0},
        "paths": {"data_dir": str(data_dir)}, "logging": {"console": False},
        # the window calls the hall's queue, category A only: the dispenser's B tickets are another window's
        "terminal": {"demo": True, "window_number": 3, "queue_categories": "A",
                     "customer_screen": "on" if customer_screen else "off", **terminal_named(terminal_id)},
        "devices": {"id_reader": {"type": "sim", "pace": False}, **a4}})


def open_window(url: str, data_dir: Path, customer_screen: bool = False, terminal_id: str | None = None,
                a4_queue: str = ""):
    return open_terminal(window_config(url, data_dir, customer_screen, terminal_id, a4_queue), "window")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    monkey_common.add_arguments(parser)
    parser.add_argument("--customer-screen", action="store_true",
                        help="give the window the applicant's own screen, and the applicant steps on it")
    parser.add_argument("--monitor-unplugged", action="store_true",
                        help="with --customer-screen, the applicant's monitor now and then unplugged and plugged "
                             "back; off, the seeds run as before")
    parser.add_argument("--licences-issued", action="store_true",
                        help="the department now and then issues the licence of a case this window accepted "
                             "(the sandbox's /control/cases/{n}/ready), to hand over when its holder comes again; "
                             "off, the seeds run as before")
    monkey_common.add_a4_arguments(parser)


def run(args: argparse.Namespace) -> int:
    customer_screen, issued, unplugged = args.customer_screen, args.licences_issued, args.monitor_unplugged
    queue = monkey_common.bench_a4_printer(args)

    def monkey(gui, seed: int, echo) -> WindowMonkey:
        made = WindowMonkey(gui, seed, echo=echo)
        made.licences_issued = issued
        made.monitor_unplugged = unplugged
        if queue is not None:
            made.a4_queue = queue
            made.devices.append((queue, queue.faults))  # upset as a simulator's faults are
            queue.inject("clear")  # each seed begins with the printer ready
        return made

    try:
        return run_seeds(args, "window-monkey", lambda url, data_dir, terminal_id: open_window(
            url, data_dir, customer_screen, terminal_id, queue.name if queue is not None else ""), monkey)
    finally:
        if queue is not None:
            print(f"window-monkey: {queue.tally()}")
            queue.remove()
