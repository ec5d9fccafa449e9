"""Never stuck (issue 16 item 8): every fault at every step of the citizen's journey, and nothing twice.

Each sandbox fault (sandbox/faults.py) is switched on at each step that talks to the backend:
identify (by card and by the government app's code), choose, the materials (electronic licences),
submit, pay, print (a licence: its preview, then the print) and rate. Each simulator fault is
switched on at the step whose device it breaks: the document camera at capture, the receipt printer
and the document printer at print (the ID reader and the QR scanner, whose events reach the session
through the window, are in test_never_stuck_ui.py). Every pair asserts the exact message (its
English rendering), the step offered next with nothing left busy (its buttons answer), then that
the citizen goes on once the fault is cleared, and ends cleanly: home, nothing of them left.

Then the double taps and repeated scans, each tap arriving while the first one's call is still
under way (the Gate holds the background work): exactly one case, order, print and evaluation, read
back from the sandbox's database and counted on the printers.

The session is driven as the screens drive it, its background work run synchronously. One sandbox
and one set of services serve the module (a pair costs ~0.2 s, a fresh sandbox and services ~0.5 s);
every test starts with no fault on and the sandbox's licence printable again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from common.backend_errors import RejectedError
from common.domain import ApplyAs
from common.i18n import catalogue, language
from devices.receipt.virtual import render
from devices.health import DeviceState
from devices.idcard.samples import sample_identity
from kiosk.app import Services, build_services
from kiosk.catalogue import HeldCatalogue
from kiosk.config import load_config
from kiosk.materials import Provided
from kiosk.tasks import SyncTaskRunner
from kiosk.workflows.citizen import CitizenSession, Step
from sandbox.faults import FAULTS
from sandbox.server import SandboxServer
from tests.backend_helpers import TEST_WINDOWS
from tests.citizen_steps import identify, provide_materials, walk_to_confirm

# The terminal's read timeout here (the heartbeat's remote configuration says the same). At 0.8 s a healthy
# sandbox's POST /cases went unanswered once in a clean-clone CI run (the file's first test, the machine loaded).
READ_TIMEOUT_S = 1.5
SLOW_S = 2.2          # the 'slow' fault's delay: past the read timeout
CAPTURE_S = 2.0       # how long a capture may take before the camera is given up (a hung camera's cost here)

OFFLINE = "The service system cannot be reached right now."
TROUBLE = "The service system had a problem. Please try again in a moment."
# What a call meets under each fault (lose_reply cuts only the answer to a write: a read goes through).
WRITE = {"down": TROUBLE, "error": TROUBLE, "slow": OFFLINE, "drop": OFFLINE, "lose_reply": OFFLINE,
         "unsigned": TROUBLE, "forge": TROUBLE, "trickle": OFFLINE}
READ = dict(WRITE, lose_reply=None)
# Faults under which the backend did the work but the terminal never heard of it.
DONE_UNHEARD = ("slow", "lose_reply", "unsigned", "trickle")

PRINTED = "Your receipt has been printed. Please take it."
SAVED_OFFLINE = ("The service system is offline. Your application is saved on this terminal and will be sent "
                 "automatically; you do not need to come back. Your receipt has been printed.")
LICENCES_AWAY = ("Your electronic licences cannot be fetched right now. Please show the paper documents to the "
                 "camera instead.")
PAY_AWAY = "The payment code cannot be shown now ({reason}). You can pay at the service window."
LICENCE_PRINTED = "Your licence has been printed. Please take it from the printer."
RATE_AWAY = "Your evaluation could not be sent ({reason}). You can rate again, or finish."
THANKS = "Thank you for your evaluation."
RATED_BEFORE = "This was rated before; the first evaluation stands. Thank you."
RECEIPT_AWAY = ("The receipt could not be printed ({reason}). Your case number is on the screen; please note it "
                "down.")
# the sandbox keeps a draft 30 days after its last save, and says until when (payloads.md "Drafts")
DRAFT_SAVED = ("What you provided today is saved until {date}: before then, identify yourself at any terminal of "
               "this hall and continue.")
NOTICE_SAVED = "The one-time notice is printed: it lists everything still missing. " + DRAFT_SAVED
# The notice unconfirmed (no number: printed as provisional), then what is known of the draft.
NOTICE_PROVISIONAL = ("The one-time notice is printed without a number, marked provisional: the service system did "
                      "not confirm it. The list on it is complete. ")
# whatever the backend did of it (nothing, or saved unheard), the draft waits in the outbox and is saved once
DRAFT_QUEUED = ("What you provided today is kept on this terminal and saved as soon as the service system answers: "
                "next time, identify yourself and continue. If it is not found then, please bring everything on the "
                "list.")
APP_CODE = "ZLBID1:ZLB-CQTJKSZPRFK5CKNC7JBD4R6C"  # 张测试's identity code in the government app (sandbox data)
ZHANG = "330106199003071236"
COMPANY = "91330106MA2H7Q3K8C"    # 张测试 is its authorised handler (sandbox data)
PRINCIPAL = ("330102195506122468", "李样例")  # in the sandbox's register of persons
LICENCE_CASE = "SQ2026112000007"  # 张测试's case whose licence is ready (sandbox data)


class Gate(SyncTaskRunner):
    """Runs background work at once, as SyncTaskRunner does; while held, it waits for the release, so a
    second tap arrives while the first one's call is still under way."""

    def __init__(self) -> None:
        self.held: list | None = None

    def run(self, fn, on_done, on_error) -> None:
        if self.held is not None:
            self.held.append((fn, on_done, on_error))
        else:
            SyncTaskRunner().run(fn, on_done, on_error)

    @contextlib.contextmanager
    def holding(self):
        self.held = []
        try:
            yield self.held
        finally:
            waiting, self.held = self.held, None
            for task in waiting:
                SyncTaskRunner().run(*task)



@dataclass
class Hall:
    sandbox: SandboxServer
    services: Services
    gate: Gate

    def session(self) -> CitizenSession:
        return self.services.new_citizen_session()

    def fault(self, fault: str, on: bool = True) -> None:
        self.sandbox.faults.set(fault, on)

    def clear(self) -> None:
        self.sandbox.faults.clear()

    def sql(self, query: str, *args) -> list:
        """Read the sandbox's database back."""
        with self.sandbox.store.tx() as db:
            return db.execute(query, args).fetchall()

    def receipts(self) -> int:
        return len(list(Path(self.services.devices.receipt_printer.output_dir).glob("*.bin")))

    def printouts(self) -> int:
        return len(list(Path(self.services.devices.document_printer.output_dir).glob("*.pdf")))


def wait_for(condition, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("never-stuck")
    with SandboxServer(windows=TEST_WINDOWS) as sandbox:
        sandbox.faults.slow_s = SLOW_S
        sandbox.remote_config["backend"]["read_timeout_s"] = READ_TIMEOUT_S  # the heartbeat applies it
        config = load_config(environ={}, overrides={
            "backend": {"url": sandbox.url, "retries": 0, "connect_timeout_s": 1.0, "read_timeout_s": READ_TIMEOUT_S},
            "paths": {"data_dir": str(data_dir)}, "logging": {"console": False}, "queue": {"max_delay_s": 1},
            "device_calls": {"capture_s": CAPTURE_S}})
        gate = Gate()
        services = build_services(config, gate)
        services.start()
        camera = services.devices.document_camera
        wait_for(lambda: camera.health.state is DeviceState.READY)  # a camera that has been on for a while
        yield Hall(sandbox, services, gate)
        services.stop()


@pytest.fixture(autouse=True)
def fresh(hall):
    """No fault on; the sandbox's ready licence printable again (a test prints it at most once)."""
    hall.clear()
    store = hall.sandbox.store
    with store.tx() as db:
        db.execute("DELETE FROM tickets")
        db.execute("DELETE FROM evaluations WHERE key_kind = 'licence_id'")
    if store.case(LICENCE_CASE)["status"] != "ready":
        store.set_status(LICENCE_CASE, "ready", "证照已制作", "Licence ready")
    yield
    hall.clear()
    for device in (hall.services.devices.receipt_printer, hall.services.devices.document_printer,
                   hall.services.devices.document_camera):
        device.inject("clear")


def shows(session: CitizenSession, step: Step, message: str | None, error: bool = True) -> None:
    """At ``step``, telling ``message`` (English; None: nothing), with nothing under way: its buttons answer."""
    shown = session.notice.message.render("en") if session.notice is not None else None
    assert (session.step, shown, session.busy) == (step, message, False)
    if message is not None:
        assert session.notice.error is error


def ends_cleanly(session: CitizenSession) -> None:
    session.finish()
    assert session.step is Step.HOME and session.notice is None and not session.busy
    assert (session.identity, session.application, session.checklist, session.receipt, session.payment,
            session.licence_preview, session.rating) == (None,) * 7
    assert session.licences == [] and session.my_cases == [] and session.consents == []


def to_confirm(session: CitizenSession) -> None:
    """SB-003 (no form, no fee): the ID card from the electronic licences, then the confirm screen."""
    walk_to_confirm(session, "SB-003")


def submitted(hall: Hall, session: CitizenSession, code: str = "SB-003") -> str:
    walk_to_confirm(session, code)
    session.confirm()
    assert session.receipt is not None and not session.receipt.provisional
    return session.receipt.case_number


def cases_under(hall: Hall, provisional: str) -> int:
    return len(hall.sql("SELECT case_number FROM cases WHERE provisional_number = ?", provisional))


def evaluations_of(hall: Hall, case_number: str) -> list[int]:
    return [row["level"] for row in hall.sql("SELECT level FROM evaluations WHERE case_number = ?", case_number)]


def identity_consents(hall: Hall) -> int:
    return sum(1 for c in hall.sandbox.store.consents(ZHANG) if c["scope"] == "identity")


def pay(hall: Hall, order_id: str) -> None:
    """The citizen pays on the phone: the payment platform tells the backend (the control route)."""
    answer = requests.post(f"{hall.sandbox.url}/control/payments/{order_id}/paid", timeout=5)
    assert answer.ok, answer.text


# -- every sandbox fault at every step ----------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
def test_identify_by_card(hall, fault):
    session = hall.session()
    hall.fault(fault)
    identify(session)
    shows(session, Step.IDENTIFIED, None)  # the card is read on the terminal: the backend is not waited for
    hall.clear()
    session.continue_to_services()
    shows(session, Step.CHOOSE_SERVICE, None)
    ends_cleanly(session)


@pytest.mark.parametrize("fault", FAULTS)
def test_identify_by_app_code(hall, fault):
    session = hall.session()
    session.start_with_card()
    session.agree_consent()
    hall.fault(fault)
    session.code_scanned(APP_CODE)
    shows(session, Step.READ_CARD, WRITE[fault])
    assert session.identity is None
    hall.clear()
    session.code_scanned(APP_CODE)
    shows(session, Step.IDENTIFIED, None)
    assert session.identity.masked_name == "张**"
    ends_cleanly(session)


@pytest.mark.parametrize("fault", FAULTS)
def test_choose(hall, fault):
    """A saved application found at identification would fetch the catalogue: the citizen is one no other test saves
    one for. (Deleting the resident's drafts first was not enough: a test before under the 'slow' fault had the
    sandbox save one after the terminal stopped waiting, and it arrived during this test, one random order in many.)"""
    hall.services.held_catalogue = HeldCatalogue()  # nothing held: a terminal started while the backend is away
    session = hall.session()
    identify(session, sample_identity("resident_long_term"))
    hall.fault(fault)
    session.continue_to_services()
    if READ[fault] is None:
        shows(session, Step.CHOOSE_SERVICE, None)
    else:
        shows(session, Step.IDENTIFIED, READ[fault])  # "Continue" again
        hall.clear()
        session.continue_to_services()
        shows(session, Step.CHOOSE_SERVICE, None)
    session.choose_service("SB-003")
    shows(session, Step.GUIDE, None)
    ends_cleanly(session)
    if READ[fault] is None:
        return
    session = hall.session()  # the next citizen, the backend away again: the list it last gave, said as such
    identify(session)
    hall.fault(fault)
    session.continue_to_services()
    assert session.step is Step.CHOOSE_SERVICE and not session.busy and not session.notice.error
    assert session.notice.message.render("en").startswith("The service system is away: services as of ")
    session.choose_service("SB-003")
    shows(session, Step.GUIDE, None)
    ends_cleanly(session)


def to_who(session: CitizenSession, code: str) -> None:
    identify(session)
    session.continue_to_services()
    session.choose_service(code)
    session.start_application()


@pytest.mark.parametrize("fault", FAULTS)
def test_who_applies_a_company(hall, fault):
    session = hall.session()
    to_who(session, "YZ-007")  # companies only
    shows(session, Step.COMPANY, None)
    session.set_company_code(COMPANY)
    hall.fault(fault)
    session.look_up_company()
    shows(session, Step.COMPANY, READ[fault])
    if READ[fault] is not None:
        assert session.company is None
        hall.clear()
        session.look_up_company()
        shows(session, Step.COMPANY, None)
    assert session.company.credit_code == COMPANY
    session.company_continue()
    shows(session, Step.FORM, None)
    ends_cleanly(session)


@pytest.mark.parametrize("fault", FAULTS)
def test_who_applies_another_person(hall, fault):
    session = hall.session()
    to_who(session, "JZ-002")
    session.choose_applicant(ApplyAs.AGENT)
    hall.fault(fault)
    session.submit_principal(*PRINCIPAL)
    shows(session, Step.FORM, None)  # the register not asked now: the details go as declared, for the clerk
    assert session.principal.masked_name == "李**" and session.principal.card_type.value == "declared"
    ends_cleanly(session)


@pytest.mark.parametrize("fault", FAULTS)
def test_materials_without_electronic_licences(hall, fault):
    session = hall.session()
    identify(session)
    session.continue_to_services()
    session.choose_service("SB-003")
    session.start_application()
    assert session.step is Step.LICENCE_CONSENT
    hall.fault(fault)
    session.agree_licences()
    shows(session, Step.MATERIALS, LICENCES_AWAY)
    assert session.offered_licences == {}
    hall.clear()
    provide_materials(session)  # the ID card on the document camera instead
    session.confirm()
    shows(session, Step.DONE, PRINTED, error=False)
    number = session.receipt.case_number
    assert [name for name, _mime, _sha in hall.sandbox.store.attachments(number)] == ["M1-1.jpg"]
    ends_cleanly(session)


@pytest.mark.parametrize("fault", FAULTS)
def test_submit(hall, fault):
    session = hall.session()
    to_confirm(session)
    hall.fault(fault)
    session.confirm()
    shows(session, Step.DONE, SAVED_OFFLINE, error=False)
    number = session.receipt.case_number  # forge's made-up case number is not believed
    assert session.receipt.provisional and number.startswith("P-")
    assert hall.services.devices.receipt_printer.last_bytes.count(f"OTR1:{number}".encode()) == 1
    if fault in DONE_UNHEARD:  # the first one arrives (late, under slow) before it is sent again
        wait_for(lambda: cases_under(hall, number))
    hall.clear()
    for item in hall.services.queue.outbox.items(("pending",)):  # the sync worker's next pass, without its backoff
        hall.services.queue.sync.deliver_now(item.id)
    assert not hall.services.queue.outbox.items(("pending",))
    assert cases_under(hall, number) == 1  # sent again with the same key: one case, even where the first arrived
    ends_cleanly(session)


@pytest.mark.parametrize("fault", FAULTS)
def test_pay(hall, fault):
    session = hall.session()
    walk_to_confirm(session, "JSZ-010")
    switched = []

    def at_payment(s: CitizenSession) -> None:  # the case is in; the backend fails as its code is asked for
        if s.step is Step.PAYMENT and not switched:
            switched.append(fault)
            hall.fault(fault)

    session.subscribe(at_payment)
    session.confirm()
    case = session.receipt.case_number
    shows(session, Step.PAYMENT, PAY_AWAY.format(reason=WRITE[fault]))  # "New payment code" and "Pay later"
    assert session.payment is None and not session.receipt.provisional
    if fault in DONE_UNHEARD:  # the order was made: the next ask must find that one
        wait_for(lambda: hall.sandbox.store.payments.orders_of(case))
    hall.clear()
    session.new_payment_order()
    shows(session, Step.PAYMENT, None)
    order = session.payment
    assert order.status.open and [o["order_id"] for o in hall.sandbox.store.payments.orders_of(case)] == [order.order_id]
    hall.fault(fault)
    pay(hall, order.order_id)
    session.poll_payment()
    if READ[fault] is not None:
        shows(session, Step.PAYMENT, None)  # not read now: the code stays, asked again at the next tick
        hall.clear()
        session.poll_payment()
    shows(session, Step.DONE, PRINTED, error=False)
    assert session.receipt.fee_paid
    assert [o["status"] for o in hall.sandbox.store.payments.orders_of(case)] == ["paid"]
    ends_cleanly(session)


def to_incomplete(session: CitizenSession) -> None:
    """SB-003 with the ID card not brought: the one-time notice is next."""
    identify(session)
    session.continue_to_services()
    session.choose_service("SB-003")
    session.start_application()
    session.decline_licences()
    session.material_not_brought("M1")
    session.materials_done()
    shows(session, Step.INCOMPLETE, None)


@pytest.mark.parametrize("fault", FAULTS)
def test_one_time_notice(hall, fault):
    with hall.sandbox.store.tx() as db:  # no draft of an earlier test: what this one saves is counted
        db.execute("DELETE FROM drafts WHERE id_number = ?", (ZHANG,))
    session = hall.session()
    to_incomplete(session)
    receipts, notices = hall.receipts(), notice_numbers(hall)
    hall.fault(fault)
    session.leave_with_notice()
    shows(session, Step.DONE, NOTICE_PROVISIONAL + DRAFT_QUEUED)  # the list in hand all the same, said as it is
    assert hall.receipts() == receipts + 1 and session.notice_number == ""
    printer = hall.services.devices.receipt_printer
    paper = render(printer.last_bytes, printer.profile).lines
    provisional = catalogue(language()).gettext("Notice number: {number}").format(
        number=catalogue(language()).gettext("none (provisional)"))
    assert provisional in paper and not any("GZ" in line for line in paper)
    drafts = lambda: hall.sql("SELECT draft_id FROM drafts WHERE id_number = ?", ZHANG)  # noqa: E731
    if fault in DONE_UNHEARD:  # the backend did both: recorded once, saved unheard
        wait_for(lambda: len(notice_numbers(hall) - notices) == 1 and drafts())
    hall.clear()
    ends_cleanly(session)
    assert len(notice_numbers(hall) - notices) == (1 if fault in DONE_UNHEARD else 0)
    wait_for(lambda: not hall.services.queue.outbox.items(("pending",)))  # the queued draft, once it is back
    assert len(drafts()) == 1  # saved once, whether or not the backend had it already
    (body,) = hall.sql("SELECT body FROM drafts WHERE id_number = ?", ZHANG)
    assert json.loads(body[0])["missing"] == ["M1"]


def ready_licence(session: CitizenSession) -> str:
    identify(session, purpose="licence")
    shows(session, Step.LICENCES, None)
    (licence,) = session.licences
    return licence["licence_id"]


@pytest.mark.parametrize("fault", FAULTS)
def test_licence_preview(hall, fault):
    session = hall.session()
    licence = ready_licence(session)
    hall.fault(fault)
    session.preview_licence(licence)
    shows(session, Step.LICENCES, WRITE[fault])
    assert session.licence_preview is None
    if fault in DONE_UNHEARD:  # the backend issued a ticket the terminal never heard of
        wait_for(lambda: hall.sql("SELECT ticket_id FROM tickets"))
    hall.clear()
    session.preview_licence(licence)  # asked again under the attempt's key: that ticket, not "already printed"
    shows(session, Step.LICENCE_PREVIEW, None)
    assert [row["ticket_id"] for row in hall.sql("SELECT ticket_id FROM tickets")] == [session.licence_preview.ticket_id]
    ends_cleanly(session)  # walked away from the preview: the ticket released
    assert [row["status"] for row in hall.sql("SELECT status FROM tickets")] == ["released"]


@pytest.mark.parametrize("fault", DONE_UNHEARD)
def test_a_licence_previewed_unheard_and_walked_away_from_is_printable_at_once(hall, fault):
    session = hall.session()
    licence = ready_licence(session)
    hall.fault(fault)
    session.preview_licence(licence)
    shows(session, Step.LICENCES, WRITE[fault])
    wait_for(lambda: hall.sql("SELECT ticket_id FROM tickets"))  # issued, unheard of
    hall.clear()
    ends_cleanly(session)  # the ticket it caused asked for under its key, and released
    assert [row["status"] for row in hall.sql("SELECT status FROM tickets")] == ["released"]
    again = hall.session()  # the next citizen (or this one at once) is not told "being printed"
    assert ready_licence(again) == licence
    again.preview_licence(licence)
    shows(again, Step.LICENCE_PREVIEW, None)
    ends_cleanly(again)


@pytest.mark.parametrize("fault", FAULTS)
def test_licence_print(hall, fault):
    session = hall.session()
    licence = ready_licence(session)
    session.preview_licence(licence)
    before = hall.printouts()
    hall.fault(fault)
    session.print_licence()
    # printed, whatever the backend heard of it: the citizen is told so and may rate it
    shows(session, Step.DONE, LICENCE_PRINTED, error=False)
    assert hall.printouts() == before + 1 and session.can_rate()
    assert confirmations_waiting(hall) == 1  # the confirmation waits in the outbox
    hall.clear()
    ends_cleanly(session)
    confirmations_delivered(hall)
    assert [row["status"] for row in hall.sql("SELECT status FROM tickets")] == ["consumed"]
    again = hall.session()  # and it does not print a second time
    identify(again, purpose="licence")
    assert again.licences == []
    ends_cleanly(again)
    with pytest.raises(RejectedError, match="already_printed"):
        hall.services.backend.print_ticket(licence, "another-attempt")
    assert hall.printouts() == before + 1


def confirmations_waiting(hall: Hall) -> int:
    return len(hall.services.queue.outbox.items(("pending",)))


def confirmations_delivered(hall: Hall) -> None:
    """The sync worker's next pass, without its backoff (it may have delivered them itself already)."""
    for item in hall.services.queue.outbox.items(("pending",)):
        hall.services.queue.sync.deliver_now(item.id)
    assert confirmations_waiting(hall) == 0


def test_a_licence_printed_while_its_confirmation_failed_never_prints_again(hall):
    session = hall.session()
    licence = ready_licence(session)
    session.preview_licence(licence)
    hall.fault("down")
    session.print_licence()
    shows(session, Step.DONE, LICENCE_PRINTED, error=False)
    ends_cleanly(session)
    with hall.sandbox.store.tx() as db:  # ten minutes on: the ticket has expired, still not confirmed
        db.execute("UPDATE tickets SET expires = 0")
    hall.clear()
    wait_for(lambda: confirmations_waiting(hall) == 0)  # the sync worker sends it, after its backoff
    assert [row["status"] for row in hall.sql("SELECT status FROM tickets")] == ["consumed"]
    with pytest.raises(RejectedError, match="already_printed"):
        hall.services.backend.print_ticket(licence, "a-new-attempt")
    again = hall.session()
    identify(again, purpose="licence")
    assert again.licences == []
    ends_cleanly(again)


@pytest.mark.parametrize("fault", FAULTS)
def test_rate(hall, fault):
    session = hall.session()
    case = submitted(hall, session)
    hall.fault(fault)
    session.choose_rating(4)
    shows(session, Step.DONE, RATE_AWAY.format(reason=WRITE[fault]))
    assert session.can_rate()
    if fault in DONE_UNHEARD:
        wait_for(lambda: evaluations_of(hall, case))
    hall.clear()
    session.choose_rating(5)
    shows(session, Step.DONE, RATED_BEFORE if fault in DONE_UNHEARD else THANKS, error=False)
    assert evaluations_of(hall, case) == [4 if fault in DONE_UNHEARD else 5] and not session.can_rate()
    ends_cleanly(session)


# -- every simulator fault at the step whose device it breaks ----------------------------------


@pytest.mark.parametrize("fault, step, message", [
    ("no_frame", Step.CAPTURE, "The page could not be captured. Please lay it flat under the camera and try again."),
    ("unplugged", Step.MATERIALS, "The document camera is not working (The document camera is not connected.). This "
                                  "material is listed for the service window."),
    ("hang", Step.MATERIALS, "The document camera is not working (The device did not answer in time.). This "
                             "material is listed for the service window."),
])
def test_capture(hall, fault, step, message):
    camera = hall.services.devices.document_camera
    session = hall.session()
    identify(session)
    session.continue_to_services()
    session.choose_service("SB-003")
    session.start_application()
    session.decline_licences()
    session.scan_material("M1")
    camera.inject(fault)
    if fault == "unplugged":
        wait_for(lambda: camera.health.state is DeviceState.OFFLINE)  # the feed has lost the camera
    session.capture_page()
    shows(session, step, message)
    camera.inject("clear")
    wait_for(lambda: camera.health.state is DeviceState.READY)
    if step is Step.MATERIALS:  # listed for the window; the camera back, it can still be scanned
        assert session.checklist["M1"].provided is Provided.NOT_BROUGHT
        session.scan_material("M1")
    session.capture_page()
    shows(session, Step.CAPTURE, "Page 1 of 1 taken.", error=False)
    session.capture_done()
    session.materials_done()
    shows(session, Step.CONFIRM, None)
    ends_cleanly(session)


@pytest.mark.parametrize("fault, message", [
    ("paper_out", RECEIPT_AWAY.format(reason="The receipt printer is out of paper. Please ask the hall staff for help.")),
    ("offline", RECEIPT_AWAY.format(reason="The receipt printer is not connected.")),
    ("slow", PRINTED),
])
def test_receipt_print(hall, fault, message):
    printer = hall.services.devices.receipt_printer
    session = hall.session()
    to_confirm(session)
    printer.inject(fault)
    session.confirm()
    shows(session, Step.DONE, message, error=fault != "slow")
    number = session.receipt.case_number
    assert hall.sandbox.store.case(number) is not None and session.can_rate()  # the case is in: the number shows
    printer.inject("clear")
    session.finish()
    identify(session)  # the receipt again, from the citizen's applications
    session.show_my_cases()
    session.open_case(number)
    session.reprint_receipt()
    shows(session, Step.PROGRESS, "The receipt is printed again. Please take it.", error=False)
    assert f"OTR1:{number}".encode() in printer.last_bytes
    ends_cleanly(session)


def test_one_time_notice_out_of_paper(hall):
    printer = hall.services.devices.receipt_printer
    session = hall.session()
    to_incomplete(session)
    notices = notice_numbers(hall)
    printer.inject("paper_out")
    session.leave_with_notice()
    shows(session, Step.INCOMPLETE, "The one-time notice could not be printed: The receipt printer is out of paper. "
                                    "Please ask the hall staff for help. " + DRAFT_SAVED.format(date=in_30_days()))
    (recorded,) = notice_numbers(hall) - notices  # recorded before the printer failed
    (draft,) = [row["draft_id"] for row in hall.sql("SELECT draft_id FROM drafts")]  # and saved: a citizen who leaves now loses nothing provided
    printer.inject("clear")
    session.leave_with_notice()
    shows(session, Step.DONE, NOTICE_SAVED.format(date=in_30_days()), error=False)
    assert notice_numbers(hall) - notices == {recorded}  # printed again: the notice recorded, not a second one
    assert session.notice_number == recorded and recorded.encode() in printer.last_bytes
    assert [row["draft_id"] for row in hall.sql("SELECT draft_id FROM drafts")] == [draft]  # saved again: the same
    ends_cleanly(session)


def in_30_days() -> str:
    return (dt.datetime.now().astimezone() + dt.timedelta(days=30)).date().isoformat()


def notice_numbers(hall: Hall) -> set[str]:
    return {row["number"] for row in hall.sql("SELECT number FROM notices")}


@pytest.mark.parametrize("backend_fault", [None, "down"])
def test_licence_print_jam(hall, backend_fault):
    printer = hall.services.devices.document_printer
    session = hall.session()
    licence = ready_licence(session)
    session.preview_licence(licence)
    before = hall.printouts()
    printer.inject("jam")
    if backend_fault:  # the ticket cannot be released either: the jam is still what the citizen hears
        hall.fault(backend_fault)
    session.print_licence()
    shows(session, Step.LICENCES, "The document printer has a paper jam. Please ask the hall staff for help.")
    assert hall.printouts() == before
    printer.inject("clear")
    hall.clear()
    session.preview_licence(licence)  # released, or still open under this attempt's key: printable again
    session.print_licence()
    shows(session, Step.DONE, LICENCE_PRINTED, error=False)
    assert hall.printouts() == before + 1
    ends_cleanly(session)


# -- double taps and repeated scans --------------------------------------------------------------


def test_submit_tapped_twice_is_one_case_and_one_receipt(hall):
    session = hall.session()
    to_confirm(session)
    cases, receipts = hall.sandbox.store.cases_count(), hall.receipts()
    with hall.gate.holding():
        session.confirm()
        session.confirm()
    shows(session, Step.DONE, PRINTED, error=False)
    session.confirm()
    assert hall.sandbox.store.cases_count() == cases + 1 and hall.receipts() == receipts + 1
    ends_cleanly(session)


def to_capture(session: CitizenSession, code: str = "M1") -> None:
    identify(session)
    session.continue_to_services()
    session.choose_service("SB-003")
    session.start_application()
    session.decline_licences()
    session.scan_material(code)


def test_finished_tapped_while_a_page_is_taken_keeps_the_page_and_leaves(hall):
    """An auto-capture under way when the citizen taps "finished": the tap is carried out, not dropped."""
    session = hall.session()
    to_capture(session)
    with hall.gate.holding() as waiting:
        session.capture_page()
        session.capture_done()
        session.capture_done()
        assert session.step is Step.CAPTURE and len(waiting) == 1
    assert session.step is Step.MATERIALS and not session.busy
    assert len(session.checklist["M1"].pages) == 1 and session.capture_code is None
    session.scan_material("M1")  # back to the camera: the earlier tap does not send it away again
    session.capture_page()
    shows(session, Step.CAPTURE, "Page 2 taken, an extra one (1 asked for).", error=False)
    ends_cleanly(session)


def test_finished_tapped_while_a_failed_picture_is_taken_leaves_without_advice(hall):
    camera = hall.services.devices.document_camera
    session = hall.session()
    to_capture(session)
    camera.inject("no_frame")
    with hall.gate.holding():
        session.capture_page()
        session.capture_done()
    camera.inject("clear")
    shows(session, Step.MATERIALS, None)
    assert session.checklist["M1"].pages == []
    ends_cleanly(session)


def test_finished_tapped_while_a_card_front_is_copied_drops_the_front(hall):
    session = hall.session()
    to_capture(session, "M1")
    assert session.is_identity_material("M1")  # SB-003's M1: the resident ID card
    with hall.gate.holding():
        session.copy_id_card()
        session.capture_done()
    assert session.step is Step.MATERIALS and session.card_front is None
    assert session.checklist["M1"].pages == []
    ends_cleanly(session)


def test_pay_tapped_twice_is_one_order_and_one_receipt(hall):
    session = hall.session()
    walk_to_confirm(session, "JSZ-010")
    session.confirm()
    case, order = session.receipt.case_number, session.payment
    with hall.gate.holding() as waiting:  # "New payment code" twice
        session.new_payment_order()
        session.new_payment_order()
        assert len(waiting) == 1
    pay(hall, order.order_id)
    receipts = hall.receipts()
    with hall.gate.holding() as waiting:  # the screen's timer ticks again while the first ask is under way
        session.poll_payment()
        session.poll_payment()
        assert len(waiting) == 1
    shows(session, Step.DONE, PRINTED, error=False)
    session.pay_later()
    session.poll_payment()
    assert [o["status"] for o in hall.sandbox.store.payments.orders_of(case)] == ["paid"]
    assert hall.receipts() == receipts + 1
    ends_cleanly(session)


def test_print_tapped_twice_prints_once(hall):
    session = hall.session()
    licence = ready_licence(session)
    session.preview_licence(licence)
    before = hall.printouts()
    with hall.gate.holding():
        session.print_licence()
        session.print_licence()
    shows(session, Step.DONE, LICENCE_PRINTED, error=False)
    session.print_licence()
    assert hall.printouts() == before + 1
    assert [row["status"] for row in hall.sql("SELECT status FROM tickets")] == ["consumed"]
    ends_cleanly(session)
    # a receipt printed again, tapped twice
    number = submitted(hall, session)
    session.finish()
    identify(session)
    session.show_my_cases()
    session.open_case(number)
    receipts = hall.receipts()
    with hall.gate.holding():
        session.reprint_receipt()
        session.reprint_receipt()
    shows(session, Step.PROGRESS, "The receipt is printed again. Please take it.", error=False)
    assert hall.receipts() == receipts + 1
    ends_cleanly(session)


def test_rate_tapped_twice_is_one_evaluation(hall):
    session = hall.session()
    case = submitted(hall, session)
    with hall.gate.holding():
        session.choose_rating(4)
        session.choose_rating(5)
    shows(session, Step.DONE, THANKS, error=False)
    session.choose_rating(3)
    assert evaluations_of(hall, case) == [4] and not session.can_rate()
    ends_cleanly(session)


def test_the_same_code_scanned_twice_is_looked_up_once(hall):
    session = hall.session()
    number = submitted(hall, session)
    session.finish()
    receipts = hall.receipts()
    with hall.gate.holding() as waiting:  # the citizen's receipt held to the scanner twice
        session.code_scanned(f"OTR1:{number}")
        session.code_scanned(f"OTR1:{number}")
        assert len(waiting) == 1
    shows(session, Step.PROGRESS, None)
    assert session.progress["case_number"] == number and not session.can_reprint()
    assert hall.receipts() == receipts  # a scanned receipt alone never prints
    ends_cleanly(session)
    consents = identity_consents(hall)
    session.start_with_card()
    session.agree_consent()
    with hall.gate.holding() as waiting:  # the app's identity code, twice
        session.code_scanned(APP_CODE)
        session.code_scanned(APP_CODE)
        assert len(waiting) == 1
    shows(session, Step.IDENTIFIED, None)
    session.code_scanned(APP_CODE)
    assert len(session.consents) == 1 and identity_consents(hall) == consents + 1
    ends_cleanly(session)


def test_the_card_read_twice_is_one_applicant_and_one_case(hall):
    session = hall.session()
    consents, cases = identity_consents(hall), hall.sandbox.store.cases_count()
    first, second = sample_identity("resident"), sample_identity("resident")
    session.start_with_card()
    session.agree_consent()
    session.card_read(first)
    session.card_read(second)  # the reader reads the card still lying there again
    shows(session, Step.IDENTIFIED, None)
    assert session.identity is first and second.id_number == "" and len(session.consents) == 1
    session.continue_to_services()
    session.choose_service("SB-003")
    session.start_application()
    provide_materials(session)
    session.confirm()
    session.card_read(sample_identity("resident"))
    shows(session, Step.DONE, PRINTED, error=False)
    assert hall.sandbox.store.cases_count() == cases + 1
    assert identity_consents(hall) == consents + 1
    ends_cleanly(session)
