"""The SDK driver against a C stand-in for the vendor's libsdtapi.so, compiled here by the machine's gcc.

The stand-in (tests/sdk_standin/sdtapi_standin.c) exports the SDT functions by their published
names and signatures and answers with real text blocks; the test steers it through its
``standin_*`` functions, in the same library the driver loaded. Nothing of the driver is mocked.
Each test gets its own copy of the library (a new file is a new dlopen handle, with its own state).
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from devices.health import DeviceState
from devices.idcard import errors as e
from devices.idcard.base import CardRead
from devices.idcard.samples import sample_appended_address, sample_identity, sample_photo, sample_text_block
from devices.idcard.sdk import MISSING_FUNCTION, NO_LIBRARY, SdkIdReader, SdkIdReaderOptions
from devices.idcard.serial_link import NOT_CONNECTED
from devices.registry import build_device
from kiosk.config import ConfigError, load_config
from tests.idcard_rig import Rig, wait_for

SOURCE = Path(__file__).parent / "sdk_standin" / "sdtapi_standin.c"


def compile_standin(out: Path, *defines: str) -> Path:
    gcc = shutil.which("gcc")
    assert gcc, "gcc is needed to build the SDK stand-in (scripts/system-deps.sh installs it)"
    subprocess.run([gcc, "-shared", "-fPIC", "-O1", "-Wall", "-Werror", *defines, "-o", str(out), str(SOURCE),
                    "-lpthread"], check=True, capture_output=True, text=True)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return compile_standin(tmp_path_factory.mktemp("sdk") / "libsdtapi.so")


class StandIn:
    """The stand-in's steering functions, in the library the driver loaded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lib = ctypes.CDLL(str(path))
        self.lib.standin_calls.argtypes = [ctypes.c_char_p]

    def place_card(self, sample: str = "resident") -> None:
        block, photo = bytes(sample_text_block(sample)), bytes(sample_photo(sample))
        address = sample_appended_address(sample)
        address = address.ljust(35).encode("utf-16-le") if address else b""  # 35 characters, blank-padded
        self.lib.standin_place(block, len(block), photo, len(photo), address, len(address))

    def remove_card(self) -> None:
        self.lib.standin_remove()

    def calls(self, name: str) -> int:
        return self.lib.standin_calls(name.encode())


@pytest.fixture
def sdk(built, tmp_path):
    made: list[Rig] = []

    def make(quiet_after_read: bool = True, **options) -> Rig:
        path = tmp_path / f"libsdtapi-{len(made)}.so"
        shutil.copy(built, path)
        standin = StandIn(path)
        standin.lib.standin_quiet_after_read(int(quiet_after_read))
        settings = dict(library=str(path), port=1001, poll_interval_s=0.02, reconnect_interval_s=0.05)
        settings.update(options)
        rig = Rig(standin, SdkIdReader("id_reader", SdkIdReaderOptions(**settings)))
        rig.reader.events.subscribe(rig.events.append)
        made.append(rig)
        rig.reader.start()
        return rig

    yield make
    for rig in made:
        rig.reader.stop()


# -- cards -----------------------------------------------------------------------------------


@pytest.mark.parametrize("sample, quiet", [("resident", True), ("resident", False), ("hmt_residence", True),
                                           ("foreigner_2023", False)])
def test_a_card_is_read_once_per_placement_and_its_removal_reported(sdk, sample, quiet):
    r = sdk(quiet_after_read=quiet)
    r.state(DeviceState.READY)
    event = r.place(sample)
    assert isinstance(event, CardRead)
    identity, expected = event.identity, sample_identity(sample)
    assert (identity.card_type, identity.name, identity.id_number, identity.pass_number) == (
        expected.card_type, expected.name, expected.id_number, expected.pass_number)
    assert len(identity.raw) == 256 + 1024 and identity.photo[:2] == b"BM"
    reads = r.sim.calls("read")
    r.after_polls(6)  # with the card still there
    assert r.kinds() == ["CardRead"]
    if quiet:  # a reader that goes quiet after a read is not read again; one that keeps saying "found" is
        assert r.sim.calls("read") == reads
    r.sim.remove_card()
    wait_for(lambda: len(r.events) == 2)
    r.after_polls(3)
    assert r.kinds() == ["CardRead", "CardRemoved"]
    assert isinstance(r.place(sample, count=3), CardRead)  # placed again: a new placement


def test_the_appended_address_is_read_and_the_buffers_are_wiped(sdk):
    r = sdk()
    identity = r.place("resident_long_term").identity
    assert identity.appended_address == sample_appended_address("resident_long_term") != ""
    assert r.sim.calls("app") == 1
    assert r.sim.lib.standin_read_buffers_zeroed() == 1  # the library's text and photo buffers hold zeros again
    assert any(identity.raw)  # while the identity kept its own copy


def test_a_failed_read_is_reported_once_per_placement(sdk):
    r = sdk()
    r.sim.lib.standin_fail_read(0x41)
    r.refused_once("resident", e.CardReadError.default)
    r.sim.remove_card()
    r.after_polls(3)
    assert r.kinds() == ["ReadFailed"]  # no removal of a card never read
    r.sim.lib.standin_fail_read(0)
    assert isinstance(r.place("resident", count=2), CardRead)


def test_a_card_that_fails_its_checks_is_refused_once(sdk):
    sdk(quiet_after_read=False).refused_once("wrong_check_digit", e.InvalidIdNumberError.default)


# -- the library and the reader failing --------------------------------------------------------


def reason_of(library: Path, expected: str, state: DeviceState) -> SdkIdReader:
    """Start a reader on ``library``; its health gives the plain reason ``expected``, in Chinese too."""
    reader = SdkIdReader("id_reader", SdkIdReaderOptions(library=str(library)))
    reader.start()
    wait_for(lambda: reader.health.snapshot().reason is not None)
    health = reader.health.snapshot()
    assert health.state is state and health.reason.msgid == expected
    assert health.reason.render("zh_CN") != expected
    return reader


def test_a_missing_library_is_a_plain_reason_not_a_crash(tmp_path):
    reader = reason_of(tmp_path / "libsdtapi.so", NO_LIBRARY, DeviceState.OFFLINE)
    try:
        result = reader.self_test()
        assert not result.ok and result.message.msgid == NO_LIBRARY
    finally:
        reader.stop()


def test_a_library_missing_a_function_is_a_plain_reason(tmp_path):
    path = compile_standin(tmp_path / "libsdtapi.so", "-DSTANDIN_WITHOUT_READ")
    reason_of(path, MISSING_FUNCTION, DeviceState.ERROR).stop()


def test_repeated_errors_close_and_reopen_the_port_at_a_bounded_pace(sdk):
    r = sdk(max_errors=3, reconnect_interval_s=0.1)
    r.state(DeviceState.READY)
    assert r.sim.calls("open") == 1
    started = time.monotonic()
    r.sim.lib.standin_fail(0x02)  # no answer in time, from every call
    wait_for(lambda: r.sim.calls("open") >= 3)
    elapsed = time.monotonic() - started
    assert r.sim.calls("close") >= 2
    assert r.sim.calls("open") - 1 <= elapsed / 0.1 + 1  # never faster than reconnect_interval_s
    assert r.reader.health.snapshot().counters["sdk_errors"] >= 3
    r.sim.lib.standin_fail(0)
    r.state(DeviceState.READY)
    assert isinstance(r.place("resident"), CardRead)


def test_a_lost_port_reports_the_card_gone_and_comes_back(sdk):
    r = sdk()
    r.place("resident")
    r.sim.lib.standin_fail(0x01)  # port not open: the reader was unplugged
    wait_for(lambda: len(r.events) == 2)
    assert r.kinds() == ["CardRead", "CardRemoved"]
    r.state(DeviceState.OFFLINE)
    assert r.reader.health.snapshot().reason.msgid == NOT_CONNECTED
    r.sim.lib.standin_fail(0)
    r.state(DeviceState.READY)


def test_the_self_test_asks_the_security_module(sdk):
    r = sdk()
    r.state(DeviceState.READY)
    result = r.reader.self_test()
    assert result.ok and result.details["sam_id"].startswith("05.01-") and result.details["port"] == "1001"
    r.sim.lib.standin_sam_status(0x60)
    result = r.reader.self_test()
    assert not result.ok and result.message.msgid == e.SamSelfTestError.default


# -- configuration -----------------------------------------------------------------------------


def test_a_site_file_configures_the_sdk_reader(tmp_path):
    site = tmp_path / "kiosk.toml"
    site.write_text('[devices.id_reader]\ntype = "sdk"\nlibrary = "/opt/vendor/lib/libsdtapi.so"\nport = 1002\n',
                    encoding="utf-8")
    options = load_config(site, environ={}).devices.id_reader.options
    assert (options.library, options.port) == ("/opt/vendor/lib/libsdtapi.so", 1002)
    assert isinstance(build_device("id_reader", "sdk", options, tmp_path), SdkIdReader)


@pytest.mark.parametrize("values, key", [
    ({}, "library"), ({"library": ""}, "library"), ({"library": "/x.so", "port": 17}, "port"),
    ({"library": "/x.so", "max_errors": 0}, "max_errors"), ({"library": "/x.so", "poll_interval_s": 0}, "poll_interval_s"),
])
def test_wrong_sdk_options_name_the_key(values, key):
    with pytest.raises(ConfigError, match=key):
        load_config(overrides={"devices": {"id_reader": {"type": "sdk", **values}}}, environ={})
