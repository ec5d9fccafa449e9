"""The clerk scans paper materials at the window (kiosk/workflows/clerk_scan.py), against the sandbox on loopback:
a scanned material goes with the accepted case as the kiosk's pages do, nothing of it stays after the matter, and a
camera that fails says so plainly and loses nothing."""

import time

from devices.idcard.samples import sample_identity
from kiosk.materials import Provided
from kiosk.workflows.clerk import Desk


def checking(services, service="SB-003"):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    desk.card_read(sample_identity("resident"))
    desk.choose_service(service)
    assert desk.step is Desk.CHECKING and desk.document_camera is services.devices.document_camera
    return desk


def test_a_scanned_material_arrives_with_the_accepted_case_and_nothing_stays_after_the_next_applicant(
        services, sandbox):
    desk = checking(services)
    desk.scan("M1")
    assert desk.step is Desk.CHECKING and not desk.busy and desk.provided["M1"], desk.notice
    material = desk.scanned("M1")
    assert material is not None and len(material.pages) == 1 and bytes(material.pages[0][:2]) == b"\xff\xd8"
    page = material.pages[0]
    scanned = bytes(page)
    desk.accept()
    assert desk.step is Desk.DONE and desk.result.startswith("SQ")
    stored = sandbox.store.attachments(desk.result)
    assert [(name, mime) for name, mime, _sha in stored] == [("M1-1.jpg", "image/jpeg")]
    assert sandbox.store.attachment(desk.result, "M1-1.jpg") == ("image/jpeg", scanned)
    desk.next_applicant()
    assert desk.checklist is None and desk.page_count() == 0 and len(page) == 0  # zeroed, not just dropped
    actions = [entry["action"] for entry in desk._audit.recent]
    assert "material_scanned" in actions and actions[-1] == "applicant_done"


def test_a_failed_camera_says_so_plainly_and_loses_no_page(services):
    desk = checking(services, "GT-001")
    code = desk.service.materials[0].code
    desk.scan(code)
    first = bytes(desk.scanned(code).pages[0])
    camera = services.devices.document_camera
    camera.inject("no_frame")
    try:
        desk.scan(code)
        desk.retake(code)
    finally:
        camera.inject("clear")
    said = desk.notice.message.render("zh_CN")
    assert desk.step is Desk.CHECKING and not desk.busy and desk.notice.error
    assert "未能拍摄材料" in said and "Traceback" not in said
    assert desk.notice.message.render("en").startswith("Not scanned: The page could not be captured.")
    assert [bytes(p) for p in desk.scanned(code).pages] == [first] and desk.provided[code]


def test_a_scanned_tick_stays_until_removed_and_retake_replaces_the_last_page(services):
    desk = checking(services, "GT-001")
    code = desk.service.materials[0].code
    desk.scan(code)
    desk.scan(code)
    assert len(desk.scanned(code).pages) == 2 and desk.notice.message.render("en") == "Page 2 of 2 taken."
    desk.mark(code, False)  # unticking a scanned material: refused, the pages stand
    assert desk.provided[code] and len(desk.scanned(code).pages) == 2
    first = bytes(desk.scanned(code).pages[0])
    desk.retake(code)
    assert len(desk.scanned(code).pages) == 2 and bytes(desk.scanned(code).pages[0]) == first  # the last one replaced
    assert desk._audit.recent[-1]["detail"] == f"{code} page 2 again"
    pages = list(desk.scanned(code).pages)
    desk.remove_scan(code)
    assert desk.scanned(code) is None and not desk.provided[code] and all(len(p) == 0 for p in pages)
    assert desk.checklist[code].provided is Provided.NOTHING
    desk.mark(code, True)  # the hall keeps it on paper: ticked
    assert desk.provided[code] and desk._scan_files() == []


def test_another_service_or_a_sign_out_drops_the_pages(services):
    desk = checking(services, "GT-001")
    code = desk.service.materials[0].code
    desk.scan(code)
    page = desk.scanned(code).pages[0]
    desk.choose_service("SB-003")
    assert len(page) == 0 and desk.page_count() == 0
    desk.scan("M1")
    page = desk.scanned("M1").pages[0]
    desk.sign_out()
    assert desk.step is Desk.SIGNED_OUT and len(page) == 0 and desk.checklist is None


def test_pages_accepted_offline_wait_sealed_in_the_outbox_and_arrive_once_the_backend_is_back(services, sandbox):
    """At rest the window's pages are the kiosk's: sealed in the outbox's attachment files, never in the clear."""
    desk = checking(services)
    desk.scan("M1")
    page = bytes(desk.scanned("M1").pages[0])
    sandbox.faults.set("down")
    desk.accept()
    assert desk.step is Desk.DONE and desk.result.startswith("P-")  # a provisional number: queued
    files = [path for path in (services.config.data_dir / "queue").rglob("*") if path.is_file()]
    assert files and not any(page[:4096] in path.read_bytes() or b"JFIF" in path.read_bytes() for path in files)
    provisional = desk.result
    desk.next_applicant()
    sandbox.faults.clear()
    item, decision = services.queue.outbox.items(("pending",))  # the case, then its acceptance behind it
    assert "decision" in services.queue.outbox.load(decision.id).body
    sent = services.queue.sync.deliver_now(item.id, 10)  # as the sync worker does once the backend answers
    assert sent is not None and item.provisional_number == provisional
    assert sandbox.store.attachment(sent.case_number, "M1-1.jpg") == ("image/jpeg", page)


def test_another_card_or_an_idle_sign_out_drops_the_pages(services):
    desk = checking(services)
    desk.scan("M1")
    page = desk.scanned("M1").pages[0]
    desk.accept()
    assert desk.step is Desk.DONE
    desk.card_read(sample_identity("resident"))  # the next applicant's card, without "Next applicant"
    assert len(page) == 0 and desk.checklist is None and desk.page_count() == 0
    desk.choose_service("SB-003")
    desk.scan("M1")
    page = desk.scanned("M1").pages[0]
    assert desk.sign_out_idle() and desk.step is Desk.SIGNED_OUT and len(page) == 0 and desk.checklist is None


def test_a_camera_held_by_a_capture_that_never_returns_tells_the_clerk_to_sign_out(services):
    """kiosk/held_devices.py marks it (its bound lowered for the test); the terminal starts afresh once nobody is
    signed in, the one thing that frees the camera's thread."""
    from devices.call_timeouts import CallTimeouts
    from kiosk.held_devices import HeldDevices

    desk = checking(services, "GT-001")
    code = desk.service.materials[0].code
    camera = services.devices.document_camera
    camera.set_call_timeouts(CallTimeouts(capture_s=0.3))
    held = services.held_devices
    assert isinstance(held, HeldDevices) and desk._held_devices is held
    held.bound_s = 2.0  # well past the capture's 0.3 s wait, however slow the machine
    camera.inject("hang")
    try:
        desk.scan(code)  # the capture's wait runs out: the camera is not (yet) taken for held
        said = desk.notice.message.render("en")
        assert said.startswith("Not scanned: ") and "sign out" not in said, said
        deadline = time.monotonic() + 10
        while not held.holds(camera):
            assert time.monotonic() < deadline, "the camera was not taken for held"
            time.sleep(0.05)
        desk.scan(code)
        assert desk.step is Desk.CHECKING and not desk.busy and desk.notice.error
        assert desk.notice.message.render("en") == (
            "Not scanned: The document camera has stopped answering. Once you sign out, the terminal will start "
            "again to bring it back. The pages scanned before are kept; a material the hall keeps on paper can be "
            "ticked instead.")
        assert "签退" in desk.notice.message.render("zh_CN")
    finally:
        camera.inject("clear")
    assert desk.scanned(code) is None
