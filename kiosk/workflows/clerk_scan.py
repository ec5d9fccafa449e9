"""The clerk scans the applicant's paper materials at the window (核验并扫描材料), as the kiosk's camera does.

A mix-in of ``ClerkDesk``. The window's document camera is the kiosk's (``devices/doccam``: the page found
and flattened by ``find_page``, checked for blur and glare, JPEG within its budget), and what the applicant
provides is held in the kiosk's own ``kiosk.materials.Checklist``: a scanned material is ``Provided.PAGES``
with its pages, and the case the clerk accepts carries them as ``Checklist.attachments()`` names them
(``<material>-<page>.jpg``), declared and uploaded as the kiosk's are (``Submitter.submit``: the outbox first,
its attachment files encrypted, then ``POST /cases``). Ticking a material stays possible for what the hall
keeps on paper; a scanned one counts as provided and its tick is not taken away while it holds pages
("Remove" takes them away). A case not accepted (不予受理, ``clerk_refusal``) carries no pages: the materials go
back to the applicant with the decision. An electronic licence standing in for a material, as at the kiosk
(``Checklist.use_licence``), after the applicant's consent (scope "licences"), is ``clerk_licences``': using one
zeroes the material's pages.

Scan, Retake and Remove act on one material. Scan adds a page (a material of several pages is scanned page
by page); Retake scans again and, only once the new page is in, drops the last one; Remove drops every page.
The capture runs on the camera's worker with its call timeout (``DocumentCamera.capture``), reached from the
task runner, never from the GUI thread; the desk is busy meanwhile (the matter in hand cannot end under it),
and a page that comes back for a matter or service no longer in hand is zeroed, not kept. A camera that
fails or finds no page says so plainly and nothing scanned before is lost.

Pages are personal data: held in memory only (``bytearray``, zeroed by ``Checklist.wipe``), never written
but into the encrypted outbox with the case, and dropped with the applicant's matter (next applicant,
sign-out, idle sign-out, another card) and when the clerk chooses another service.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from common.domain import Attachment
from common.i18n import N_, text
from devices.doccam.base import CapturedPage, DocumentCamera
from kiosk.materials import Checklist, Material, Provided, page_taken
from kiosk.staff_words import staff_message
from kiosk.workflows.citizen import Notice

if TYPE_CHECKING:
    from kiosk.held_devices import HeldDevices
    from kiosk.workflows.clerk import ClerkDesk

log = logging.getLogger(__name__)
CAMERA_HELD = N_("The document camera has stopped answering. Once you sign out, the terminal will start again to "
                 "bring it back.")


class DeskScan:
    """What ``ClerkDesk`` adds to scan the applicant's paper materials on the window's document camera."""

    document_camera: DocumentCamera | None = None
    checklist: Checklist | None = None  # the matter's materials: their pages (None before a service is chosen)
    scanning: str = ""  # the material whose page is being captured

    def _init_scans(self, camera: DocumentCamera | None, held: "HeldDevices | None") -> None:
        self.document_camera = camera
        self._held_devices = held  # which devices a call that never returned holds (kiosk/held_devices.py)
        self.checklist, self.scanning = None, ""

    def can_scan(self: "ClerkDesk") -> bool:
        """A camera, a service's materials in hand, and the desk free to take a page."""
        from kiosk.workflows.clerk import Desk

        return (self.document_camera is not None and self.checklist is not None and self.step is Desk.CHECKING
                and not self.busy)

    def material(self, code: str) -> Material | None:
        """The material ``code`` of the service in hand (None before a service is chosen, or when it has none)."""
        return self.checklist.get(code) if self.checklist is not None else None

    def scanned(self, code: str) -> Material | None:
        """The material ``code`` when it holds scanned pages, else None."""
        material = self.material(code)
        return material if material is not None and material.provided is Provided.PAGES and material.pages else None

    def page_count(self) -> int:
        return self.checklist.page_count() if self.checklist is not None else 0

    def scan(self: "ClerkDesk", code: str) -> None:
        """Scan a page of ``code`` (one more page when it has some)."""
        self._capture(code, retake=False)

    def retake(self: "ClerkDesk", code: str) -> None:
        """Scan the last page of ``code`` again: it is replaced once the new page is in, kept if that fails."""
        if self.scanned(code) is not None:
            self._capture(code, retake=True)

    def remove_scan(self: "ClerkDesk", code: str) -> None:
        """Every page of ``code`` dropped (zeroed): the material is not provided until scanned or ticked again."""
        from kiosk.workflows.clerk import Desk

        material = self.scanned(code)
        if material is None or not self.can_scan() or self.checklist is None:
            return
        while material.pages:
            self.checklist.drop_last_page(code)
        self.provided[code] = False
        self._audit_step("material_scan_removed", code)
        self._go(Desk.CHECKING)

    def _capture(self: "ClerkDesk", code: str, retake: bool) -> None:
        if not self.can_scan() or self.checklist is None or code not in self.provided:
            return
        camera, checklist, service = self.document_camera, self.checklist, self.service
        assert camera is not None
        self.scanning, self.busy, self.notice = code, True, None
        self._changed()
        self._device_tasks.run(lambda: camera.capture(),  # its own worker: never behind backend calls
                               lambda page: self._page_scanned(page, checklist, service, code, retake),
                               lambda exc: self._scan_failed(exc, checklist, code))

    def _page_scanned(self: "ClerkDesk", page: CapturedPage, checklist: Checklist, service: object, code: str,
                      retake: bool) -> None:
        from kiosk.workflows.clerk import Desk

        self.scanning = ""
        if checklist is not self.checklist or service is not self.service:  # the matter or service went meanwhile
            page.wipe()
            self.busy = False
            self._changed()
            return
        if page.advice:  # not found, blurred, glare: what to fix; the clerk lays it again
            advice = page.advice[0]
            page.wipe()
            self._go(Desk.CHECKING, Notice(advice))
            return
        if retake:
            checklist.drop_last_page(code)
        count = checklist.add_page(code, page.jpeg)
        page.wipe()
        self.provided[code] = True
        self._audit_step("material_scanned", f"{code} page {count}{' again' if retake else ''}")
        wanted = checklist[code].requirement.pages
        self._go(Desk.CHECKING, Notice(page_taken(count, wanted), error=False))

    def _scan_failed(self: "ClerkDesk", exc: BaseException, checklist: Checklist, code: str) -> None:
        from kiosk.workflows.clerk import Desk

        self.scanning = ""
        log.info("desk: no page scanned for %s (%s)", code, type(exc).__name__)
        if checklist is not self.checklist:
            self.busy = False
            self._changed()
            return
        camera = self.document_camera
        # held by a capture that never returned (kiosk/held_devices.py): the clerk's sign-out lets the terminal start
        # afresh, the one thing that brings it back
        held = self._held_devices
        reason = text(CAMERA_HELD) if camera is not None and held is not None and held.holds(camera) \
            else staff_message(exc)
        self._go(Desk.CHECKING, Notice(text("Not scanned: {reason} The pages scanned before are kept; a material "
                                            "the hall keeps on paper can be ticked instead.", reason=reason)))

    def _start_scans(self: "ClerkDesk") -> None:
        """A service chosen: its materials, none scanned (pages of another service's are zeroed)."""
        self._forget_scans()
        if self.service is not None:
            self.checklist = Checklist(self.service)

    def _keeps_scan(self, code: str, provided: bool) -> bool:
        """A tick taken away from a scanned material: refused, the pages stand (Remove takes them)."""
        return not provided and self.scanned(code) is not None

    def _scan_files(self) -> list[Attachment]:
        """The scanned pages as the case carries them, in the service's order (the kiosk's names)."""
        return self.checklist.attachments() if self.checklist is not None else []

    def _forget_scans(self) -> None:
        if self.checklist is not None:
            self.checklist.wipe()
        self.checklist, self.scanning = None, ""
