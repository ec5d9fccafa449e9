"""What the seeded monkeys share: ``kiosk bench ui-monkey`` (the citizen kiosk, entry/bench/ui_monkey.py),
``kiosk bench window-monkey`` (the clerk's window, entry/bench/window_monkey.py) and ``kiosk bench
maintenance-monkey`` (hall staff, entry/bench/maintenance_monkey.py).

A monkey is a :class:`SeededMonkey`: a ``numpy.random.Generator`` seeded once picks each step, every step
goes into a trail, and after each one (waited on until the terminal is idle, never slept) the checks
run. Shared here: the hostile texts and codes, the sample cards, typing into a field, laying a card and
holding a code to the scanner, putting a simulated device or the sandbox backend at fault, the exception
hooks, the watch on the GUI thread (a step may not hold it past ``HOLD_LIMIT_S`` without turning its event
loop; entry/bench/gui_stall.py), the waits, the failure with its trail, reading every text a widget holds
(shown or hidden) for the leak checks, and the bench's loop over seeds (a terminal id of its own for each).
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import reprlib
import sys
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from types import (BuiltinFunctionType, ClassMethodDescriptorType, CodeType, FunctionType, GetSetDescriptorType,
                   MemberDescriptorType, MethodDescriptorType, MethodWrapperType, ModuleType, WrapperDescriptorType)
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from common.domain import ServiceItem

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
# The sandbox's faults a monkey switches on (sandbox/faults.py): the backend down, erring or slow past the terminal's
# read timeout, the line dropped, a reply lost after the work was done, answers unsigned or forged
BACKEND_FAULTS = ("down", "error", "slow", "drop", "lose_reply", "unsigned", "forge")
# ``--trickle`` adds the answer sent a byte at a time (a proxy stuck mid-answer), for one of these spans: one that
# ends inside the answer's deadline (2 x the monkeys' 2 s read timeout: slow, then whole), one past it (cut)
TRICKLE_SPANS_S = (1.5, 6.0)
TRICKLE_GAP_S = 0.25
# With ``--trickle``, the share of the upsets that trickle: one in eight, as one fault among the others, left a run
# of 3,439 kiosk steps with 8 trickles (docs/monkey-upsets.md), too few to meet each screen under one
TRICKLE_SHARE = 0.4
CONTROL_TIMEOUT_S = 5.0
# The sandbox's services a catalogue change picks when none is in hand (sandbox/data/services.json): materials by
# licence and on paper, a company's
CHANGED_SERVICES = ("GJJ-004", "GT-001", "BDC-005")
# The longest a step may hold the GUI thread without turning its event loop: a touch answered within it is
# felt as answered; a device, the network or a disk waited on holds it longer (the GUI thread never waits).
HOLD_LIMIT_S = 1.0
HOLD_TICK_MS = 10  # the watch's timer (entry/bench/gui_stall.py); a gap is counted whole, this included
# What must never be on a screen: a traceback, an object's repr, a placeholder left unfilled.
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
    sessions_ended: int = 0  # the kiosk's citizen sessions, the window's applicants' matters
    idle_endings: int = 0
    by_action: dict[str, int] = field(default_factory=dict)
    screens: set[str] = field(default_factory=set)
    longest_hold_s: float = 0.0  # the longest the GUI thread went without turning its event loop in a step
    longest_hold_at: str = ""  # that step's trail line

    def count(self, action: str) -> None:
        self.by_action[action] = self.by_action.get(action, 0) + 1


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


def device_faults(device) -> tuple[str, ...]:
    """The faults a simulated device takes (its own list or its simulator's); none for a real one."""
    known = getattr(device, "faults", None) or getattr(getattr(device, "simulator", None), "faults", ())
    return tuple(known) if hasattr(device, "inject") else ()


def widget_texts(root) -> list[tuple[str, str]]:
    """Every text a widget under ``root`` holds, shown or hidden (labels, buttons, fields, list and combo box
    entries, tooltips), with where it is: the widget's class and the classes of its parents."""
    from PySide6.QtWidgets import (QAbstractButton, QComboBox, QLabel, QLineEdit, QListWidget, QPlainTextEdit,
                                   QTextEdit, QWidget)

    texts: list[tuple[str, str]] = []
    for widget in [root, *root.findChildren(QLabel), *root.findChildren(QAbstractButton),
                   *root.findChildren(QLineEdit), *root.findChildren(QListWidget),
                   *root.findChildren(QTextEdit), *root.findChildren(QPlainTextEdit),
                   *root.findChildren(QComboBox)]:
        where = "/".join(reversed([type(w).__name__ for w in ancestry(widget, root)]))
        if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
            texts.append((where, widget.text()))
        elif isinstance(widget, QListWidget):
            texts.extend((where, widget.item(row).text()) for row in range(widget.count()))
        elif isinstance(widget, (QTextEdit, QPlainTextEdit)):
            texts.append((where, widget.toPlainText()))
        elif isinstance(widget, QComboBox):
            texts.extend((where, widget.itemText(row)) for row in range(widget.count()))
    for widget in [root, *root.findChildren(QWidget)]:  # a tooltip shows a person's words to whoever points at it
        if widget.toolTip():
            texts.append(("/".join(reversed([type(w).__name__ for w in ancestry(widget, root)])) + " (tooltip)",
                          widget.toolTip()))
    return [(where, t) for where, t in texts if t]


def undo_texts(edit) -> list[str]:
    """What Ctrl+Z (or the field's context menu's "Undo") would bring back into the line edit ``edit``: its undo
    history walked back, then forward again to where it was, with its signals blocked (nothing it says reaches the
    terminal)."""
    texts: list[str] = []
    blocked = edit.blockSignals(True)
    try:
        steps = 0
        while edit.isUndoAvailable() and steps < 500:
            edit.undo()
            steps += 1
            texts.append(edit.text())
        for _ in range(steps):
            edit.redo()
    finally:
        edit.blockSignals(blocked)
    return [t for t in texts if t]


def ancestry(widget, root) -> list:
    chain = []
    while widget is not None and widget is not root:
        chain.append(widget)
        widget = widget.parentWidget()
    return chain


def visible_texts(root) -> list[str]:
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QListWidget

    texts = [w.text() for w in root.findChildren(QLabel) + root.findChildren(QAbstractButton) if w.isVisible()]
    for items in root.findChildren(QListWidget):
        if items.isVisible():
            texts.extend(items.item(row).text() for row in range(items.count()))
    texts.extend(combo.currentText() for combo in root.findChildren(QComboBox) if combo.isVisible())
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


def screen_problem(shown: str, own: set[str]) -> str | None:
    """Why a text shown on a screen should not be there (a traceback, a template, English in Chinese, "Something
    went wrong" said of an exception of no kind we know), or None. ``own``: what the person there typed or showed,
    which may be shown back to them as it is."""
    from common.i18n import language
    from kiosk.workflows.citizen import UNEXPECTED

    if any(t in shown for t in own):
        return None
    if UNEXPECTED.render() in shown:  # plain, but said only of a failure of no kind we know: a fault of ours
        return f"says an unexpected failure reached the person (the log names it): {shown[:200]!r}"
    if LEAKS.search(shown):
        return f"shows {shown[:200]!r}"
    if language() == "zh_CN" and not CJK.search(shown) and ENGLISH.search(shown):
        return f"shows English in Chinese: {shown[:200]!r}"
    return None


def held_by(root, needles: set[str]) -> list[str]:
    """Where a widget under ``root`` (shown or hidden) holds one of ``needles``, a line edit's undo history included;
    the widgets a screen let go of (clear_layout) are deleted first: they are freed when the event loop next turns,
    not kept."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from PySide6.QtWidgets import QLineEdit

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    texts = widget_texts(root)
    for edit in root.findChildren(QLineEdit):  # a field emptied by Qt's clear() keeps the words in its undo history
        where = "/".join(reversed([type(w).__name__ for w in ancestry(edit, root)]))
        texts += [(where + " (its undo history)", t) for t in undo_texts(edit)]
    return sorted({f"{where} holds {needle[:40]!r}" for needle in needles for where, t in texts if needle in t})


# what the terminal is not: the monkeys' own code and data, the test runner and its libraries (hypothesis keeps
# the constants of every module it has read), and the stand-ins for the world around it
# (the sandbox backend with every person's records, the simulated devices with the cards laid on them, the samples)
NOT_THE_TERMINAL = ("entry.bench", "entry.walkthrough", "entry.demo", "tests", "_pytest", "pytest", "pluggy", "xdist",
                    "execnet", "hypothesis", "sandbox", "uvicorn", "starlette", "fastapi", "anyio",
                    "devices.idcard.samples", "devices.idcard.sim", "devices.idcard.pty_sim", "devices.pcsc.virtual_card",
                    "devices.sscard.sim", "devices.receipt.sim", "devices.receipt.virtual", "devices.docprinter.sim",
                    "devices.qr.sim", "devices.camera.sim", "devices.doccam.sim")


ID_NUMBER = re.compile(r"\d{17}[\dXx]|[A-Z]{3}\d{12}")  # a resident's (GB 11643) or the 2017 foreigner card's
MEMORY_EVERY = 5  # the bench looks through the memory at the first person's end and every fifth after (in_memory)


def calls_carrying(needles: set[str]) -> bool:
    """Whether a backend call whose path or query holds one of ``needles`` is under way on some thread
    (kiosk/backend/client.py ``_call``): a person's look-up may outlast their matter, bounded by its timeouts."""
    for frame in list(sys._current_frames().values()):
        while frame is not None:
            code = frame.f_code
            if code.co_name == "_call" and code.co_filename.endswith("client.py"):
                said = repr((frame.f_locals.get("path"), frame.f_locals.get("query")))
                if any(needle in said for needle in needles):
                    return True
            frame = frame.f_back
    return False


def idle_stacks() -> list[dict]:
    """The locals of every frame on the stacks of the terminal's threads, other than the caller's, that are between
    pieces of work: a worker waiting for its next task, a device's or the sync worker's thread waiting for its next
    turn. What a loop kept of its last piece of work (a variable not yet assigned again) is there. A thread running a
    task (kiosk/tasks.py) or inside a backend call is left out: work under way holds what it was given until it ends,
    bounded by its timeouts. Read as ``f_locals`` (a copy): a running frame's own references are not the collector's
    to report (``gc.get_referents`` of such a frame is empty)."""
    import threading

    me, idle = threading.get_ident(), []
    for ident, top in sys._current_frames().items():
        if ident == me:
            continue
        frames, frame, busy = [], top, False
        while frame is not None and not busy:
            code = frame.f_code
            busy = ((code.co_name == "work" and code.co_filename.endswith("tasks.py"))  # ThreadTaskRunner's
                    or (code.co_name == "_call" and code.co_filename.endswith("client.py"))
                    # not the terminal's thread: the sandbox's server, the test runner's
                    or str(frame.f_globals.get("__name__", "")).startswith(NOT_THE_TERMINAL))
            frames.append(frame)
            frame = frame.f_back
        if not busy:
            idle += [dict(f.f_locals) for f in frames]
    return idle


def people_of(person) -> set[str]:
    """What the memory look searches for of ``person`` (an Identity) besides the ID number: the name and address (the
    monkeys' sets of a person's texts, which it is matched against, hold those two)."""
    return {s for s in (person.name, person.address) if len(s) >= 2}


def in_memory(needles: set[str], terminal, spared=()) -> list[str]:
    """Where the terminal's memory holds one of ``needles`` (a person's texts) in a string or bytes: everything
    reachable from the loaded modules and the terminal object ``terminal`` (what the garbage collector has set aside
    included), and the stacks of its threads between pieces of work (``idle_stacks``; since 2026-12-06), but not
    ``spared`` (the monkey) nor what is not the terminal (``NOT_THE_TERMINAL``). A thread at work is not looked at: a
    call under way holds what it sends until it ends (``calls_carrying``). Each place as the containers that lead
    to it. About 0.6 s of CPU on a window of 500,000 objects: the monkeys look now and
    then."""
    wanted = sorted(n for n in needles if n)
    if not wanted:
        return []
    skip = {id(o) for o in spared}
    for name, module in list(sys.modules.items()):
        if name.startswith(NOT_THE_TERMINAL):  # the module, and its globals that its functions hold
            skip |= {id(module), id(getattr(module, "__dict__", None))}
    import linecache

    skip.add(id(linecache.cache))  # source lines read for a traceback
    roots = [sys.modules, terminal, *idle_stacks()]
    skip.add(id(roots))
    found = _walk(roots, wanted, skip, None)
    if not found:
        return []
    parent: dict[int, object] = {}  # walked again, each object's first holder kept, to say where
    found = _walk(roots, wanted, skip, parent)
    places = []
    for needle, obj in found:
        chain, at = [], obj
        while id(at) in parent and len(chain) < 6:
            at = parent[id(at)]
            chain.append(f"{type(at).__name__} {_shown(at)!r}")
        places.append(f"{needle[:6]}...{needle[-4:]} in {type(obj).__name__} {_shown(obj, 80)!r} <- "
                      + " <- ".join(chain))
    return sorted(set(places))


class _Short(reprlib.Repr):
    """A container said by its first few items (``sys.modules`` whole took long, and a built-in module's repr warns)."""

    def repr_module(self, module, _level) -> str:
        return f"<module {module.__name__}>"


def _shown(obj, width: int = 60) -> str:
    try:
        return _Short().repr(obj)[:width]
    except Exception as exc:  # noqa: BLE001 - a repr of anything at all may fail; the place is still said
        return f"<{type(exc).__name__}>"


# what holds no data of its own: code, numbers, and the interpreter's descriptors and builtins
_BARREN = frozenset({int, float, bool, complex, type(None), CodeType, BuiltinFunctionType, MethodDescriptorType,
                     WrapperDescriptorType, GetSetDescriptorType, MemberDescriptorType, ClassMethodDescriptorType,
                     MethodWrapperType})


def _walk(roots: list, wanted: list[str], skip: set[int], parent: dict[int, object] | None) -> list[tuple[str, object]]:
    """The strings and bytes holding one of ``wanted`` reachable from ``roots``, past nothing in ``skip``;
    ``parent``: filled with each object's first holder."""
    encoded = [n.encode() for n in wanted]
    seen = set(skip)
    stack = list(roots)
    found: list[tuple[str, object]] = []
    kinds: dict[type, int] = {}  # 0: walk its referents, 1: a function, 2: not the terminal's or barren
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        kind = type(obj)
        if kind is str:
            found += [(n, obj) for n in wanted if n in obj]
            continue
        if kind is bytes or kind is bytearray:
            found += [(n, obj) for n, b in zip(wanted, encoded) if b in obj]
            continue
        verdict = kinds.get(kind)
        if verdict is None:
            module = kind.__dict__.get("__module__") if hasattr(kind, "__dict__") else None
            verdict = kinds[kind] = 2 if kind in _BARREN or (isinstance(module, str) and module.startswith(
                NOT_THE_TERMINAL)) else 1 if kind is FunctionType else 0
        if verdict == 2:
            continue
        if verdict == 1:  # what it holds, not its code, globals (the modules') and documentation
            inners = [obj.__closure__, obj.__defaults__, obj.__kwdefaults__, getattr(obj, "__dict__", None)]
        else:
            if isinstance(obj, (type, ModuleType)):  # a class's or module's documentation: examples, not data
                try:
                    seen.add(id(vars(obj).get("__doc__")))
                except (AttributeError, TypeError):  # a module made in C (cffi's) may have no namespace to read
                    pass
            inners = gc.get_referents(obj)
        for inner in inners:
            if id(inner) not in seen:
                if parent is not None and id(inner) not in parent:
                    parent[id(inner)] = obj
                stack.append(inner)
    return found


class SeededMonkey:
    """The frame of a monkey on one terminal ``gui`` (``ui.app.Gui``, shown and started): the generator, the
    trail, the waits, the devices' reports counted, and the steps both terminals share. A subclass gives
    ``screen`` (what is shown), ``settle`` (wait until idle), ``step`` and ``check``."""

    def __init__(self, gui, seed: int, wait_s: float = 30.0, echo: Callable[[str], None] | None = None) -> None:
        import numpy as np

        self.gui, self.seed, self.wait_s = gui, seed, wait_s
        self.rng = np.random.default_rng(seed)
        self.window = gui.window
        self.reader = gui.services.devices.id_reader
        self.scanner = gui.services.devices.qr_scanner
        self.trail: list[str] = []
        self.echo = echo  # told each step as it is taken (a crash of the process leaves the trail so far)
        self.tally = Tally()
        self.errors: Errors | None = None
        self._reads = self._codes = 0
        self._card_on = False
        self._size = gui.window.size()
        self.devices = [(d, device_faults(d)) for d in gui.services.devices.all()]
        self.devices = [(d, faults) for d, faults in self.devices if faults]
        self._at_fault: set[str] = set()  # the devices this monkey put at a fault and has not set right
        self._backend_faults: set[str] = set()  # the sandbox's faults switched on
        self._changed_services: set[str] = set()  # the services this monkey changed in the catalogue (not put back)
        self.catalogue_changes = False  # whether the hall changes services under the terminal (catalogue_change)
        self.trickle = False  # whether the backend's answers may come a byte at a time (backend_fault)
        # whether words cut short, or a control cut by its window, fail a step (ui/legibility.py cut_short, clipped)
        self.whole_words = False
        self.watch = None  # the StallMeter on the GUI thread, while ``run`` runs
        # the memory looked through (in_memory) at the first person's end, and with this every so many after (the
        # bench's MEMORY_EVERY; the suite's short runs look once: each look costs a second or more)
        self.memory_every: int | None = None
        # the names and addresses read from the cards laid, which the memory look searches for besides ID numbers
        # (since 2026-12-06: a name stayed in re's pattern cache); not what was typed or chosen, which the catalogue
        # and the translations may hold too (a credit code's example, a choice's value)
        self.people: set[str] = set()
        self._memory_put_off = False  # the suite's look found calls under way: it is taken at the next person's end
        self._step = 0
        gui.bridge.card_read.connect(self._read)
        gui.bridge.card_failed.connect(self._read)
        gui.bridge.code_scanned.connect(self._scanned)

    def screen(self):
        raise NotImplementedError

    def settle(self, what: str) -> None:
        raise NotImplementedError

    def step(self) -> None:
        raise NotImplementedError

    def check(self) -> None:
        raise NotImplementedError

    def run(self, steps: int, watchdog_s: float | None = None, hold_limit_s: float = HOLD_LIMIT_S) -> Tally:
        """``watchdog_s``: a step that holds the GUI thread longer has every thread's stack written to stdout
        (the waits time out only while the event loop turns). ``hold_limit_s``: a step in which the GUI thread
        goes longer without turning its event loop fails, with what held it."""
        import faulthandler

        from entry.bench.gui_stall import StallMeter

        watch = self.watch = StallMeter(HOLD_TICK_MS, catch_after_s=hold_limit_s)
        try:
            with Errors() as self.errors:
                self.begin()
                for self._step in range(1, steps + 1):
                    if watchdog_s:
                        faulthandler.dump_traceback_later(watchdog_s, repeat=True, file=sys.stdout)
                    try:
                        self._watched_step(watch, hold_limit_s)
                        self.check()
                    finally:
                        if watchdog_s:
                            faulthandler.cancel_dump_traceback_later()
        finally:
            watch.close()
        return self.tally

    def _watched_step(self, watch, hold_limit_s: float) -> None:
        """One step, with how long it held the GUI thread: the longest kept in the tally, past the limit a failure
        naming the stack that held it."""
        from entry.walkthrough import WalkError

        watch.begin_step()
        try:
            self.step()
        except WalkError as exc:  # the screen changed under the finger, with nothing to say why
            self.fail(f"the screen changed under the finger: {exc}")
        finally:
            held = watch.end_step() / 1000.0
        if held > self.tally.longest_hold_s:
            self.tally.longest_hold_s, self.tally.longest_hold_at = held, self.trail[-1] if self.trail else ""
        if held > hold_limit_s:
            self.fail(f"the GUI thread was held {held:.2f} s without turning its event loop (the limit "
                      f"{hold_limit_s:g} s); it was in:\n{watch.stack or '(not caught)'}")

    def begin(self) -> None:
        self.settle("the first screen")

    def aside(self):
        """Around the monkey's own waiting (the sandbox's control switch, the hall's ticket dispenser): not the
        terminal's hold of its GUI thread."""
        return self.watch.aside() if self.watch is not None else nullcontext()

    def _read(self, *_args) -> None:
        self._reads += 1

    def _scanned(self, *_args) -> None:
        self._codes += 1

    def fail(self, what: str) -> None:
        raise MonkeyFailure(self.seed, self._step, what, self.trail)

    def note(self, action: str, detail: str) -> None:
        screen = type(self.screen()).__name__
        self.trail.append(f"{self._step:5d} {screen:<22} {action}: {detail}")
        if self.echo is not None:
            self.echo(self.trail[-1])
        self.tally.count(action)
        self.tally.screens.add(screen)

    def memory_due(self) -> bool:
        """Whether the person whose end was just counted is one whose end the memory is looked through at."""
        ended = self.tally.sessions_ended
        return ended == 1 or self._memory_put_off or (self.memory_every is not None and ended % self.memory_every == 1)

    def memory_holds(self, needles: set[str], spared=()) -> list[str]:
        """Where the terminal's memory still holds one of ``needles`` that is an ID number, or a name or address read
        from a card (``people``) (``in_memory``), looked at once the backend calls carrying them have ended and no task
        waits for a worker (work owed whoever is there, a consent's record, holds its person's number until it is
        done; queued look-ups are let go at the person's end: kiosk/tasks.py ``drop_gone``), and again a second
        later: only what stays is said."""
        from entry.bench.ui_journey import wait_for

        numbers = {n for n in needles if ID_NUMBER.fullmatch(n) or n in self.people}
        if not numbers:
            return []
        services = self.gui.services
        runners = [r for r in (services.tasks, services.device_tasks, services.print_tasks, services.desk_tasks)
                   if hasattr(r, "waiting")]
        busy = calls_carrying(numbers) or any(r.waiting() for r in runners)
        self._memory_put_off = busy and self.memory_every is None
        if self._memory_put_off:  # the suite's short runs do not wait for a trickling backend: the next person's end
            return []
        with self.aside():  # the monkey's own looking, not the terminal's hold
            self.wait(lambda: not calls_carrying(numbers) and not any(r.waiting() for r in runners),
                      "the backend calls carrying the person's number to end, and the tasks queued to be taken up",
                      timeout_s=120.0)
            held = in_memory(numbers, self.gui, spared=(self, *spared))
            if held:
                until = time.monotonic() + 1.0
                wait_for(lambda: time.monotonic() >= until, "a second", 5.0)
                held = in_memory(numbers, self.gui, spared=(self, *spared))
        return held

    def wait(self, condition: Callable[[], bool], what: str, timeout_s: float | None = None) -> None:
        from entry.bench.ui_journey import wait_for

        try:
            wait_for(condition, what, self.wait_s if timeout_s is None else timeout_s)
        except TimeoutError as exc:
            import faulthandler

            faulthandler.dump_traceback(file=sys.stdout, all_threads=True)  # what each thread was doing
            self.fail(f"stuck: {exc}")

    # -- steps both terminals take ---------------------------------------------------------------

    def pick(self, items: list, odds: list[float] | None = None):
        if odds is None:
            return items[int(self.rng.integers(len(items)))]
        return items[int(self.rng.choice(len(items), p=[o / sum(odds) for o in odds]))]

    def type_into(self, edits: list) -> str:
        """Odd text into one of ``edits`` (a field tapped, its text selected or not, typed key by key or
        committed whole as an input method does); returns what was typed."""
        from PySide6.QtTest import QTest

        from entry.walkthrough import settle, tap

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
        return value

    def device_fault(self) -> None:
        """A simulated device put at one of its faults (slow and hanging ones too), or set right (more often once
        at fault)."""
        if not self.devices:
            return
        device, faults = self.pick(self.devices)
        fault = "clear" if self.rng.random() < 0.5 else str(self.pick(list(faults)))
        self.note("device", f"{device.name}: {fault}")
        device.inject(fault)
        if fault == "clear":
            self._at_fault.discard(device.name)
        else:
            self._at_fault.add(device.name)

    def _set_right(self, device) -> bool:
        """A device this monkey put at fault is set right (a step of its own, as staff would); False when it had
        none: a card or code then reaches it and its report is waited for."""
        if device.name not in self._at_fault:
            return False
        self.note("device", f"{device.name}: clear")
        device.inject("clear")
        self._at_fault.discard(device.name)
        return True

    def backend_fault(self) -> None:
        """The backend upset through the sandbox's fault switch, or set right (more often once upset)."""
        import requests

        if self._backend_faults and self.rng.random() < 0.6:
            fault = "clear"
        elif self.trickle and self.rng.random() < TRICKLE_SHARE:
            fault = "trickle"
        else:
            fault = str(self.pick(list(BACKEND_FAULTS)))
        body: dict[str, object] = {"fault": fault, "on": True}
        if fault == "trickle":
            body.update(trickle_gap_s=TRICKLE_GAP_S, trickle_for_s=float(self.pick(list(TRICKLE_SPANS_S))))
            self.tally.count(f"trickle {body['trickle_for_s']:g} s")  # how often, each span, in the bench's line
        self.note("backend", fault + (f" {body['trickle_for_s']:g} s" if fault == "trickle" else ""))
        with self.aside():
            reply = requests.post(self.gui.services.config.backend.url.rstrip("/") + "/control/faults",
                                  json=body, timeout=CONTROL_TIMEOUT_S)
        reply.raise_for_status()
        self._backend_faults = set(reply.json()["active"])

    def catalogue_change(self, in_hand: ServiceItem | None) -> None:
        """The hall changes a service while applications are under way (the sandbox's ``/control/catalogue``,
        sandbox/catalogue_changes.py): the one in hand more often than not, else one of the sandbox's; one of its
        materials dropped or one added, or a field added to its form; a service changed put back now and then."""
        import requests

        held = in_hand if in_hand is not None and self.rng.random() < 0.8 else None
        code = held.code if held is not None else str(self.pick(list(CHANGED_SERVICES)))
        if code in self._changed_services and self.rng.random() < 0.35:
            what, material = "restore", ""
        else:
            what = str(self.pick(["drop_material", "add_material", "add_field"]))
            codes = [m.code for m in held.materials] if held is not None else []
            material = str(self.pick(codes)) if what == "drop_material" and codes else ""  # "": its last one
        self.note("catalogue", f"{code} {what} {material}".strip())
        with self.aside():
            reply = requests.post(self.gui.services.config.backend.url.rstrip("/") + "/control/catalogue",
                                  json={"service_code": code, "change": what, "material_code": material},
                                  timeout=CONTROL_TIMEOUT_S)
        reply.raise_for_status()
        (self._changed_services.discard if what == "restore" else self._changed_services.add)(code)

    def card(self, sample: str | None = None) -> None:
        """Lift the card on the reader, or lay one of the sample cards (broken ones too; ``sample``: that one) and
        wait for its report; a reader this monkey put at a fault (unplugged, garbled...) is set right first, as a
        step of its own."""
        if self._set_right(self.reader):
            return
        if self._card_on:
            self.note("card", "lifted")
            self.reader.remove_card()
            self._card_on = False
            # a hand takes longer to lay a card down again than the reader takes to see it gone (2 polls of
            # 0.15 s): lifted and laid within that, it is the same placement, read once (seed 80 was stuck)
            until = time.monotonic() + LIFTED_S
            self.wait(lambda: time.monotonic() >= until, "the card to be seen gone")
            return
        sample = sample or str(self.rng.choice(CARDS))
        self.note("card", f"placed {sample}")
        reads = self._reads
        self.reader.place_card(sample)
        self._card_on = True
        self.wait(lambda: self._reads > reads, f"the reader to report the {sample} card", 15)

    def code(self) -> None:
        if self._set_right(self.scanner):
            return
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
        self.wait(lambda: self._codes > codes, "the scanner to report the code", 15)

    # -- checks both terminals make --------------------------------------------------------------

    def check_errors_and_size(self) -> None:
        if self.errors.seen:
            self.fail("an exception reached the excepthook:\n" + self.errors.seen[0])
        if self.whole_words:
            from PySide6.QtCore import QCoreApplication, QEvent

            from ui.legibility import clipped, cut_short

            for _ in range(3):  # laid out as it will be painted: a button's new words widen it at the next layout
                QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            cut = cut_short(self.window) + clipped(self.window)
            if cut:
                self.fail(f"words or controls cut short on {type(self.screen()).__name__}: "
                          + "; ".join(map(str, cut)))
        if self.window.size() != self._size:  # a text too long for its line widens the layout, and the window
            self.fail(f"the window grew from {self._size.toTuple()} to {self.window.size().toTuple()} "
                      f"on {type(self.screen()).__name__}")


# -- the bench -------------------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--steps", type=int, default=2000, help="steps per seed")
    parser.add_argument("--seed", type=int, default=1, help="the first seed")
    parser.add_argument("--seeds", type=int, default=1, help="how many seeds, from --seed on (one terminal each)")
    parser.add_argument("--trail", type=Path, help="write each failure's whole trail here (JSON), and a picture of "
                                                   "the window at each failure beside it (TRAIL-seedN.png)")
    parser.add_argument("--verbose", action="store_true", help="print every step as it is taken")
    parser.add_argument("--screen", type=screen_size, metavar="WxH",
                        help="the terminal's screen, e.g. 1024x768 (an old 4:3 kiosk's); default 1280x800")
    parser.add_argument("--catalogue-changes", action="store_true",
                        help="the hall changes services' materials and forms under the terminal now and then "
                             "(sandbox/catalogue_changes.py); off, the seeds run as before")
    parser.add_argument("--trickle", action="store_true",
                        help="the backend's upsets include answers sent a byte at a time, ending inside the answer's "
                             "deadline or past it (sandbox/faults.py); off, the seeds run as before")
    parser.add_argument("--whole-words", action="store_true",
                        help="fail a step that leaves a field's hint, a list box's choice, a button's or a one-line "
                             "label's words cut short where they are drawn, or a control shown only in part outside a "
                             "scroll area (ui/legibility.py); off, the seeds run as before")
    parser.add_argument("--held-after-s", type=float, default=0.0, metavar="S",
                        help="take a device whose call has run this long for held (kiosk/held_devices.py), not the "
                             "terminal's bound (120 s at least): a simulated camera's hang (60 s at most) is then "
                             "marked in error, said to the clerk and shown in maintenance; off, the seeds run as "
                             "before")
    parser.add_argument("--hold-limit", type=float, default=HOLD_LIMIT_S, metavar="S",
                        help="fail a step that holds the GUI thread longer without turning its event loop "
                             f"(default {HOLD_LIMIT_S:g} s)")


def terminal_named(terminal_id: str | None) -> dict[str, str]:
    """The terminal section's id, when a bench gives each seed a terminal of its own (its own audit chain at the
    backend: a second seed under the first one's id starts a trail the backend refuses, and pushes none)."""
    return {"id": terminal_id} if terminal_id else {}


def monkey_terminal_id(name: str, seed: int) -> str:
    """A seed's terminal id, within the contract's 16 characters: ``MK-UI-303`` for ui-monkey's seed 303.
    The ids were ``ZJ-HZ-UI-MONKEY-303``: the configuration took them, and every submission failed."""
    return f"MK-{name.upper().removesuffix('-MONKEY')[:5]}-{seed % 10**7}"


def open_terminal(config, mode: str, freeze: bool = True):
    """A terminal as ``kiosk run`` makes one: started, and what it keeps for life set aside from the collector
    (ui/long_lived.py) before the monkey's first step. Without that every full collection walked the whole terminal
    on the GUI thread, and the monkeys' holds overstated a real terminal's (session 30: 246 ms, a full collection).
    The bench makes one terminal after another in one process: ``close_terminal`` gives each one's objects back.
    ``freeze`` False: nothing set aside (the soak's comparison)."""
    from entry.bench.ui_journey import wait_for
    from ui.app import Gui

    gc.collect()  # the terminal before's leftovers are not frozen with this one
    gui = Gui(config, mode, freeze_long_lived=freeze)
    gui.window.resize(1280, 800)
    gui.window.show()
    wait_for(lambda: gui.started and (gui.long_lived_frozen or not freeze), f"the {mode} terminal to start", 60)
    return gui


def close_terminal(gui) -> None:
    """Close a terminal ``open_terminal`` made, and give back to the collector what it had set aside: frozen
    objects are never collected, and the next terminal freezes its own."""
    gui.close()
    gc.unfreeze()
    gc.collect()


def screen_size(text: str) -> tuple[int, int]:
    """``--screen``'s WIDTHxHEIGHT, each 320-7680 px."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT, e.g. 1024x768") from None
    if not (320 <= width <= 7680 and 320 <= height <= 7680):
        raise argparse.ArgumentTypeError(f"{text!r}: each side 320-7680 px")
    return width, height


def run_seeds(args: argparse.Namespace, name: str, open_gui: Callable, make_monkey: Callable) -> int:
    """The bench: for each seed a terminal of its own (``open_gui(url, data_dir, terminal_id)``) against one sandbox
    backend on loopback, a monkey on it (``make_monkey(gui, seed, echo)``), its tally and any failure printed;
    the failures' trails written to ``--trail``. 1 if any seed failed."""
    import tempfile

    from entry.offscreen import use_offscreen

    use_offscreen()  # the window's applicant screen on a second monitor
    from common.i18n import set_language
    from sandbox.server import SandboxServer

    if args.steps < 1 or args.seeds < 1:
        print(f"kiosk bench {name}: --steps and --seeds must be at least 1", file=sys.stderr)
        return 2
    failures: list[MonkeyFailure] = []
    total = 0
    began = time.monotonic()
    with SandboxServer() as sandbox, tempfile.TemporaryDirectory(prefix=f"{name}-") as work:
        for seed in range(args.seed, args.seed + args.seeds):
            set_language("zh_CN")
            terminal_id = monkey_terminal_id(name, seed)
            if name == "window-monkey":  # the hall registers it as a window (sandbox/window_register.py)
                sandbox.store.windows.register(terminal_id)
            gui = open_gui(sandbox.url, Path(work) / f"seed-{seed}", terminal_id)
            if args.screen is not None:  # laid out for it as kiosk run lays it out, before the monkey takes its size
                from entry.walkthrough import show

                show(gui, *args.screen)
            if args.held_after_s > 0 and gui.services.held_devices is not None:
                gui.services.held_devices.bound_s = args.held_after_s
            monkey = make_monkey(gui, seed, (lambda line: print(line, flush=True)) if args.verbose else None)
            monkey.catalogue_changes = args.catalogue_changes
            monkey.memory_every = MEMORY_EVERY
            monkey.trickle = args.trickle
            monkey.whole_words = args.whole_words
            started = time.monotonic()
            try:
                tally = monkey.run(args.steps, watchdog_s=3 * monkey.wait_s, hold_limit_s=args.hold_limit)
            except MonkeyFailure as failure:
                failures.append(failure)
                tally = monkey.tally
                print(f"seed {seed}: FAILED after {tally.steps} steps\n{failure}", flush=True)
                if args.trail:  # what the window showed then, beside the trail
                    picture = args.trail.with_name(f"{args.trail.stem}-seed{seed}.png")
                    gui.window.grab().save(str(picture))
                    print(f"seed {seed}: the window at the failure in {picture}", flush=True)
            finally:
                close_terminal(gui)
                sandbox.faults.clear()
                sandbox.catalogue_changes.restore_all()  # each seed starts from the catalogue as shipped
            total += tally.steps
            print(f"seed {seed}: {tally.steps} steps in {time.monotonic() - started:.0f} s, "
                  f"{tally.sessions_ended} sessions ended ({tally.idle_endings} idle), "
                  f"the GUI thread held at most {tally.longest_hold_s * 1000:.0f} ms "
                  f"({tally.longest_hold_at.strip() or '-'}), "
                  f"{len(tally.screens)} screens seen, actions {dict(sorted(tally.by_action.items()))}", flush=True)
    print(f"{name}: {total} steps over {args.seeds} seed(s) in {time.monotonic() - began:.0f} s, "
          f"{len(failures)} failure(s)")
    if failures and args.trail:
        args.trail.write_text(json.dumps([{"seed": f.seed, "step": f.step, "what": f.what, "trail": f.trail}
                                          for f in failures], ensure_ascii=False, indent=1))
    return 1 if failures else 0


def add_a4_arguments(parser: argparse.ArgumentParser) -> None:
    """The A4 printer a monkey's terminal prints through, when not the simulated one."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--cups", action="store_true",
                       help="the A4 printer through a real CUPS queue of the bench's own, which the monkey stops "
                            "and starts among its device upsets (entry/bench/cups_queue.py; after "
                            "scripts/test-services.sh); off, the simulated printer as before")
    which.add_argument("--ipp-printer", action="store_true",
                       help="the A4 printer a real IPP printer behind CUPS (CUPS's reference printer, "
                            "entry/bench/ipp_printer.py), whose paper and toner the monkey empties and fills, and "
                            "whose paper it makes run out in each job for a while, among its device upsets")


def bench_a4_printer(args: argparse.Namespace):
    """The A4 printer a monkey's terminal prints through (``--cups``, ``--ipp-printer``), a device it upsets (its
    ``faults``, ``inject``, ``tally()``, ``remove()``); None: the simulated printer."""
    if getattr(args, "ipp_printer", False):
        from entry.bench.ipp_printer import IppPrinter

        return IppPrinter()
    if getattr(args, "cups", False):
        from entry.bench.cups_queue import BenchQueue

        return BenchQueue()
    return None
