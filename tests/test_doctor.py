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
