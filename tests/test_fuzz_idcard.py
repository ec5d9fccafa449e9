"""The ID card reader's frame and text-block parsers under fuzzing: typed errors only, round trips hold.

The properties and strategies are shared with ``kiosk bench fuzz`` (entry/bench/fuzz_properties.py),
which runs them with a large budget; here they run with the test profile's small fixed one.
"""

import pytest

from entry.bench.fuzz_properties import TARGETS


@pytest.mark.parametrize("prop", TARGETS["frames"], ids=lambda p: p.name)
def test_sam_frames_hold_under_fuzzing(prop):
    prop.test()()


@pytest.mark.parametrize("prop", TARGETS["textblock"], ids=lambda p: p.name)
def test_text_blocks_hold_under_fuzzing(prop):
    prop.test()()
