"""The configuration loader under fuzzing: a sound Config or a ConfigError that names the key.

TOML files (NaN, infinities, -0, huge integers, NUL, deep nesting), environment variables and
remote keys. The properties and strategies are shared with ``kiosk bench fuzz``
(entry/bench/fuzz_properties.py), which runs them with a large budget.
"""

import pytest

from entry.bench.fuzz_properties import TARGETS

@pytest.mark.parametrize("prop", TARGETS["config"], ids=lambda p: p.name)
def test_configuration_holds_under_fuzzing(prop):
    prop.test()()
