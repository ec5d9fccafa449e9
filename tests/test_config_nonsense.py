"""Configuration refuses nonsense from every source: NaN and infinities, NUL in strings, values too
large or nested too deep, negative device timings. Each is a ConfigError naming the key and where
it came from, never a value that switches a guard off later (``int(nan)``, ``x < nan`` is False).
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from common.options import ConfigError
from kiosk.config import Config, apply_remote, load_config


def nested(depth: int) -> dict:
    root: dict = {}
    node = root
    for _ in range(depth):
        node["a"] = {}
        node = node["a"]
    return root


@pytest.mark.parametrize("body, expected", [
    ("[terminal]\nidle_timeout_s = nan\n", "[terminal] idle_timeout_s: nan is not a number"),
    ("[terminal]\nidle_timeout_s = inf\n", "[terminal] idle_timeout_s: inf is not a number"),
    ("[backend]\nread_timeout_s = -inf\n", "[backend] read_timeout_s: -inf is not a number"),
    ("[queue]\nmin_free_mb = nan\n", "[queue] min_free_mb: nan is not a number"),
    ('[paths]\ndata_dir = "/var/lib/a\\u0000b"\n', "[paths] data_dir: contains a NUL character"),
    ("[queue]\nmax_items = 99999999999999999999\n", None),  # TOML itself refuses ints past 64 bits
    ("[queue]\nmax_items = 9999999999999\n", "[queue] max_items: 9999999999999 is too large"),
    ("[devices.receipt_printer]\ntype = 'escpos_tcp'\nhost = 'h'\ntimeout_s = nan\n", "timeout_s: nan is not a number"),
    ("[devices.receipt_printer]\ntype = 'escpos_tcp'\nhost = 'h'\ntimeout_s = -1.0\n", "timeout_s: -1.0 must not be negative"),
    ("a = " + "[" * 3000 + "1" + "]" * 3000 + "\n", "nested too deeply"),
])
def test_a_site_file_with_nonsense_is_refused_naming_the_key_and_file(tmp_path: Path, body, expected):
    path = tmp_path / "site.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert str(path) in str(caught.value)
    if expected:
        assert expected in str(caught.value)


@pytest.mark.parametrize("name, value", [
    ("KIOSK_TERMINAL__IDLE_TIMEOUT_S", "nan"), ("KIOSK_TERMINAL__IDLE_TIMEOUT_S", "NaN"),
    ("KIOSK_BACKEND__READ_TIMEOUT_S", "inf"), ("KIOSK_BACKEND__RETRIES", "1" * 5000),
    ("KIOSK_QUEUE__MAX_MB", "1e400"), ("KIOSK_PATHS__DATA_DIR", "/tmp/a\x00b"),
])
def test_the_environment_cannot_slip_nonsense_in(name, value):
    with pytest.raises(ConfigError, match="environment"):
        load_config(environ={name: value})


@pytest.mark.parametrize("remote, expected", [
    ({"terminal": {"idle_timeout_s": math.nan}}, "nan is not a number"),
    ({"backend": {"read_timeout_s": math.inf}}, "inf is not a number"),
    ({"backend": {"retries": 10**30}}, "too large"),
    ({"queue": {"max_delay_s": 1e309}}, "inf is not a number"),
    ({"terminal": {"language": "en\x00"}}, "NUL"),
    ({"terminal": {"idle_timeout_s": nested(100_000)}}, "expected a number"),
    (nested(100_000), "unknown section"),
])
def test_a_remote_value_that_is_nonsense_is_refused_and_never_applied(remote, expected):
    config = Config()
    with pytest.raises(ConfigError, match="remote configuration") as caught:
        apply_remote(config, remote, environ={})
    assert expected in str(caught.value)
    assert len(str(caught.value)) < 300  # the message stays one readable line, whatever was sent


def test_config_check_says_no_to_nan(tmp_path: Path):
    path = tmp_path / "site.toml"
    path.write_text("[terminal]\nidle_timeout_s = nan\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "entry", "config", "check", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"kiosk: configuration error: {path}: [terminal] idle_timeout_s: nan is not a "
                                     "number that can be used (NaN and infinity are refused)")


def test_a_small_hostile_site_file_is_refused_before_the_parser_chews_on_it(tmp_path: Path):
    """A 40 KB dotted key cost tomllib 10 s and 2.4 GB; a file past 256 KB is no site file either."""
    dotted = tmp_path / "dotted.toml"
    dotted.write_text("[terminal]\n" + ".".join(["a"] * 20_000) + " = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"dotted.toml: line 2: a key of more than 8 dotted parts"):
        load_config(dotted, environ={})
    large = tmp_path / "large.toml"
    large.write_text("# padding\n" * 30_000, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"large.toml: larger than 256 KB"):
        load_config(large, environ={})


def test_an_environment_variable_without_a_section_or_key_is_named():
    with pytest.raises(ConfigError, match=r"environment: KIOSK___: not of the form KIOSK_<SECTION>__<KEY>"):
        load_config(environ={"KIOSK___": "nan"})
