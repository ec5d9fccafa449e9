"""The hall's terminals for maintenance staff (``GET /halls/{hall}/terminals``): each as its last heartbeat said, only
for a staff member with the maintenance role at a terminal of that hall; what the backend answers is checked before
staff read it."""

from __future__ import annotations

import math
import re

import pytest

from common.backend_errors import AuthError, RejectedError, ServerError
from common.domain import HallTerminal
from common.i18n import set_language
from kiosk.backend.codec import hall_terminals_from_json
from kiosk.diagnostics import hall_terminal_text
from tests.backend_helpers import client_for

HALL, OTHER = "330106-XH-01", "330106-XH-02"


def _beat(client, mode: str = "kiosk", **extra) -> None:
    status = {"version": "0.1.0", "mode": mode, "devices": [{"name": "receipt_printer", "state": "offline",
                                                              "reason": "paper out"},
                                                             {"name": "qr_scanner", "state": "ready"}],
              "free_disk_mb": 5000.0, "queue": {"depth": 3, "oldest_age_s": 40.0, "dead": 1, "held": 1}}
    status.update(extra)
    client.heartbeat(status)


def _staff_token(client, staff_id: str) -> str:
    return client.staff_sign_in(staff_id, f"demo-{staff_id}")["token"]


def test_maintenance_staff_see_each_terminal_of_their_hall_as_it_last_said(sandbox):
    kiosk, window, elsewhere, silent = (client_for(sandbox.url, terminal=t) for t in
                                        ("HALL-K1", "HALL-W1", "OTHER-K1", "HALL-K2"))
    for client, hall in ((kiosk, HALL), (window, HALL), (elsewhere, OTHER), (silent, HALL)):
        client.enrol(hall, "0.1.0", "window" if client is window else "kiosk")
    _beat(kiosk, restarts={"last_24h": 2, "last_reason": "froze", "last_at": "2026-12-04T07:00:00+00:00"})
    _beat(window, mode="window")
    _beat(elsewhere)
    terminals = kiosk.hall_terminals(HALL, _staff_token(kiosk, "XH0004"))
    assert [t.terminal_id for t in terminals] == ["HALL-K1", "HALL-K2", "HALL-W1"]  # not the other hall's
    k1, k2, w1 = terminals
    assert k1.heard and k1.mode == "kiosk" and k1.version == "0.1.0"
    assert k1.devices_not_ready == (("receipt_printer", "offline"),)
    assert (k1.queue_waiting, k1.queue_for_staff) == (3, 2)
    assert (k1.restarts_24h, k1.last_restart) == (2, "froze")
    assert not k2.heard and k2.silent_s is not None and k2.silent_s >= 0  # enrolled, no heartbeat yet
    assert w1.mode == "window" and w1.restarts_24h == 0 and w1.last_restart == ""
    set_language("en")
    line = hall_terminal_text(k1, 60.0).render()
    assert re.fullmatch(r"HALL-K1 \(kiosk 0\.1\.0\): heard \d+ seconds? ago; devices not ready: Receipt printer: "
                        r"Offline; in its queue 3 waiting, 2 for staff; restarts in 24 hours: 2 \(it froze \(its screen "
                        r"stopped answering\)\)\.", line), line
    assert hall_terminal_text(k2, 60.0).render() == "HALL-K2 (kiosk): enrolled, no heartbeat yet."
    set_language("zh_CN")
    assert "未就绪的设备：凭条打印机：离线；" in hall_terminal_text(k1, 60.0).render()
    assert w1.window_registered is False and k1.window_registered is False
    assert hall_terminal_text(w1, 60.0).render().endswith("⚠ 未登记为受理窗口：该终端含窗口核验纸质材料的受理将被拒绝。")
    assert "受理窗口" not in hall_terminal_text(k1, 60.0).render()  # a kiosk vouches for no paper: nothing said


def test_a_window_the_hall_has_not_registered_is_marked_for_maintenance(sandbox):
    kiosk, window = (client_for(sandbox.url, terminal=t) for t in ("HALL-K1", "HALL-W1"))
    kiosk.enrol(HALL, "0.1.0", "kiosk")
    window.enrol(HALL, "0.1.0", "window")
    _beat(window, mode="window")
    set_language("en")
    (_, w1) = kiosk.hall_terminals(HALL, _staff_token(kiosk, "XH0004"))
    said = hall_terminal_text(w1, 60.0).render()
    assert said.startswith("HALL-W1 (window 0.1.0): heard") and said.endswith(
        " ⚠ Not registered as a window: its acceptances with paper checked at the counter are refused.")
    sandbox.store.windows.register("HALL-W1")
    (_, w1) = kiosk.hall_terminals(HALL, _staff_token(kiosk, "XH0004"))
    assert w1.window_registered is True and "registered" not in hall_terminal_text(w1, 60.0).render()
    assert hall_terminals_from_json({"hall_id": HALL, "terminals": [dict(GOOD, mode="window")]}, HALL)[0] \
        .window_registered is None  # an older backend says nothing: nor does the line
    sandbox.store.windows.register("HALL-K1")  # a kiosk on the register could vouch for paper: marked
    (k1, _) = kiosk.hall_terminals(HALL, _staff_token(kiosk, "XH0004"))
    assert hall_terminal_text(k1, 60.0).render().endswith(" ⚠ A kiosk on the register of windows: it could say paper "
                                                          "was checked at a counter; take it off the register.")
    set_language("zh_CN")


def test_a_terminal_whose_clock_is_off_is_marked_from_what_its_heartbeat_said(sandbox, make_config):
    """A terminal's papers print its own time: its heartbeat says its clock against the backend's (as it learned it
    from the backend's signed answers), and maintenance's list marks one a minute or more off."""
    from kiosk.heartbeat import Heartbeat

    kiosk, window = (client_for(sandbox.url, terminal=t) for t in ("HALL-K1", "HALL-W1"))
    kiosk.enrol(HALL, "0.1.0", "kiosk")
    window.enrol(HALL, "0.1.0", "window")
    sandbox.store.windows.register("HALL-W1")
    _beat(kiosk, clock_offset_s=-600.0)  # ten minutes ahead of the backend's
    heartbeat = Heartbeat(window, make_config(sandbox.url, terminal={"mode": "window"}), [])
    assert heartbeat.status()["clock_offset_s"] is None  # nothing learned yet: nothing said
    assert heartbeat.beat_once() and heartbeat.beat_once()  # enrolled, then beating: the client's clock learned
    assert abs(heartbeat.status()["clock_offset_s"]) < 5
    (k1, w1) = kiosk.hall_terminals(HALL, _staff_token(kiosk, "XH0004"))
    assert k1.clock_offset_s == -600.0 and w1.clock_offset_s is not None and abs(w1.clock_offset_s) < 5
    set_language("en")
    assert hall_terminal_text(k1, 60.0).render().endswith(
        " ⚠ Its clock is 10 minutes ahead of the backend's: its papers print the wrong time.")
    assert "clock" not in hall_terminal_text(w1, 60.0).render()
    behind = HallTerminal("HALL-K9", "kiosk", "0.1.0", silent_s=5.0, heard=True, devices_not_ready=(),
                          queue_waiting=0, queue_for_staff=0, restarts_24h=0, last_restart="", window_registered=True,
                          clock_offset_s=3 * 3600.0)
    said = hall_terminal_text(behind, 60.0).render()  # both marks, each said
    assert "⚠ A kiosk on the register of windows" in said and said.endswith(
        " ⚠ Its clock is 3 hours behind the backend's: its papers print the wrong time.")
    set_language("zh_CN")
    assert hall_terminal_text(k1, 60.0).render().endswith("⚠ 其时钟比后台快 10 分钟：其打印的单据时间有误。")
    wrong = {"version": "0.1.0", "mode": "kiosk", "free_disk_mb": 1.0, "queue": {"depth": 0, "oldest_age_s": 0.0}}
    for value in ("soon", 1e12, -1e12):  # off the contract: the heartbeat is refused, what it said before kept
        with pytest.raises(RejectedError):
            kiosk.heartbeat({**wrong, "clock_offset_s": value})
    (k1, _) = kiosk.hall_terminals(HALL, _staff_token(kiosk, "XH0004"))
    assert k1.clock_offset_s == -600.0


def test_a_terminal_whose_dns_does_not_answer_is_marked_from_what_its_heartbeat_said(sandbox, make_config):
    """The hall's DNS away is the hall's, not one terminal's: each terminal that reaches a name at its last address
    (common.names) says so in its heartbeat, and maintenance's list marks it."""
    from common import names
    from kiosk.heartbeat import Heartbeat

    kiosk, window = (client_for(sandbox.url, terminal=t) for t in ("HALL-K1", "HALL-W1"))
    kiosk.enrol(HALL, "0.1.0", "kiosk")
    window.enrol(HALL, "0.1.0", "window")
    _beat(kiosk, dns_stale=["zwfw.hall.example.gov.cn"])
    heartbeat = Heartbeat(window, make_config(sandbox.url, terminal={"mode": "window"}), [])
    assert heartbeat.status()["dns_stale"] == [n for n, _ in names.NAMES.stale()] == []  # every name answers here
    assert heartbeat.beat_once() and heartbeat.beat_once()
    (k1, w1) = kiosk.hall_terminals(HALL, _staff_token(kiosk, "XH0004"))
    assert k1.dns_stale == ("zwfw.hall.example.gov.cn",) and w1.dns_stale == ()
    set_language("en")
    assert hall_terminal_text(k1, 60.0).render().endswith(
        " ⚠ Its DNS does not answer for zwfw.hall.example.gov.cn: it reaches it at the address it last gave.")
    assert "DNS" not in hall_terminal_text(w1, 60.0).render()
    set_language("zh_CN")
    assert "zwfw.hall.example.gov.cn" in hall_terminal_text(k1, 60.0).render()
    wrong = {"version": "0.1.0", "mode": "kiosk", "free_disk_mb": 1.0, "queue": {"depth": 0, "oldest_age_s": 0.0}}
    for value in (["a name"], ["-x"], "host", [7], ["h"] * 11, ["x" * 254]):  # off the contract: refused
        with pytest.raises(RejectedError):
            kiosk.heartbeat({**wrong, "dns_stale": value})
    (k1, _) = kiosk.hall_terminals(HALL, _staff_token(kiosk, "XH0004"))
    assert k1.dns_stale == ("zwfw.hall.example.gov.cn",)


def test_a_terminal_whose_disk_takes_no_writes_is_marked_from_what_its_heartbeat_said(sandbox):
    """kiosk/disk_watch.py: a terminal whose disk refused its last write says so; the hall's list marks it (its
    out-of-order screen sends no heartbeat: the mark stays, with the terminal not heard)."""
    kiosk, window = (client_for(sandbox.url, terminal=t) for t in ("HALL-K1", "HALL-W1"))
    kiosk.enrol(HALL, "0.1.0", "kiosk")
    window.enrol(HALL, "0.1.0", "window")
    _beat(kiosk, disk_writable=False)
    (k1, w1) = kiosk.hall_terminals(HALL, _staff_token(kiosk, "XH0004"))
    assert k1.disk_writable is False and w1.disk_writable is None  # no heartbeat yet: not said
    _beat(window, "window")  # an older terminal, which does not say: taken as true
    (k1, w1) = kiosk.hall_terminals(HALL, _staff_token(kiosk, "XH0004"))
    assert k1.disk_writable is False and w1.disk_writable is True
    set_language("en")
    assert hall_terminal_text(k1, 60.0).render().endswith(
        " ⚠ Its disk takes no writes: it keeps nothing (kiosk doctor on it says why).")
    assert "disk" not in hall_terminal_text(w1, 60.0).render()
    set_language("zh_CN")
    assert "磁盘" in hall_terminal_text(k1, 60.0).render()
    wrong = {"version": "0.1.0", "mode": "kiosk", "free_disk_mb": 1.0, "queue": {"depth": 0, "oldest_age_s": 0.0}}
    for value in ("no", 0, None):  # off the contract: refused, what it said before kept
        with pytest.raises(RejectedError):
            kiosk.heartbeat({**wrong, "disk_writable": value})
    _beat(kiosk, disk_writable=True)
    (k1, _) = kiosk.hall_terminals(HALL, _staff_token(kiosk, "XH0004"))
    assert k1.disk_writable is True and "⚠" not in hall_terminal_text(k1, 60.0).render()


def test_two_terminals_under_one_id_are_seen_by_their_installations(sandbox, make_config, tmp_path, caplog):
    """A site file copied from one kiosk to the next gave the hall two terminals under one id, and nothing said so
    (kiosk/installation.py). Each installation says its own random id; the backend counts those it heard lately."""
    import logging

    from kiosk.heartbeat import Heartbeat
    from kiosk.installation import INSTALLATION_FILE, installation_id

    first_dir, second_dir = tmp_path / "first", tmp_path / "second"

    def terminal(data_dir) -> Heartbeat:
        config = make_config(sandbox.url, terminal={"id": "HALL-K1", "hall_id": HALL}, paths={"data_dir": str(data_dir)})
        return Heartbeat(client_for(sandbox.url, terminal="HALL-K1"), config, [])

    first = terminal(first_dir)
    assert first.installation == installation_id(first_dir) == (first_dir / INSTALLATION_FILE).read_text().strip()
    assert oct((first_dir / INSTALLATION_FILE).stat().st_mode & 0o777) == "0o600"
    assert first.beat_once() and first.beat_once() and not first.id_shared  # enrolled, then a beat: alone
    second = terminal(second_dir)
    assert second.installation != first.installation
    with caplog.at_level(logging.WARNING, logger="kiosk.heartbeat"):
        assert second.beat_once() and second.id_shared  # its enrolment: the other spoke 0 s ago
        assert first.beat_once() and first.id_shared
    assert sum("from another installation too" in r.getMessage() for r in caplog.records) == 2
    (k1,) = client_for(sandbox.url, terminal="HALL-K1").hall_terminals(HALL, _staff_token(first._backend, "XH0004"))
    assert k1.installations == 2
    set_language("en")
    assert hall_terminal_text(k1, 60.0).render().endswith(
        " ⚠ 2 terminals speak under this id: give each its own terminal.id.")
    set_language("zh_CN")
    assert "2 台终端" in hall_terminal_text(k1, 60.0).render()
    from entry.doctor import Findings, check_terminal_id

    findings = Findings()
    check_terminal_id(True, "HALL-K1", findings)
    check_terminal_id(False, "HALL-K1", findings)
    assert findings.lines[0].startswith("FAIL  terminal id: the backend hears HALL-K1 from another terminal too")
    assert findings.lines[1] == "OK    terminal id: HALL-K1 is this terminal's alone"
    wrong = {"version": "0.1.0", "mode": "kiosk", "free_disk_mb": 1.0, "queue": {"depth": 0, "oldest_age_s": 0.0}}
    for value in ("ABC", "0" * 31, "g" * 32, 7):  # off the contract: refused
        with pytest.raises(RejectedError):
            client_for(sandbox.url, terminal="HALL-K1").heartbeat({**wrong, "installation": value})


def test_a_clerk_another_hall_and_a_stale_token_are_refused(sandbox):
    kiosk = client_for(sandbox.url, terminal="HALL-K1")
    kiosk.enrol(HALL, "0.1.0", "kiosk")
    with pytest.raises(RejectedError) as refused:
        kiosk.hall_terminals(HALL, _staff_token(kiosk, "XH0001"))  # a clerk
    assert refused.value.code == "not_maintenance"
    with pytest.raises(RejectedError) as refused:
        kiosk.hall_terminals(OTHER, _staff_token(kiosk, "XH0004"))
    assert refused.value.code == "other_hall"
    with pytest.raises(AuthError):
        kiosk.hall_terminals(HALL, "not-a-token")


def test_a_terminal_not_heard_for_three_beats_is_marked():
    quiet = HallTerminal("HALL-K9", "kiosk", "0.1.0", silent_s=7300.0, heard=True, devices_not_ready=(),
                         queue_waiting=0, queue_for_staff=0, restarts_24h=0, last_restart="")
    set_language("en")
    line = hall_terminal_text(quiet, 60.0).render()
    assert line.startswith("⚠ HALL-K9") and "heard 2 hours ago" in line and "devices not ready: none" in line
    assert not hall_terminal_text(quiet, 3600.0).render().startswith("⚠")


GOOD = {"terminal_id": "HALL-K1", "mode": "kiosk", "version": "0.1.0", "last_heartbeat": "2026-12-04T07:00:00+08:00",
        "silent_s": 12.0, "devices": [], "queue": {"depth": 0, "oldest_age_s": 0.0}, "free_disk_mb": 100.0,
        "restarts": {}}


@pytest.mark.parametrize("change", [
    {"silent_s": math.nan}, {"silent_s": -1.0}, {"silent_s": "soon"}, {"mode": "toaster"}, {"terminal_id": ""},
    {"terminal_id": "X" * 33}, {"devices": [{"name": "qr_scanner", "state": "melting"}]}, {"devices": "all fine"},
    {"queue": {"depth": -3}}, {"queue": {"dead": True}}, {"restarts": {"last_24h": -1}},
    {"restarts": {"last_reason": "bored"}}, {"version": 7}, {"window": "yes"}, {"window": 1},
    {"clock_offset_s": math.nan}, {"clock_offset_s": math.inf}, {"clock_offset_s": "10 min"},
    {"clock_offset_s": 1e12}, {"clock_offset_s": True}, {"silent_s": True},
    {"dns_stale": "host"}, {"dns_stale": ["two words"]}, {"dns_stale": ["ok.name", 7]}, {"dns_stale": ["h"] * 11},
    {"dns_stale": ["name\u202e"]}, {"dns_stale": ["-x"]}, {"disk_writable": "no"}, {"disk_writable": 0},
    {"disk_writable": []}, {"installations": -1}, {"installations": 501}, {"installations": "two"},
])
def test_an_answer_off_the_contract_is_a_server_error_not_a_line_for_staff(change):
    with pytest.raises(ServerError):
        hall_terminals_from_json({"hall_id": HALL, "terminals": [{**GOOD, **change}]}, HALL)


def test_another_hall_s_list_or_too_long_a_list_is_refused():
    assert hall_terminals_from_json({"hall_id": HALL, "terminals": [GOOD]}, HALL)[0].terminal_id == "HALL-K1"
    with pytest.raises(ServerError):
        hall_terminals_from_json({"hall_id": OTHER, "terminals": [GOOD]}, HALL)
    with pytest.raises(ServerError):
        hall_terminals_from_json({"hall_id": HALL, "terminals": [GOOD] * 501}, HALL)


def test_a_restart_for_memory_travels_to_the_hall_s_list_in_the_staff_s_words(sandbox):
    """The heartbeat's `last_reason` `memory` (kiosk supervise's restart of a terminal grown too large): accepted by
    the backend, read back by the codec, said to staff."""
    client = client_for(sandbox.url, terminal="HALL-K3")
    client.enrol(HALL, "0.1.0", "kiosk")
    _beat(client, restarts={"last_24h": 1, "last_reason": "memory", "last_at": "2026-12-04T03:00:00+00:00"})
    [terminal] = [t for t in client.hall_terminals(HALL, _staff_token(client, "XH0004")) if t.terminal_id == "HALL-K3"]
    assert (terminal.restarts_24h, terminal.last_restart) == (1, "memory")
    set_language("en")
    assert "restarts in 24 hours: 1 (it had grown too large in memory and was started afresh while nobody used it)" \
        in hall_terminal_text(terminal, 60.0).render()


@pytest.mark.parametrize("damaged", [b"", b"3f2a9c", b"\x00" * 33])
def test_a_damaged_installation_file_is_said_and_a_new_id_made(tmp_path, caplog, damaged):
    """Emptied or cut (a power cut, a failing disk): the backend will count this terminal's new id beside the old one
    for a while (two installations), so the log says why, as it does for an unreadable file."""
    import logging

    from kiosk.installation import INSTALLATION, INSTALLATION_FILE, installation_id

    (tmp_path / INSTALLATION_FILE).write_bytes(damaged)
    with caplog.at_level(logging.WARNING, logger="kiosk.installation"):
        made = installation_id(tmp_path)
    assert re.match(INSTALLATION, made) and installation_id(tmp_path) == made  # kept from now on
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 1 and "holds no installation id" in said[0], said
