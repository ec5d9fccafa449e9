"""kiosk doctor names a serial port given by its number (/dev/ttyUSB0), which may swap with another adapter's after a
restart, and the /dev/serial/by-id name that stays (entry/doctor.py)."""

import os

from entry.doctor import Findings, check_serial_ports
from kiosk.config import load_config


def config(tmp_path, **devices):
    return load_config(environ={}, overrides={"devices": devices, "paths": {"data_dir": str(tmp_path)}})


def test_a_numbered_port_is_named_with_the_name_that_stays(tmp_path):
    by_id = tmp_path / "by-id"  # as udev lays it out: links to the numbered device nodes
    by_id.mkdir()
    os.symlink("/dev/ttyUSB1", by_id / "usb-FTDI_FT232R_USB_UART_A10K4XYZ-if00-port0")
    os.symlink("/dev/ttyACM0", by_id / "usb-Honeywell_Imaging_1900_19001C1234-if00")
    findings = Findings()
    check_serial_ports(config(tmp_path, id_reader={"type": "serial_sam", "port": "/dev/ttyUSB1"},
                              qr_scanner={"type": "serial", "port": "/dev/ttyUSB2"},
                              receipt_printer={"type": "escpos_serial",
                                               "port": str(by_id / "usb-Honeywell_Imaging_1900_19001C1234-if00")}),
                       findings, by_id=by_id)
    assert findings.lines == [
        f'WARN  id_reader port: /dev/ttyUSB1 may name another device after a restart (USB serial adapters are numbered '
        f'in the order they are found): set port = "{by_id}/usb-FTDI_FT232R_USB_UART_A10K4XYZ-if00-port0", its name '
        'that stays',
        "WARN  qr_scanner port: /dev/ttyUSB2 may name another device after a restart (USB serial adapters are numbered "
        "in the order they are found): set its name under /dev/serial/by-id, which stays (none links to it now)"]
    assert findings.warned == 2  # the receipt printer's name stays: nothing said


def test_simulated_devices_and_ports_by_name_are_not_questioned(tmp_path):
    findings = Findings()
    check_serial_ports(config(tmp_path, id_reader={"type": "serial_sam",
                                                   "port": "/dev/serial/by-id/usb-FTDI_FT232R-if00-port0"}),
                       findings, by_id=tmp_path / "absent")
    assert findings.lines == []  # and the simulated devices of the default configuration are not named either


def test_two_devices_on_one_port_fail(tmp_path):
    """The serial ID reader's default port and the serial receipt printer's are both /dev/ttyUSB0."""
    findings = Findings()
    check_serial_ports(config(tmp_path, id_reader={"type": "serial_sam"}, receipt_printer={"type": "escpos_serial"}),
                       findings, by_id=tmp_path / "absent")
    assert findings.lines[-1] == ("FAIL  serial ports: id_reader and receipt_printer are both set to /dev/ttyUSB0: "
                                  "one device answers there; set each its own port")
    assert findings.failed == 1 and findings.warned == 2


def test_an_on_board_port_without_a_uart_behind_it_fails_and_the_ports_there_are_named(tmp_path):
    """The kernel makes /dev/ttyS0 to ttyS3 on any PC; a board with one COM port has a UART at ttyS0 only (its
    ``type`` in sysfs: 4, a 16550A; the others 0). The ID reader set to ttyS1 would never be heard."""
    sys_tty = tmp_path / "sys-class-tty"  # as the kernel lays it out
    for name, uart in (("ttyS0", "4"), ("ttyS1", "0"), ("ttyS2", "0"), ("ttyS3", "0"), ("ttyS10", "4"),
                       ("ttyUSB0", None)):
        (sys_tty / name).mkdir(parents=True)
        if uart is not None:
            (sys_tty / name / "type").write_text(uart + "\n")
    findings = Findings()
    check_serial_ports(config(tmp_path, id_reader={"type": "serial_sam", "port": "/dev/ttyS1"},
                              qr_scanner={"type": "serial", "port": "/dev/ttyS0"},
                              receipt_printer={"type": "escpos_serial", "port": "/dev/ttyS7"}),
                       findings, by_id=tmp_path / "absent", sys_tty=sys_tty)
    assert findings.lines == [
        "FAIL  id_reader port: /dev/ttyS1 has no serial port behind it (the kernel found no UART there): set the port "
        "the device is plugged into; this machine's are /dev/ttyS0, /dev/ttyS10",
        "FAIL  receipt_printer port: /dev/ttyS7 has no serial port behind it (the kernel found no UART there): set "
        "the port the device is plugged into; this machine's are /dev/ttyS0, /dev/ttyS10"]
    assert findings.failed == 2 and findings.warned == 0  # ttyS0 has its UART, and its number stays: nothing said
