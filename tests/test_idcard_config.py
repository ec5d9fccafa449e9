"""Configuring the ID-card reader: the serial_sam driver's typed options, and what "sim" builds."""

import pytest

from devices.idcard.serial_sam import SerialSamIdReader, parse_baudrates
from devices.idcard.sim import SimIdReader
from devices.registry import build_device
from kiosk.config import ConfigError, load_config


@pytest.mark.parametrize("value, rates", [
    ("115200,9600", (115200, 9600)), (" 9600 ", (9600,)), ([115200, 9600], (115200, 9600)), ((57600,), (57600,)),
])
def test_baud_rates_are_a_list_or_a_comma_string(value, rates):
    assert parse_baudrates(value) == rates


def test_a_site_file_configures_the_serial_reader(tmp_path):
    site = tmp_path / "kiosk.toml"
    site.write_text('[devices.id_reader]\ntype = "serial_sam"\nport = "/dev/ttyUSB1"\nbaudrates = [9600]\n'
                    'read_timeout_s = 2.5\nphoto_decoder = "/opt/vendor/libwlt.so"\n', encoding="utf-8")
    options = load_config(site, environ={}).devices.id_reader.options
    assert (options.port, options.baudrates, options.read_timeout_s) == ("/dev/ttyUSB1", (9600,), 2.5)
    assert options.photo_decoder == "/opt/vendor/libwlt.so"
    assert isinstance(build_device("id_reader", "serial_sam", options, tmp_path), SerialSamIdReader)


def test_the_environment_can_set_baud_rates_as_text():
    config = load_config(environ={"KIOSK_DEVICES__ID_READER__TYPE": "serial_sam",
                                  "KIOSK_DEVICES__ID_READER__BAUDRATES": "9600,115200"})
    assert config.devices.id_reader.options.baudrates == (9600, 115200)


@pytest.mark.parametrize("values, key", [
    ({"baudrates": "fast"}, "baudrates"), ({"baudrates": []}, "baudrates"), ({"read_timeout_s": 0}, "read_timeout_s"),
    ({"max_timeouts": 0}, "max_timeouts"), ({"speed": 9600}, "speed"), ({"port": 5}, "port"),
    ({"lift_polls": 0}, "lift_polls"),
])
def test_wrong_options_name_the_key(values, key):
    with pytest.raises(ConfigError, match=key):
        load_config(overrides={"devices": {"id_reader": {"type": "serial_sam", **values}}}, environ={})


def test_the_simulated_reader_answers_find_after_a_read_either_way_and_nothing_else(tmp_path):
    options = load_config(overrides={"devices": {"id_reader": {"type": "sim", "find_after_read": "9F"}}},
                          environ={}).devices.id_reader.options
    assert build_device("id_reader", "sim", options, tmp_path).simulator.find_after_read == "9F"
    with pytest.raises(ConfigError, match="find_after_read"):
        load_config(overrides={"devices": {"id_reader": {"type": "sim", "find_after_read": "81"}}}, environ={})


def test_the_sim_type_is_the_real_driver_on_the_protocol_simulator(tmp_path):
    reader = build_device("id_reader", "sim", load_config(environ={}).devices.id_reader.options, tmp_path)
    assert isinstance(reader, SimIdReader) and isinstance(reader, SerialSamIdReader)
    assert reader.options.port == reader.simulator.port
