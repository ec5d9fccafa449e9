"""``kiosk bench maintenance-monkey``: a seeded monkey on maintenance (hall staff at a kiosk), checking after every step.

It picks with a seeded ``numpy.random.Generator`` one thing hall staff, a passer-by or a device could do next:
tap one of the visible, enabled buttons (sign in, the break-glass keypad's keys, "Back to staff sign-in", the
self-tests, the test print and voice, the audit check, "Diagnostics", "Read again", "Back to devices", "Sign
out", the touch keyboard's keys, the header's language), type odd text into a field, sign in (the maintenance
staff member with the right password, a clerk who has no maintenance role, a wrong password), enter the
break-glass PIN (right, or wrong until the pad locks), put a simulated device at fault (a printer out of
paper, a reader unplugged, a camera giving no picture or hanging, a printer that never answers or is slow...) or
set it right, lay an ID card or hold a code to the scanner, upset the backend through the sandbox's fault switch
(``POST /control/faults``: down, errors, slow past the read timeout, dropped connections, lost replies, unsigned or
forged answers) or set it right, and walk away: the idle sign-out's second shortened (ui/staff_idle.py) until
staff are signed out.

After every step, once maintenance is no longer busy (its sign-in answered and every task it started on the
task pool back on the GUI thread: waited on, never slept), it checks:

- no exception reached ``sys.excepthook`` or ``threading.excepthook``; the window keeps its size; the step held
  the GUI thread no longer than 1 s without turning its event loop (entry/bench/gui_stall.py ``StallMeter``);
- signed in, the devices or the diagnostics page is shown; signed out, the sign-in or the PIN pad, and
  something on it can be tapped;
- nothing on the screen reads like a traceback or a template, and in Chinese no English sentence (the log's
  lines and the settings' keys on the diagnostics page are shown as written);
- each action staff took signed in (self-tests, test print, test voice, the audit check, diagnostics) is in the
  audit trail under whoever unlocked it, and the trail verifies;
- no password or PIN typed is in the audit trail, on a screen's labels or in the log's newest lines;
- after a sign-out (the button or the idle time) the sign-in's fields and the PIN's are empty, and the trail's
  last entry says how it ended (``maintenance_sign_out``, ``signed_out_idle``).

Not exercised: a lockout longer than the configured 10 s.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

from entry.bench import monkey_common
from entry.bench.monkey_common import (SeededMonkey, open_terminal, run_seeds, screen_problem, terminal_named,
                                       visible_texts)

__all__ = ["MaintenanceMonkey", "add_arguments", "maintenance_config", "open_maintenance", "run"]

STAFF = ("XH0004", "demo-XH0004")  # the sandbox's maintenance staff member (sandbox/data)
CLERK = ("XH0001", "demo-XH0001")  # a clerk: no maintenance role
PIN = "246810"  # the demo configuration's break-glass PIN
# Buttons that leave a page or lock maintenance: tapped less often, so the monkey gets round the pages
LEAVING = {"sign_out": 0.15, "back": 0.3}
# What each of the devices page's and diagnostics page's buttons records in the audit trail
AUDITED = {"self_test": "self_tests", "test_print": "test_print", "test_a4": "test_print_a4", "test_voice": "voice_test",
           "more": "diagnostics", "check_audit": "audit_check"}


class MaintenanceMonkey(SeededMonkey):
    """Random steps on one maintenance ``gui`` (``ui.app.Gui`` in mode "maintenance", shown and started)."""

    def __init__(self, gui, seed: int, wait_s: float = 30.0, echo: Callable[[str], None] | None = None) -> None:
        from kiosk.logging_setup import LOG_FILE, log_dir

        super().__init__(gui, seed, wait_s, echo)
        self.view = gui.window.view
        self.access = self.view.access
        self.audit = gui.services.audit
        self.log_file = log_dir(gui.services.config.data_dir) / LOG_FILE
        self._secrets: set[str] = set()  # passwords and PINs typed: never on a screen, in the trail or the log
        self._typed: set[str] = set()  # what anyone typed, which may be shown back as it is
        self._pending = 0  # tasks started on the pool whose answer has not reached the GUI thread
        self._count_tasks(gui.services.tasks)

    def _count_tasks(self, tasks) -> None:
        """Counts the task pool's work in flight, so a step waits until its answers are on the screen (the
        self-tests, the audit check, the log and the hall's terminals are read there)."""
        run = tasks.run

        def counted(fn, on_done, on_error) -> None:
            self._pending += 1

            def done(result) -> None:
                self._pending -= 1
                on_done(result)

            def failed(exc) -> None:
                self._pending -= 1
                on_error(exc)

            run(fn, done, failed)

        tasks.run = counted

    def screen(self):
        return self.view.currentWidget()

    def settle(self, what: str) -> None:
        self.wait(lambda: not self.access.busy and self._pending == 0, f"{what}: maintenance no longer busy")

    # -- one step --------------------------------------------------------------------------------

    def step(self) -> None:
        unlocked = self.access.unlocked
        if not unlocked and self.screen() is self.view.sign_in and self.rng.random() < 0.25:
            self.sign_in()
        elif not unlocked and self.screen() is self.view.pin and self.rng.random() < 0.3:
            self.enter_pin()
        elif not unlocked and self.screen() is self.view.sign_in and self.rng.random() < 0.08:
            self.note("tap", "use_pin")  # one button among the keyboard's forty: tapped as often as "sign in"
            from entry.walkthrough import tap

            tap(self.view.use_pin, "'Break-glass PIN' button")
        else:
            weights = {self.tap: 0.55, self.type_text: 0.10, self.device_fault: 0.12, self.card: 0.06,
                       self.code: 0.05, self.walk_away: 0.02 if unlocked else 0.0, self.backend_fault: 0.04}
            actions = [a for a in weights if weights[a]]
            self.pick(actions, [weights[a] for a in actions])()
        self.settle(self.trail[-1] if self.trail else "the step")

    def sign_in(self) -> None:
        from PySide6.QtTest import QTest

        from entry.walkthrough import settle, tap

        screen = self.view.sign_in
        who = self.pick(["staff", "clerk", "wrong"], [0.6, 0.2, 0.2])
        staff_id, password = {"staff": STAFF, "clerk": CLERK}.get(who, (STAFF[0], f"wrong-{self.rng.integers(1000)}"))
        self.note("sign_in", f"{staff_id} ({who})")
        self._secrets.add(password)
        for edit, value in ((screen.staff_id, staff_id), (screen.password, password)):
            tap(edit, "field")
            edit.selectAll()
            QTest.keyClicks(edit, value)
        settle()
        tap(screen.sign_in, "'Sign in' button")
        self.settle("the sign-in's answer")
        if who != "staff" and self.access.unlocked:
            self.fail(f"{staff_id} ({who}) unlocked maintenance")
        if who == "staff" and not self._backend_faults and self.access.actor != STAFF[0]:
            self.fail(f"the maintenance staff member was refused: {screen.notice.text()!r}")

    def enter_pin(self) -> None:
        from entry.walkthrough import tap

        pad = self.view.pin
        right = self.rng.random() < 0.5
        pin = PIN if right else "".join(str(d) for d in self.rng.integers(0, 10, size=int(self.rng.integers(1, 9))))
        if pin == PIN and not right:
            pin += "0"
        self.note("pin", "the right PIN" if right else f"a wrong PIN of {len(pin)} digits")
        self._secrets.add(pin)
        pad.entry.clear()
        for key in pin:
            tap(pad.keys[key], "key")
        if not pad.keys["✓"].isEnabled():
            return
        tap(pad.keys["✓"], "✓")
        self.settle("the PIN's answer")
        if not right and self.access.unlocked:
            self.fail("a wrong PIN unlocked maintenance")

    def _buttons(self) -> tuple[list, list]:
        from PySide6.QtWidgets import QAbstractButton

        def usable(widgets):
            return [w for w in widgets if w.isVisible() and w.isEnabled()]

        return usable(self.screen().findChildren(QAbstractButton)), usable([self.window.language_button])

    def tap(self) -> None:
        from PySide6.QtWidgets import QAbstractButton

        from entry.walkthrough import tap

        own, header = self._buttons()
        groups = [(g, w) for g, w in [(own, 0.92), (header, 0.08)] if g]
        if not groups:
            self.fail("nothing to tap on the screen")
        group = self.pick([g for g, _ in groups], [w for _, w in groups])
        names: dict[int, str] = {}
        if group is own:
            names = {id(value): name for name, value in vars(self.screen()).items() if isinstance(value, QAbstractButton)}
            button = self.pick(own, [LEAVING.get(names.get(id(b)), 1.0) for b in own])
        else:
            button = self.pick(group)
        name = names.get(id(button), "")
        self.note("tap", f"{name or button.text() or type(button).__name__!r}")
        actor, audited = self.access.actor, AUDITED.get(name)
        self.audit.flush()
        before = self.audit.written().count
        if name == "sign_out":
            self.tally.sessions_ended += 1
        tap(button, "button")
        self.settle(f"the answer to {name or button.text()!r}")
        if audited and actor and not self._wrote(audited, actor, before):
            self.fail(f"{name!r} tapped by {actor}, yet no {audited!r} entry of theirs in the audit trail")
        if name == "sign_out":
            self._check_signed_out("maintenance_sign_out", actor)

    def _wrote(self, action: str, actor: str, since: int) -> bool:
        """Whether the trail has an entry of ``actor``'s ``action`` from entry ``since`` on."""
        self.audit.flush()
        return any(e.get("action") == action and e.get("actor") == actor for e in self.audit.since(since))

    def type_text(self) -> None:
        from PySide6.QtWidgets import QLineEdit

        edits = [e for e in self.screen().findChildren(QLineEdit) if e.isVisible() and e.isEnabled()]
        if not edits:
            self.tap()
            return
        typed = self.type_into(edits)
        self._typed.add(typed)

    def device_fault(self) -> None:
        if not self.devices:
            self.tap()
            return
        super().device_fault()

    def walk_away(self) -> None:
        """Staff walk away: the idle sign-out's second shortened to a millisecond until it has signed them out."""
        idle = self.view.idle
        actor = self.access.actor
        self.note("walk_away", f"idle {idle.idle.interval() // 1000} s, then the countdown")
        idle.set_second_ms(1)
        try:
            self.wait(lambda: not self.access.unlocked, "idle staff to be signed out", 15)
        finally:
            idle.set_second_ms(1000)
        self.tally.sessions_ended += 1
        self.tally.idle_endings += 1
        self._check_signed_out("signed_out_idle", actor)

    # -- checks ----------------------------------------------------------------------------------

    def _check_signed_out(self, how: str, actor: str) -> None:
        from PySide6.QtCore import QCoreApplication

        QCoreApplication.processEvents()
        if self.access.unlocked:
            self.fail(f"still unlocked by {self.access.actor} after {how}")
        self.audit.flush()
        last = next(reversed(self.audit.recent), {})
        if (last.get("action"), last.get("actor")) != (how, actor):
            self.fail(f"{actor} signed out ({how}), yet the trail's last entry is {last.get('action')!r} "
                      f"of {last.get('actor')!r}")
        left = [name for name, edit in (("staff id", self.view.sign_in.staff_id),
                                        ("password", self.view.sign_in.password), ("PIN", self.view.pin.entry))
                if edit.text()]
        if left:
            self.fail(f"signed out ({how}), the next person finds the {', '.join(left)} field filled in")

    def check(self) -> None:
        view = self.view
        self.tally.steps += self._step > 0
        self.check_errors_and_size()
        screen = self.screen()
        expected = (view.status, view.diagnostics) if self.access.unlocked else (view.sign_in, view.pin)
        if screen not in expected:
            self.fail(f"shows {type(screen).__name__} while {'unlocked' if self.access.unlocked else 'locked'}")
        own, _header = self._buttons()
        if not own:
            self.fail(f"{type(screen).__name__} has nothing staff can tap")
        shown = visible_texts(screen)
        # the log's lines and the settings' keys are shown as written (the project's English, masked): staff read
        # them to support, whose files say the same
        verbatim = {view.diagnostics.log_lines.text(), view.diagnostics.config_lines.text()}
        for text in shown:
            problem = None if text in verbatim else screen_problem(text, self._typed)
            if problem:
                self.fail(f"{type(screen).__name__} {problem}")
        report = self.audit.verify()
        if not report.ok:
            self.fail(f"the audit trail does not verify: {report}")
        self._check_secrets(shown)

    def _check_secrets(self, shown: list[str]) -> None:
        """No password or PIN typed in the trail's last entries or on the screen's labels; no password in the log's
        end (a PIN's digits are looked for there only in words: a log line's numbers hold any six digits)."""
        secrets = {s for s in self._secrets if len(s) >= 6 and s not in self._typed}  # 1-5 digits are in any number
        if not secrets:
            return
        said = [f"{e.get('actor', '')} {e.get('action', '')} {e.get('detail', '')}" for e in self.audit.recent[-20:]]
        said += shown
        try:
            with open(self.log_file, "rb") as fh:
                fh.seek(max(0, fh.seek(0, 2) - 16384))
                log = fh.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            log = ""
        for secret in secrets:
            where = [s for s in said if secret in s]
            if not secret.isdigit() and secret in log:
                where.append("the log's end")
            if where:
                self.fail(f"a password or PIN typed ({len(secret)} characters) is in {where[0][:120]!r}")


# -- the bench -------------------------------------------------------------------------------------

def maintenance_config(url: str, data_dir: Path, terminal_id: str | None = None):
    from kiosk.config import load_config

    return load_config(environ={}, overrides={
        "backend": {"url": url, "retries": 0, "connect_timeout_s": 1.0, "read_timeout_s": 2.0},
        "paths": {"data_dir": str(data_dir)}, "logging": {"console": False},
        "terminal": {"demo": True, "mode": "maintenance", "pin_lockout_s": 10, **terminal_named(terminal_id)},
        "devices": {"id_reader": {"type": "sim", "pace": False}}})


def open_maintenance(url: str, data_dir: Path, terminal_id: str | None = None):
    """A maintenance terminal, its log written as ``kiosk run`` writes it (the monkey reads its end for passwords);
    the last seed's log handlers taken off first."""
    import logging

    from common.masking import Masker
    from kiosk.logging_setup import configure_logging, log_dir

    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_onetrip", False)]:
        root.removeHandler(handler)
        handler.close()
    configure_logging(log_dir(data_dir), Masker(), "INFO", console=False)
    return open_terminal(maintenance_config(url, data_dir, terminal_id), "maintenance")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    monkey_common.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    return run_seeds(args, "maintenance-monkey", open_maintenance,
                     lambda gui, seed, echo: MaintenanceMonkey(gui, seed, echo=echo))
