"""``kiosk bench names`` runs end to end on a short resolver (the long run's figures are in the notes): every case is
printed for the terminal and for requests alone, and the terminal reaches the backend wherever an address is known."""

from __future__ import annotations

import re

from entry.cli import main


def test_the_bench_prints_every_case_and_the_terminal_reaches_what_it_knows(capsys):
    code = main(["bench", "names", "--rounds", "1", "--resolver-options", "timeout:1 attempts:1",
                 "--connect-timeout", "0.5", "--read-timeout", "1", "--retries", "0"])
    out = capsys.readouterr().out
    assert code == 0, out
    rows = {(m["dns"].strip(), m["caller"]): (m["answered"], float(m["median"]))
            for m in re.finditer(r"^(?P<dns>[A-Za-z ,]+?)\s{2,}(?P<caller>terminal|library)\s+(?P<answered>\d+/\d+)\s+"
                                 r"(?P<median>[\d.]+)", out, re.M)}
    assert len(rows) == 12, out
    for known in ("answering", "silent, known", "silent, after a restart", "SERVFAIL, known"):
        assert rows[(known, "terminal")][0] == "1/1", out
    for unknown in ("silent, none known", "SERVFAIL, none known"):
        assert rows[(unknown, "terminal")][0] == "0/1", out
    assert rows[("silent, after a restart", "library")][0] == "0/1"  # requests alone keeps nothing
    assert rows[("silent, known", "terminal")][1] < 1.0 <= rows[("silent, known", "library")][1]
