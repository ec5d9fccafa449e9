"""Scanned payloads, QR bytes and located symbols under fuzzing: every text is classified, every byte
string decodes, and the erasure pass reads a symbol's own text or nothing.

The properties and strategies are shared with ``kiosk bench fuzz`` (entry/bench/fuzz_properties.py),
which runs them with a large budget; here they run with the test profile's small fixed one.
"""

import pytest

from entry.bench.fuzz_properties import TARGETS


@pytest.mark.parametrize("prop", TARGETS["payloads"], ids=lambda p: p.name)
def test_payloads_hold_under_fuzzing(prop):
    prop.test()()


@pytest.mark.parametrize("prop", TARGETS["qrtext"], ids=lambda p: p.name)
def test_qr_text_holds_under_fuzzing(prop):
    prop.test()()


@pytest.mark.parametrize("prop", TARGETS["qrsymbol"], ids=lambda p: p.name)
def test_the_erasure_pass_holds_under_fuzzing(prop):
    prop.test()()
