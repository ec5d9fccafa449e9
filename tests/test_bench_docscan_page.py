"""`kiosk bench docscan-page` runs end to end: pages captured on the simulated document camera with a
preview watching, each decoded into the screen's thumbnail (the figures go in the note, not here)."""

import re
import subprocess
import sys


def test_bench_docscan_page_captures_and_shows_every_page():
    result = subprocess.run([sys.executable, "-m", "entry", "bench", "docscan-page", "--captures", "3",
                             "--pause-s", "0.3"], capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1), result.stderr  # 1 = over the target on this run; not a crash
    assert re.search(r"live views before a capture: [1-3] of 3; pages found and flattened: 3;", result.stdout), \
        result.stdout
    rows = re.findall(r"^   (capture\(\)|JPEG -> thumbnail|total).*?(\d+\.\d) ms\s+(\d+\.\d) ms", result.stdout, re.M)
    assert [r[0] for r in rows] == ["capture()", "JPEG -> thumbnail", "total"], result.stdout
    assert re.search(r"p95 \d+ ms < 1000 ms .* (PASS|FAIL)$", result.stdout, re.M)
