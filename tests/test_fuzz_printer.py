"""The A4 printer's answers from CUPS (IPP, lpstat's device URIs) and xset's, under fuzzing: read or refused with
the parser's own error, never another exception. Shared with ``kiosk bench fuzz`` (entry/bench/fuzz_properties.py),
which runs them with a large budget; here with the test profile's small fixed one."""

import pytest

from entry.bench.fuzz_properties import TARGETS


@pytest.mark.parametrize("prop", TARGETS["printer"], ids=lambda p: p.name)
def test_the_printers_answers_hold_under_fuzzing(prop):
    prop.test()()
