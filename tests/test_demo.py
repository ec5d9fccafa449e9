"""``kiosk demo``: the headless walkthrough on its own sandbox (against a sandbox started as a separate process:
tests/test_demo_by_hand.py)."""

import subprocess

import pytest
from PIL import Image

from common import provisional
from entry.cli import main
from entry.demo import run_headless
from entry.outage import LineCut
from entry.walkthrough import WalkError
from kiosk.payloads import is_case_number
from kiosk.voice import read_wav
from sandbox.server import free_port


@pytest.fixture
def brisk_payment_poll(monkeypatch):
    """The demo's kiosk asks for the fee's payment every second (terminal.payment_poll_s at its least; the demo
    takes it from the environment) instead of every 3 s: the fee errand waited about 3 s for the poll."""
    monkeypatch.setenv("KIOSK_TERMINAL__PAYMENT_POLL_S", "1")


def assert_numbers(sent) -> None:
    whats = [what for what, _n in sent.cases]
    assert len(whats) == 5 and whats[0].startswith("myself") and "company" in whats[1] and "agent" in whats[2]
    assert "fee paid" in whats[3] and "resumed" in whats[4] and sent.kiosk_notice.startswith("GZ")
    assert all(is_case_number(number) for _what, number in sent.cases)
    offline_provisional, offline_case = sent.offline
    assert provisional.is_valid(offline_provisional) and offline_provisional.startswith(f"P-{sent.terminal_id}-")
    assert is_case_number(offline_case)
    assert offline_case in sent.progress  # the offline receipt's printed QR code, scanned, shows the delivered case
    assert len({n for _w, n in sent.cases} | {offline_case}) == 6
    assert sent.notice.startswith("GZ") and is_case_number(sent.reprinted)


def test_headless_demo_on_its_own_sandbox_cuts_the_line_at_confirm(qapp, tmp_path, brisk_payment_poll):
    run = run_headless(tmp_path, outage="terminal")
    names = [p.name for p in run.paths]
    assert "01-home.png" in names and "receipt-1.png" in names and "one-time-notice.png" in names
    for screen in ("consent", "guide", "who", "form-keyboard", "form", "licence-consent", "capture", "materials",
                   "signature", "confirm", "done", "company-company-en", "form-keyboard-company-en",
                   "principal-agent-large", "form-keyboard-agent-large", "signature-agent-large", "incomplete-incomplete",
                   "notice-printed-incomplete", "identity-resumed", "done-resumed", "done-offline", "progress",
                   "my-cases", "case-progress-reprinted", "payment-fee", "done-fee",
                   "case-progress-fee-due", "payment-from-cases", "case-progress-fee-paid",  # paid later (My applications)
                   "window-scanned", "window-accepted",  # a material scanned at the window, the case accepted
                   "window-copy-number", "window-copy-printed",  # a decision's document printed again (补打)
                   "window-copy-printed-notice",  # and the kiosk's one-time notice, by its number
                   "window-draft-offered", "window-draft-resumed",  # a kiosk's saved application continued there
                   "window-customer-screen", "window-customer-rating",  # the window's screen facing the applicant
                   "window-ticket-called", "window-customer-called",  # the queue ticket called (叫号)
                   "notice-printed-notice-offline"):  # a notice printed while the line was cut: the draft queued
        assert any(n.split("-", 1)[1] == f"{screen}.png" for n in names), f"no screenshot of {screen}"
    assert any("maintenance-devices" in n for n in names)
    assert any("maintenance-network-log-configuration" in n for n in names)
    for path in run.paths:
        with Image.open(path) as image:
            assert image.width > 300 and image.height > 300
            # Not blank: a screen or a receipt has dark ink somewhere.
            assert min(image.convert("L").getextrema()) < 80
    assert run.sent.outage == LineCut.how
    assert_numbers(run.sent)
    # voice/NNN-step-lang.wav: each prompt the kiosk's voice guidance said, in both languages, as audio
    spoken = {path.name[4:] for path in run.voice}
    assert {"home-zh_CN.wav", "consent-zh_CN.wav", "form-zh_CN.wav", "company-en.wav", "done-en.wav"} <= spoken
    assert all(read_wav(path.read_bytes()).rms() > 0.02 for path in run.voice[:3])
    report = run.sent.report()
    assert run.sent.offline[0] in report and run.sent.offline[1] in report and run.sent.notice in report
    assert run.sent.ticket == "A001" and "queue ticket A001 called to window 3" in report  # GJJ-004 queues under A
    # the window's refusal (不予受理) and its A4 documents, as printed
    refused = run.sent.not_accepted
    assert is_case_number(refused) and refused in report and any("window-not-accepted" in n for n in names)
    documents = {path.name: path for path in run.documents}
    assert {f"notice-{run.sent.notice}.pdf", f"not-accepted-{refused}.pdf", f"not-accepted-{refused}-copy.pdf",
            f"acceptance-{run.sent.window_accepted}.pdf"} <= set(documents)
    words = subprocess.run(["pdftotext", str(documents[f"not-accepted-{refused}.pdf"]), "-"], capture_output=True,
                           text=True, check=True, timeout=30).stdout
    assert "不予受理决定书" in words and refused in words and "330106199003071236" not in words
    copy = subprocess.run(["pdftotext", str(documents[f"not-accepted-{refused}-copy.pdf"]), "-"],
                          capture_output=True, text=True, check=True, timeout=30).stdout
    assert "补打的副本" in copy and refused in copy and "330106199003071236" not in copy
    continued = run.sent.window_draft_case  # the kiosk's saved application, accepted at the window
    assert is_case_number(continued) and continued in report and run.sent.window_draft_notice in report
    lost = run.sent.kiosk_notice  # the kiosk's notice, printed again at the window: no clerk issued it
    copy = subprocess.run(["pdftotext", str(documents[f"notice-{lost}-copy.pdf"]), "-"],
                          capture_output=True, text=True, check=True, timeout=30).stdout
    assert "一次性告知书" in copy and lost in copy and "告知人：自助终端" in copy and "本告知书的记录补打" in copy
    assert "330106199003071236" not in copy and f"notice-{lost}-copy.pdf" in report


def test_demo_refuses_a_backend_that_is_not_a_url(capsys):
    assert main(["demo", "--headless", "--backend", "localhost:8710"]) == 2
    assert "--backend needs a URL" in capsys.readouterr().err


def test_demo_says_so_when_no_backend_answers(tmp_path):
    with pytest.raises(WalkError, match=r"no backend answers at http://127\.0\.0\.1:\d+ \(GET /api/v1/health: Conn"):
        run_headless(tmp_path, backend=f"http://127.0.0.1:{free_port()}")
