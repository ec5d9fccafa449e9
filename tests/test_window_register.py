"""Paper checked at the counter is taken only from a terminal the hall registered as a window
(sandbox/window_register.py): a kiosk, or any terminal that says it is a window, cannot vouch for paper."""

from __future__ import annotations

import logging

import pytest
import requests

from common.backend_errors import RejectedError
from common.domain import Application, Attachment
from devices.idcard.samples import sample_identity
from kiosk.workflows.clerk import Desk
from sandbox.form_answers import answers
from tests.backend_helpers import application, client_for
from tests.queue_helpers import JPEG
from tests.test_clerk_case import ID_NUMBER, checking

KIOSK = "K-NOT-A-WINDOW"
PROVISIONAL = f"P-{KIOSK}-20261206-00001-Q"


def test_a_case_with_paper_checked_from_a_terminal_not_registered_as_a_window_is_refused(sandbox):
    client = client_for(sandbox.url, terminal=KIOSK)
    client.enrol("HALL-1", "1.0", "window")  # saying it is a window does not make it one
    case = application(client, terminal=KIOSK)
    assert case.counter_checked
    with pytest.raises(RejectedError) as refused:
        client.submit(case, [])
    assert (refused.value.status, refused.value.code) == (403, "not_a_window")
    assert refused.value.fields == {"counter_checked": ",".join(case.counter_checked)}
    assert "window" in refused.value.message_en and "窗口" in refused.value.message_zh
    before = {c["case_number"] for c in sandbox.store.cases_of(ID_NUMBER)}

    sandbox.store.windows.register(KIOSK)  # the hall registers it: the same case is taken
    taken = client.submit(application(client, terminal=KIOSK), [])
    assert sandbox.store.case_body(taken.case_number)["counter_checked"] == case.counter_checked
    assert {c["case_number"] for c in sandbox.store.cases_of(ID_NUMBER)} - before == {taken.case_number}

    assert sandbox.store.windows.remove(KIOSK) and not sandbox.store.windows.remove(KIOSK)
    with pytest.raises(RejectedError) as again:  # taken off the register: refused again
        client.submit(application(client, terminal=KIOSK), [])
    assert again.value.code == "not_a_window"


def test_a_case_with_no_paper_checked_needs_no_register(sandbox):
    """A kiosk's case scans its pages: nothing is vouched for, so no register is asked."""
    client = client_for(sandbox.url, terminal="T-KIOSK")
    service = client.service("BDC-005")  # requires M1
    case = Application(service, sample_identity("resident"), "T-KIOSK", form=answers(service))
    assert not sandbox.store.windows.is_window("T-KIOSK") and not case.counter_checked
    submitted = client.submit(case, [Attachment("M1-1.jpg", "image/jpeg", JPEG)])
    assert sandbox.store.case(submitted.case_number)["status"] == "submitted"


def test_a_queued_case_refused_for_it_is_kept_as_a_refusal_against_its_provisional_number(sandbox):
    """A case accepted offline at a terminal that is no window arrives later: refused, and the citizen who
    identifies finds the refusal among their cases, with what to do."""
    client = client_for(sandbox.url, terminal=KIOSK)
    case = application(client, terminal=KIOSK)
    body = dict(case.payload(), provisional_number=PROVISIONAL)  # as the offline queue sends it
    with pytest.raises(RejectedError, match="not_a_window"):
        client.submit_payload(body, case.idempotency_key)
    (kept,) = [r for r in sandbox.store.refusals.of_person(ID_NUMBER) if r["provisional_number"] == PROVISIONAL]
    assert kept["code"] == "not_a_window" and kept["terminal_id"] == KIOSK


def test_the_window_s_acceptance_refused_for_it_says_so_to_the_clerk_and_records_nothing(services, sandbox):
    """The window's own terminal id taken off the register: the clerk's Accept is refused, in plain words naming
    the register, and no case is made; registered again, the same Accept is taken."""
    window = services.config.terminal.id
    seeded = {c["case_number"] for c in sandbox.store.cases_of(ID_NUMBER)}
    assert sandbox.store.windows.remove(window)
    desk = checking(services)
    assert desk.counter_checked()
    desk.accept()
    assert desk.step is Desk.CHECKING and desk.notice.error
    said = desk.notice.message.render("en")
    assert "not registered as a service window" in said and "Traceback" not in said
    assert "未登记为受理窗口" in desk.notice.message.render("zh_CN")
    assert {c["case_number"] for c in sandbox.store.cases_of(ID_NUMBER)} == seeded

    sandbox.store.windows.register(window)
    desk.accept()
    assert desk.step is Desk.DONE and desk.result not in seeded
    assert sandbox.store.case(desk.result)["status"] == "accepted"


def test_the_hall_registers_a_window_through_the_sandbox_s_control_route(sandbox):
    answer = requests.post(f"{sandbox.url}/control/windows/W-NEW-1", timeout=5)
    assert answer.status_code == 200 and answer.json() == {"terminal_id": "W-NEW-1", "window": True, "changed": True}
    assert sandbox.store.windows.is_window("W-NEW-1")
    assert requests.post(f"{sandbox.url}/control/windows/W-NEW-1", timeout=5).json()["changed"] is False
    bad = requests.post(f"{sandbox.url}/control/windows/not%20an%20id", timeout=5)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_terminal_id"
    gone = requests.delete(f"{sandbox.url}/control/windows/W-NEW-1", timeout=5)
    assert gone.json() == {"terminal_id": "W-NEW-1", "window": False, "changed": True}
    assert not sandbox.store.windows.is_window("W-NEW-1")


def test_a_window_left_off_the_register_is_said_in_its_log_once_and_registered_it_is_not(sandbox, make_config,
                                                                                         caplog):
    from kiosk.heartbeat import Heartbeat

    config = make_config(sandbox.url, terminal={"id": KIOSK, "mode": "window"})
    beat = Heartbeat(client_for(sandbox.url, terminal=KIOSK), config, [])
    with caplog.at_level(logging.WARNING, logger="kiosk.heartbeat"):
        assert beat.beat_once() and beat.registered_window is False
        assert beat.beat_once()  # still not: not said again
        sandbox.store.windows.register(KIOSK)
        assert beat.beat_once() and beat.registered_window is True
    said = [r.getMessage() for r in caplog.records if "register" in r.getMessage()]
    assert len(said) == 1 and KIOSK in said[0] and "refused" in said[0]


def _doctor(tmp_path, url: str, terminal: str, mode: str):
    from entry.cli import main

    site = tmp_path / "site.toml"
    site.write_text(f'[terminal]\nid = "{terminal}"\nmode = "{mode}"\n[backend]\nurl = "{url}"\nretries = 0\n'
                    f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[logging]\nconsole = false\n')
    return main(["doctor", "--no-devices", "--config", str(site)])


def test_the_doctor_fails_a_window_the_hall_has_not_registered(tmp_path, capsys, sandbox):
    assert _doctor(tmp_path, sandbox.url, KIOSK, "window") == 1
    out = capsys.readouterr().out
    assert f"FAIL  window register: terminal {KIOSK} is not registered as a window" in out
    assert "administrator" in out and "Traceback" not in out

    sandbox.store.windows.register(KIOSK)
    _doctor(tmp_path, sandbox.url, KIOSK, "window")
    out = capsys.readouterr().out
    assert f"OK    window register: terminal {KIOSK} is registered as one of the hall's windows" in out

    assert _doctor(tmp_path, sandbox.url, "T-KIOSK", "kiosk") == 0  # a kiosk vouches for no paper: nothing said
    assert "window register" not in capsys.readouterr().out
    sandbox.store.windows.register("T-KIOSK")  # the administrator's slip: a kiosk on the register
    assert _doctor(tmp_path, sandbox.url, "T-KIOSK", "kiosk") == 1
    assert "FAIL  window register: kiosk T-KIOSK is on the hall's register of windows" in capsys.readouterr().out


def test_a_clerk_signing_in_at_a_window_left_off_the_register_is_told_before_accepting_anything(services, sandbox):
    window = services.config.terminal.id
    assert services.heartbeat.beat_once() and services.heartbeat.registered_window is True
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    assert desk.step is Desk.WAITING and desk.notice is None

    sandbox.store.windows.remove(window)
    assert services.heartbeat.beat_once() and services.heartbeat.registered_window is False
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    assert desk.step is Desk.WAITING and desk.notice.error
    said = desk.notice.message.render("en")
    assert said.startswith("This terminal is not registered with the service system as a window") and window in said
    assert "登记为受理窗口" in desk.notice.message.render("zh_CN")


def test_a_window_off_the_register_can_still_refuse_a_matter_whose_paper_it_ticked(services, sandbox):
    """A case sent to be refused brings nothing, so the paper it names vouches for nothing: the Accept tried first
    is refused (not_a_window), and the refusal the clerk then records goes, with the same case's ticks."""
    from kiosk.refusal_reasons import RefusalReason

    window = services.config.terminal.id
    assert sandbox.store.windows.remove(window)
    desk = checking(services)
    desk.accept()
    assert desk.step is Desk.CHECKING and "not registered" in desk.notice.message.render("en")
    desk.refuse(RefusalReason.NOT_OUR_REMIT)
    assert desk.step is Desk.DONE, desk.notice
    assert sandbox.store.case(desk.result)["status"] == "not_accepted"
