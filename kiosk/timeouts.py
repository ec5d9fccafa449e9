"""Every timeout of the terminal in one table: its key, default, bounds, what it is for, and whether
the backend may set it.

The configuration tree (``kiosk/config.py``) declares each of these keys through :func:`timeout`, so
the site file, the environment and the backend's remote configuration are all checked against this
table (a wrong type, NaN, infinity or a value out of bounds is a ``ConfigError`` naming the key), and
the code reads the values from the configuration, never from a module constant. A driver's own
timeouts (a serial reader's reply wait, a printer's socket timeout) are that driver's typed options
in ``[devices.<kind>]`` of the site file; :func:`device_timeouts` lists them beside this table.

``docs/timeouts.md`` is written from here (``python -m kiosk.timeouts > docs/timeouts.md``);
``tests/test_timeouts.py`` fails when it differs, or when a ``*_s`` key of the configuration is
declared anywhere but here.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any, Iterator

from common.options import option
from devices.call_timeouts import CallTimeouts

# Elderly mode (长辈版) doubles the times a citizen is given: the idle timeout and its warning.
ELDERLY_TIME_FACTOR = 2


@dataclass(frozen=True)
class Timeout:
    key: str          # ``section.name`` in the configuration
    default: float    # seconds
    minimum: float
    maximum: float
    purpose: str
    remote: bool = False  # the backend may set it (part of the contract: docs/api/payloads.md)


TIMEOUTS: tuple[Timeout, ...] = (
    Timeout("terminal.idle_timeout_s", 90.0, 10, 900, "a session without a touch this long is warned that it will "
            "end (doubled in elderly mode)", remote=True),
    Timeout("terminal.idle_warning_s", 30.0, 20, 300, "the warning's countdown, with its 'More time' button, "
            "before an idle session is wiped (WCAG 2.2.1: at least 20 s; doubled in elderly mode)", remote=True),
    Timeout("terminal.window_idle_timeout_s", 300.0, 30, 3600, "a clerk signed in at the window without a touch, "
            "key or card this long is warned that they will be signed out (never while the desk works on a "
            "decision)", remote=True),
    Timeout("terminal.window_idle_warning_s", 30.0, 20, 300, "the window's countdown, dismissed by a touch, "
            "before an idle clerk is signed out (audited signed_out_idle)", remote=True),
    Timeout("terminal.maintenance_idle_timeout_s", 180.0, 30, 3600, "hall staff in maintenance without a touch or "
            "key this long are warned that they will be signed out (its log, queue and the hall's terminals are not "
            "left open to whoever comes next)", remote=True),
    Timeout("terminal.maintenance_idle_warning_s", 30.0, 20, 300, "maintenance's countdown, dismissed by a touch, "
            "before idle staff are signed out (audited signed_out_idle)", remote=True),
    Timeout("terminal.online_check_s", 2.0, 0.5, 60, "how often the home screen looks at the heartbeat's last "
            "answer to say what works offline (no network call)"),
    Timeout("terminal.home_notice_s", 60.0, 10, 600, "a message on the kiosk's home screen (the number a citizen "
            "took, a code it cannot use) goes this long after it was shown, touches or not, so the next citizen "
            "does not find it (doubled in elderly mode; the printed ticket is the citizen's copy)"),
    Timeout("terminal.warm_up_after_s", 3.0, 0, 60, "after start-up, the screens not built yet are built one by "
            "one from this long on"),
    Timeout("terminal.payment_poll_s", 3.0, 1, 60, "how often the payment screen asks the backend whether the "
            "fee has been paid (on the task pool)"),
    Timeout("terminal.queue_poll_s", 15.0, 5, 300, "how often the window asks the backend how many queue tickets "
            "wait, while a clerk is signed in at a window with a number (on the task pool)", remote=True),
    Timeout("terminal.pin_lockout_s", 60.0, 10, 3600, "after 5 wrong break-glass PINs in a row, the maintenance PIN "
            "pad refuses every PIN this long (a restart or a changed clock does not end it)"),
    Timeout("terminal.offline_sign_in_s", 3 * 86400.0, 0, 7 * 86400, "staff may sign in offline (the backend away) "
            "this long after their last online sign-in at this terminal, never past the backend's own limit"),
    Timeout("backend.connect_timeout_s", 3.0, 0.1, 60, "looking up the backend's name (once an address is "
            "known, 0.5 s, then the last one is used while the hall's DNS does not answer) and connecting to it; and "
            "each 16 KiB piece of a "
            "request's body is taken by the line within this (the whole body within the answer's limit and its "
            "size at backend.min_upload_kib_per_second)", remote=True),
    Timeout("backend.read_timeout_s", 10.0, 0.1, 300, "waiting for the backend's answer to begin; the whole answer "
            "arrives within twice this (at least 1 s), however it trickles, or its body keeps coming at "
            "backend.min_download_kib_per_second; a safe call is retried only within this "
            "of its start, so a backend that does not answer costs a person about this once, not once per retry",
            remote=True),
    Timeout("backend.retry_delay_s", 0.3, 0.01, 10, "before the first retry of a safe call, doubled per retry, "
            "with jitter (no retry starts later than the read timeout after the call began)"),
    Timeout("backend.max_retry_after_s", 30.0, 1, 300, "the longest wait before a retry, even when the backend's "
            "Retry-After asks for more"),
    Timeout("backend.heartbeat_interval_s", 60.0, 5, 3600, "between heartbeats (device health, queue, remote "
            "configuration); up to 8 times longer while beats keep failing"),
    Timeout("queue.deliver_wait_s", 15.0, 1, 120, "a citizen's submission waits this long for delivery before "
            "the provisional number stands, however long the line takes: a delivery under way goes on without "
            "them, and the queue delivers the rest later; a window's decision on the case, and the draft a "
            "one-time notice keeps, are sent within what is left of it, else queued"),
    Timeout("queue.base_delay_s", 2.0, 0.1, 60, "the sync worker's first retry delay, doubled per failure"),
    Timeout("queue.max_delay_s", 300.0, 1, 3600, "the sync worker's longest retry delay", remote=True),
    Timeout("queue.idle_poll_s", 5.0, 0.1, 300, "how often the sync worker looks for due items when nothing "
            "woke it"),
    Timeout("queue.retention_every_s", 60.0, 1, 3600, "how often the sync worker deletes what is past its "
            "keeping (delivered payloads, old metadata)"),
    Timeout("queue.purge_after_s", 0.0, 0, 7 * 86400, "a delivered item's payload and scans are deleted this "
            "long after delivery (0: at delivery)"),
    Timeout("supervisor.freeze_s", 30.0, 5, 600, "kiosk supervise: the terminal's GUI thread silent this long "
            "(no sign of life from its event loop) is a freeze: its threads' stacks are written to the log folder, "
            "it is stopped and started again"),
    Timeout("supervisor.start_s", 120.0, 10, 900, "kiosk supervise: how long a terminal just started may take to "
            "give its first sign of life (a cold boot's disk included) before it counts as frozen"),
    Timeout("supervisor.stop_s", 10.0, 1, 60, "kiosk supervise: a terminal asked to stop (SIGTERM) and still "
            "running this long is killed"),
    Timeout("supervisor.stable_s", 300.0, 10, 86400, "kiosk supervise: a terminal that ran this long before it "
            "ended is started again at once; one that ended sooner waits a delay doubling from 1 s"),
    Timeout("supervisor.max_delay_s", 60.0, 1, 3600, "kiosk supervise: the longest wait before starting again a "
            "terminal that keeps ending soon after its start"),
    Timeout("supervisor.device_held_s", 120.0, 10, 3600, "a device call running this long (a driver stuck in a "
            "call that never returns holds the device's thread, which only a new process frees) marks the device "
            "in error; under kiosk supervise the terminal is started afresh the next time nobody uses it (never "
            "less than twice the longest device_calls wait)"),
    Timeout("supervisor.disk_look_s", 60.0, 5, 3600, "how often the running terminal tries a write to its data "
            "folder (kiosk/disk_watch.py); a disk that refuses it (a worn one remounted read-only, a full one) is "
            "said in the heartbeat, and under kiosk supervise the terminal is started afresh the next time nobody "
            "uses it, to show that it is out of order; that screen looks again as often"),
    Timeout("voice.timeout_s", 10.0, 0.5, 60, "espeak-ng synthesizing one spoken prompt (tens of milliseconds as a "
            "rule); a hung one is stopped and the prompt stays unsaid"),
)

_CALLS = CallTimeouts()  # a device call's wait: its default is the device interface's, set from here
TIMEOUTS += (
    Timeout("device_calls.self_test_s", _CALLS.self_test_s, 1, 120, "a device's self-test (maintenance, start-up)"),
    Timeout("device_calls.close_s", _CALLS.close_s, 0.5, 60, "a device closing its port or camera when the "
            "terminal stops"),
    Timeout("device_calls.receipt_print_s", _CALLS.receipt_print_s, 1, 300, "a receipt or notice printed "
            "(then the citizen is told it failed, with the number on screen)"),
    Timeout("device_calls.document_print_s", _CALLS.document_print_s, 1, 600, "a licence printed on the "
            "document printer"),
    Timeout("device_calls.capture_s", _CALLS.capture_s, 1, 120, "the document camera taking a page, or one "
            "side of an ID card"),
)

BY_KEY = {row.key: row for row in TIMEOUTS}


def timeout(key: str) -> Any:
    """The configuration field for ``key``, declared from its row (for ``kiosk/config.py``)."""
    row = BY_KEY[key]
    return option(row.default, minimum=row.minimum, maximum=row.maximum, remote=row.remote, doc=row.purpose)


def device_timeouts() -> Iterator[tuple[str, str, str, float]]:
    """(kind, driver, option, default) for every ``*_s`` option of every device driver."""
    from devices.registry import DRIVERS

    for kind, drivers in DRIVERS.items():
        for name, driver in drivers.items():
            cls = driver.options_class()
            hints = typing.get_type_hints(cls)
            for f in dataclasses.fields(cls):
                if f.name.endswith("_s") and hints[f.name] is float:
                    yield kind, name, f.name, f.default


def _number(value: float) -> str:
    return f"{value:g}"


def markdown() -> str:
    """``docs/timeouts.md``."""
    lines = [
        "# The terminal's timeouts",
        "",
        "Written by `python -m kiosk.timeouts > docs/timeouts.md` from `kiosk/timeouts.py`; "
        "`tests/test_timeouts.py` fails when this file differs.",
        "",
        "Every value is in seconds. Set one in the site file (`[section] key = value`), the environment "
        "(`KIOSK_SECTION__KEY`), or, where *remote* says yes, from the backend's remote configuration "
        "(docs/api/payloads.md). A value of the wrong type, NaN, infinity or out of bounds is refused with "
        f"the key named. Elderly mode multiplies the idle timeout and its warning by {ELDERLY_TIME_FACTOR}.",
        "",
        "| key | default | min | max | remote | what for |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in TIMEOUTS:
        lines.append(f"| `{row.key}` | {_number(row.default)} | {_number(row.minimum)} | {_number(row.maximum)} | "
                     f"{'yes' if row.remote else 'no'} | {row.purpose} |")
    lines += [
        "",
        "## Device drivers",
        "",
        "A driver's timeouts are its options in `[devices.<kind>]` of the site file (never remote; a negative "
        "value is refused).",
        "",
        "| device | driver | option | default |",
        "| --- | --- | --- | --- |",
    ]
    for kind, driver, name, default in device_timeouts():
        lines.append(f"| {kind} | `{driver}` | `{name}` | {_number(default)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
