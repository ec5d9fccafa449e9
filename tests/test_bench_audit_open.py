"""``kiosk bench audit-open`` in short: a trail opened keeps its tail, not every entry."""

import argparse

from entry.bench import audit_open
from kiosk.audit import KEEP_SENT


def test_the_bench_opens_a_written_trail_and_keeps_only_its_tail(capsys):
    assert audit_open.run(argparse.Namespace(entries=KEEP_SENT * 3)) == 0
    said = capsys.readouterr().out
    assert f"({KEEP_SENT} entries kept in memory); checked in" in said and "(intact); its head and count as written" in said, said
