"""A4 printing through CUPS's ``lp`` command (works with any queue CUPS knows).

A job CUPS takes is not a page printed: behind a printer switched off, unplugged or out of reach, CUPS keeps the job
and retries, and the page would come out whenever the printer is back, a citizen's licence in the tray for whoever
stands there next, its document kept in the spool meanwhile. So a print waits until CUPS says the job completed
(its ``job-state`` over IPP: devices/docprinter/ipp.py), within ``printed_within_s`` and the caller's own wait (by
default ``call_timeouts.document_print_s``), less a margin, so the driver decides first; a job still pending then,
stopped by CUPS (a filter that failed) or in a queue CUPS stopped is cancelled and its document purged
(``cancel -x``), and one cancelled by staff or aborted is not taken for printed: the print fails plainly, the kiosk
keeps the licence printable, the window offers "Print again".

Between jobs, every ``check_every_s``, it asks whether a job could print now: CUPS knows the queue and has it enabled,
a network printer answers at the address of its device URI and does not say it is out of paper, jammed, open or out
of toner (devices/docprinter/own_word.py), and a USB printer is on the bus (devices/docprinter/cups_reach.py). Health
says so (the kiosk offers printing a licence only while it can), and a print meets the same check first: a printer
out of reach or out of paper is said at once, not after a job's wait. Its self-test also says whether CUPS keeps a
document once printed (devices/docprinter/cups_keeping.py). docs/a4-printer.md says what a hall sets and what each
failure costs a citizen."""

from __future__ import annotations

import getpass
import logging
import os
import re
import subprocess
import time
from dataclasses import dataclass

from devices.docprinter.base import DocumentPrinter, DocumentPrintError
from devices.docprinter.cups_keeping import FIX, kept_for
from devices.docprinter.cups_reach import connect, device_uri, is_usb, network_address, usb_listed
from devices.docprinter.ipp import NOT_PRINTED, PRINTED, IppError, ask_job_state, ask_printer_state
from devices.docprinter.own_word import OwnWord
from devices.docprinter.printer_reasons import running_low, stopping
from devices.errors import DeviceError
from devices.health import DeviceState, SelfTestResult
from devices.worker import on_worker
from common.i18n import Text, text

log = logging.getLogger(__name__)

DELETED = "deleted once printed"  # what the self-test and kiosk doctor say of a CUPS set as a hall sets it
POLL_S = 0.25  # how often a job's state is asked while it prints
DECIDE_BEFORE_S = 3.0  # the driver decides a job's fate this long before the caller stops waiting
REACH_AGAIN_S = 1.0  # a network printer that did not answer is asked once more after this long
STALE_GRACE_S = 8.0  # a reason the queue had before a job counts once it stands this far into the job
OWN_WORD_EVERY_S = 1.0  # while a job waits, a printer that answered its own state is asked it this often
IPP_S = 5.0  # each IPP question to CUPS (a local socket: milliseconds)
C_LOCALE = {**os.environ, "LC_ALL": "C", "LANG": "C"}  # lpstat's words are read: never translated


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid
        return "anonymous"


USER = _user()  # named in each IPP question, as lp names the job's owner


@dataclass(frozen=True)
class CupsDocumentPrinterOptions:
    printer: str = "OneTrip-A4"
    timeout_s: float = 30.0  # each CUPS command (lp, lpstat, cancel)
    printed_within_s: float = 30.0  # a job still pending this long after lp is cancelled and its document purged
    check_every_s: float = 10.0  # between jobs, whether a job could print is asked this often
    reach_s: float = 3.0  # the wait for a network printer to take a connection (and to answer IPP or SNMP)
    snmp_community: str = "public"  # a socket:// or lpd:// printer's SNMP community; "": SNMP not asked
    snmp_port: int = 161

    def __post_init__(self) -> None:
        for name, low, high in (("printed_within_s", 1.0, 3600.0), ("check_every_s", 1.0, 3600.0),
                                ("reach_s", 0.1, 60.0)):
            if not low <= getattr(self, name) <= high:
                raise ValueError(f"{name}: {getattr(self, name)!r} is not between {low:g} and {high:g} seconds")
        if not 1 <= self.snmp_port <= 65535:
            raise ValueError(f"snmp_port: {self.snmp_port!r} is not a port (1 to 65535)")
        if len(self.snmp_community) > 64 or not self.snmp_community.isprintable():
            raise ValueError("snmp_community: not a community name (printable, 64 characters at most)")


class CupsDocumentPrinter(DocumentPrinter):
    def __init__(self, name: str, options: CupsDocumentPrinterOptions) -> None:
        super().__init__(name, poll_interval_s=options.check_every_s)
        self._options = options
        self._ipp_unanswered = ""  # the job whose state IPP last could not tell (logged once)
        self.reach = "not asked yet"  # how the last check found the printer itself, for staff (the self-test)
        self._own_word = OwnWord(USER, options.snmp_community, options.snmp_port, options.reach_s)
        self._uri = ""  # the queue's device URI as last read
        self._running_low: Text | None = None  # the printer's paper or toner running low, for staff

    def _run(self, args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(args, input=stdin, capture_output=True, timeout=self._options.timeout_s,
                                  env=C_LOCALE)
        except FileNotFoundError:
            raise DocumentPrintError(detail="CUPS client tools (lp, lpstat) are not installed") from None
        except subprocess.TimeoutExpired:
            raise DocumentPrintError(detail=f"{args[0]} timed out") from None

    @on_worker
    def _open(self) -> None:
        self._poll()

    @on_worker
    def _poll(self) -> None:
        self._check()

    def _check(self) -> tuple[Text, str] | None:
        """Whether a job could print now, to health; why not, or None."""
        try:
            trouble = self._trouble()
        except DeviceError as exc:  # lpstat missing or silent
            trouble = exc.message, exc.detail
        if trouble is None:
            self.health.set_state(DeviceState.READY, self._running_low)  # prints; staff told what runs low
        else:
            self.health.set_state(DeviceState.ERROR, trouble[0])
        return trouble

    def _trouble(self) -> tuple[Text, str] | None:
        """Why a job would not print now (what a citizen or clerk is told, and the detail for staff), or None."""
        printer = self._options.printer
        self._running_low = None
        state = self._run(["lpstat", "-p", printer])
        said = state.stdout.decode(errors="replace").strip() or state.stderr.decode(errors="replace").strip()
        if state.returncode != 0 or " disabled" in said:
            return text("The document printer is stopped. Please ask the hall staff for help."), said[:300]
        uri = device_uri(self._run(["lpstat", "-v", printer]).stdout.decode(errors="replace"), printer)
        self._uri = uri or ""
        self.reach = f"{uri}: not asked (only a USB or a network printer is)" if uri else "no device URI"
        if uri and is_usb(uri):  # on the bus?
            found = self._run(["lpinfo", "--include-schemes", "usb", "-v"])
            if found.returncode != 0:  # CUPS refuses the question to a user it does not let administer printers
                why = found.stderr.decode(errors="replace").strip()[:100]
                self.reach = f"{uri}: not known ({why}; the terminal's user may ask in the lpadmin group)"
            elif not usb_listed(found.stdout.decode(errors="replace"), uri):
                self.reach = f"{uri} is not among the USB printers CUPS finds"
                return text("The document printer is not connected. Please ask the hall staff for help."), self.reach
            else:
                self.reach = f"{uri}: on the bus"
        address = network_address(uri) if uri else None
        if address is None:
            return None
        answered, why = connect(address, self._options.reach_s)
        if why:  # asked again: a printer busy with another terminal's job may refuse a second connection a moment
            time.sleep(REACH_AGAIN_S)
            answered, why = connect(address, self._options.reach_s)
        if answered is None:
            self.reach = why
            return text("The document printer cannot be reached. Please ask the hall staff for help."), why
        said, words = self._own_word.ask(uri, answered)
        self.reach = f"{address[0]}:{address[1]} answers; {words}"
        if said is None:
            return None
        stops = said.stops()
        if stops is None:
            low = running_low(said.reasons)
            self._running_low = text(low[1]) if low is not None else None
            return None
        return text(stops[1]), f"the printer says {stops[0]} ({self.reach})"

    @on_worker
    def _print_pdf(self, pdf: bytes, title: str, wait_s: float) -> str:
        started = time.monotonic()
        trouble = self._check()
        if trouble is not None:  # said at once: a job sent now would only wait to be cancelled
            raise DocumentPrintError(trouble[0], detail=trouble[1])
        self.health.set_state(DeviceState.BUSY)
        before = self._queue()[1]
        # A4 asked for: a driverless queue takes the printer's own default size, Letter on many a printer made for
        # another market, which then waits for Letter paper with A4 in its tray (the job given up, nothing printed)
        done = self._run(["lp", "-d", self._options.printer, "-o", "media=A4", "-t", title, "-"], stdin=pdf)
        if done.returncode != 0:
            reason = done.stderr.decode(errors="replace").strip()
            self.health.set_state(DeviceState.ERROR, text("The document printer is not working."))
            raise DocumentPrintError(detail=reason)
        match = re.search(rb"request id is (\S+)", done.stdout)
        job = match.group(1).decode() if match else ""
        if job:
            within_s = min(self._options.printed_within_s, wait_s - DECIDE_BEFORE_S - (time.monotonic() - started))
            self._wait_printed(job, max(within_s, POLL_S), before)
        self.health.set_state(DeviceState.READY, self._running_low)
        return job

    def _wait_printed(self, job: str, within_s: float, before: list[str]) -> None:
        """Back once CUPS says ``job`` completed. Ended otherwise (cancelled by staff, aborted by CUPS):
        DocumentPrintError. Stopped (a filter that failed), its queue stopped, its printer out of paper, jammed or
        open (a reason the queue did not have when the job was sent: ``before``), or still pending after
        ``within_s``: the job cancelled, its document purged, and DocumentPrintError.

        A reason the queue had before is taken as the printer's word only once it stands ``STALE_GRACE_S`` into the
        job: CUPS keeps the last job's reasons until the next job's backend changes them (after a job given up for
        want of paper, ``media-empty-error`` stays on the idle queue), and paper loaded since would be refused unseen;
        a backend that has asked the printer by then has taken it away. A printer that answered its own state before
        the job (over IPP or SNMP) is also asked itself, every ``OWN_WORD_EVERY_S``: its word is never stale."""
        sent = time.monotonic()
        deadline = sent + within_s
        own_asked = sent
        while True:
            state = self._job_state(job)
            if state == PRINTED:
                return
            if state in NOT_PRINTED:
                self.health.set_state(DeviceState.ERROR, text("The document printer is not working."))
                raise DocumentPrintError(detail=f"{job} {state} before it printed")
            queue, reasons = self._queue()
            stops = stopping([reason for reason in reasons if reason not in before]) or \
                (stopping(reasons) if time.monotonic() - sent >= STALE_GRACE_S else None)
            if stops is None and time.monotonic() - own_asked >= OWN_WORD_EVERY_S:
                own_asked = time.monotonic()
                said = self._own_word.again(self._uri)
                stops = said.stops() if said is not None else None
            if stops is not None:  # out of paper, jammed, open: nobody is there to see to it within the wait
                self._give_up(job, f"stopped: {stops[0]}", text(stops[1]))
                return
            stopped = state == "processing-stopped" or queue == "stopped"
            if stopped or time.monotonic() >= deadline:
                self._give_up(job, "stopped by CUPS" if stopped else f"not printed within {within_s:.0f} s")
                return
            time.sleep(POLL_S)

    def _give_up(self, job: str, why: str, told: Text | None = None) -> None:
        """The job that will not print: cancelled and its document purged, unless it printed meanwhile; ``told``:
        what the citizen or clerk is told (by default, that it could not be printed)."""
        said = self._run(["lpstat", "-l", "-p", self._options.printer]).stdout.decode(errors="replace")
        if self._job_state(job) == PRINTED:  # done while the printer's words were asked: not cancelled
            return
        cancelled = self._run(["cancel", "-x", job])
        self.health.set_state(DeviceState.ERROR, told or text("The document printer is not working."))
        words = " ".join(said.split())[:300]
        raise DocumentPrintError(told, detail=f"{job} {why} ({words}); "
                                        + ("cancelled, its document purged" if cancelled.returncode == 0 else
                                           f"cancel failed: {cancelled.stderr.decode(errors='replace').strip()}"))

    def _job_state(self, job: str) -> str:
        """The job's ``job-state`` as CUPS says it over IPP (devices/docprinter/ipp.py; the hall's CUPS server when
        client.conf names one, as lp finds it). When IPP cannot tell (a server that refuses it, or CUPS keeping no job
        history: the job not known once it ended), lpstat's word:
        ``completed`` once it no longer lists the job as pending (printed or ended otherwise, not told apart),
        else ``pending``."""
        number = job.rsplit("-", 1)[-1]
        if number.isdigit():
            try:
                return ask_job_state(int(number), USER, min(self._options.timeout_s, IPP_S))
            except (IppError, OSError) as exc:
                if self._ipp_unanswered != job:  # once per job, not at every look while it prints
                    self._ipp_unanswered = job
                    log.info("%s: %s's state not asked over IPP (%s); lpstat says whether it is pending", self.name,
                             job, exc)
        pending = self._run(["lpstat", "-W", "not-completed", "-o", self._options.printer])
        listed = pending.returncode != 0 or job in pending.stdout.decode(errors="replace").split()
        return "pending" if listed else PRINTED

    def _queue(self) -> tuple[str, list[str]]:
        """The queue's state (``stopped``: CUPS stopped it, by its error policy after a failed job, or staff) and its
        ``printer-state-reasons``, over IPP; ("", []) when IPP cannot tell (the job's own wait then decides)."""
        try:
            return ask_printer_state(self._options.printer, USER, min(self._options.timeout_s, IPP_S))
        except (IppError, OSError):
            return "", []

    @on_worker
    def _self_test(self) -> SelfTestResult:
        trouble = self._check()
        ready = text("The document printer is ready. {warning}", warning=self._running_low) \
            if self._running_low is not None else text("The document printer is ready.")
        return SelfTestResult(self.name, trouble is None, ready if trouble is None else trouble[0],
                              {"trouble": trouble[1] if trouble else "none",
                               "reach": self.reach,
                               "printer_state_reasons": ", ".join(self._queue()[1]) or "not known",
                               "printed_documents": printed_documents(self._options.timeout_s)})


def printed_documents(timeout_s: float) -> str:
    """What CUPS does with a document once printed, for staff: deleted, or kept how long and how to stop it."""
    try:
        done = subprocess.run(["cupsctl"], capture_output=True, timeout=timeout_s)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"not known: cupsctl could not be asked ({type(exc).__name__})"
    if done.returncode != 0:
        return f"not known: {done.stderr.decode(errors='replace').strip()[:200]}"
    kept = kept_for(done.stdout.decode(errors="replace"))
    return DELETED if kept is None else f"kept by CUPS {kept} in its spool: set {FIX}"
