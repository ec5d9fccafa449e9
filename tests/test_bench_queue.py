"""`kiosk bench queue` runs end to end and reports each ratio (the figures themselves go in the note, not here)."""

import re
import subprocess
import sys


def test_bench_queue_reports_every_ratio(tmp_path):
    result = subprocess.run([sys.executable, "-m", "entry", "bench", "queue", "--cases", "20", "--attachments", "4",
                             "--trials", "2", "--dir", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1), result.stderr  # 1 = a ratio under target on this run; not a crash
    ratios = re.findall(r"^(1 KB case|1 MB attachment): throughput ratio queue/baseline = (\d+\.\d\d) \(median of "
                        r"(\d+\.\d\d), (\d+\.\d\d);", result.stdout, re.M)
    assert [r[0] for r in ratios] == ["1 KB case", "1 MB attachment"], result.stdout
    assert all(float(r[1]) > 0 for r in ratios)
    # every side stored what it was asked to: 2 trials x (20 cases + 4 attachments) + 5 warm-up cases
    stored = subprocess.run([sys.executable, "-c", (
        "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from items').fetchone()[0])"),
        str(tmp_path / "queue" / "queue.sqlite3")], capture_output=True, text=True, check=True)
    assert int(stored.stdout) == 2 * (20 + 4) + 5
    assert len(list((tmp_path / "queue" / "attachments").iterdir())) == 2 * 4


def test_bench_queue_pages_enqueues_whole_cases_and_prints_its_figure(tmp_path):
    import re
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-m", "entry", "bench", "queue-pages", "--cases", "3", "--pages", "2",
                             "--page-kb", "64", "--dir", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert "3 cases in the queue" in result.stdout
    assert re.search(r"^case_with_pages_ms\s+\d+\s+\(target p95 < 1000\)\s+(PASS|FAIL)$", result.stdout, re.M)
