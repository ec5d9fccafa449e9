"""``kiosk doctor`` against a real pcscd with a virtual card, the sandbox and simulated devices."""

from __future__ import annotations

from entry.cli import main
from devices.sscard.model import SsCardModel
from devices.sscard.samples import sample_card


def _site(tmp_path, url: str, reader: str):
    site = tmp_path / "site.toml"
    site.write_text(f"""
[terminal]
id = "KIOSK-DOCTOR"
[backend]
url = "{url}"
retries = 0
[paths]
data_dir = "{tmp_path / 'data'}"
[logging]
console = false
[devices.ss_card_reader]
type = "pcsc"
reader = "{reader}"
""")
    return site


def test_doctor_shows_the_pcsc_service_its_readers_the_atr_and_each_device(tmp_path, capsys, sandbox, pcsc_stack):
    card = pcsc_stack.insert(SsCardModel(sample_card("resident")))
    try:
        code = main(["doctor", "--config", str(_site(tmp_path, sandbox.url, pcsc_stack.reader))])
    finally:
        card.remove()
    out = capsys.readouterr().out
    assert code == 0, out
    assert "OK    PC/SC service: running (pid " in out
    assert f"{pcsc_stack.reader}: present" in out and "ATR 3B 6A 00 00 4F 6E 65 54 72 69 70 53 53 43" in out
    assert "OK    ss_card_reader (pcsc): ready; self-test: 社会保障卡读卡器就绪。" in out
    for kind in ("id_reader", "qr_scanner", "document_camera", "receipt_printer", "document_printer"):
        assert f"OK    {kind} (sim):" in out
    assert f"OK    backend: {sandbox.url} answers" in out
    assert "OK    offline queue: pending 0" in out and "0 failed" in out
    assert "张" not in out and sample_card("resident").number not in out  # the card is not read


def test_doctor_fails_plainly_without_the_pcsc_service_or_the_backend(tmp_path, capsys, pcsc_stack):
    pcsc_stack.stop()
    try:
        code = main(["doctor", "--no-devices", "--config",
                     str(_site(tmp_path, "http://127.0.0.1:9", pcsc_stack.reader))])
    finally:
        pcsc_stack.start()
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL  PC/SC service: not running: SCardEstablishContext: 0x8010001D" in out
    assert "FAIL  backend: http://127.0.0.1:9:" in out and "Traceback" not in out


def test_doctor_says_a_clock_far_from_the_backend_s_and_a_time_zone_other_than_china_s(tmp_path, capsys):
    """Receipts, notices and the window's documents print this terminal's own time: a clock ten minutes behind the
    backend's (learned from its signed answer) and a time zone other than UTC+08:00 are warnings."""
    import datetime as dt
    import re
    import time

    from entry.doctor import Findings, check_time_zone
    from tests.backend_helpers import Scripted, ScriptedBackend

    with ScriptedBackend(terminal="KIOSK-DOCTOR") as line:
        line.answer = Scripted(200, b'{"status": "ok"}', server_time=f"{time.time() + 600:.3f}")
        site = _site(tmp_path, line.url, "")
        site.write_text(site.read_text().replace('id = "KIOSK-DOCTOR"', 'id = "KIOSK-DOCTOR"\nmode = "maintenance"')
                        .replace('type = "pcsc"\nreader = ""', 'type = "sim"'))  # no pcscd asked for here
        code = main(["doctor", "--no-devices", "--config", str(site)])
    said = capsys.readouterr()
    out = said.out
    assert f"OK    backend: {line.url} answers" in out, said
    assert re.search(r"WARN  clock: (599\.\d|600\.\d) s behind the backend's: receipts, notices and documents print "
                     r"this terminal's time", out), out
    assert code == 0, out  # warnings, nothing failed: the terminal works
    china, utc = dt.timezone(dt.timedelta(hours=8), "CST"), dt.timezone.utc
    findings = Findings()
    check_time_zone(findings, dt.datetime(2026, 12, 7, 10, 0, tzinfo=china))
    check_time_zone(findings, dt.datetime(2026, 12, 7, 2, 0, tzinfo=utc))
    check_time_zone(findings, dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30))))
    assert findings.lines[0] == "OK    time zone: CST (UTC+08:00)"
    assert findings.lines[1].startswith("WARN  time zone: UTC (UTC+00:00): receipts, notices and documents print")
    assert findings.lines[2].startswith("WARN  time zone: UTC-03:30 (UTC-03:30)")


def test_doctor_checks_the_chinese_font_and_a_kiosk_s_voice_in_both_languages(tmp_path, monkeypatch, make_config):
    """Without a Chinese font every screen's Chinese is empty boxes; without espeak-ng a kiosk may be silent."""
    from common import fonts
    from entry.doctor import Findings, check_font, check_voice

    findings = Findings()
    check_font(findings)
    check_voice(make_config(), findings)  # the kiosk, espeak-ng as make installs it
    check_voice(make_config(voice={"espeak_binary": "no-such-espeak"}), findings)
    check_voice(make_config(voice={"espeak_binary": "no-such-espeak", "engine": "espeak-ng"}), findings)
    check_voice(make_config(terminal={"mode": "window"}), findings)  # a window speaks no prompts: not checked
    font, voice, missing, required = findings.lines
    assert font.startswith("OK    Chinese font: /") and font.endswith((".ttf", ".ttc"))
    assert voice.startswith("OK    voice: /") and "Chinese " in voice and "English " in voice
    assert missing.startswith("WARN  voice: no-such-espeak not found: prompts fall back to Qt's text-to-speech")
    assert required.startswith("FAIL  voice: no-such-espeak not found")
    monkeypatch.setattr(fonts, "_CANDIDATES", ())
    monkeypatch.setenv("PATH", str(tmp_path))  # nor fc-match to ask
    fonts.cjk_font_path.cache_clear()  # found once per process: asked again here, and again after the test
    none = Findings()
    try:
        check_font(none)
    finally:
        fonts.cjk_font_path.cache_clear()
    assert none.lines == ["FAIL  Chinese font: no Chinese TrueType font found; install fonts-wqy-microhei (make does): "
                          "every screen's Chinese would be drawn as empty boxes"]


# /proc/asound/cards as ALSA writes it on a PC with two cards, and with none
TWO_CARDS = """ 0 [PCH            ]: HDA-Intel - HDA Intel PCH
                      HDA Intel PCH at 0xf7f10000 irq 32
 1 [Device         ]: USB-Audio - USB Audio Device
                      C-Media Electronics Inc. USB Audio Device at usb-0000:00:14.0-2, full speed
"""


def test_doctor_says_whether_a_sound_card_is_there_to_hear_the_prompts(tmp_path):
    from entry.doctor import Findings, check_sound
    from kiosk.voice import sound_cards

    assert sound_cards(TWO_CARDS) == ["HDA-Intel - HDA Intel PCH", "USB-Audio - USB Audio Device"]
    assert sound_cards("--- no soundcards ---\n") == [] and sound_cards("") == []
    (tmp_path / "two").write_text(TWO_CARDS)
    (tmp_path / "none").write_text("--- no soundcards ---\n")
    findings = Findings()
    for name in ("two", "none", "absent"):  # absent: a machine without ALSA
        check_sound(findings, tmp_path / name)
    assert findings.lines[0] == "OK    sound: HDA-Intel - HDA Intel PCH, USB-Audio - USB Audio Device"
    assert findings.lines[1] == (f"WARN  sound: no sound card listed in {tmp_path / 'none'}: the kiosk's spoken "
                                 "prompts cannot be heard (a USB speaker or the display's HDMI audio, and its driver)")
    assert findings.lines[2].startswith(f"WARN  sound: no sound card listed in {tmp_path / 'absent'}")
