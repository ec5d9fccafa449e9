"""``kiosk bench ui-monkey``: a seeded monkey on the citizen kiosk, checking after every step that nothing broke.

From the home screen it picks, with a seeded ``numpy.random.Generator``, one thing a person (or a
device) could do next: tap one of the visible, enabled buttons of the current screen, its touch
keyboard's keys or the header's; type into one of the screen's line edits (Chinese, emoji, very long
text, NUL, format placeholders, markup); lay an ID card on the simulated reader (a real one, an
expired one, a broken one) or lift it; hold a code to the simulated scanner (a valid app code or
receipt, garbage, hostile text); or walk away and let the idle time and its countdown run out on the
kiosk's own clock, shortened (``KioskView.set_second_ms``) instead of slept through.

After every step, once the kiosk is no longer busy (waited on, never slept), it checks:

- no exception reached ``sys.excepthook`` (Qt slots, posted calls) or ``threading.excepthook``;
- the window keeps its size, shows the session's screen, and that screen has something a person can tap;
- nothing on the screen reads like a traceback or a template, and in Chinese no English sentence;
- when a session has ended, nothing of its citizen remains: the session's fields are empty, the
  masker knows no name, the hall's language and text size are back, and no widget of the window,
  shown or hidden, holds the citizen's name, ID number (whole or masked), address, case number or
  anything they typed.

Every step is recorded in a trail (``--trail FILE`` writes it as JSON on a failure); the same seed
walks the same steps again, so a failure is replayed with ``--seed``. The sandbox backend runs in
this process on loopback, as the tests' does.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

# Sample cards a citizen might lay down (devices/idcard/samples.py), broken ones included.
CARDS = ("resident", "resident", "resident_long_term", "expired", "hmt_residence", "foreigner_2017",
         "foreigner_2023", "wrong_check_digit", "impossible_date", "unknown_type")
# The sandbox's app tokens (sandbox/data/applicants.json) of two people, and codes of every kind.
VALID_CODES = ("ZLBID1:ZLB-CQTJKSZPRFK5CKNC7JBD4R6C", "ZLBID1:ZLB-C6PKYQJR2I5PSGRGIUF7KFEB",
               "OTR1:SQ2026112000007", "OTL1:LIC-SQ2026112500003:K7Q2M4XA", "OTP1:PO20261127A1B2C3D4:10.00")
HOSTILE_CODES = ("javascript:alert(1)", "file:///etc/passwd", "https://example.com/pay", "ZLBID1:" + "A" * 200,
                 "ZLBID1:", "ZLBID1:ZLB-' OR 1=1 --", "OTR1:SQ2026130100001", "OTR1:{case}%s%d",
                 "OTP1:PO1:99999999999.00", "OTL1:../../etc:AAAAAAAA", "OTR1:ＳＱ２０２６１１２０００００７",
                 "\x00\x01\x02\x1b[2J", "<script>alert(1)</script>", "{message}{0}{name}", "Z" * 5000,
                 "ZLBID1:ZLB-CQTJKSZPRFK5CKNC7JBD4R6C\nOTR1:SQ2026112000007", "二维码测试😀", "\u202eRTL\u200b")
CHINESE = "张王李赵测试浙江省杭州市西湖区示例路号日用百货零售身份证申请材料营业执照个体工商户"
EMOJI = ("😀", "🙈", "🇨🇳", "👨‍👩‍👧", "🀄", "🧧")
ODD_TEXT = ("%s %d %(name)s", "{0} {name} {message}", "<b>bold</b>&amp;", "'; DROP TABLE cases; --", "\x00",
            "a\x00b", "\u202e\u200b\u0301", "\t\r\n", "１２３４５６", "Ⅻ", "\ufeff", "ﷺ", "𝒜𝒷𝒸")

LIFTED_S = 0.5  # a card lifted stays off the reader at least this long
# Buttons that end the session or step back: tapped less often than the others, so the monkey gets deep.
LEAVING = {"back", "finish", "home", "decline", "later", "withdraw", "cancel", "sign_out"}
# What must never be on a citizen's screen: a traceback, an object's repr, a placeholder left unfilled.
LEAKS = re.compile(r"Traceback|File \"|Error\(|Exception|object at 0x|<[a-z_.]+ object|\{[a-z_]+\}|^None$|%\(")
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,.'-]+[A-Za-z]{2,}){3,}")  # four English words in a row
CJK = re.compile(r"[\u4e00-\u9fff]")


class MonkeyFailure(AssertionError):
    """What broke, at which step of which seed; ``trail`` holds every step up to it."""

    def __init__(self, seed: int, step: int, what: str, trail: list[str]) -> None:
        tail = "\n  ".join(trail[-25:])
        super().__init__(f"seed {seed}, step {step}: {what}\n last steps:\n  {tail}")
        self.seed, self.step, self.what, self.trail = seed, step, what, trail


@dataclass
class Tally:
    steps: int = 0
    sessions_ended: int = 0
    idle_endings: int = 0
    by_action: dict[str, int] = field(default_factory=dict)
    screens: set[str] = field(default_factory=set)


class Errors:
    """Exceptions that reach the process's hooks while installed; each hook chains to the one before
    (under pytest, pytest-qt's: the test fails as well)."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._before: tuple | None = None

    def __enter__(self) -> "Errors":
        import traceback

        previous, previous_thread = sys.excepthook, threading.excepthook

        def hook(kind, value, tb) -> None:
            self.seen.append("".join(traceback.format_exception(kind, value, tb)))
            previous(kind, value, tb)

        def thread_hook(args) -> None:
            self.seen.append(f"in thread {getattr(args.thread, 'name', '?')}: " + "".join(
                traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)))
            previous_thread(args)

        self._before = (previous, previous_thread)
        sys.excepthook, threading.excepthook = hook, thread_hook
        return self

    def __exit__(self, *exc: object) -> None:
        sys.excepthook, threading.excepthook = self._before


def widget_texts(root) -> list[tuple[str, str]]:
    """Every text a widget under ``root`` holds, shown or hidden (labels, buttons, fields, list entries),
    with where it is: the widget's class and the classes of its parents."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QListWidget, QPlainTextEdit, QTextEdit

    texts: list[tuple[str, str]] = []
    for widget in [root, *root.findChildren(QLabel), *root.findChildren(QAbstractButton),
                   *root.findChildren(QLineEdit), *root.findChildren(QListWidget),
                   *root.findChildren(QTextEdit), *root.findChildren(QPlainTextEdit)]:
        where = "/".join(reversed([type(w).__name__ for w in ancestry(widget, root)]))
        if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
            texts.append((where, widget.text()))
        elif isinstance(widget, QListWidget):
            texts.extend((where, widget.item(row).text()) for row in range(widget.count()))
        elif isinstance(widget, (QTextEdit, QPlainTextEdit)):
            texts.append((where, widget.toPlainText()))
    return [(where, t) for where, t in texts if t]


def ancestry(widget, root) -> list:
    chain = []
    while widget is not None and widget is not root:
        chain.append(widget)
        widget = widget.parentWidget()
    return chain


def visible_texts(root) -> list[str]:
    from PySide6.QtWidgets import QAbstractButton, QLabel, QListWidget

    texts = [w.text() for w in root.findChildren(QLabel) + root.findChildren(QAbstractButton) if w.isVisible()]
    for items in root.findChildren(QListWidget):
        if items.isVisible():
            texts.extend(items.item(row).text() for row in range(items.count()))
    return [t for t in texts if t]


def random_text(rng) -> str:
    kind = rng.integers(8)
    if kind == 0:
        return "".join(rng.choice(list(CHINESE), size=int(rng.integers(1, 12))))
    if kind == 1:
        return "".join(rng.choice(EMOJI, size=int(rng.integers(1, 6))))
    if kind == 2:
        return str(rng.choice(["x", "测", "9", "😀"])) * int(rng.choice([300, 5000, 20000]))
    if kind == 3:
        return str(rng.choice(ODD_TEXT))
    if kind == 4:
        return "".join(str(d) for d in rng.integers(0, 10, size=int(rng.choice([1, 6, 11, 18, 40]))))
    if kind == 5:
        return "monkey" + "".join(rng.choice(list("abcdefghjkmnpqrstuvwxyz"), size=6))
    if kind == 6:
        return "".join(chr(int(c)) for c in rng.integers(0x20, 0x2FFF, size=int(rng.integers(1, 30)))
                       if not 0xD800 <= c <= 0xDFFF)
    return ""  # cleared


class Monkey:
    """Random steps on one kiosk ``gui`` (``ui.app.Gui``, shown and started), checked after each."""

    def __init__(self, gui, seed: int, wait_s: float = 30.0, echo: Callable[[str], None] | None = None,
                 voice: bool = True) -> None:
        """``voice``: the header's voice and repeat buttons are among the buttons tapped (the bench; the
        test leaves them out: with voice on, prompts a fast monkey cuts off queue up on the task pool)."""
        import numpy as np

        self.gui, self.seed, self.wait_s = gui, seed, wait_s
        self.rng = np.random.default_rng(seed)
        self.window, self.view, self.session = gui.window, gui.window.view, gui.window.session
        self.reader = gui.services.devices.id_reader
        self.scanner = gui.services.devices.qr_scanner
        self.voice = voice
        self.trail: list[str] = []
        self.echo = echo  # told each step as it is taken (a crash of the process leaves the trail so far)
        self.tally = Tally()
        self.errors: Errors | None = None
        self._reads = self._codes = 0
        self._card_on = False
        self._citizen: set[str] = set()  # what the current session's citizen showed or typed
        self._generation = self.session.generation
        self._wipe_due = False
        self._size = gui.window.size()
        self._step = 0
        gui.bridge.card_read.connect(self._read)
        gui.bridge.card_failed.connect(self._read)
        gui.bridge.code_scanned.connect(self._scanned)

    # -- running ---------------------------------------------------------------------------------

    def run(self, steps: int, watchdog_s: float | None = None) -> Tally:
        """``watchdog_s``: a step that holds the GUI thread longer has every thread's stack written to stderr
        (the waits time out only while the event loop turns)."""
        import faulthandler

        with Errors() as self.errors:
            self._settle("the home screen")
            for self._step in range(1, steps + 1):
                if watchdog_s:
                    faulthandler.dump_traceback_later(watchdog_s, repeat=True, file=sys.stdout)
                try:
                    self.step()
                    self.check()
                finally:
                    if watchdog_s:
                        faulthandler.cancel_dump_traceback_later()
        return self.tally

    def _read(self, *_args) -> None:
        self._reads += 1

    def _scanned(self, *_args) -> None:
        self._codes += 1

    def fail(self, what: str) -> None:
        raise MonkeyFailure(self.seed, self._step, what, self.trail)

    def note(self, action: str, detail: str) -> None:
        screen = type(self.view.currentWidget()).__name__
        self.trail.append(f"{self._step:5d} {screen:<22} {action}: {detail}")
        if self.echo is not None:
            self.echo(self.trail[-1])
        self.tally.by_action[action] = self.tally.by_action.get(action, 0) + 1
        self.tally.screens.add(screen)

    def _wait(self, condition: Callable[[], bool], what: str, timeout_s: float | None = None) -> None:
        from entry.bench.ui_journey import wait_for

        try:
            wait_for(condition, what, self.wait_s if timeout_s is None else timeout_s)
        except TimeoutError as exc:
            import faulthandler

            faulthandler.dump_traceback(file=sys.stdout, all_threads=True)  # what each thread was doing
            self.fail(f"stuck: {exc}")

    def _settle(self, what: str) -> None:
        from kiosk.workflows.citizen import Step

        waiting = (Step.SUBMITTING, Step.PRINTING)  # the screens a person only watches
        self._wait(lambda: not self.session.busy and self.session.step not in waiting,
                   f"{what}: the session no longer busy")

    # -- one step --------------------------------------------------------------------------------

    def step(self) -> None:
        roll = float(self.rng.random())
        if roll < 0.70:
            self.tap()
        elif roll < 0.82:
            self.type_text()
        elif roll < 0.89:
            self.card()
        elif roll < 0.96:
            self.code()
        else:
            self.walk_away()
        self._remember_citizen()
        self._settle(self.trail[-1] if self.trail else "the step")
        self._remember_citizen()

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

    def type_text(self) -> None:
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QLineEdit

        from entry.walkthrough import settle, tap

        edits = [e for e in self.view.currentWidget().findChildren(QLineEdit)
                 if e.isVisible() and e.isEnabled() and not e.isReadOnly()]
        if not edits:
            self.tap()
            return
        edit = edits[int(self.rng.integers(len(edits)))]
        value = random_text(self.rng)
        self.note("type", f"{edit.objectName() or edit.placeholderText()[:20]!r} <- {value[:40]!r}"
                  f"{f' ({len(value)} chars)' if len(value) > 40 else ''}")
        tap(edit, "field")
        if self.rng.random() < 0.5:
            edit.selectAll()
        if len(value) <= 40 and value.isascii() and value.isprintable():
            QTest.keyClicks(edit, value)  # key by key, as a hardware keyboard types (QTest maps ASCII only)
        else:
            edit.insert(value)  # as an input method commits it: whole
        settle()
        if len(value.strip()) >= 6:
            self._citizen.add(value.strip()[:40])

    def card(self) -> None:
        if self._card_on:
            self.note("card", "lifted")
            self.reader.remove_card()
            self._card_on = False
            # a hand takes longer to lay a card down again than the reader takes to see it gone (2 polls of
            # 0.15 s): lifted and laid within that, it is the same placement, read once (seed 80 was stuck)
            until = time.monotonic() + LIFTED_S
            self._wait(lambda: time.monotonic() >= until, "the card to be seen gone")
            return
        sample = str(self.rng.choice(CARDS))
        self.note("card", f"placed {sample}")
        reads = self._reads
        self.reader.place_card(sample)
        self._card_on = True
        self._wait(lambda: self._reads > reads, f"the reader to report the {sample} card", 15)

    def code(self) -> None:
        roll = self.rng.random()
        if roll < 0.4:
            payload = str(self.rng.choice(VALID_CODES))
        elif roll < 0.8:
            payload = str(self.rng.choice(HOSTILE_CODES))
        else:
            payload = "".join(chr(int(c)) for c in self.rng.integers(1, 0x7F, size=int(self.rng.integers(1, 300))))
        self.note("code", repr(payload[:60]))
        codes = self._codes
        self.scanner.present(payload)
        self._wait(lambda: self._codes > codes, "the scanner to report the code", 15)

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
                self._wait(lambda: self.view.warning.warning or self.session.at_home, "the idle countdown")
                if self.view.warning.warning:
                    self.view.set_second_ms(1000)  # a person's finger, at a person's pace
                    tap(self.view.warning.more, "'More time' button")
                    return
            self._wait(lambda: self.session.at_home and not self.view.warning.warning, "the idle session's end")
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
        numbers = [session.receipt.case_number if session.receipt is not None else "", session.notice_number]
        for case in [*session.my_cases, *session.licences, session.progress or {}]:
            numbers += [str(case.get("case_number") or ""), str(case.get("provisional_number") or "")]
        self._citizen.update(n for n in numbers if len(n) >= 8)
        self._citizen.update(str(v).strip()[:40] for v in session.form_values.values()
                             if len(str(v).strip()) >= 6 and not re.fullmatch(r"[a-z_]+", str(v)))  # not a choice
        if session.company is not None and getattr(session.company, "name", ""):
            self._citizen.add(session.company.name)

    def check(self) -> None:
        from PySide6.QtWidgets import QAbstractButton

        from common.i18n import language

        self.tally.steps += 1
        if self.errors.seen:
            self.fail("an exception reached the excepthook:\n" + self.errors.seen[0])
        screen = self.view.currentWidget()
        if self.window.size() != self._size:  # a text too long for its line widens the layout, and the window
            self.fail(f"the window grew from {self._size.toTuple()} to {self.window.size().toTuple()} "
                      f"on {type(screen).__name__}")
        if screen is not self.view.current_screen():
            self.fail(f"the window shows {type(screen).__name__}, the session is at {self.session.step.value}")
        if not any(b.isVisible() and b.isEnabled() for b in screen.findChildren(QAbstractButton)):
            self.fail(f"{type(screen).__name__} ({self.session.step.value}) has nothing a person can tap")
        for shown in visible_texts(screen) + visible_texts(self.view.warning):
            if any(t in shown for t in self._citizen):
                continue  # the citizen's own text, shown back to them
            if LEAKS.search(shown):
                self.fail(f"{type(screen).__name__} shows {shown[:200]!r}")
            if language() == "zh_CN" and not CJK.search(shown) and ENGLISH.search(shown):
                self.fail(f"{type(screen).__name__} shows English in Chinese: {shown[:200]!r}")
        if self.session.generation != self._generation:
            self._generation = self.session.generation
            self.tally.sessions_ended += 1
            self._wipe_due = True
        if self._wipe_due and self.session.at_home:  # a session ended elsewhere (withdrawn) is checked at home
            self._wipe_due = False
            self.check_wiped()

    def check_wiped(self) -> None:
        from PySide6.QtCore import QCoreApplication, QEvent

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
        # widgets a screen let go of (clear_layout) are deleted when the event loop next turns: gone, not kept
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        texts = widget_texts(self.window)
        held = sorted({f"{where} holds {needle[:40]!r}" for needle in self._citizen for where, t in texts
                       if needle in t})
        if held:
            self.fail("the session ended, yet the citizen's data remains:\n    " + "\n    ".join(held))
        self._citizen = set()


# -- the bench -------------------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--steps", type=int, default=2000, help="steps per seed")
    parser.add_argument("--seed", type=int, default=1, help="the first seed")
    parser.add_argument("--seeds", type=int, default=1, help="how many seeds, from --seed on (one kiosk each)")
    parser.add_argument("--trail", type=Path, help="write each failure's whole trail here (JSON)")
    parser.add_argument("--verbose", action="store_true", help="print every step as it is taken")


def kiosk_config(url: str, data_dir: Path):
    from kiosk.config import load_config

    return load_config(environ={}, overrides={
        "backend": {"url": url, "retries": 0, "connect_timeout_s": 1.0, "read_timeout_s": 2.0},
        "paths": {"data_dir": str(data_dir)}, "logging": {"console": False},
        "terminal": {"demo": True, "idle_timeout_s": 60, "idle_warning_s": 20},
        "voice": {"engine": "espeak-ng"},
        "devices": {"id_reader": {"type": "sim", "pace": False},
                    "document_camera": {"type": "sim", "still_s": 0.4, "page_s": 1.0}}})


def open_kiosk(url: str, data_dir: Path):
    from entry.bench.ui_journey import wait_for
    from ui.app import Gui

    gui = Gui(kiosk_config(url, data_dir), "kiosk")
    gui.window.resize(1280, 800)
    gui.window.show()
    wait_for(lambda: gui.started, "the kiosk to start", 60)
    return gui


def run(args: argparse.Namespace) -> int:
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from common.i18n import set_language
    from sandbox.server import SandboxServer

    if args.steps < 1 or args.seeds < 1:
        print("kiosk bench ui-monkey: --steps and --seeds must be at least 1", file=sys.stderr)
        return 2
    failures: list[MonkeyFailure] = []
    total = 0
    began = time.monotonic()
    with SandboxServer() as sandbox, tempfile.TemporaryDirectory(prefix="ui-monkey-") as work:
        for seed in range(args.seed, args.seed + args.seeds):
            set_language("zh_CN")
            gui = open_kiosk(sandbox.url, Path(work) / f"seed-{seed}")
            monkey = Monkey(gui, seed, echo=(lambda line: print(line, flush=True)) if args.verbose else None)
            started = time.monotonic()
            try:
                tally = monkey.run(args.steps, watchdog_s=3 * monkey.wait_s)
            except MonkeyFailure as failure:
                failures.append(failure)
                tally = monkey.tally
                print(f"seed {seed}: FAILED after {tally.steps} steps\n{failure}", flush=True)
            finally:
                gui.close()
                sandbox.faults.clear()
            total += tally.steps
            print(f"seed {seed}: {tally.steps} steps in {time.monotonic() - started:.0f} s, "
                  f"{tally.sessions_ended} sessions ended ({tally.idle_endings} idle), "
                  f"{len(tally.screens)} screens seen, actions {dict(sorted(tally.by_action.items()))}", flush=True)
    print(f"ui-monkey: {total} steps over {args.seeds} seed(s) in {time.monotonic() - began:.0f} s, "
          f"{len(failures)} failure(s)")
    if failures and args.trail:
        args.trail.write_text(json.dumps([{"seed": f.seed, "step": f.step, "what": f.what, "trail": f.trail}
                                          for f in failures], ensure_ascii=False, indent=1))
    return 1 if failures else 0
