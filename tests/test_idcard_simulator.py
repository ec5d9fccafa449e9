"""The simulator is a protocol peer: raw bytes in over a real pty, the bytes real readers send back out."""

import pytest
import serial

from devices.idcard import frames as f
from devices.idcard.pty_sim import SamReaderSimulator
from devices.idcard.samples import sample_text_block


@pytest.fixture
def line():
    sim = SamReaderSimulator(pace=False, read_delay_s=0.0)
    sim.start()
    port = serial.Serial(sim.port, 115200, timeout=1.0)
    yield sim, port
    port.close()
    sim.stop()


def exchange(port, request: bytes, expect: int) -> bytes:
    port.reset_input_buffer()
    port.write(request)
    return port.read(expect)


def test_the_simulator_answers_byte_for_byte_like_a_reader(line):
    sim, port = line
    assert exchange(port, f.build_command(f.FIND_CARD), 11) == bytes.fromhex("AAAAAA9669000400008084")
    sim.place_card("resident")
    assert exchange(port, f.build_command(f.FIND_CARD), 15) == bytes.fromhex("AAAAAA96690008 00009F 00000000 97")
    assert exchange(port, f.build_command(f.SELECT_CARD), 19) == bytes.fromhex(
        "AAAAAA9669000C 000090 0000000000000000 9C")
    reply = exchange(port, f.build_command(f.READ_TEXT_PHOTO), 1295)
    assert len(reply) == 1295 and reply[:14] == bytes.fromhex("AAAAAA9669050800009001000400")
    assert reply[14:270] == sample_text_block("resident")
    assert exchange(port, f.build_command(f.FIND_CARD), 11)[9] == 0x80  # selected: silent to "find"
    assert exchange(port, f.build_command(f.READ_APPENDED_ADDRESS), 11)[9] == 0x91  # no appended address


def test_the_simulator_rejects_bad_requests_as_readers_do(line):
    _, port = line
    bad = bytearray(f.build_command(f.FIND_CARD))
    bad[-1] ^= 1
    assert exchange(port, bytes(bad), 11)[9] == 0x10  # checksum error
    assert exchange(port, f.build_command(f.Command(0x7E, 0x01, "?")), 11)[9] == 0x21  # unknown command
    assert exchange(port, f.build_command(f.SELECT_CARD), 11)[9] == 0x81  # nothing found, nothing to select


def test_the_simulator_hears_only_its_own_baud_rate(line):
    sim, port = line
    port.baudrate = 9600
    assert exchange(port, f.build_command(f.SAM_STATUS), 11) == b""
    port.baudrate = 115200
    assert exchange(port, f.build_command(f.SAM_STATUS), 11) == bytes.fromhex("AAAAAA9669000400009094")


def test_unplugging_removes_the_port_and_plugging_in_restores_it(line):
    sim, port = line
    sim.inject("unplugged")
    with pytest.raises(serial.SerialException):
        port.write(f.build_command(f.SAM_STATUS))
        port.read(11)
    with pytest.raises(serial.SerialException):
        serial.Serial(sim.port, 115200)
    sim.inject("clear")
    with serial.Serial(sim.port, 115200, timeout=1.0) as again:
        assert exchange(again, f.build_command(f.SAM_STATUS), 11)[9] == 0x90


def test_unknown_faults_and_samples_are_refused():
    sim = SamReaderSimulator()
    with pytest.raises(ValueError, match="knows"):
        sim.inject("on_fire")
    with pytest.raises(ValueError, match="unknown sample"):
        sim.place_card("passport")
