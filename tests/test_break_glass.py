"""The break-glass PIN (issue 20 item 3): a salted slow hash in the configuration, never the README's default
or empty outside a demo configuration, and a lockout that survives a restart and a changed clock."""

from __future__ import annotations

import io
import json
import os
import stat
import time

import pytest

from entry.cli import main
from kiosk.break_glass import DEMO_PIN, MAX_ATTEMPTS, PinLockout, hash_pin, parse_pin_hash
from kiosk.config import ConfigError, load_config
from tests.maintenance_steps import enter_pin

PIN = "135790"


@pytest.fixture(scope="module")
def pin_hash() -> str:
    return str(hash_pin(PIN))


@pytest.fixture(scope="module")
def demo_hash() -> str:
    return str(hash_pin(DEMO_PIN))


def site(tmp_path, **terminal) -> str:
    path = tmp_path / "site.toml"
    path.write_text("[terminal]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in terminal.items()), "utf-8")
    return path


# -- the configuration -----------------------------------------------------------------------------

@pytest.mark.parametrize("pin, what", [(DEMO_PIN, "demo PIN 246810"), ("", "an empty PIN"),
                                       ("135790", "a PIN in plain text")])
def test_a_plain_pin_is_refused_outside_a_demo_configuration(tmp_path, pin, what):
    with pytest.raises(ConfigError) as refused:
        load_config(site(tmp_path, staff_pin=pin), environ={})
    message = str(refused.value)
    assert "[terminal] staff_pin" in message and what in message and "kiosk config hash-pin" in message
    with pytest.raises(ConfigError, match="staff_pin"):  # from the environment as well
        load_config(environ={"KIOSK_TERMINAL__STAFF_PIN": pin})


@pytest.mark.parametrize("pin", [DEMO_PIN, ""])
def test_the_hash_of_the_default_or_an_empty_pin_is_refused_outside_a_demo_configuration(tmp_path, pin):
    with pytest.raises(ConfigError) as refused:
        load_config(site(tmp_path, break_glass_pin_hash=str(hash_pin(pin))), environ={})
    assert "break_glass_pin_hash" in str(refused.value) and "demo configuration" in str(refused.value)


@pytest.mark.parametrize("pin", [DEMO_PIN, ""])
def test_a_demo_configuration_accepts_the_default_and_the_empty_pin(tmp_path, pin):
    assert load_config(site(tmp_path, demo=True, staff_pin=pin), environ={}).terminal.staff_pin == pin
    hashed = str(hash_pin(pin))
    assert load_config(site(tmp_path, demo=True, break_glass_pin_hash=hashed),
                       environ={}).terminal.break_glass_pin_hash == hashed


def test_a_real_pins_hash_is_accepted_and_no_pin_at_all_is_the_default(tmp_path, pin_hash):
    assert load_config(site(tmp_path, break_glass_pin_hash=pin_hash), environ={}).terminal.break_glass_pin_hash
    defaults = load_config(environ={}).terminal
    assert not defaults.demo and defaults.break_glass_pin_hash == ""


@pytest.mark.parametrize("value, says", [
    ("246810", "scrypt$N$r$p"), ("scrypt$16384$8$1$zz$00", "hexadecimal"),
    ("scrypt$1024$8$1$" + "00" * 16 + "$" + "00" * 32, "outside"),
    ("scrypt$2097152$8$1$" + "00" * 16 + "$" + "00" * 32, "outside"),  # 2 GB of memory asked: refused
    ("scrypt$20000$8$1$" + "00" * 16 + "$" + "00" * 32, "power of two"),
    ("scrypt$16384$8$1$" + "00" * 4 + "$" + "00" * 32, "salt"),
])
def test_a_malformed_hash_is_refused_naming_the_key(tmp_path, value, says):
    with pytest.raises(ConfigError) as refused:
        load_config(site(tmp_path, break_glass_pin_hash=value), environ={})
    assert "break_glass_pin_hash" in str(refused.value) and says in str(refused.value)


def test_kiosk_config_check_refuses_the_readmes_pin(tmp_path, capsys):
    assert main(["config", "check", str(site(tmp_path, staff_pin=DEMO_PIN))]) == 2
    assert "staff_pin" in capsys.readouterr().err
    assert main(["config", "check", str(site(tmp_path, demo=True, staff_pin=DEMO_PIN))]) == 0


def test_hash_pin_reads_the_pin_from_stdin_and_refuses_weak_ones(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr("sys.stdin", io.StringIO(PIN + "\n"))
    assert main(["config", "hash-pin"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith('break_glass_pin_hash = "scrypt$32768$8$1$') and PIN not in line
    value = line.split('"')[1]
    assert parse_pin_hash(value).matches(PIN) and not parse_pin_hash(value).matches(DEMO_PIN)
    assert load_config(site(tmp_path, break_glass_pin_hash=value), environ={})
    for weak in (DEMO_PIN, "", "12345", "000000", "12345a", "1234567890123"):
        monkeypatch.setattr("sys.stdin", io.StringIO(weak + "\n"))
        assert main(["config", "hash-pin"]) == 2
        assert "not a break-glass PIN" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # never on the command line, where other users see it
        main(["config", "hash-pin", PIN])


# -- the lockout ----------------------------------------------------------------------------------

class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def wrong_until_locked(lockout: PinLockout) -> None:
    for _ in range(MAX_ATTEMPTS):
        lockout.attempt(lambda: False)


def test_the_lock_survives_a_new_process_and_ignores_the_wall_clock(tmp_path, monkeypatch):
    path, clock = tmp_path / "maintenance" / "pin_lockout.json", Monotonic()
    lockout = PinLockout(path, 60, clock=clock, boot=lambda: "boot-1")
    for _ in range(MAX_ATTEMPTS - 1):
        assert not lockout.attempt(lambda: False).locked_for_s
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = PinLockout(path, 60, clock=clock, boot=lambda: "boot-1")  # the count survives a restart too
    assert again.attempt(lambda: False).locked_for_s == 60
    clock.now += 30
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 86400)  # the wall clock set a day ahead: no matter
    restarted = PinLockout(path, 60, clock=clock, boot=lambda: "boot-1")
    assert restarted.attempt(lambda: True) == restarted.attempt(lambda: True)  # refused unchecked, both
    assert restarted.remaining_s() == 30
    clock.now += 30
    assert restarted.attempt(lambda: True).unlocked and restarted.remaining_s() == 0


def test_a_reboot_counts_a_standing_lock_again_in_full(tmp_path):
    path, clock = tmp_path / "pin_lockout.json", Monotonic()
    wrong_until_locked(PinLockout(path, 60, clock=clock, boot=lambda: "boot-1"))
    clock.now = 5.0  # the monotonic clock starts again after a reboot
    assert PinLockout(path, 60, clock=clock, boot=lambda: "boot-2").remaining_s() == 60


def test_a_damaged_lockout_file_locks(tmp_path):
    path = tmp_path / "pin_lockout.json"
    path.write_text("{not json", "utf-8")
    assert PinLockout(path, 60, clock=Monotonic(), boot=lambda: "b").attempt(lambda: True).locked_for_s == 60


# -- through the widgets --------------------------------------------------------------------------

def test_the_break_glass_pin_unlocks_from_its_hash_and_is_audited(open_gui, qtbot, pin_hash):
    gui = open_gui("maintenance", terminal={"demo": False, "break_glass_pin_hash": pin_hash})
    view = gui.window.view
    assert view.use_pin.isVisible()
    enter_pin(view, qtbot, DEMO_PIN)
    assert view.currentWidget() is view.pin and view.pin.notice.text() == "密码错误。"
    enter_pin(view, qtbot, PIN)
    assert view.currentWidget() is view.status and view.access.actor == "break-glass"
    actions = [(e["actor"], e["action"]) for e in gui.services.audit.recent]
    assert actions[:2] == [("break-glass", "maintenance_pin_refused"), ("break-glass", "maintenance_unlock")]


def test_without_a_break_glass_pin_there_is_no_keypad(open_gui):
    view = open_gui("maintenance", terminal={"demo": False}).window.view
    assert view.currentWidget() is view.sign_in and not view.use_pin.isVisible()


def test_wrong_pins_lock_the_keypad_and_the_lock_holds_in_a_new_view(open_gui, qtbot, pin_hash):
    gui = open_gui("maintenance", terminal={"demo": False, "break_glass_pin_hash": pin_hash})
    view = gui.window.view
    for _ in range(MAX_ATTEMPTS):
        enter_pin(view, qtbot, "111111")
    assert "秒后再试" in view.pin.notice.text()
    gui.close()
    again = open_gui("maintenance", terminal={"demo": False, "break_glass_pin_hash": pin_hash})  # same data dir
    view = again.window.view
    enter_pin(view, qtbot, PIN)  # the right PIN, refused while locked
    assert view.currentWidget() is view.pin and "秒后再试" in view.pin.notice.text()
    assert not view.access.unlocked
