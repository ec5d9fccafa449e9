"""``kiosk bench ui-monkey``: a seeded monkey on the citizen kiosk, checking after every step that nothing broke.

From the home screen it picks, with a seeded ``numpy.random.Generator``, one thing a person (or a
device) could do next: tap one of the visible, enabled buttons of the current screen, its touch
keyboard's keys or the header's; type into one of the screen's line edits (Chinese, emoji, very long
text, NUL, format placeholders, markup); lay an ID card on the simulated reader (a real one, an
expired one, a broken one) or lift it; hold a code to the simulated scanner (a valid app code or
receipt, garbage, hostile text); put a simulated device at one of its faults (slow and hanging ones
too) or set it right; upset the backend through the sandbox's fault switch (down, errors, slow, dropped
connections, lost replies, unsigned or forged answers) or set it right; or walk away and let the idle time
and its countdown run out on the kiosk's own clock, shortened (``KioskView.set_second_ms``) instead of
slept through. On the screens that ask for something random keys seldom give (a card on the reader, a valid
form, the materials and a signature, a company's code, a principal's details, the fee paid), it is now and then
a person who knows what is asked and does it rightly (``Monkey.knows``): without that it seldom got past
the form, and never to the signature, the confirmation or the fee. On the list of services it is now and then
someone who came for the one service that charges a fee (odds 0.10: the other services stay drawn). With
``--catalogue-changes`` the hall also changes the service in hand (or another) under the kiosk, most often at the
confirmation or the notice, where the change is met: a material dropped or added, a field added, a service put back
(sandbox/catalogue_changes.py); each time the kiosk follows one is tallied "catalogue followed". Without it the seeds
run as before.

After every step, once the kiosk is no longer busy (waited on, never slept), it checks:

- no exception reached ``sys.excepthook`` (Qt slots, posted calls) or ``threading.excepthook``;
- the step held the GUI thread no longer than 1 s without turning its event loop (entry/bench/gui_stall.py);
- the window keeps its size, shows the session's screen, and that screen has something a person can tap;
- nothing on the screen reads like a traceback or a template, and in Chinese no English sentence;
- when a session has ended, nothing of its citizen remains: the session's fields are empty, the
  masker knows no name, the hall's language and text size are back, and no widget of the window,
  shown or hidden (a line edit's undo history included), holds the citizen's name, ID number (whole or masked),
  address, case number or anything they typed; at the first session's end (the bench: and every fifth after),
  nothing in the kiosk's memory (every object its modules and itself reach, what is set aside from the collector
  included) holds the citizen's ID number, or the name or address read from their card, once the backend calls
  carrying them have ended (``in_memory``).

Every step is recorded in a trail (``--trail FILE`` writes it as JSON on a failure); the same seed
walks the same steps again, so a failure is replayed with ``--seed``. The sandbox backend runs in
this process on loopback, as the tests' does.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Callable

from entry.bench.monkey_common import (CARDS, CONTROL_TIMEOUT_S, HOSTILE_CODES, VALID_CODES, MonkeyFailure,
                                       SeededMonkey, Tally, held_by, open_terminal, people_of, run_seeds,
                                       screen_problem, terminal_named, visible_texts)

__all__ = ["CARDS", "HOSTILE_CODES", "VALID_CODES", "Monkey", "MonkeyFailure", "Tally", "add_arguments",
           "kiosk_config", "open_kiosk", "run"]

# Screens where the monkey is sometimes a person who knows what is asked (Monkey.knows): with random keys alone a
# form was seldom valid and a signature never drawn, so it seldom got past the form (session 28's note).
KNOWING = {"read_card": "lays a card on the reader", "form": "fills the form rightly", "signature": "signs on the pad",
           "company": "keys in the company's code", "principal": "keys in the principal's details",
           "materials": "provides every material", "payment": "pays on the phone",
           "choose_service": "chooses a service that charges a fee",
           "licences": "taps a ready licence", "licence_preview": "prints it"}
KNOWING_ODDS = 0.35
# A fee is charged for 1 service in 15 (JSZ-010): chosen at random alone, no run reached the payment screen (session
# 29's note). Chosen by someone who came for it at these lower odds, so that the other services stay drawn.
KNOWING_ODDS_OF = {"choose_service": 0.10}

# What the citizen's phone says of a fee's order, through the payment platform (sandbox /control/payments/...):
# expiry and cancellation were never exercised while the phone only paid (session 30's note).
PHONE_SAYS, PHONE_ODDS = ("paid", "expire", "cancel"), (0.6, 0.2, 0.2)

# What the kiosk says when it has followed a service changed under the citizen (kiosk/workflows/citizen.py)
FOLLOWED = frozenset({
    "The list of materials for this service has changed since you began. {change} What you gave is kept.",
    "The form and the materials of this service have changed since you began: please fill in the fields marked in "
    "red; the materials come next.",
    "The form of this service has changed since you began: please fill in the fields marked in red. The rest is "
    "kept."})

# The sample cards a citizen is identified by, who may come back for a licence issued (--cups, --ipp-printer).
SAMPLE_HOLDERS = ("resident", "resident_long_term", "hmt_residence", "foreigner_2017", "foreigner_2023")
# Buttons that end the session or step back: tapped less often than the others, so the monkey gets deep.
LEAVING = {"back", "finish", "home", "decline", "later", "withdraw", "cancel", "sign_out"}


class Monkey(SeededMonkey):
    """Random steps on one kiosk ``gui`` (``ui.app.Gui``, shown and started), checked after each."""

    def __init__(self, gui, seed: int, wait_s: float = 30.0, echo: Callable[[str], None] | None = None,
                 voice: bool = True) -> None:
        """``voice``: the header's voice and repeat buttons are among the buttons tapped (the bench; the
        test leaves them out: with voice on, prompts a fast monkey cuts off queue up on the task pool)."""
        super().__init__(gui, seed, wait_s, echo)
        self.view, self.session = gui.window.view, gui.window.session
        self.voice = voice
        self._citizen: set[str] = set()  # what the current session's citizen showed or typed
        self._generation = self.session.generation
        self._wipe_due = False
        self._followed = None  # the last notice of a service changed under the citizen, counted
        self.licences_issued = False  # the department issues the licences of cases applied for here (--cups, ...)
        self._applied: dict[str, str] = {}  # case number -> its holder's ID number, of cases applied for here
        self._issued: set[str] = set()  # the ID numbers of holders with a licence issued to print

    def screen(self):
        return self.view.currentWidget()

    def settle(self, what: str) -> None:
        from kiosk.workflows.citizen import Step

        waiting = (Step.SUBMITTING, Step.PRINTING)  # the screens a person only watches
        self.wait(lambda: not self.session.busy and self.session.step not in waiting,
                  f"{what}: the session no longer busy")

    # -- one step --------------------------------------------------------------------------------

    def step(self) -> None:
        step = self.session.step.value
        if step in KNOWING and self.rng.random() < KNOWING_ODDS_OF.get(step, KNOWING_ODDS):
            self.knows()
            self._remember_citizen()
            self.settle(self.trail[-1])
            self._remember_citizen()
            return
        # off, the seeds run as before; on, most often just before an application goes, where the change is met
        if self.catalogue_changes and self.rng.random() < (0.2 if step in ("confirm", "incomplete") else 0.02):
            self.catalogue_change(self.session.service)
            self.settle(self.trail[-1])
            return
        if self.licences_issued and self._applied and self.rng.random() < 0.04:  # else the seeds run as before
            self.department_issues()
            return
        roll = float(self.rng.random())
        if roll < 0.64:
            self.tap()
        elif roll < 0.76:
            self.type_text()
        elif roll < 0.83:
            self.card()
        elif roll < 0.90:
            self.code()
        elif roll < 0.93:
            self.device_fault()
        elif roll < 0.96:
            self.backend_fault()
        else:
            self.walk_away()
        self._remember_citizen()
        self.settle(self.trail[-1] if self.trail else "the step")
        self._remember_citizen()
        self._count_followed()
        self._remember_applied()

    def _remember_applied(self) -> None:
        """The case a citizen just applied for (its receipt shown), with its holder, for the department to issue."""
        receipt, identity = self.session.receipt, self.session.identity
        if self.licences_issued and receipt is not None and identity is not None and receipt.case_number:
            self._applied.setdefault(receipt.case_number, identity.id_number)

    def department_issues(self) -> None:
        """The department approves a case applied for here and makes its licence (the sandbox's
        ``/control/cases/{n}/ready``): its holder, come to print a licence, lays that card (``knows``)."""
        import requests

        number = sorted(self._applied)[int(self.rng.integers(len(self._applied)))]
        holder = self._applied.pop(number)
        self.note("licence issued", number)
        with self.aside():
            reply = requests.post(self.gui.services.config.backend.url.rstrip("/") + f"/control/cases/{number}/ready",
                                  timeout=CONTROL_TIMEOUT_S)
        if reply.status_code in (404, 409):  # a case still queued here; or decided otherwise, or issued already
            return
        reply.raise_for_status()
        self._issued.add(holder)
        self.tally.count("licences issued")

    def _licence_holder(self) -> str:
        """The sample card of a holder with a licence issued to print (the resident, whose is in the sandbox, when
        none)."""
        from devices.idcard.samples import sample_identity

        holders = [name for name in SAMPLE_HOLDERS if sample_identity(name).id_number in self._issued]
        return holders[int(self.rng.integers(len(holders)))] if holders else "resident"

    def _count_followed(self) -> None:
        """A service changed under the citizen, met and followed (kiosk/workflows/citizen.py ``_service_changed``):
        counted once a notice, for the tally to say how often a catalogue change was met, not only made."""
        notice = self.session.notice
        if notice is not None and notice is not self._followed and notice.message.msgid in FOLLOWED:
            self._followed = notice
            self.tally.count("catalogue followed")

    def _buttons(self) -> tuple[list, list, list]:
        """The visible, enabled buttons: the screen's own (and the idle band's), its keyboard's keys, the header's."""
        from PySide6.QtWidgets import QAbstractButton

        from ui.keyboard import TouchKeyboard

        def usable(widgets):
            return [w for w in widgets if w.isVisible() and w.isEnabled()]

        screen = self.view.currentWidget()
        keys, own = [], []
        for button in usable(screen.findChildren(QAbstractButton)):
            parent, on_keyboard = button.parentWidget(), False
            while parent is not None and parent is not screen:
                if isinstance(parent, TouchKeyboard):
                    on_keyboard = True
                    break
                parent = parent.parentWidget()
            (keys if on_keyboard else own).append(button)
        own += usable([self.view.warning.more])
        header = usable([self.window.language_button, self.window.elderly_button] + (
            [self.window.voice_button, self.window.repeat_button] if self.voice else []))
        return own, keys, header

    def tap(self) -> None:
        from PySide6.QtWidgets import QAbstractButton

        from entry.walkthrough import tap

        own, keys, header = self._buttons()
        groups = [(own, 0.75), (keys, 0.15), (header, 0.10)]
        groups = [(g, w) for g, w in groups if g]
        if not groups:
            self.fail("nothing to tap on the screen")
        weights = [w for _, w in groups]
        group = groups[int(self.rng.choice(len(groups), p=[w / sum(weights) for w in weights]))][0]
        if group is own:  # a person mostly goes on; leaving is one button among many but not as likely
            names = {id(value): name for name, value in vars(self.view.currentWidget()).items()
                     if isinstance(value, QAbstractButton)}
            odds = [0.15 if names.get(id(b)) in LEAVING else 1.0 for b in own]
            button = own[int(self.rng.choice(len(own), p=[o / sum(odds) for o in odds]))]
        else:
            button = group[int(self.rng.integers(len(group)))]
        self.note("tap", f"{button.text() or button.objectName() or type(button).__name__!r}")
        tap(button, "button")

    def knows(self) -> None:
        """A person who knows what the screen asks does it rightly, in one step, through its widgets as the demo's
        walk does: the form's fields keyed in and Continue, a signature drawn, a company's code or a principal's
        details keyed in, the fee paid on the phone. What the kiosk refuses (a slow or upset backend, a
        company the citizen is not of) is noted, not a failure: the checks after the step judge the kiosk."""
        from entry import walkthrough as walk
        from entry.demo import DEMO_COMPANY, DEMO_PRINCIPAL

        step, gui = self.session.step.value, self.gui
        # its one button is "Back to start": 482 of 645 sessions ended there; a person come to print their licence
        # has one ready (the resident's, in the sandbox)
        doings = {"read_card": lambda: self.card((self._licence_holder() if self.licences_issued else "resident")
                                                 if self.session.purpose == "licence" else None),
                  "form": lambda: walk.fill_form(gui, None, ""),
                  "signature": lambda: walk.sign_on_pad(gui, None, ""),
                  "company": lambda: walk.company_step(gui, DEMO_COMPANY, None, ""),
                  "principal": lambda: walk.principal_step(gui, self._principal(DEMO_PRINCIPAL), None, ""),
                  # a licence where one is offered, else the paper on the camera, then the signature
                  "materials": lambda: walk.provide_materials(gui, None, ""),
                  "payment": self._pay, "choose_service": self._fee_service,
                  "licences": self._licence, "licence_preview": lambda: walk.tap(self.view.currentWidget().print,
                                                                                 "'print it' button")}
        camera = self.gui.services.devices.document_camera
        if step == "materials" and self._set_right(camera):  # staff first: no page comes from a camera at fault
            return
        self.note("knows", KNOWING[step])
        try:
            doings[step]()
        except walk.WalkError as refused:
            self.note("knows", f"not taken: {refused}")

    def _licence(self) -> None:
        """A ready licence tapped, where the list has one."""
        from entry.walkthrough import tap

        shown = [button for button in self.view.currentWidget().buttons.values() if button.isVisible()]
        if not shown:
            self.note("knows", "no licence in the list")
            return
        tap(shown[int(self.rng.integers(len(shown)))], "licence button")

    def _fee_service(self) -> None:
        """A service that charges a fee, tapped in the list where it shows (a search typed may have hidden it)."""
        from entry.walkthrough import tap

        screen = self.view.currentWidget()
        fees = [s.code for s in self.session.catalogue or () if s.fee_yuan > 0]
        shown = [screen.buttons[code] for code in fees if code in screen.buttons and screen.buttons[code].isVisible()]
        if not shown:
            self.note("knows", "no service with a fee in the list")
            return
        button = shown[int(self.rng.integers(len(shown)))]
        screen.scroll.ensureWidgetVisible(button)
        tap(button, "service button")

    def _principal(self, usual: tuple[str, str]) -> tuple[str, str]:
        """A person the sandbox knows who is not the agent (the long-term card's holder is the demo's principal)."""
        from devices.idcard.samples import sample_identity

        if self.session.identity is None or self.session.identity.id_number != usual[0]:
            return usual
        other = sample_identity("resident")
        return other.id_number, other.name

    def _pay(self) -> None:
        """The citizen's phone answers the fee's order through the payment platform (the sandbox's payment control):
        mostly paid, else the code expired or the payment cancelled on the phone (PHONE_SAYS). The kiosk sees it on
        its own. After an expiry or a cancellation the kiosk must say so and offer a new code: the citizen asks for
        one, and pays that. An order already ended when the step begins is asked anew the same way."""
        from kiosk.workflows.citizen import Step

        payment = self.session.payment
        if payment is None or not payment.status.open:
            self._new_code()
            return
        said = PHONE_SAYS[int(self.rng.choice(len(PHONE_SAYS), p=PHONE_ODDS))]
        if not self._platform(payment.order_id, said):
            return
        if not self._kiosk_sees(lambda: self.session.step is not Step.PAYMENT or self.session.payment is None
                                or self.session.payment.order_id != payment.order_id
                                or not self.session.payment.status.open, f"the order {said}"):
            return
        if said == "paid":
            self._count_fee_paid()
            return
        screen, notice = self.view.currentWidget(), self.session.notice
        if self.session.step is not Step.PAYMENT:
            self.fail(f"the order {said} on the phone, but the kiosk left the payment step for {self.session.step}")
        if notice is None or not notice.error or not screen.again.isVisible() or screen.code.isVisible():
            self.fail(f"the order {said} on the phone, but the payment screen neither says so nor offers a new code "
                      f"(notice {notice!r}, new code shown: {screen.again.isVisible()}, "
                      f"old code shown: {screen.code.isVisible()})")
        kind = {"expire": "order expired", "cancel": "order cancelled"}[said]
        self.tally.count(kind)
        self._new_code()

    def _new_code(self) -> None:
        """"New payment code" tapped, and the new order paid on the phone when it shows."""
        from entry.walkthrough import tap
        from kiosk.workflows.citizen import Step

        screen, ended = self.view.currentWidget(), self.session.payment
        if not (screen.again.isVisible() and screen.again.isEnabled()):
            self.note("knows", "no new code offered")
            return
        tap(screen.again, "'New payment code' button")
        if not self._kiosk_sees(lambda: not self.session.busy, "a new payment code"):
            return
        order = self.session.payment
        if self.session.step is not Step.PAYMENT or order is None or not order.status.open:
            self.note("knows", "no new code came (the backend upset?)")
            return
        if ended is not None and order.order_id == ended.order_id:
            self.fail(f"'New payment code' brought back the ended order {order.order_id}")
        self.tally.count("new code")
        if self._platform(order.order_id, "paid") and self._kiosk_sees(
                lambda: self.session.step is not Step.PAYMENT, "the fee paid"):
            self._count_fee_paid()

    def _count_fee_paid(self) -> None:
        """Counted when the kiosk says the fee is paid: its receipt after a submit, or the case shown again when the
        fee was paid later from My applications, which must then ask for nothing more."""
        from kiosk.workflows.citizen import Step

        if self.session.receipt is not None and self.session.receipt.fee_paid:
            self.tally.count("fee paid")
        elif self.session.step is Step.PROGRESS and self.session.progress is not None:
            if self.session.fee_due():
                self.fail("the fee was paid from My applications, yet the case still asks for it")
            self.tally.count("fee paid later")

    def _platform(self, order_id: str, said: str) -> bool:
        """The payment platform's word on ``order_id`` given to the sandbox; False (noted) when it would not take it."""
        import requests

        with self.aside():
            reply = requests.post(f"{self.gui.services.config.backend.url.rstrip('/')}/control/payments/"
                                  f"{order_id}/{said}", timeout=5)
        if not reply.ok:  # paid, expired or cancelled already
            self.note("knows", f"the phone could not say {said}: {reply.status_code}")
        return reply.ok

    def _kiosk_sees(self, seen: Callable[[], bool], what: str) -> bool:
        """The citizen watches the screen until ``seen``: the kiosk asks the backend every payment_poll_s (a monkey's
        next step came sooner, and was "Pay later" as often as not). An upset backend may keep it from seeing it:
        noted, False."""
        from entry.bench.ui_journey import wait_for

        poll_s = self.gui.services.config.terminal.payment_poll_s
        try:
            wait_for(seen, f"the kiosk to see {what}", 2 * poll_s + 2)
        except TimeoutError:
            self.note("knows", f"the kiosk did not see {what}")
            return False
        return True

    def type_text(self) -> None:
        from PySide6.QtWidgets import QLineEdit

        edits = [e for e in self.view.currentWidget().findChildren(QLineEdit)
                 if e.isVisible() and e.isEnabled() and not e.isReadOnly()]
        if not edits:
            self.tap()
            return
        value = self.type_into(edits)
        if len(value.strip()) >= 6:
            self._citizen.add(value.strip()[:40])

    def walk_away(self) -> None:
        """Nobody touches the screen: the idle time and the countdown run out on a clock of 1 ms a second;
        sometimes "More time" is tapped in the countdown."""
        from entry.walkthrough import tap

        more = self.rng.random() < 0.3
        self.note("idle", "walks away" + (", then taps More time" if more else ""))
        if self.session.at_home and self.session.notice is None:
            return
        self.view.set_second_ms(1)
        try:
            self.view.idle.start()
            if more:
                self.wait(lambda: self.view.warning.warning or self.session.at_home, "the idle countdown")
                if self.view.warning.warning:
                    self.view.set_second_ms(1000)  # a person's finger, at a person's pace
                    tap(self.view.warning.more, "'More time' button")
                    return
            self.wait(lambda: self.session.at_home and not self.view.warning.warning, "the idle session's end")
            self.tally.idle_endings += 1
        finally:
            self.view.set_second_ms(1000)

    # -- the checks ------------------------------------------------------------------------------

    def _remember_citizen(self) -> None:
        from common.masking import mask_id_number, mask_name

        session = self.session
        for person in (session.identity, session.principal):
            if person is None or not person.id_number:
                continue
            self._citizen.update(s for s in (person.name, person.id_number, mask_id_number(person.id_number),
                                             person.address) if s and len(s) >= 2)
            if len(person.name) >= 2:
                self._citizen.add(mask_name(person.name))
            self.people |= people_of(person)
        numbers = [session.receipt.case_number if session.receipt is not None else "", session.notice_number]
        for case in [*session.my_cases, *session.licences, session.progress or {}]:
            numbers += [str(case.get("case_number") or ""), str(case.get("provisional_number") or "")]
        self._citizen.update(n for n in numbers if len(n) >= 8)
        self._citizen.update(str(v).strip()[:40] for v in session.form_values.values()
                             if len(str(v).strip()) >= 6 and not re.fullmatch(r"[a-z_]+", str(v)))  # not a choice
        company = session.company
        if company is not None:  # it held the bound method ``name``, never a name, until the monkey found a company
            self._citizen.update(s for s in (company.name_zh, company.name_en, company.credit_code) if len(s) >= 2)

    def check(self) -> None:
        from PySide6.QtWidgets import QAbstractButton

        self.tally.steps += 1
        self.check_errors_and_size()
        screen = self.view.currentWidget()
        if screen is not self.view.current_screen():
            self.fail(f"the window shows {type(screen).__name__}, the session is at {self.session.step.value}")
        if not any(b.isVisible() and b.isEnabled() for b in screen.findChildren(QAbstractButton)):
            self.fail(f"{type(screen).__name__} ({self.session.step.value}) has nothing a person can tap")
        for shown in visible_texts(screen) + visible_texts(self.view.warning):
            problem = screen_problem(shown, self._citizen)  # the citizen's own text may be shown back to them
            if problem:
                self.fail(f"{type(screen).__name__} {problem}")
        if self.session.generation != self._generation:
            self._generation = self.session.generation
            self.tally.sessions_ended += 1
            self._wipe_due = True
        if self._wipe_due and self.session.at_home:  # a session ended elsewhere (withdrawn) is checked at home
            self._wipe_due = False
            self.check_wiped()

    def check_wiped(self) -> None:
        from common.i18n import language

        session = self.session
        left = {name: getattr(session, name) for name in (
            "identity", "principal", "company", "application", "receipt", "service", "checklist", "signature",
            "payment", "progress", "licence_preview", "apply_as", "capture_code", "card_front", "withdrawn")
            if getattr(session, name) is not None}
        left.update({name: getattr(session, name) for name in (
            "consents", "form_values", "drafts_found", "my_cases", "licences", "offered_licences", "company_code",
            "service_query", "notice_number", "licence_printed", "catalogue") if getattr(session, name)})
        if session._pending_card is not None or session._pending_token is not None:
            left["pending card or token"] = True
        if session._masker._names:
            left["masker names"] = list(session._masker._names)
        if session.evaluation.comment:
            left["evaluation comment"] = session.evaluation.comment
        if left:
            self.fail(f"the session ended with {sorted(left)} left")
        if language() != self.window.default_language or self.window.elderly:
            self.fail(f"the next citizen finds language {language()}, large text {self.window.elderly}")
        held = held_by(self.window, self._citizen)
        if held:
            self.fail("the session ended, yet the citizen's data remains:\n    " + "\n    ".join(held))
        if self.memory_due():
            held = self.memory_holds(self._citizen)
            if held:
                self.fail("the session ended, yet the kiosk's memory holds what was the citizen's:\n    "
                          + "\n    ".join(held[:10]))
        self._citizen = set()


# -- the bench -------------------------------------------------------------------------------------

def kiosk_config(url: str, data_dir: Path, terminal_id: str | None = None, a4_queue: str = ""):
    """``a4_queue``: the A4 printer through that CUPS queue, checked every second, rather than simulated."""
    from kiosk.config import load_config

    a4 = {"document_printer": {"type": "cups", "printer": a4_queue, "timeout_s": 10, "check_every_s": 1,
                               "printed_within_s": 20}} if a4_queue else {}
    return load_config(environ={}, overrides={
        "backend": {"url": url, "retries": 0, "connect_timeout_s": 1.0, "read_timeout_s": 2.0},
        "paths": {"data_dir": str(data_dir)}, "logging": {"console": False},
        "terminal": {"demo": True, "idle_timeout_s": 60, "idle_warning_s": 20, **terminal_named(terminal_id)},
        "voice": {"engine": "espeak-ng"},
        "devices": {"id_reader": {"type": "sim", "pace": False},
                    "document_camera": {"type": "sim", "still_s": 0.4, "page_s": 1.0}, **a4}})


def open_kiosk(url: str, data_dir: Path, terminal_id: str | None = None, freeze: bool = True, a4_queue: str = ""):
    return open_terminal(kiosk_config(url, data_dir, terminal_id, a4_queue), "kiosk", freeze)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from entry.bench import monkey_common

    monkey_common.add_arguments(parser)
    monkey_common.add_a4_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from entry.bench import monkey_common

    a4 = monkey_common.bench_a4_printer(args)
    if a4 is None:
        return run_seeds(args, "ui-monkey", open_kiosk, lambda gui, seed, echo: Monkey(gui, seed, echo=echo))

    def make_monkey(gui, seed, echo):
        monkey = Monkey(gui, seed, echo=echo)
        monkey.devices.append((a4, a4.faults))  # upset as a simulator's faults are
        monkey.licences_issued = True  # licences to print on it, more than the sandbox's one
        a4.inject("clear")  # each seed begins with the printer ready
        return monkey

    try:
        return run_seeds(args, "ui-monkey", lambda url, data_dir, terminal_id: open_kiosk(
            url, data_dir, terminal_id, a4_queue=a4.name), make_monkey)
    finally:
        print(f"ui-monkey: {a4.tally()}")
        a4.remove()
