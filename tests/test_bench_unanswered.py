"""``kiosk bench unanswered`` runs end to end on short timeouts (its figures with the hall's are in the notes)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_bench_says_each_failure_and_bounds_every_wait():
    run = subprocess.run([sys.executable, "-m", "entry", "bench", "unanswered", "--read-timeout", "0.8",
                          "--connect-timeout", "0.3", "--trials", "1", "--min-upload", "2000", "--line-kb", "600",
                          "--line-kb-back", "100", "--case-mb", "0.3", "--deliver-wait", "1.0", "--slow-s", "0.7"],
                         cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert lines[0].startswith("backend timeouts: connect 0.3 s, read 0.8 s, whole answer 1.6 s") and \
        lines[0].endswith("(not the defaults)")
    row_of = re.compile(r"^(\S+) +(GET /services \(read\)|POST payment \(write\)|POST case, 0.3 MB pages"
                        r"|GET draft page, 0.3 MB|window Accept|window notice) +([\d.]+|-) +[\d.]+ +([\d.]+)  (\S+)")
    rows = [row_of.match(line).groups() for line in lines[2:-1]]
    failures = ("refused", "down", "hung", "trickle", "trickle-head", "blackhole")
    calls = ("GET /services (read)", "POST payment (write)")
    case, page = "POST case, 0.3 MB pages", "GET draft page, 0.3 MB"
    window = ("window Accept", "window notice")
    assert sorted((f, c) for f, c, *_ in rows) == sorted(
        [(f, c) for f in failures for c in calls] + [("slow-line", c) for c in (*calls, case)] + [("crawl", case)]
        + [("slow-download", page)] + [("slow", c) for c in calls]
        + [(f, c) for f in ("down", "hung", "slow") for c in window])
    # the window's Accept: the case, then its decision, within the applicant's wait (1 s) and a little, whatever the
    # backend does; answers 0.7 s late each leave the decision no time, so it is queued behind the case. A notice:
    # recorded (or not, said provisional), then the page scanned saved or queued within what is left
    for failure, call, _attempts, longest, told in (r for r in rows if r[1] in window):
        assert told == ("Accepted" if call == "window Accept" else "One-time" if failure == "slow" else "The"), \
            (failure, call, told, run.stdout)
        assert float(longest) < (1.0 if call == "window Accept" else 1.6) + 1.0, (failure, call, longest)
    # a page at 100 KB/s takes 3 s, past the whole answer's limit (1.6 s): it keeps coming, so it arrives
    fetched = next(r for r in rows if r[:2] == ("slow-download", page))
    assert fetched[2] == "0.0" and fetched[4] == "answered" and float(fetched[3]) > 1.6, fetched
    slow = {c: (float(a), float(longest), told) for f, c, a, longest, told in rows if f == "slow-line"}
    # a working backend behind a 600 KB/s line: the case's 0.3 MB arrives on the first attempt, at the line's pace
    assert slow[case][0] == 0 and slow[case][2] == "answered" and 0.45 <= slow[case][1] < 5, slow
    assert slow["GET /services (read)"][2] == "answered" and slow["POST payment (write)"][2] == "RejectedError:"
    crawled = next(r for r in rows if r[:2] == ("crawl", case))
    # given up by the upload's deadline (1.6 s and 0.3 MB at 2000 KiB/s) or a piece's write (0.3 s): not for ever
    assert crawled[4] == "OfflineError:" and float(crawled[3]) < 1.6 + 0.15 + 0.8, crawled
    for failure, _call, attempts, longest, told in (r for r in rows if r[0] in failures and r[1] not in window):
        attempts, longest = float(attempts), float(longest)
        row = (failure, _call, attempts, longest, told)
        assert told == ("ServerError:" if failure == "down" else "OfflineError:"), row
        assert longest < 2.6, row  # one whole-answer limit (1.6 s), or the retry window (0.8 s) and a connect
        if failure in ("hung", "trickle", "trickle-head"):
            assert attempts == 1, row  # taken and not answered in time: not asked again
        if failure == "refused":
            assert attempts > 1, row  # refused at once: tried again within the window (a first retry within 0.45 s)
    assert lines[-1].startswith("longest wait for the terminal's word: ")
    assert "Traceback" not in run.stderr
