import socket

import numpy as np
import pytest
from PIL import Image

from devices.errors import DeviceOfflineError
from devices.receipt.base import EscposReceiptPrinter, PaperOutError
from devices.receipt.document import Feed, Line, Qr, ReceiptDocument, Rule
from devices.receipt.escpos import PROFILES, encode, qr_commands
from devices.receipt.linebreak import wrap
from devices.receipt.sim import SimReceiptPrinter
from devices.receipt.transports import TcpTransport
from devices.receipt.virtual import VirtualPrinterServer, render
from devices.qr.decoder import decode

DOC = ReceiptDocument("t", (Line("回执", "center", bold=True, size=2), Line("No. 1"), Rule("="), Feed(2), Qr("OTR1:SQ1")))


def test_encode_is_exact():
    data = encode(ReceiptDocument("t", (Line("Hi", "right"),)), PROFILES["58mm"])
    assert data == (b"\x1b@\x1c&" + b"\x1ba\x02\x1bE\x00\x1d!\x00" + b"Hi\n" + b"\x1d!\x00\x1bE\x00"
                    + b"\x1bd\x03\x1dV\x42\x00")


def test_chinese_is_gb18030_and_qr_is_gs_k():
    data = encode(DOC, PROFILES["80mm"])
    assert "回执".encode("gb18030") in data
    assert qr_commands(b"OTR1:SQ1", 6) in data
    assert qr_commands(b"OTR1:SQ1", 6).startswith(b"\x1d(k\x04\x00\x31\x41\x32\x00")
    assert b"\x1d(k\x0b\x00\x31\x50\x30OTR1:SQ1" in data  # pL pH = len + 3


@pytest.mark.parametrize("profile", ["80mm", "58mm", "80mm-raster"])
def test_virtual_printer_reads_back_what_was_encoded(profile):
    page = render(encode(DOC, PROFILES[profile]), PROFILES[profile])
    assert page.lines[0] == "回执"
    assert "No. 1" in page.lines
    assert page.cut and page.unknown_commands == 0
    assert page.image is not None and page.image.width == PROFILES[profile].width_dots
    if PROFILES[profile].native_qr:
        assert page.qr_codes == ["OTR1:SQ1"]


def test_virtual_printer_survives_garbage():
    page = render(b"\x1b\x99\x1d\x99garbled\x1d(k\xff\xff\x31", PROFILES["80mm"])
    assert page.unknown_commands >= 2
    assert page.image is not None


def test_wrap_counts_cjk_as_two_columns():
    assert wrap("一二三四五", 4) == ["一二", "三四", "五"]
    assert wrap("check progress now", 10) == ["check", "progress", "now"]


def test_real_bytes_over_tcp_9100(tmp_path):
    with VirtualPrinterServer() as server:
        printer = EscposReceiptPrinter("p", TcpTransport(*server.address, timeout_s=2), PROFILES["80mm"])
        printer.start()
        try:
            result = printer.print_receipt(DOC, timeout_s=10)
            assert printer.self_test().ok
        finally:
            printer.stop()
        expected = encode(DOC, PROFILES["80mm"])
        assert result.bytes_sent == len(expected)
        for _ in range(100):
            if server.jobs:
                break
            __import__("time").sleep(0.02)
        assert server.jobs[0] == expected


def test_paper_out_is_reported_not_printed():
    with VirtualPrinterServer() as server:
        server.paper_out = True
        printer = EscposReceiptPrinter("p", TcpTransport(*server.address, timeout_s=2), PROFILES["80mm"])
        printer.start()
        try:
            with pytest.raises(PaperOutError) as caught:
                printer.print_receipt(DOC, timeout_s=10)
            assert "缺纸" in caught.value.message.render("zh_CN")
            result = printer.self_test()
            assert not result.ok
            assert printer.health.state.value == "error"
        finally:
            printer.stop()


def test_printer_that_is_not_there():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: connection refused
        printer = EscposReceiptPrinter("p", TcpTransport("127.0.0.1", port, timeout_s=1), PROFILES["80mm"])
        printer.start()
        try:
            with pytest.raises(DeviceOfflineError) as caught:
                printer.print_receipt(DOC, timeout_s=5)
            assert "未连接" in caught.value.message.render("zh_CN")
        finally:
            printer.stop()


def test_simulator_writes_bytes_and_a_picture(tmp_path):
    printer = SimReceiptPrinter("sim", tmp_path)
    printer.start()
    try:
        result = printer.print_receipt(DOC)
        assert (tmp_path / result.artifact).exists()
        assert sorted(p.suffix for p in tmp_path.iterdir()) == [".bin", ".png"]
        with Image.open(tmp_path / result.artifact) as paper:  # dots, as a thermal head prints them
            assert paper.mode == "1" and paper.width == PROFILES["80mm"].width_dots
            assert [r.text for r in decode(np.asarray(paper.convert("L")), budget_ms=None)] == ["OTR1:SQ1"]
        printer.inject("paper_out")
        with pytest.raises(PaperOutError):
            printer.print_receipt(DOC)
        printer.inject("clear")
        printer.inject("offline")
        with pytest.raises(DeviceOfflineError):
            printer.print_receipt(DOC)
        with pytest.raises(ValueError, match="unknown fault"):
            printer.inject("on_fire")
    finally:
        printer.stop()


def test_a_ragged_or_too_wide_bitmap_is_drawn_clipped_never_raised():
    from devices.receipt.virtual import _Renderer

    renderer = _Renderer(PROFILES["58mm"])
    renderer.bitmap([[True, False, True], [True], [False, True, True, True, True]])  # rows cut to the first's width
    renderer.bitmap([[True] * (PROFILES["58mm"].width_dots + 50)] * 2)  # wider than the paper
    paper = np.asarray(renderer.finish())
    first = paper[8:11, :3]
    assert first.tolist() == [[0, 255, 0], [0, 255, 255], [255, 0, 0]]
    assert (paper[15:17] == 0).all()  # the wide one fills the paper's width
