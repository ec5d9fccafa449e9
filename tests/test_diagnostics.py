"""What maintenance shows of the network, the log and the configuration (kiosk/diagnostics.py): the backend's last
answer or why there is none, the log's newest warnings and errors read from its end (masked as written, a stranger's
line passed over), and every setting not at its default with a PIN never shown."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime

from common.i18n import set_language, text
from kiosk.config import load_config
from kiosk.diagnostics import (LOG_ENTRIES, MESSAGE_CHARS, TAIL_BYTES, BackendContact, clock_text, disk_text, id_text,
                               names_text, network_text, newest_log_entries, settings_not_at_default)
from kiosk.logging_setup import LOG_FILE

URL = "https://hall.example.gov.cn"


def test_the_network_line_says_when_the_backend_last_answered_or_why_it_does_not():
    set_language("en")
    at = time.time()
    clock = datetime.fromtimestamp(at).strftime("%H:%M:%S")
    assert network_text(BackendContact(URL, None, None, None)).render() == f"Backend {URL}: not asked yet."
    assert network_text(BackendContact(URL, at, 41.6, None)).render() == f"Backend {URL}: answered at {clock} in 42 ms."
    down = text("The service is not reachable right now.")
    assert network_text(BackendContact(URL, at, 41.6, down)).render() == (
        f"Backend {URL}: no answer since {clock}: The service is not reachable right now.")
    assert "no answer since this terminal started" in network_text(BackendContact(URL, None, None, down)).render()
    set_language("zh_CN")
    assert network_text(BackendContact(URL, at, 12.0, None)).render() == f"后台 {URL}：{clock} 应答，用时 12 毫秒。"


def test_a_name_the_hall_s_dns_no_longer_answers_is_said_with_the_address_used():
    set_language("en")
    at = time.time()
    assert names_text(BackendContact(URL, at, 40.0, None)) is None
    stale = BackendContact(URL, at, 40.0, None, None, (("hall.example.gov.cn", ("10.1.2.3", "10.1.2.4")),))
    assert names_text(stale).render() == (
        "The hall's DNS does not answer for hall.example.gov.cn: this terminal connects to 10.1.2.3, 10.1.2.4, the "
        "address it last gave. Check the DNS server in this terminal's network settings.")
    set_language("zh_CN")
    assert "10.1.2.3" in names_text(stale).render() and "DNS" in names_text(stale).render()
    set_language("en")


def test_a_clock_far_from_the_backend_s_is_said_with_which_way_and_how_far():
    """Receipts, notices and the window's documents print this terminal's own time: maintenance says a clock a
    minute or more from the backend's (its signed answers' time), nothing while they agree or nothing is known."""
    set_language("en")
    at = time.time()
    assert clock_text(BackendContact(URL, at, 40.0, None, 600.0)).render() == (
        "This terminal's clock is 10 minutes behind the backend's: receipts, notices and documents print this "
        "terminal's time. Set its clock right, or let NTP keep it.")
    assert clock_text(BackendContact(URL, at, 40.0, None, -6 * 3600.0)).render().startswith(
        "This terminal's clock is 6 hours ahead of the backend's")
    assert clock_text(BackendContact(URL, at, 40.0, None, 61.0)).render().startswith(
        "This terminal's clock is 61 seconds behind")
    for offset in (None, 0.0, 59.0, -59.0, float("nan")):
        assert clock_text(BackendContact(URL, at, 40.0, None, offset)) is None, offset
    assert clock_text(BackendContact(URL, None, None, None, 600.0)) is None  # not from an answer since the start
    set_language("zh_CN")
    assert clock_text(BackendContact(URL, at, 40.0, None, 600.0)).render().startswith("本机时钟比后台慢 10 分钟")


def test_the_log_s_newest_warnings_and_errors_newest_first_and_masked_as_written(tmp_path, terminal_log):
    path = terminal_log(tmp_path)
    log = logging.getLogger("kiosk.test_diagnostics")
    log.info("an ordinary day")
    log.warning("card reader: no answer from 330106199001011234 (张三)")
    for i in range(LOG_ENTRIES + 5):
        log.error("printer jam %d", i)
    log.warning("x" * (MESSAGE_CHARS + 50) + "\nsecond line")
    entries = newest_log_entries(path)
    assert len(entries) == LOG_ENTRIES
    assert entries[0].level == "WARNING" and len(entries[0].message) == MESSAGE_CHARS
    assert entries[0].message.endswith("…") and "second line" not in entries[0].message
    assert entries[1].message == f"printer jam {LOG_ENTRIES + 4}" and entries[1].level == "ERROR"
    assert all(e.level in ("WARNING", "ERROR") for e in entries)
    every = newest_log_entries(path, limit=100)
    card = [e for e in every if "card reader" in e.message]
    assert len(card) == 1 and "330106199001011234" not in card[0].message  # masked when it was written
    assert "an ordinary day" not in " ".join(e.message for e in every)
    assert len(card[0].time) == 8 and card[0].line().startswith(card[0].time + " WARNING ")


def test_only_the_end_of_a_large_log_is_read_and_strange_lines_are_passed_over(tmp_path):
    path = tmp_path / LOG_FILE
    old = json.dumps({"ts": "2026-12-04T06:00:00.000", "level": "ERROR", "msg": "from long ago"})
    new = json.dumps({"ts": "2026-12-04T09:15:02.123", "level": "ERROR", "msg": "paper out"})
    filler = json.dumps({"ts": "2026-12-04T07:00:00.000", "level": "INFO", "msg": "y" * 200})
    strange = ["not json", "[1, 2]", json.dumps({"level": "ERROR"}), json.dumps({"ts": 5, "level": "ERROR", "msg": "m"}),
               "\xff\xfe broken bytes"]
    with path.open("w", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write(old + "\n")
        for _ in range(2 * TAIL_BYTES // len(filler)):
            fh.write(filler + "\n")
        fh.write("\n".join(strange) + "\n" + new + "\n")
    entries = newest_log_entries(path)
    assert [(e.time, e.message) for e in entries] == [("09:15:02", "paper out")]
    assert newest_log_entries(tmp_path / "none.log") == []


def test_settings_not_at_their_defaults_are_listed_and_a_pin_is_never_shown(tmp_path):
    site = tmp_path / "site.toml"
    site.write_text(f"""
[terminal]
id = "ZJ-HZ-T009"
demo = true
staff_pin = "135790"
idle_timeout_s = 120
[backend]
url = "{URL}"
[devices.receipt_printer]
type = "escpos_tcp"
host = "10.1.2.3"
port = 9100
""")
    config = load_config(site, environ={})
    shown = {key: (value.render() if hasattr(value, "render") else value)
             for key, value in settings_not_at_default(config)}
    assert shown["terminal.id"] == "ZJ-HZ-T009" and shown["terminal.idle_timeout_s"] == "120"
    assert shown["backend.url"] == URL
    assert shown["devices.receipt_printer.type"] == "escpos_tcp" and shown["devices.receipt_printer.host"] == "10.1.2.3"
    set_language("en")
    assert settings_not_at_default(config)[[k for k, _ in settings_not_at_default(config)].index(
        "terminal.staff_pin")][1].render() == "(set)"
    assert "135790" not in repr(settings_not_at_default(config)) and "135790" not in str(shown)
    assert "terminal.hall_id" not in shown  # at its default
    assert settings_not_at_default(load_config(None, environ={})) == []


def test_the_settings_in_effect_mark_what_the_backend_set_since_the_start_default_or_not():
    from kiosk.config import apply_remote
    from kiosk.diagnostics import settings_in_effect

    started = load_config(None, environ={}, overrides={"terminal": {"idle_timeout_s": 120}})
    assert settings_in_effect(started, started) == [("terminal.idle_timeout_s", "120", False)]
    default_warning = started.terminal.idle_warning_s
    # the backend sets one key away from its default and the site file's key back to its default
    current = apply_remote(started, {"terminal": {"idle_warning_s": default_warning + 5,
                                                  "idle_timeout_s": load_config(None, environ={}).terminal.idle_timeout_s}},
                           environ={})
    shown = {key: (value, remote) for key, value, remote in settings_in_effect(current, started)}
    assert shown["terminal.idle_warning_s"] == (f"{default_warning + 5:g}", True)
    assert shown["terminal.idle_timeout_s"][1] is True  # at its default again, yet listed: staff see it changed
    assert set(shown) == {"terminal.idle_warning_s", "terminal.idle_timeout_s"}


def test_read_again_asks_the_backend_once_while_it_has_not_answered(qapp, tmp_path):
    """A hall's terminals asked, the backend slow: each "Read again" tap held another worker of the pool (the
    maintenance monkey, the backend trickling its answers); now a tap while asking only says it is asking."""
    import threading

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from kiosk.tasks import ThreadTaskRunner
    from ui.maintenance_diagnostics import DiagnosticsScreen

    asked, answer = [], threading.Event()
    posted = []

    def hall_terminals():
        asked.append(1)
        answer.wait(10)
        return []

    tasks = ThreadTaskRunner(posted.append)
    config = load_config(environ={}, overrides={"paths": {"data_dir": str(tmp_path)}})
    screen = DiagnosticsScreen(lambda: BackendContact(URL, None, None, None), tmp_path / LOG_FILE, config, tasks,
                               lambda: None,
                               hall_terminals=hall_terminals)
    screen.show()
    try:
        for _ in range(5):
            QTest.mouseClick(screen.read_again, Qt.MouseButton.LeftButton)
        time.sleep(0.3)
        assert len(asked) == 1 and screen.hall_lines.text() == "正在询问后台……"
        answer.set()
        time.sleep(0.5)
        for callback in list(posted):  # what the pool's workers hand back to the GUI thread
            callback()
        assert screen.hall_lines.text() == "本大厅没有已注册的终端。"
        QTest.mouseClick(screen.read_again, Qt.MouseButton.LeftButton)  # answered: asked again
        time.sleep(0.3)
        assert len(asked) == 2
    finally:
        answer.set()
        tasks.shutdown()
        screen.deleteLater()


def test_another_terminal_under_this_id_and_a_disk_that_takes_no_writes_are_said():
    """Maintenance's network lines: the backend's id_shared (kiosk/installation.py) and the disk's last look
    (kiosk/disk_watch.py), nothing while neither holds."""
    set_language("en")
    at = time.time()
    fine = BackendContact(URL, at, 40.0, None)
    assert id_text(fine) is None and disk_text(fine) is None
    shared = BackendContact(URL, at, 40.0, None, id_shared="ZJ-HZ-T001", disk_refused=True)
    assert id_text(shared).render() == (
        "The backend hears this terminal's id (ZJ-HZ-T001) from another terminal too: give each terminal its own "
        "terminal.id in its site file.")
    assert disk_text(shared).render().startswith("This terminal's disk takes no writes: it keeps nothing now")
    set_language("zh_CN")
    assert "ZJ-HZ-T001" in id_text(shared).render() and "磁盘" in disk_text(shared).render()
    set_language("en")
