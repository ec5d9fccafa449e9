"""``kiosk bench unanswered``: how long a citizen or a clerk waits for the terminal's word when the backend does not
answer, with the hall's own timeouts.

Each way a backend fails is a real endpoint on 127.0.0.1 (sandbox/bad_lines.py and the sandbox's fault switches):

- ``refused``: nothing listens at the address;
- ``down``: the sandbox answers 503 with ``Retry-After: 1`` (a backend in maintenance);
- ``hung``: the sandbox takes the request and answers only after three read timeouts;
- ``trickle``: the answer's head at once, then a body byte just inside each read timeout, for ever;
- ``trickle-head``: the head itself a byte at a time, a header line that never ends;
- ``blackhole``: the address takes no connection (packets dropped), so connects time out;
- ``slow-line``: a working sandbox behind a line that carries what the terminal sends at ``--line-kb`` KB a second
  (a county hall's uplink), the answers at once;
- ``crawl``: a line that takes the request a byte every 50 ms and never answers;
- ``slow-download``: a working sandbox behind a line that carries its answers at ``--line-kb-back`` KB a second (a
  county hall's downlink at a busy hour), what the terminal sends at once;
- ``slow``: the sandbox answers every request ``--slow-s`` seconds late, inside the read timeout (a backend under
  load).

Two calls a person waits on, through :class:`kiosk.backend.client.BackendClient` as the terminal makes them: the
catalogue (``GET /services``, a read: the kiosk's "Loading services...") and a fee order (``POST /cases/{n}/payment``,
a write safe to repeat: "Getting the code..."). The screen waits on exactly this call (run on the task pool), so the
call's time is the person's wait; the session adds nothing measurable. Printed per failure and call: the attempts
made (the client's own log), the median and longest wait over ``--trials``.

Under ``slow-line`` a third call, and under ``crawl`` only this one: a citizen's case with ``--case-mb`` MB of scanned
pages (``POST /cases``, what the offline queue's worker sends; the citizen waits at most ``queue.deliver_wait_s``
for it, then has the provisional number). On the slow line it arrives, in the time the line takes; on the crawling
one it is given up at the upload's deadline (``backend.min_upload_kib_per_second``) and the queue tries again later.

Under ``slow-download`` only one call: a saved application's page of ``--case-mb`` MB (``GET
/drafts/{id}/pages/{name}``, what a kiosk or a window asks when the applicant continues it), saved beforehand. It
arrives in the time the line takes while it keeps coming at ``backend.min_download_kib_per_second``; before, every
answer had to be whole within the answer's limit (20 s: a 4 MB page needed 200 KB/s).

Under ``down``, ``hung`` and ``slow`` also the window's "Accept" (entry/bench/unanswered_window.py: a window
terminal's services on simulated devices, the clerk's wait from the tap to the desk's word): the case delivered
within ``queue.deliver_wait_s`` or queued, then the decision recorded within what is left of that wait or queued
behind the case. Before the decision had its own share of the wait, a backend slow on both made the clerk wait for
the two in turn.

The timeouts are the configuration's defaults unless given (``--read-timeout`` etc.: a quick run); the figures are
for the hall as shipped only with the defaults.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import time
from typing import Callable

FAILURES = ("refused", "down", "hung", "trickle", "trickle-head", "blackhole", "slow-line", "crawl", "slow-download",
            "slow")
UPLOADS = ("slow-line", "crawl")  # the failures under which a case with pages is sent too
AT_THE_WINDOW = ("down", "hung", "slow")  # the failures under which the window's Accept is timed too


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trials", type=int, default=2, help="calls of each kind under each failure")
    parser.add_argument("--failures", default=",".join(FAILURES), help=f"comma-separated, of {', '.join(FAILURES)}")
    parser.add_argument("--read-timeout", type=float, help="backend.read_timeout_s (default: the configuration's)")
    parser.add_argument("--connect-timeout", type=float, help="backend.connect_timeout_s (default: the "
                                                              "configuration's)")
    parser.add_argument("--retries", type=int, help="backend.retries (default: the configuration's)")
    parser.add_argument("--min-upload", type=float, help="backend.min_upload_kib_per_second (default: the "
                                                          "configuration's)")
    parser.add_argument("--line-kb", type=float, default=250.0, help="slow-line: KB a second towards the backend "
                                                                      "(250: a 2 Mbit/s uplink)")
    parser.add_argument("--line-kb-back", type=float, default=125.0, help="slow-download: KB a second towards the "
                                                                          "terminal (125: a 1 Mbit/s downlink)")
    parser.add_argument("--min-download", type=float, help="backend.min_download_kib_per_second (default: the "
                                                            "configuration's)")
    parser.add_argument("--deliver-wait", type=float, help="queue.deliver_wait_s, the window's (default: the "
                                                            "configuration's)")
    parser.add_argument("--slow-s", type=float, default=9.0, help="slow: how late every answer comes (9: just "
                                                                   "inside the default read timeout, 10 s)")
    parser.add_argument("--case-mb", type=float, default=4.0, help="slow-line and crawl: the case's scanned pages, "
                                                                   "MB; slow-download: the page's")


class _Attempts(logging.Handler):
    """Counts the client's failed attempts ("... failed (attempt N of M)")."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.failed = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "(attempt" in str(record.msg):
            self.failed += 1


@contextlib.contextmanager
def _endpoint(failure: str, read_timeout_s: float, line_bytes_s: float, back_bytes_s: float, slow_s: float):
    """The failing endpoint's URL while it fails so, and the sandbox behind it (None: no sandbox)."""
    from sandbox.bad_lines import Blackhole, SlowLine, Trickle, refused_url
    from sandbox.server import SandboxServer

    if failure == "refused":
        yield refused_url(), None
    elif failure == "slow-line":
        with SandboxServer() as sandbox, SlowLine(sandbox.url, rate=line_bytes_s) as line:
            yield line.url, None
    elif failure == "slow-download":
        with SandboxServer() as sandbox, SlowLine(sandbox.url, rate=1e9, back_rate=back_bytes_s) as line:
            yield line.url, None
    elif failure == "crawl":
        with Trickle(gap_s=0.05, reading=True) as crawl:
            yield crawl.url, None
    elif failure in ("down", "hung", "slow"):
        with SandboxServer(windows=("T-BENCH-WINDOW",)) as sandbox:
            # the window's terminal keeps the bench's timeouts: a heartbeat answered while the bench had the backend
            # well gave it the sandbox's remote read timeout (10 s), and a "hung" notice was then waited for and
            # recorded (make test, once in four runs of the suite on four processes)
            sandbox.remote_config.pop("backend", None)
            sandbox.faults.slow_s = slow_s if failure == "slow" else 3 * read_timeout_s
            sandbox.faults.set("down" if failure == "down" else "slow")
            yield sandbox.url, sandbox
            sandbox.faults.clear()
    elif failure.startswith("trickle"):
        with Trickle(gap_s=0.8 * read_timeout_s, head=failure == "trickle-head") as trickle:
            yield trickle.url, None
    else:
        with Blackhole() as blackhole:
            yield blackhole.url, None


def _case(client, case_mb: float, *, looked_up: bool):
    """The call that sends a kiosk citizen's case for GT-001 with ``case_mb`` MB of pages that do not compress,
    spread over its required materials. ``looked_up``: the service is asked of the backend, and the case is one it
    takes; else (a line that never answers) the pages go under a bare case of the service's first material."""
    import os
    import uuid

    from common.domain import Application, Attachment
    from devices.idcard.samples import sample_identity
    from sandbox.form_answers import answers

    def pages(codes: list[str]) -> list:
        each = int(case_mb * 1_000_000) // len(codes)
        return [Attachment(f"{code}-1.jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + os.urandom(max(0, each - 4)))
                for code in codes]

    def send():
        if not looked_up:
            client.submit_payload({"service_code": "GT-001"}, uuid.uuid4().hex, pages(["M1"]))
            return
        service = client.service("GT-001")
        application = Application(service, sample_identity("resident"), "T-BENCH-WAITS", form=answers(service))
        client.submit(application, pages([m.code for m in service.materials if m.required] or ["M1"]))
    return send


def _page(client, page_mb: float):
    """The call that fetches a saved application's page of ``page_mb`` MB that does not compress, saved now."""
    import hashlib
    import os

    from common.domain import Attachment

    page = Attachment("M1-1.jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + os.urandom(int(page_mb * 1_000_000) - 4))
    draft = client.save_draft("330106199003071236", "GT-001", {}, attachments=[page])
    sha256 = hashlib.sha256(page.data).hexdigest()
    return lambda: client.draft_page(draft["draft_id"], page.name, sha256)


def _backend_settings(config) -> dict:
    """The client's settings of ``config`` as configuration overrides (the window's terminal takes the bench's)."""
    return {"connect_timeout_s": config.connect_timeout_s, "read_timeout_s": config.read_timeout_s,
            "retries": config.retries, "min_upload_kib_per_second": config.min_upload_kib_per_second,
            "min_download_kib_per_second": config.min_download_kib_per_second}


def run(args: argparse.Namespace) -> int:
    import dataclasses

    from entry.bench.unanswered_window import WindowWaits

    from common.backend_errors import BackendError
    from common.signing import Signer, demo_key
    from entry.bench import median
    from kiosk.backend.client import BackendClient
    from kiosk.config import BackendConfig

    defaults = BackendConfig()
    config = dataclasses.replace(
        defaults,
        read_timeout_s=args.read_timeout if args.read_timeout is not None else defaults.read_timeout_s,
        connect_timeout_s=args.connect_timeout if args.connect_timeout is not None else defaults.connect_timeout_s,
        retries=args.retries if args.retries is not None else defaults.retries,
        min_upload_kib_per_second=(args.min_upload if args.min_upload is not None
                                   else defaults.min_upload_kib_per_second),
        min_download_kib_per_second=(args.min_download if args.min_download is not None
                                     else defaults.min_download_kib_per_second))
    failures = [f.strip() for f in args.failures.split(",") if f.strip()]
    unknown = [f for f in failures if f not in FAILURES]
    if unknown:
        print(f"unknown failures: {', '.join(unknown)}; known: {', '.join(FAILURES)}")
        return 2
    attempts = _Attempts()
    client_log = logging.getLogger("kiosk.backend.client")
    client_log.addHandler(attempts)
    client_log.propagate = False
    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)  # the hung answers cut at the sandbox's stop
    print(f"backend timeouts: connect {config.connect_timeout_s} s, read {config.read_timeout_s} s, whole answer "
          f"{max(1.0, 2 * config.read_timeout_s)} s; retries {config.retries} from {config.retry_delay_s} s; "
          f"uploads at {config.min_upload_kib_per_second:g} KiB/s at least, answers' bodies at "
          f"{config.min_download_kib_per_second:g}"
          + ("" if config == dataclasses.replace(defaults, url=config.url) else " (not the defaults)"))
    print(f"{'failure':12s} {'call':24s} {'attempts':>8s} {'median s':>9s} {'longest s':>9s}  told")
    terminal = "T-BENCH-WAITS"
    signer = Signer(terminal, demo_key(terminal))
    longest = 0.0
    for failure in failures:
        with _endpoint(failure, config.read_timeout_s, args.line_kb * 1000, args.line_kb_back * 1000,
                       args.slow_s) as (url, sandbox):
            client = BackendClient(dataclasses.replace(config, url=url), terminal, signer=signer)
            window = None
            calls = [("GET /services (read)", client.catalogue),
                     ("POST payment (write)", lambda: client.payment_order("SQ2026120500001"))]
            if failure == "crawl":
                calls = []  # a small request fits in the line's buffers: it is "hung" again
            if failure == "slow-download":
                calls = [(f"GET draft page, {args.case_mb:g} MB", _page(client, args.case_mb))]
            if failure in UPLOADS:
                calls.append((f"POST case, {args.case_mb:g} MB pages",
                              _case(client, args.case_mb, looked_up=failure == "slow-line")))
            if failure in AT_THE_WINDOW:  # the last call: its terminal's own calls (a heartbeat...) count in no row

                def at_window(tap: Callable[[WindowWaits], tuple[float, str]]) -> Callable[[], tuple[float, str]]:
                    def timed() -> tuple[float, str]:
                        nonlocal window
                        if window is None:  # built now: its own failing calls are not counted as the others'
                            window = WindowWaits(sandbox, _backend_settings(config), "T-BENCH-WINDOW",
                                                 args.deliver_wait)
                        return tap(window)
                    return timed
                calls += [("window Accept", at_window(WindowWaits.accept)),
                          ("window notice", at_window(WindowWaits.notice))]
            try:
                for name, call in calls:
                    waits, told = [], ""
                    attempts.failed = 0
                    for _trial in range(args.trials):
                        started, said = time.monotonic(), None
                        try:
                            said = call()
                            told = said[1] if isinstance(said, tuple) else "answered"
                        except BackendError as exc:
                            told = f"{type(exc).__name__}: {exc.detail[:60]}"
                        waits.append(said[0] if isinstance(said, tuple) else time.monotonic() - started)
                    longest = max(longest, *waits)
                    # the window's terminal makes calls of its own meanwhile (the audit's push, look-ups): not counted
                    tried = "-" if name.startswith("window ") else f"{attempts.failed / args.trials:.1f}"
                    print(f"{failure:12s} {name:24s} {tried:>8s} {median(waits):9.1f} "
                          f"{max(waits):9.1f}  {told}", flush=True)
            finally:
                client.close()
                if window is not None:
                    window.close()
    print(f"longest wait for the terminal's word: {longest:.1f} s")
    return 0
