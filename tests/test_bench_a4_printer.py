"""``kiosk bench a4-printer``'s short version: one round of every case on the real CUPS, IPP and SNMP printers. The
figures (several rounds) are the bench's; this only checks that each case happens and is timed."""

import argparse

from entry.bench.a4_printer import run

CASES = ("ipp: a licence printed (completed)", "ipp: tray emptied -> health says so",
         "ipp: a print refused, out of paper", "ipp: paper runs out in the job -> given up",
         "snmp: tray emptied -> health says so", "snmp: a print refused, out of paper",
         "off: a print refused, printer off")


def test_one_round_of_every_case_is_timed(capsys):
    code = run(argparse.Namespace(rounds=1, check_every=1.0))
    out = capsys.readouterr().out
    assert code == 0, out
    rows = {line[:46].strip(): line[46:].split() for line in out.splitlines()[2:]}
    assert sorted(rows) == sorted(CASES), out
    assert all(0.0 <= float(median) <= float(slowest) < 60 for median, slowest in rows.values()), out


def test_a_round_count_below_one_is_refused_plainly(capsys):
    assert run(argparse.Namespace(rounds=0, check_every=1.0)) == 2
    assert "--rounds at least 1" in capsys.readouterr().out
