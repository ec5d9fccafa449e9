"""``kiosk bench desk`` runs end to end on short timeouts (its figures with the hall's are in the notes): with the
pool held, the submission on the session's own worker is as quick as with nothing held, and on the pool it waits
for workers behind the look-ups."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_bench_times_the_submission_on_the_desk_and_behind_the_pool():
    run = subprocess.run([sys.executable, "-m", "entry", "bench", "desk", "--trials", "1", "--read-timeout", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-2000:]
    rows = {m[1]: (float(m[2]), float(m[3]))
            for m in re.finditer(r"^(idle|desk|pool|look-up) +([\d.]+) +([\d.]+)$", run.stdout, re.M)}
    assert set(rows) == {"idle", "desk", "pool", "look-up"}, run.stdout
    look_up = rows["look-up"][0]
    assert 1.5 <= look_up <= 2.5, run.stdout  # each waited out the whole-answer deadline (2 x 1 s)
    # behind 10 look-ups on 4 workers, the submission on the pool starts when the second round ends
    assert rows["pool"][0] >= 2 * look_up - 0.2, run.stdout
    # on its own worker it does not wait for them: under one look-up's wait (the idle submission: 0.1 s here)
    assert rows["desk"][1] < look_up, run.stdout
