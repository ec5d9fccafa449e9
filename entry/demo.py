"""``kiosk demo``: the terminal on simulated devices, against our own sandbox or a backend already running.

With a display it opens the kiosk window (F2 places the sample ID card). Without one (or with
``--headless``) it walks the terminal as people would, through the screens' widgets
(entry/walkthrough.py), saving a PNG of every screen and each printed receipt under the output
directory, and each prompt the kiosk's voice guidance says as a WAV under ``voice/`` (espeak-ng; the
voice is on for the whole demo):

- a citizen agrees to the consent, reads the guide and applies for themself in Chinese, typing the
  form on the touch keyboard (and rates the service); then for a company whose handler they are, in
  English, its credit code typed on the keys and looked up; then, in large text, as the agent of
  another person whose details they type; then once more while the backend goes away just as they
  confirm (entry/outage.py says how): the case is saved under a provisional number and delivered
  once the backend is back, and the QR code printed on that receipt, shown to the scanner, brings
  up the case; then the hall adds a material to the service while a citizen is at its confirmation (the
  sandbox's catalogue switch): the backend refuses the case without it, the kiosk says what is now asked for,
  the citizen scans it and the case goes with it; a licence is printed; the large-text mode;
- a clerk signs in at window 3 and calls the queue ticket the applicant took at the hall's dispenser
  (叫号: the desk and the screen facing the applicant say 请 A001 号到 3 号窗口), reads their card,
  scans the material the applicant brought on the window's document camera (its thumbnail in the
  list, "1 page scanned" on the applicant's screen) and issues a one-time
  notice for what is missing; then, the applicant's monitor unplugged (the window's footer names it), does not
  accept the next applicant's case (不予受理: not within the hall's remit), the decision recorded with its legal
  reason, and that applicant rates on the clerk's screen; the monitor back, accepts a third applicant's case
  (HY-011) with its one material scanned at the window, the page going with the case as a kiosk's do;
  then continues an application the citizen saved at a kiosk with a one-time notice (its form, licence
  and pages back in the list), scans the material that was missing and accepts it; then, between
  applicants, prints copies (补打) of the refusal's decision and of the kiosk's one-time notice by their
  numbers, made from the backend's records; the window's A4 documents (the notice, the
  refusal decision, the acceptance notice and the two copies) are kept as PDFs under ``a4/``;
- a staff member with the maintenance role signs in to maintenance mode, runs the self-tests and opens the
  page of the network, the hall's terminals, the log and the configuration.

At the end it prints what it sent (case numbers, the offline case's provisional and final numbers,
the notice number) so they can be looked up in the backend's database: each case's ``body`` there
holds its form, the consent given when the citizen was identified, and who applied (``applicant``,
and ``agent`` for the agent's case).

``--backend URL`` uses a backend that is already running instead of starting a sandbox. Every demo
run is a new terminal, ``DEMO-xxxxxx``, signing with the sandbox's demo key (which ``kiosk sandbox``
accepts for any terminal id), so what one run sent is found by its terminal id and its provisional
numbers (unique per terminal in the backend) never meet an earlier run's. For a hall's staging
system, set its enrolled terminal and key in the environment (``KIOSK_TERMINAL__ID``,
``KIOSK_BACKEND__SIGNING_KEY_FILE``); the sample card, services and staff account are the sandbox's
demo data, which that system must hold too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import requests

from common.domain import ApplyAs
from common.i18n import language, set_language
from common.masking import Masker
from entry import walkthrough as walk
from entry.demo_voice import VoiceRecorder
from entry.outage import outage_for
from kiosk.config import Config, load_config
from sandbox.catalogue_changes import ADDED_MATERIAL
from ui.display import DRAWN
from ui.app import Gui, run_gui

DEMO_SERVICE = "GT-001"     # individual business registration: myself (an agent is allowed too)
COMPANY_SERVICE = "WS-013"  # tax payment certificate: a person or a company
DEMO_COMPANY = "91330106MA2H7Q3K8C"  # the sample card's holder is its authorised handler (sandbox data)
AGENT_SERVICE = "JZ-002"    # residence permit: an agent allowed
DEMO_PRINCIPAL = ("330102195506122468", "李样例")  # a person the sandbox knows, for whom the agent applies
DEMO_HALL = "杭州市西湖区政务服务中心（演示）"  # named above the seal on the window's documents
# ... and the same person's name mistyped by one character while the register cannot be asked: accepted
# offline as declared, refused when it arrives (422 principal_not_registered)
MISTYPED_PRINCIPAL = ("330102195506122468", "李洋例")
OFFLINE_SERVICE = "SB-003"  # social insurance record print: no form
# left with a notice while the line is cut: the form and the pages saved when the line is back
NOTICE_OFFLINE_SERVICE, OFFLINE_NOT_BROUGHT = "CS-006", ("M3",)
INCOMPLETE_SERVICE, NOT_BROUGHT = "GJJ-004", ("M2",)
FEE_SERVICE = "JSZ-010"     # driving licence renewal: a 10 yuan fee  # provident fund withdrawal without the purchase contract
CLERK_SERVICE, CLERK_MATERIALS = "GJJ-004", ("M1",)
REFUSED_SERVICE, REFUSAL_REASON = "SB-003", "not_our_remit"
ACCEPTED_SERVICE, ACCEPTED_MATERIALS = "HY-011", ("M1",)  # accepted at the window, its one material scanned there
WINDOW_NUMBER = 3  # the clerk's window (terminal.window_number): tickets are called to it  # the window's refusal (kiosk/refusal_reasons.py)
STAFF_ID, STAFF_PASSWORD = "XH0001", "demo-XH0001"
MAINTENANCE_ID, MAINTENANCE_PASSWORD = "XH0004", "demo-XH0004"  # the sandbox's staff with the maintenance role
# The environment may name the terminal and its key; the demo keeps its own backend, data and devices.
_ENV_KEPT_BY_DEMO = ("KIOSK_BACKEND__URL", "KIOSK_PATHS__", "KIOSK_DEVICES__")


def demo_terminal_id() -> str:
    return "DEMO-" + secrets.token_hex(3).upper()


# The scripted walkthrough's hand lays each drawn page for 1 s and the camera takes it after 0.4 s still; a person
# watching the windowed demo gets the camera's own timing (1 s still, 2 s a page).
SCRIPTED_HAND = {"type": "sim", "still_s": 0.4, "page_s": 1.0}


def demo_config(url: str, data_dir: Path, terminal_id: str | None = None, scripted: bool = False) -> Config:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(_ENV_KEPT_BY_DEMO)}
    overrides = {"backend": {"url": url}, "paths": {"data_dir": str(data_dir)}, "logging": {"console": False},
                 "voice": {"enabled": True},
                 "terminal": {"demo": True, "hall_name": DEMO_HALL}}  # the README's demo PIN is allowed
    if scripted:
        overrides["devices"] = {"document_camera": dict(SCRIPTED_HAND)}
    if terminal_id:
        overrides["terminal"]["id"] = terminal_id
    return load_config(environ=environ, overrides=overrides)


@contextlib.contextmanager
def backend_at(url: str | None) -> Iterator[str]:
    """The given backend, or our own sandbox for the length of the demo (imported only then)."""
    if url:
        url = url.rstrip("/")
        try:
            requests.get(url + "/api/v1/health", timeout=(3, 10)).raise_for_status()
        except requests.RequestException as exc:
            raise walk.WalkError(f"no backend answers at {url} (GET /api/v1/health: {type(exc).__name__})") from None
        yield url
        return
    from sandbox.server import SandboxServer

    with SandboxServer() as sandbox:
        yield sandbox.url


@dataclass
class Sent:
    """What the demo sent, to look up in the backend."""

    backend: str
    terminal_id: str = ""
    cases: list[tuple[str, str]] = field(default_factory=list)  # (what, case number)
    offline: tuple[str, str] | None = None                      # (provisional number, case number)
    notice: str = ""
    kiosk_notice: str = ""  # the one-time notice the kiosk printed when a material was missing
    reprinted: str = ""     # the case whose receipt the citizen printed again from "my applications"
    outage: str = ""
    progress: str = ""  # the progress screen's title after the offline receipt's code was scanned
    refused: tuple[str, str] | None = None  # (provisional number, what its receipt's code brought up)
    window_rating: int = 0  # the applicant's rating of the clerk's notice, on the window's customer side
    refusal_rating: int = 0  # the refused applicant's, on the clerk's screen: the applicant's monitor unplugged
    not_accepted: str = ""  # the case the clerk did not accept (不予受理)
    window_accepted: str = ""  # the case the clerk accepted, its material scanned at the window
    ticket: str = ""  # the queue ticket the clerk called before reading the applicant's card
    window_draft_notice: str = ""  # a kiosk's notice whose saved application the clerk continued
    window_draft_case: str = ""  # the case that saved application became at the window
    offline_draft: str = ""  # the service of an application left with a notice while the line was cut: kept queued
    material_added: str = ""  # the case whose service gained a material while the citizen was at the confirmation

    def report(self) -> str:
        lines = [f"sent to {self.backend} as terminal {self.terminal_id}:"]
        lines += [f"  case {number}  ({what})" for what, number in self.cases]
        if self.offline is not None:
            provisional, number = self.offline
            lines.append(f"  case {number}  (offline at confirm: provisional {provisional}, delivered later; "
                         f"its receipt's QR code brought up '{self.progress}')")
        lines.append(f"  one-time notice {self.kiosk_notice or '(none)'}  (kiosk, service {INCOMPLETE_SERVICE}, "
                     f"{', '.join(NOT_BROUGHT)} not brought; the application saved as a draft)")
        lines.append(f"  queue ticket {self.ticket or '(none)'} called to window {WINDOW_NUMBER}, then served  (taken for "
                     f"service {CLERK_SERVICE}; in a sandbox's database: SELECT * FROM queue_tickets)")
        lines.append(f"  one-time notice {self.notice or '(none)'}  (clerk {STAFF_ID}, service {CLERK_SERVICE})")
        if self.refused is not None:
            provisional, shown = self.refused
            lines.append(f"  refused offline case {provisional}  (an agent's case with the principal's name mistyped "
                         f"while the backend was away; its receipt's QR code brought up '{shown}'; kept as the "
                         f"agent's saved application, the principal to be corrected at the next visit: SELECT body "
                         f"FROM drafts WHERE service_code = '{AGENT_SERVICE}')")
        if self.offline_draft:
            lines.append(f"  an application of {self.offline_draft} saved with a notice printed while the line was cut "
                         f"({', '.join(OFFLINE_NOT_BROUGHT)} not brought): kept in the outbox, saved when the line "
                         f"came back (in a sandbox's database: SELECT service_code, body FROM drafts)")
        if self.material_added:
            lines.append(f"  case {self.material_added}  (the hall added a material ({ADDED_MATERIAL['code']} "
                         f"{ADDED_MATERIAL['name_en']}) to {DEMO_SERVICE} while the citizen was at the confirmation: "
                         f"the backend refused the case without it (422 materials_missing), the kiosk asked for it; "
                         f"SELECT name FROM attachments WHERE case_number = '{self.material_added}')")
        lines.append(f"  receipt of case {self.reprinted or '(none)'} printed again from the citizen's applications")
        lines.append(f"  the clerk's notice rated {self.window_rating or '(not rated)'} on the window's customer side")
        lines.append(f"  case {self.not_accepted or '(none)'}'s refusal rated {self.refusal_rating or '(not rated)'} "
                     f"on the clerk's screen, the applicant's monitor unplugged  (SELECT level, channel FROM "
                     f"evaluations WHERE case_number = '{self.not_accepted}')")
        lines.append(f"  case {self.not_accepted or '(none)'} not accepted at the window  (clerk {STAFF_ID}, service "
                     f"{REFUSED_SERVICE}, reason {REFUSAL_REASON}; in a sandbox's database: SELECT body FROM "
                     f"decisions WHERE case_number = '{self.not_accepted}')")
        lines.append(f"  case {self.window_accepted or '(none)'} accepted at the window  (clerk {STAFF_ID}, service "
                     f"{ACCEPTED_SERVICE}, {', '.join(ACCEPTED_MATERIALS)} scanned there, its form typed by the clerk; "
                     f"in a sandbox's database: SELECT name FROM attachments WHERE case_number = "
                     f"'{self.window_accepted}'; the form: SELECT json_extract(body, '$.form') FROM cases WHERE "
                     f"case_number = '{self.window_accepted}'; what the clerk received: SELECT body FROM decisions "
                     f"WHERE case_number = '{self.window_accepted}')")
        lines.append(f"  a copy of case {self.not_accepted or '(none)'}'s decision printed again at the window "
                     f"(a4/not-accepted-{self.not_accepted}-copy.pdf, made from the decision's record)")
        lines.append(f"  case {self.window_draft_case or '(none)'} accepted at the window from the application saved "
                     f"at the kiosk with notice {self.window_draft_notice or '(none)'}  ({', '.join(NOT_BROUGHT)} "
                     f"scanned at the window; the kiosk's form and pages in it: SELECT body FROM cases WHERE "
                     f"case_number = '{self.window_draft_case}'; SELECT name FROM attachments WHERE case_number = "
                     f"'{self.window_draft_case}')")
        lines.append(f"  a copy of the kiosk's one-time notice {self.kiosk_notice or '(none)'} printed again at the "
                     f"window (a4/notice-{self.kiosk_notice}-copy.pdf; in a sandbox's database: SELECT issued_by, body "
                     f"FROM notices WHERE number = '{self.kiosk_notice}', issued_by '' for a kiosk's)")
        lines.append(f"outage at confirm: {self.outage}")
        lines.append(f"in a sandbox's database: SELECT case_number, provisional_number FROM cases "
                     f"WHERE terminal_id = '{self.terminal_id}'")
        return "\n".join(lines)


@dataclass
class DemoRun:
    paths: list[Path]
    sent: Sent
    voice: list[Path] = field(default_factory=list)  # voice/NNN-step-lang.wav: each prompt the kiosk said
    documents: list[Path] = field(default_factory=list)  # a4/*.pdf: the window's A4 documents as printed


def _prepare(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    data_dir = out / "data"
    shutil.rmtree(data_dir, ignore_errors=True)  # a fresh terminal each run (queue, receipts)
    shutil.rmtree(out / "a4", ignore_errors=True)
    return data_dir


def receipt_code(receipt_png: Path | None) -> str:
    """The QR code printed on a receipt, read as the scanner would read the paper."""
    import numpy as np
    from PIL import Image

    from devices.qr.decoder import decode

    if receipt_png is None:
        raise walk.WalkError("the receipt printer left no picture of the receipt to scan")
    with Image.open(receipt_png) as image:
        codes = [result.text for result in decode(np.asarray(image.convert("L")))]
    if len(codes) != 1:
        raise walk.WalkError(f"the printed receipt {receipt_png.name} shows {len(codes)} readable QR codes, not one")
    return codes[0]


def _pay(backend: str, order_id: str) -> bool:
    """The citizen's payment app pays the order: the sandbox's payment platform switch. False when the
    backend has no such switch (a staging system): the demo's citizen then pays later at the window."""
    try:
        answer = requests.post(f"{backend}/control/payments/{order_id}/paid", timeout=5)
    except requests.RequestException:
        return False
    return answer.ok


def _register_window(backend: str, terminal_id: str) -> None:
    """The hall's administrator registers the terminal as a window, so its clerk's word that paper was checked at
    the counter is taken (sandbox/window_register.py): the sandbox's register switch."""
    try:
        requests.post(f"{backend}/control/windows/{terminal_id}", timeout=5).raise_for_status()
    except requests.RequestException as exc:
        raise walk.WalkError(f"the terminal could not be registered as a window: {type(exc).__name__}") from None


def _change_catalogue(backend: str, service_code: str, change: str) -> None:
    """The hall changes a service under the terminals: the sandbox's catalogue switch (sandbox/catalogue_changes.py)."""
    try:
        requests.post(f"{backend}/control/catalogue", json={"service_code": service_code, "change": change},
                      timeout=5).raise_for_status()
    except requests.RequestException as exc:
        raise walk.WalkError(f"the catalogue could not be changed ({change}): {type(exc).__name__}") from None


def _speak(gui: Gui, wanted: str) -> None:
    if language() != wanted:
        walk.switch_language(gui)


def _kiosk(config: Config, masker: Masker | None, camera: walk.Camera, sent: Sent, outage,
           ears: VoiceRecorder) -> list[Path]:
    """The citizen's journeys; returns the printed receipts. What the voice says goes to ``ears``
    (through espeak-ng, whatever the machine's Qt TextToSpeech has: only its audio can be written)."""
    config = dataclasses.replace(config, voice=dataclasses.replace(config.voice, enabled=True, engine="espeak-ng"))
    gui = Gui(config, "kiosk", masker)
    receipts: list[Path | None] = []
    try:
        gui.window.voice.listen(ears.heard)
        walk.show(gui)
        sent.terminal_id = gui.services.config.terminal.id
        first = walk.citizen_journey(gui, DEMO_SERVICE, camera, rating=5)
        sent.cases.append(("myself, in Chinese, form on the touch keyboard, rated 'very satisfied'", first.number))
        _speak(gui, "en")
        second = walk.citizen_journey(gui, COMPANY_SERVICE, camera, "-company-en", apply_as=ApplyAs.COMPANY,
                                       company=DEMO_COMPANY)
        sent.cases.append((f"for company {DEMO_COMPANY} as its authorised handler, in English", second.number))
        _speak(gui, "zh_CN")
        walk.toggle_large_text(gui)
        third = walk.citizen_journey(gui, AGENT_SERVICE, camera, "-agent-large", apply_as=ApplyAs.AGENT,
                                     principal=DEMO_PRINCIPAL)  # the next citizen starts in standard text again
        sent.cases.append(("an agent for another person, in large text", third.number))
        receipts += [first.receipt_png, second.receipt_png, third.receipt_png]
        # A fee: the order's code on screen, "pay later" tapped; paid later from the citizen's applications (below)
        fee = walk.citizen_journey(gui, FEE_SERVICE, camera, "-fee", search=FEE_SERVICE.lower())  # on the keys
        sent.cases.append((f"{FEE_SERVICE} with its fee paid later from the citizen's applications, by the code on "
                           "screen", fee.number))
        receipts.append(fee.receipt_png)
        # Something missing: the one-time notice is printed and what was provided is saved as a draft.
        notice = walk.citizen_journey(gui, INCOMPLETE_SERVICE, camera, "-incomplete", not_brought=NOT_BROUGHT,
                                      rating=3)  # the notice rated by its number
        if not notice.incomplete:
            raise walk.WalkError(f"{INCOMPLETE_SERVICE} went through although {NOT_BROUGHT} was not brought")
        sent.kiosk_notice = notice.number
        receipts.append(notice.receipt_png)
        # The next visit: the saved application is offered, continued with the missing contract, submitted.
        resumed = walk.resume_journey(gui, INCOMPLETE_SERVICE, camera)
        sent.cases.append((f"{INCOMPLETE_SERVICE} saved with notice {notice.number}, resumed and completed",
                           resumed.number))
        receipts.append(resumed.receipt_png)
        # Another application left with a notice, continued at the window this time (below, the clerk's part)
        later = walk.citizen_journey(gui, INCOMPLETE_SERVICE, camera, "-saved-for-window", not_brought=NOT_BROUGHT)
        if not later.incomplete:
            raise walk.WalkError(f"{INCOMPLETE_SERVICE} went through although {NOT_BROUGHT} was not brought")
        sent.window_draft_notice = later.number
        receipts.append(later.receipt_png)
        if outage is None:
            sent.outage = "none: an HTTPS backend without the sandbox's fault switch cannot be cut on loopback"
        else:
            # The network fails just as the citizen confirms: accepted offline, delivered later.
            offline = walk.citizen_journey(gui, OFFLINE_SERVICE, camera, "-offline", before_confirm=outage.begin,
                                           rating=4)  # rated while offline: the rating waits behind its case
            outage.end()
            sent.outage = outage.how
            receipts.append(offline.receipt_png)
            if not offline.provisional:
                raise walk.WalkError(f"the backend was away at confirm, yet the case got number {offline.number}")
            outbox = gui.services.queue.outbox
            walk.wait_until(lambda: not outbox.items(("pending",)), "the offline case to be delivered", 60)
            delivered = {item.provisional_number: item.case_number for item in outbox.items(("delivered",))}
            sent.offline = (offline.number, delivered.get(offline.number, "(not delivered)"))
            sent.progress = walk.progress_by_receipt(gui, receipt_code(offline.receipt_png), camera)
            # Offline again from the principal's details on: the mistyped name cannot be checked, goes with the
            # case as declared, and the backend refuses the case when it arrives; the receipt still leads somewhere.
            refused = walk.citizen_journey(gui, AGENT_SERVICE, camera, "-refused", apply_as=ApplyAs.AGENT,
                                           principal=MISTYPED_PRINCIPAL, before_principal=outage.begin)
            outage.end()
            receipts.append(refused.receipt_png)
            walk.wait_until(lambda: any(item.provisional_number == refused.number for item in outbox.items(("dead",))),
                            "the backend to refuse the offline case with the mistyped principal", 60)
            walk.wait_until(lambda: not outbox.items(("pending",)), "the refused case kept as the agent's draft", 60)
            sent.refused = (refused.number, walk.progress_by_receipt(gui, receipt_code(refused.receipt_png), camera,
                                                                     "-refused"))
            # Cut again as a notice is printed: the notice has no number, what was provided waits in the outbox
            kept = walk.citizen_journey(gui, NOTICE_OFFLINE_SERVICE, camera, "-notice-offline",
                                        before_confirm=outage.begin, not_brought=OFFLINE_NOT_BROUGHT)
            outage.end()
            receipts.append(kept.receipt_png)
            walk.wait_until(lambda: not outbox.items(("pending",)), "the saved application to reach the backend", 60)
            sent.offline_draft = NOTICE_OFFLINE_SERVICE
            # The hall adds a material to the service while a citizen is at the confirmation (the sandbox's catalogue
            # switch): the backend refuses the case without it, the kiosk asks for it, the case goes with it
            try:
                added = walk.citizen_journey(gui, DEMO_SERVICE, camera, "-material-added", before_confirm=lambda: (
                    _change_catalogue(sent.backend, DEMO_SERVICE, "add_material")))
            finally:
                _change_catalogue(sent.backend, DEMO_SERVICE, "restore")
            receipts.append(added.receipt_png)
            sent.material_added = added.number
        # the fee left unpaid, paid on the citizen's phone (the sandbox's payment platform switch); a receipt again
        sent.reprinted = walk.my_cases_journey(gui, camera, fee_case=fee.number,
                                               pay=lambda order: _pay(sent.backend, order))
        walk.licence_journey(gui, camera, reader_kind="ss_card_reader")  # identified by the social security card
        walk.toggle_large_text(gui)
        camera.shot(gui, "home-large-text")
        walk.toggle_large_text(gui)
        walk.wait_until(lambda: gui.window.voice.pending == 0, "the last spoken prompts", 30)
    finally:
        gui.close()
    return [r for r in receipts if r is not None]


def _clerk(config: Config, masker: Masker | None, camera: walk.Camera, sent: Sent,
           a4: Path) -> Path | None:
    """The clerk's notice, a refusal, an acceptance, then copies of the refusal's document and of the kiosk's
    one-time notice (the citizen lost it); returns the printed notice (its receipt), copies the A4 documents the
    window printed into ``a4``. The window has its screen facing the applicant (ui/customer_screen.py), where the
    applicant rates."""
    config = dataclasses.replace(config, terminal=dataclasses.replace(config.terminal, mode="window",
                                                                      customer_screen="on",
                                                                      window_number=WINDOW_NUMBER))
    gui = Gui(config, "window", masker)
    try:
        walk.show(gui)
        walk.clerk_sign_in(gui, STAFF_ID, STAFF_PASSWORD, camera)
        # the applicant took a ticket at the hall's dispenser (the backend's call as the dispenser makes it, made
        # here by the script, not the window); the clerk calls it before reading their card
        gui.services.backend.take_queue_ticket(service_code=CLERK_SERVICE, idempotency_key=uuid.uuid4().hex)
        sent.ticket = walk.clerk_call_ticket(gui, camera)
        walk.clerk_check_materials(gui, CLERK_SERVICE, (), camera, scanned=CLERK_MATERIALS)  # scanned at the window
        walk.clerk_fill_form(gui, camera, leave=("phone",))  # typed as far as the applicant could: kept with the draft
        sent.notice = walk.clerk_issue_notice(gui, camera)
        walk.clerk_applicant_rates(gui, 4, camera)
        sent.window_rating = 4
        printer = gui.services.devices.receipt_printer
        notice = Path(printer.last_png) if getattr(printer, "last_png", None) else None  # a refusal prints on A4 only
        walk.clerk_next_applicant(gui)
        # the applicant's monitor unplugged: the footer names it, and the next applicant rates on the clerk's screen
        walk.applicant_monitor(gui, False, camera)
        walk.clerk_check_materials(gui, REFUSED_SERVICE, (), camera)
        sent.not_accepted = walk.clerk_refuse(gui, REFUSAL_REASON, camera=camera)
        walk.clerk_applicant_rates(gui, 3, camera)
        sent.refusal_rating = 3
        walk.applicant_monitor(gui, True, camera)
        walk.clerk_next_applicant(gui)
        walk.clerk_check_materials(gui, ACCEPTED_SERVICE, (), camera, scanned=ACCEPTED_MATERIALS)
        walk.clerk_fill_form(gui, camera)
        sent.window_accepted = walk.clerk_accept(gui, camera)
        walk.clerk_next_applicant(gui)
        if sent.window_draft_notice:  # the kiosk's saved application, continued here with what was missing
            walk.clerk_resume_draft(gui, INCOMPLETE_SERVICE, camera)
            for code in NOT_BROUGHT:
                walk.clerk_scan(gui, code, camera)
            sent.window_draft_case = walk.clerk_accept(gui, camera)
            walk.clerk_next_applicant(gui)
        # the refusal's applicant comes back for another copy of the decision (补打): made from the backend's record
        walk.clerk_print_copy(gui, sent.not_accepted, camera)
        if sent.kiosk_notice:  # the kiosk's notice lost: printed again on A4 by its number, naming no clerk
            walk.clerk_print_copy(gui, sent.kiosk_notice, camera, "-notice")
        documents = getattr(gui.services.devices.document_printer, "output_dir", None)
        if documents is not None:
            a4.mkdir(exist_ok=True)
            for pdf in sorted(documents.glob("*.pdf")):
                title = pdf.name.split("-", 3)[-1]  # printed as <date>-<time>-<n>-<title>.pdf
                if title.startswith(("acceptance-", "notice-", "not-accepted-")):  # the window's, not the licence
                    shutil.copy(pdf, a4 / title)
        return notice
    finally:
        gui.close()


def _maintenance(config: Config, masker: Masker | None, camera: walk.Camera) -> None:
    # the terminal's mode as `kiosk run --mode maintenance` sets it: the heartbeat reports it to the hall's list
    config = dataclasses.replace(config, terminal=dataclasses.replace(config.terminal, mode="maintenance"))
    gui = Gui(config, "maintenance", masker)
    try:
        walk.show(gui)
        walk.maintenance_sign_in(gui, MAINTENANCE_ID, MAINTENANCE_PASSWORD, camera)
        walk.maintenance_self_test(gui, camera)
        walk.maintenance_diagnostics(gui, camera)
    finally:
        gui.close()


def run_headless(out: Path, masker: Masker | None = None, backend: str | None = None,
                 outage: str = "auto", every_size: bool = False) -> DemoRun:
    """The scripted walkthrough. ``outage``: ``auto``, ``backend`` (its fault switch) or ``terminal`` (a line cut).
    ``every_size``: each screen also drawn at every target screen size and 1024x768 in both text sizes, under
    ``sizes/``."""
    data_dir = _prepare(out)
    set_language("zh_CN")
    camera = walk.Camera(out, every_size=every_size)
    ears = VoiceRecorder(out / "voice")
    try:
        with backend_at(backend) as url:
            sent = Sent(url)
            terminal_id = demo_terminal_id()
            cut = outage_for(url, outage)
            try:
                kiosk_url = cut.terminal_url if cut is not None else url
                receipts = _kiosk(demo_config(kiosk_url, data_dir, terminal_id, scripted=True), masker, camera, sent, cut, ears)
            finally:
                if cut is not None:
                    cut.close()
            config = demo_config(url, data_dir, terminal_id, scripted=True)
            _register_window(url, terminal_id)  # the demo's one terminal id serves at the window now
            notice = _clerk(config, masker, camera, sent, out / "a4")
            _maintenance(config, masker, camera)
    finally:
        camera.close()
        voice = ears.close()
    saved = []
    for index, receipt in enumerate(receipts, 1):
        target = out / f"receipt-{index}.png"
        shutil.copy(receipt, target)
        saved.append(target)
    if notice is not None:
        target = out / "one-time-notice.png"
        shutil.copy(notice, target)
        saved.append(target)
    return DemoRun(camera.shots + saved, sent, voice, sorted((out / "a4").glob("*.pdf")))


def run_demo(out: Path, headless: bool, masker: Masker | None = None, backend: str | None = None,
             every_size: bool = True) -> int:
    if headless:
        run = run_headless(out, masker, backend, every_size=every_size)
        for path in run.paths:
            print(path)
        print(f"{len(run.voice)} spoken prompts in {out / 'voice'}")
        for path in run.documents:
            print(path)
        if every_size:
            print(f"every screen at {', '.join(d.name for d in DRAWN)}, standard and large text, in {out / 'sizes'}")
        print(run.sent.report())
        return 0
    with backend_at(backend) as url:
        print(f"backend on {url}; press F2 to place the sample ID card, F3 to remove it")
        return run_gui(demo_config(url, out / "data"), "kiosk", masker, fullscreen=False)
