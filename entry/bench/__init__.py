"""``kiosk bench NAME ...``: benchmarks and soak runs, kept out of the test suite.

Each benchmark is a module here with ``add_arguments(parser)`` and ``run(args) -> int``;
list it in :data:`BENCHMARKS` and the CLI picks it up. Keep a bench module's top-level
imports light (the CLI imports it to build its arguments): import heavy libraries inside ``run``.
"""

from __future__ import annotations

import importlib
import statistics
from types import ModuleType

# name -> (module, one-line help)
BENCHMARKS: dict[str, tuple[str, str]] = {
    "idcard": ("entry.bench.idcard", "ID card: last byte to Identity, and a full read over a pty against the wire time"),
    "queue": ("entry.bench.queue", "durable enqueue throughput and latency, queue against a bare baseline"),
    "queue-pages": ("entry.bench.queue_pages", "a case with 10 pages of 1 MB enqueued durably, as the kiosk submits it (ms)"),
    "queue-crash": ("entry.bench.queue_crash", "SIGKILL a queueing terminal at random; check exactly-once delivery"),
    "queue-corrupt": ("entry.bench.queue_corrupt", "flip random bits of a queue database; nothing lost or altered silently"),
    "docscan": ("entry.bench.docscan", "document camera: find_page over a corpus of pages on desks (IoU, ms), --vs classic, --generator 2"),
    "docscan-page": ("entry.bench.docscan_page", "document camera: capture -> flattened page -> thumbnail on screen at 1920x1080 (ms)"),
    "docscan-train": ("entry.bench.docscan_train", "fit the page ranker of find_page to seeded corpora (never seed 7, never the second generator)"),
    "qr": ("entry.bench.qr", "QR decode rate, wrong decodes and ms per image on a corpus; --vs single decoders, --generator 2"),
    "qr-ceiling": ("entry.bench.qr_ceiling", "what each codes2 frame holds (thumb, smear, blur, pitch): the frame rate no decoder can pass"),
    "backend": ("entry.bench.backend", "simulated terminals against the sandbox: req/s, p50/p99, pooling"),
    "unanswered": ("entry.bench.unanswered", "a backend refused, down, hung, trickling or black-holed: seconds a person waits for the terminal's word"),
    "fuzz": ("entry.bench.fuzz", "property-based fuzzing of frames, text blocks, QR payloads and text, configuration"),
    "search": ("entry.bench.search", "service search as you type: ms a keystroke over 15 and 2,000 services"),
    "pinyin": ("entry.bench.pinyin", "the touch keyboard's pinyin input: ms a key press, full pinyin and initials"),
    "voice": ("entry.bench.voice", "voice guidance: ms for espeak-ng to synthesize a kiosk prompt, Chinese and English"),
    "ui-monkey": ("entry.bench.ui_monkey", "a seeded monkey taps, types, lays cards and shows codes on the kiosk; checks every step"),
    "window-monkey": ("entry.bench.window_monkey", "a seeded monkey on the clerk's window: taps, choices, cards, codes; checks every step"),
    "maintenance-monkey": ("entry.bench.maintenance_monkey", "a seeded monkey on maintenance: sign-ins, PINs, taps, device faults, walking away; checks every step"),
    "gui-gc": ("entry.bench.gui_gc", "the GUI thread restyles while receivers of Qt signals die in cycles: frozen or not"),
    "soak": ("entry.bench.soak", "one kiosk (or window: --terminal window) worked by its monkey for thousands of sessions: memory and live objects per 100 sessions"),
    "restart": ("entry.bench.restart", "kiosk supervise: seconds from a crash or a freeze of the terminal to its next start's first sign of life"),
    "desk": ("entry.bench.desk", "the kiosk's 'Confirm and submit' to its done screen with the task pool held by "
                                 "look-ups on a trickling line: on the session's own worker and on the pool"),
    "audit-open": ("entry.bench.audit_open", "a year's audit trail of a window (100,000 entries) opened: seconds, "
                                             "Python's peak heap and what it holds once open"),
    "a4-printer": ("entry.bench.a4_printer", "seconds from an A4 printer's trouble (out of paper, off, paper out in "
                                             "a job) to the terminal's word, on a real CUPS, IPP and SNMP printer"),
    "names": ("entry.bench.names", "a call to the backend by its host name while the hall's DNS answers, is "
                                   "silent or fails, an address known or not: the terminal against requests alone"),
    "data-damage": ("entry.bench.data_damage", "kiosk run on a used data folder with one file emptied, garbled, cut "
                                               "or a folder: started, running, stopped in order"),
    "ui": ("entry.bench.ui", "kiosk start-up, GUI-thread stall and memory per session, against a bare PySide6 window"),
}


def load(name: str) -> ModuleType:
    return importlib.import_module(BENCHMARKS[name][0])


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
