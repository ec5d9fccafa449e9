"""``kiosk demo``: the headless walkthrough against a sandbox started as a separate process (what a hall checks:
``kiosk sandbox --db FILE``, then ``kiosk demo --headless --backend URL``), what it showed, printed and said, and what
arrived in the sandbox's database; the demo's own sandbox and its two ways of taking the backend away at confirm.

One full walkthrough: a second on the demo's own sandbox cost the suite 45 s for what these few lines check of it
(the sandbox it starts and stops, and the relay it cuts when a backend has no switch)."""

import io
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from PIL import Image

from common import provisional
from entry.cli import main
from entry.demo import CLERK_MATERIALS, CLERK_SERVICE, backend_at, run_headless
from entry.outage import BackendSwitch, LineCut, outage_for
from entry.walkthrough import WalkError
from kiosk.payloads import is_case_number
from kiosk.voice import read_wav
from sandbox.server import free_port

REPO = Path(__file__).resolve().parent.parent


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


def assert_what_was_shown_printed_and_said(run) -> None:
    """The walkthrough's screenshots, voice prompts, receipts and A4 documents, and its report."""
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


def test_the_demos_own_sandbox_answers_while_the_demo_runs_and_is_taken_away_by_its_switch():
    """``make demo`` without ``--backend``: its own sandbox, whose fault switch the walkthrough uses at confirm."""
    with backend_at(None) as url:
        assert requests.get(url + "/api/v1/health", timeout=5).ok
        assert isinstance(outage_for(url), BackendSwitch)
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/api/v1/health", timeout=5)


def test_a_line_cut_resets_what_is_open_refuses_what_comes_and_carries_again_once_restored(sandbox):
    """The demo's outage for a backend without the sandbox's switch (a hall's staging system): a relay it cuts."""
    line = outage_for(sandbox.url, "terminal")
    assert isinstance(line, LineCut)
    health = line.terminal_url + "/api/v1/health"
    try:
        kept = requests.Session()  # a connection kept open across the cut, as the terminal's pool keeps them
        assert kept.get(health, timeout=5).ok
        line.begin()
        with pytest.raises(requests.ConnectionError):
            kept.get(health, timeout=5)
        with pytest.raises(requests.ConnectionError):
            requests.get(health, timeout=5)
        line.end()
        assert requests.get(health, timeout=5).ok
    finally:
        line.close()


def start_sandbox(port: int, db: Path, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "entry", "sandbox", "--port", str(port), "--db", str(db)],
                                   cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, log.read_text()
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).ok:
                return process
        except requests.ConnectionError:
            pass  # not listening yet
        assert time.monotonic() < deadline, "the sandbox process did not answer /health in 30 s"
        time.sleep(0.1)


def test_headless_demo_against_a_sandbox_started_by_hand(qapp, tmp_path, brisk_payment_poll):
    port, db = free_port(), tmp_path / "sandbox.sqlite"
    process = start_sandbox(port, db, tmp_path / "sandbox.log")
    try:
        run = run_headless(tmp_path / "out", backend=f"http://127.0.0.1:{port}")
        switch = requests.post(f"http://127.0.0.1:{port}/control/faults", json={"fault": "down", "on": False},
                               timeout=5)
        assert switch.json()["active"] == []  # the demo left the sandbox's fault switches as it found them
    finally:
        process.terminate()
        process.wait(15)
    assert_what_was_shown_printed_and_said(run)
    sent = run.sent
    assert sent.backend == f"http://127.0.0.1:{port}" and sent.outage == BackendSwitch.how
    assert_numbers(sent)
    with sqlite3.connect(db) as store:
        cases = store.execute("SELECT case_number, provisional_number, service_code FROM cases WHERE terminal_id = ? "
                              "ORDER BY case_number", (sent.terminal_id,)).fetchall()
        offline_provisional, offline_case = sent.offline
        # The online cases, the offline one delivered later and the one the window did not accept, each exactly once
        # (every case is queued first, so each carries its provisional number); the offline one under the number on
        # its receipt.
        assert sorted(number for number, _p, _s in cases) == sorted([n for _w, n in sent.cases] + [
            offline_case, sent.not_accepted, sent.window_accepted, sent.window_draft_case, sent.material_added])
        assert {service for _n, _p, service in cases} == {"GT-001", "WS-013", "JZ-002", "JSZ-010", "GJJ-004", "SB-003",
                                                          "HY-011"}
        assert len({p for _n, p, _s in cases}) == 10
        # a material added to GT-001 at the confirmation: refused without it, asked for, sent with it; the refusal
        # put right at once is not the citizen's refused application; the catalogue put back after
        added = [name for (name,) in store.execute("SELECT name FROM attachments WHERE case_number = ?",
                                                   (sent.material_added,))]
        assert "MX-1.jpg" in added, added
        assert store.execute("SELECT code, superseded_by FROM refusals WHERE code = 'materials_missing'").fetchall() \
            == [("materials_missing", sent.material_added)]
        listed = json.loads(store.execute("SELECT body FROM services WHERE code = 'GT-001'").fetchone()[0])
        assert "MX" not in {m["code"] for m in listed["materials"]}
        assert (offline_case, offline_provisional, "SB-003") in cases
        assert store.execute("SELECT COUNT(*) FROM cases WHERE provisional_number = ?",
                             (offline_provisional,)).fetchone()[0] == 1
        services = {code: json.loads(body) for code, body in store.execute("SELECT code, body FROM services")}
        bodies = {number: json.loads(body) for number, body in
                  store.execute("SELECT case_number, body FROM cases WHERE terminal_id = ?", (sent.terminal_id,))}
        card_holder = "330106199003071236"  # the sample card every demo citizen lays on the reader
        for number, body in bodies.items():
            if number in (sent.not_accepted, sent.window_accepted, sent.window_draft_case):
                continue  # taken at the window from the card in the clerk's hands: no consent on a screen
            required = {f["name"] for f in services[body["service_code"]]["form"] if f.get("required")}
            assert required <= {k for k, v in body["form"].items() if str(v).strip()}, (number, body["form"])
            # the one identified consented when identified, and again where licences were fetched for the case
            assert {c["id_number"] for c in body["consents"]} == {card_holder}
            assert body["consents"][0]["scope"] == "identity"
            assert {c["scope"] for c in body["consents"][1:]} <= {"licences"}
        company = bodies[sent.cases[1][1]]
        assert company["applicant"]["type"] == "company" and company["applicant"]["credit_code"] == "91330106MA2H7Q3K8C"
        assert company["applicant"]["role"] == "authorised_handler" and company["applicant"]["id_number"] == card_holder
        agent = bodies[sent.cases[2][1]]
        assert agent["agent"]["id_number"] == card_holder
        assert agent["applicant"]["id_number"] == "330102195506122468" and agent["applicant"]["card_type"] == "declared"
        # pages as readable images, licence references, signatures, and the resumed draft's case complete
        pages = {number: {name: data for name, data in store.execute(
            "SELECT name, data FROM attachments WHERE case_number = ?", (number,))} for number in bodies}
        for number, files in pages.items():
            for name, data in files.items():
                with Image.open(io.BytesIO(data)) as image:
                    assert image.width > 300 and image.height > 100, (number, name)
        myself, resumed = sent.cases[0][1], sent.cases[4][1]
        assert {"M1-1.jpg", "M1-2.jpg", "signature.png"} <= set(pages[myself]) and bodies[myself]["e_licences"]
        assert "signature.png" in pages[sent.cases[2][1]]  # the agent signed
        assert {"M2-1.jpg", "M2-4.jpg", "M3-1.jpg", "M4-1.jpg"} <= set(pages[resumed])
        # the resumed drafts became cases; the one left with a notice while the line was cut arrived from the outbox,
        # and the agent's case refused on arrival came back as the agent's draft, its principal to be corrected
        saved = {service: json.loads(body) for service, body in store.execute("SELECT service_code, body FROM drafts")}
        assert set(saved) == {"CS-006", "JZ-002"}
        refused_draft = saved["JZ-002"]
        assert refused_draft["agent"]["id_number"] == card_holder and refused_draft["applicant"]["name"] == "李洋例"
        kept = saved["CS-006"]
        assert sent.offline_draft == "CS-006" and kept["missing"] == ["M3"] and kept["form"]
        assert {"M1", "M2"} <= set(kept["materials_done"]) and "M3" not in kept["materials_done"]
        assert {"M1", "M2"} <= {a["name"][:2] for a in kept["attachments"]} | set(kept["material_licences"])
        assert kept["attachments"]  # a page taken on the camera arrived with it
        # the application saved at the kiosk and continued at the window: the kiosk's form, licence and pages, and
        # the contract scanned at the window
        continued = bodies[sent.window_draft_case]
        assert continued["form"] == bodies[resumed]["form"] and continued["e_licences"]
        assert {"M2-1.jpg", "M3-1.jpg", "M4-1.jpg"} <= set(pages[sent.window_draft_case])
        decided = store.execute("SELECT body FROM decisions WHERE case_number = ?", (sent.window_draft_case,))
        assert json.loads(decided.fetchone()[0])["received"] == ["M1", "M2", "M3", "M4"]
        consents = store.execute("SELECT COUNT(*) FROM consents WHERE terminal_id = ? AND scope = 'identity' "
                                 "AND id_number = ?", (sent.terminal_id, card_holder)).fetchone()[0]
        assert consents >= 4  # one per identified session (the licence errand's too)
        by_ss_card = store.execute("SELECT COUNT(*) FROM consents WHERE terminal_id = ? AND id_number = ? AND "
                                   "method = 'social_security_card'", (sent.terminal_id, card_holder)).fetchone()[0]
        assert by_ss_card == 1  # the licence errand: identified by the social security card in the PC/SC reader
        rating = store.execute("SELECT level FROM evaluations WHERE case_number = ?", (sent.cases[0][1],)).fetchone()
        assert rating[0] == 5
        orders = [row[0] for row in store.execute("SELECT status FROM payment_orders WHERE case_number = ?",
                                                     (sent.cases[3][1],))]
        assert orders == ["paid"]  # left at "pay later", paid later from My applications: the same order, once
        notice_rating = store.execute("SELECT level FROM evaluations WHERE key_kind = 'notice_number' AND key = ?",
                                      (sent.kiosk_notice,)).fetchone()
        assert notice_rating == (3,)  # the one-time notice rated by its number
        offline_rating = store.execute("SELECT level, case_number FROM evaluations WHERE provisional_number = ?",
                                       (offline_provisional,)).fetchone()
        assert offline_rating[0] == 4  # rated while offline, delivered behind its case
        # the agent's offline case with the principal's name mistyped: refused on arrival, kept under its number
        refused_number, shown = sent.refused
        refusal = store.execute("SELECT code, terminal_id FROM refusals WHERE provisional_number = ?",
                                (refused_number,)).fetchone()
        assert refusal == ("principal_not_registered", sent.terminal_id)
        assert "登记不符" in shown or "do not match the register" in shown  # what the kiosk showed for its receipt
        reprints = store.execute("SELECT COUNT(*) FROM reprints WHERE case_number = ? AND document = 'receipt'",
                                 (sent.reprinted,)).fetchone()[0]
        assert reprints == 1  # the receipt printed again from "my applications", recorded
        window_rating = store.execute("SELECT level, channel FROM evaluations WHERE key_kind = 'notice_number' "
                                      "AND key = ?", (sent.notice,)).fetchone()
        assert window_rating == (4, "window")  # the clerk's notice rated on the window's customer side
        refusal_rating = store.execute("SELECT level, channel FROM evaluations WHERE case_number = ?",
                                       (sent.not_accepted,)).fetchone()
        assert refusal_rating == (3, "window") == (sent.refusal_rating, "window")  # on the clerk's: monitor unplugged
        (notice,) = store.execute("SELECT body FROM notices WHERE number = ?", (sent.notice,)).fetchall()
        body = json.loads(notice[0])
        assert body["service_code"] == CLERK_SERVICE and body["missing"]
        assert not set(CLERK_MATERIALS) & set(body["missing"])  # what the clerk ticked is not asked for again
        (decision,) = store.execute("SELECT body FROM decisions WHERE case_number = ?", (sent.not_accepted,)).fetchall()
        decision = json.loads(decision[0])  # 不予受理 at the window, with its legal reason
        assert decision["decision"] == "not_accepted" and "不属于本机关职权范围" in decision["legal_reason"]
        # accepted at the window: the page the clerk scanned went with the case, as a kiosk's pages do
        assert set(pages[sent.window_accepted]) == {"M1-1.jpg"}
        (accepted,) = store.execute("SELECT body FROM decisions WHERE case_number = ?",
                                    (sent.window_accepted,)).fetchall()
        assert json.loads(accepted[0])["decision"] == "accepted"
        (form,) = store.execute("SELECT json_extract(body, '$.form') FROM cases WHERE case_number = ?",
                                (sent.window_accepted,)).fetchall()
        assert json.loads(form[0]) == {"purpose": "property", "registration_year": 2020}  # typed by the clerk
        terminals = [row[0] for row in store.execute("SELECT terminal_id FROM terminals")]
        assert sent.terminal_id in terminals  # the demo terminal enrolled with the hand-started sandbox


def test_demo_refuses_a_backend_that_is_not_a_url(capsys):
    assert main(["demo", "--headless", "--backend", "localhost:8710"]) == 2
    assert "--backend needs a URL" in capsys.readouterr().err


def test_demo_says_so_when_no_backend_answers(tmp_path):
    with pytest.raises(WalkError, match=r"no backend answers at http://127\.0\.0\.1:\d+ \(GET /api/v1/health: Conn"):
        run_headless(tmp_path, backend=f"http://127.0.0.1:{free_port()}")
