"""Builds every service the terminal runs on and passes each in through constructors.

Nothing here is global: a test or the demo builds its own :class:`Services`
from its own :class:`~kiosk.config.Config`.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from devices.base import CallTimeouts, Device
from devices.docprinter.base import DocumentPrinter
from devices.doccam.late import LateDocumentCamera
from devices.doccam.base import DocumentCamera
from devices.idcard.base import IdCardReader
from devices.qr.base import QrScanner
from devices.receipt.base import ReceiptPrinter
from devices.registry import build_device
from kiosk.backend.client import BackendClient
from kiosk.config import DEVICE_KINDS, Config
from kiosk.allocator import give_back_after_each_citizen
from kiosk.audit import AuditTrail
from kiosk.break_glass import BreakGlassPin, PinLockout
from kiosk.catalogue import FILE_NAME as CATALOGUE_FILE, HeldCatalogue, file_key as catalogue_file_key
from kiosk.heartbeat import Heartbeat
from kiosk.logging_setup import set_log_level
from kiosk.submission import Submitter
from common import names
from common.i18n import set_language
from common.masking import Masker
from common.private_files import private_dir
from kiosk.tasks import TaskRunner
from kiosk.workflows.citizen import CitizenSession
from kiosk.workflows.clerk_queue import categories_served
from kiosk.staff_sign_in import StaffSignIn
from kiosk.staff_verifiers import VerifierFile
from kiosk.workflows.clerk import ClerkDesk
from kiosk.workflows.maintenance import MaintenanceAccess
from kiosk.queue_setup import Queue, build_queue
from kiosk.disk_watch import DiskWatch
from kiosk.held_devices import HeldDevices, held_bound_s
from kiosk.restarts import RestartLog

log = logging.getLogger(__name__)
NAMES_FILE = "names.json"  # the last addresses of the names the terminal reached (common.names)


@dataclass
class Devices:
    id_reader: IdCardReader
    ss_card_reader: IdCardReader  # the social security card: the same events as the ID card
    qr_scanner: QrScanner
    document_camera: DocumentCamera
    receipt_printer: ReceiptPrinter
    document_printer: DocumentPrinter

    def all(self) -> list[Device]:
        """The devices this terminal has (one configured as absent, ``type = "none"``, is not among them)."""
        return [device for device in (getattr(self, kind) for kind in DEVICE_KINDS) if device.installed]


def call_timeouts(config: Config) -> CallTimeouts:
    """How long callers wait for each kind of device call, from ``[device_calls]``."""
    return CallTimeouts(**dataclasses.asdict(config.device_calls))


def build_devices(config: Config, late: threading.Event | None = None) -> Devices:
    """Every device from its configuration. With ``late``, the document camera's driver is built
    on its own worker once ``late`` is set (see devices/doccam/late.py), not here."""
    data_dir = config.data_dir
    waits = call_timeouts(config)
    built = {}
    for kind in DEVICE_KINDS:
        section = config.device(kind)
        if kind == "document_camera" and late is not None:
            build = functools.partial(build_device, kind, section.type, section.options, data_dir)
            built[kind] = LateDocumentCamera(kind, build, after=late)
        else:
            built[kind] = build_device(kind, section.type, section.options, data_dir)
        built[kind].set_call_timeouts(waits)
    return Devices(**built)


@dataclass
class Services:
    config: Config
    masker: Masker
    backend: BackendClient
    devices: Devices
    tasks: TaskRunner
    heartbeat: Heartbeat
    queue: Queue
    submitter: Submitter
    audit: AuditTrail
    staff_sign_in: StaffSignIn  # the window's and maintenance's, one verifier cache
    # the catalogue the backend last gave, offered while it is away (kiosk/catalogue.py): the kiosk's sessions' and
    # the window's desks'
    held_catalogue: HeldCatalogue = field(default_factory=HeldCatalogue)
    # the document camera's captures, on a worker of their own: on ``tasks`` they queued behind backend calls
    # waiting out their read timeout (None: on ``tasks``, as the tests' synchronous runner does)
    device_tasks: TaskRunner | None = None
    # the receipt's and the A4 papers' print jobs, one at a time on a worker of their own: a printer waiting out its
    # timeout holds none of the workers the backend's calls need (None: on ``tasks``)
    print_tasks: TaskRunner | None = None
    # the window's desk: what its clerk waits on with the desk busy, one at a time on a worker of its own; on
    # ``tasks`` it queued behind look-ups, each waiting out a trickling backend's deadline: an acceptance began
    # 17 s after its tap behind six of them (kiosk bench window-monkey --trickle, seed 660) (None: on ``tasks``)
    desk_tasks: TaskRunner | None = None
    # the devices held by a call that never returned (kiosk/held_devices.py); None: nobody looks
    held_devices: HeldDevices | None = None
    # whether the disk still takes writes, looked at while the terminal runs (kiosk/disk_watch.py); None: nobody looks
    disk_watch: DiskWatch | None = None
    _network_started: bool = field(default=False, init=False, repr=False)

    @property
    def camera_tasks(self) -> TaskRunner:
        return self.device_tasks if self.device_tasks is not None else self.tasks

    @property
    def printer_tasks(self) -> TaskRunner:
        return self.print_tasks if self.print_tasks is not None else self.tasks

    def new_citizen_session(self) -> CitizenSession:
        session = CitizenSession(backend=self.backend, submitter=self.submitter, printer=self.devices.receipt_printer,
                                 tasks=self.tasks, terminal_id=self.config.terminal.id, masker=self.masker,
                                 document_printer=self._document_printer(),
                                 document_camera=self.devices.document_camera, held_catalogue=self.held_catalogue,
                                 device_tasks=self.camera_tasks, print_tasks=self.printer_tasks,
                                 desk_tasks=self.desk_tasks)
        give_back_after_each_citizen(session, self.tasks)  # what the citizen's pages and frames freed (kiosk/allocator.py)
        return session

    def _document_printer(self) -> DocumentPrinter | None:
        """The A4 printer, or None where the terminal has none (``type = "none"``: nothing offered that needs it)."""
        printer = self.devices.document_printer
        return printer if printer.installed else None

    def new_clerk_desk(self) -> ClerkDesk:
        return ClerkDesk(backend=self.backend, submitter=self.submitter, printer=self.devices.receipt_printer,
                         tasks=self.tasks, audit=self.audit, terminal_id=self.config.terminal.id, masker=self.masker,
                         staff_sign_in=self.staff_sign_in, document_printer=self._document_printer(),
                         hall=self.config.terminal.hall_name or self.config.terminal.hall_id,
                         hall_id=self.config.terminal.hall_id,
                         signs_at_window=self.config.terminal.customer_screen == "on",
                         consent_on_screen=self.config.terminal.customer_screen == "on",
                         window_number=self.config.terminal.window_number,
                         queue_categories=categories_served(self.config.terminal.queue_categories),
                         document_camera=camera if (camera := self.devices.document_camera).installed else None,
                         held_catalogue=self.held_catalogue, device_tasks=self.camera_tasks,
                         print_tasks=self.printer_tasks, desk_tasks=self.desk_tasks,
                         registered_window=lambda: self.heartbeat.registered_window,
                         held_devices=self.held_devices)

    def new_maintenance(self) -> MaintenanceAccess:
        terminal = self.config.terminal
        lockout = PinLockout(self.config.data_dir / "maintenance" / "pin_lockout.json", terminal.pin_lockout_s)
        # a plain PIN only in a demo configuration (load_config refuses it elsewhere); demo's empty PIN is a PIN
        plain = terminal.staff_pin if terminal.demo and not terminal.break_glass_pin_hash else None
        break_glass = BreakGlassPin(lockout, pin_hash=terminal.break_glass_pin_hash, plain=plain)
        return MaintenanceAccess(staff_sign_in=self.staff_sign_in, break_glass=break_glass, tasks=self.tasks,
                                 audit=self.audit, backend=self.backend, hall_id=terminal.hall_id)

    def start(self) -> None:
        self.start_network()
        for device in self.devices.all():
            device.start()
        if self.held_devices is not None:
            self.held_devices.start()
        if self.disk_watch is not None:
            self.disk_watch.start()

    def start_network(self) -> None:
        """The queue's sync and the heartbeat, whose first call enrols the terminal: started once. ``kiosk
        run`` starts them as soon as the services exist, so the backend's first answer (100-250 ms on
        this machine) travels while the window is still being built; the devices start after the
        screens listen to them, so no card laid on the reader meanwhile goes unheard."""
        if self._network_started:
            return
        self._network_started = True
        self.queue.sync.start()
        self.heartbeat.start()

    def stop(self) -> None:
        if self.held_devices is not None:
            self.held_devices.stop()
        if self.disk_watch is not None:
            self.disk_watch.stop()
        self.heartbeat.stop()
        self.queue.close()
        self.audit.close()
        for device in self.devices.all():
            device.stop()
        self.tasks.shutdown()
        for runner in (self.device_tasks, self.print_tasks, self.desk_tasks):
            if runner is not None:
                runner.shutdown()
        self.backend.close()


def build_services(config: Config, tasks: TaskRunner, masker: Masker | None = None, *,
                   on_config: Callable[[Config], None] | None = None, late_document_camera: bool = False,
                   device_tasks: TaskRunner | None = None, print_tasks: TaskRunner | None = None,
                   desk_tasks: TaskRunner | None = None) -> Services:
    """The composition root: every service of the terminal is built here and nowhere else.

    Remote configuration from the heartbeat is applied to the services first, then handed to
    ``on_config`` (on the heartbeat's thread) for what the caller applies itself (the UI's part).
    With ``late_document_camera`` (``kiosk run``) the document camera's driver is built after the
    heartbeat's first answer, when the rest of the terminal is usable.
    """
    set_language(config.terminal.language)
    private_dir(config.data_dir)
    names.NAMES.keep_in(config.data_dir / NAMES_FILE)  # the last answers: the backend reached while the DNS is away
    backend = BackendClient(config.backend, config.terminal.id)
    answered = threading.Event()
    devices = build_devices(config, late=answered if late_document_camera else None)
    queue = build_queue(config, backend)
    audit = AuditTrail(config.data_dir / "audit" / "trail.jsonl", backend.audit_key, in_background=True)
    restarts = RestartLog(config.data_dir)

    def remote_config(updated: Config) -> None:
        apply_remote_config(updated, backend, queue)
        if on_config is not None:
            on_config(updated)

    held = HeldDevices(devices.all(), held_bound_s(config.supervisor.device_held_s, call_timeouts(config)))
    disk = DiskWatch(config.data_dir, config.supervisor.disk_look_s)
    heartbeat = Heartbeat(backend, config, devices.all(), disk=disk,
                          status_extra=lambda: terminal_status(queue, audit, restarts),
                          on_config=remote_config, on_first_beat=answered.set,
                          interval_s=config.backend.heartbeat_interval_s)
    return Services(config=config, masker=masker or Masker(), backend=backend, devices=devices, tasks=tasks,
                    heartbeat=heartbeat, held_devices=held, disk_watch=disk, queue=queue, audit=audit,
                    staff_sign_in=StaffSignIn(backend, offline_for_s=config.terminal.offline_sign_in_s,
                                              kept=VerifierFile(config.data_dir / "staff" / "verifiers.sealed",
                                                                queue.outbox.sealer)),
                    submitter=Submitter(queue, backend, config.queue.deliver_wait_s),
                    held_catalogue=HeldCatalogue(path=config.data_dir / CATALOGUE_FILE,
                                                 key=catalogue_file_key(backend.audit_key)),
                    device_tasks=device_tasks, print_tasks=print_tasks, desk_tasks=desk_tasks)


def apply_remote_config(config: Config, backend: BackendClient, queue: Queue) -> None:
    """The services' part of remote configuration, applied live on the heartbeat's thread: the
    client's timeouts and retries, the sync worker's backoff cap, the log level. The UI applies its
    part (idle timeout, default language) on the GUI thread. Every key marked remote is in one of
    the two; tests/test_remote_config.py checks each."""
    backend.reconfigure(config.backend)
    queue.sync.set_max_delay(config.queue.max_delay_s)
    set_log_level(config.logging.level)


def terminal_status(queue: Queue, audit: AuditTrail, restarts: RestartLog) -> dict:
    """The heartbeat's report of the queue, the audit trail and the supervisor's restarts; each beat also has
    the trail chain what console commands spooled meanwhile (a spooled entry waits at most one beat, or the
    next step recorded)."""
    audit.take_spooled()
    status = queue.outbox.status()
    counts = status["counts"]
    written = audit.written()
    return {"queue": {"depth": counts["pending"], "oldest_age_s": status["oldest_age_s"], "dead": counts["dead"],
                      "quarantined": counts["quarantined"], "held": counts["held"],
                      "recovered_from": status["recovered_from"]},
            "audit_head": written.head, "audit_count": written.count, "restarts": restarts.summary(time.time())}
