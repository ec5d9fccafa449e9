"""Which driver each ``[devices.<kind>] type`` names, its typed options, and how to build it."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from common.options import ConfigError, coerce
from devices.base import Device
from devices.docprinter.cups import CupsDocumentPrinter, CupsDocumentPrinterOptions
from devices.docprinter.sim import SimDocumentPrinter, SimDocumentPrinterOptions
from devices.doccam.camera import CameraDocumentCamera, CameraDocumentCameraOptions
from devices.doccam.sim import SimDocumentCamera, SimDocumentCameraOptions
from devices.idcard.serial_sam import SerialSamIdReader, SerialSamIdReaderOptions
from devices.idcard.sim import SimIdReader, SimIdReaderOptions
from devices.qr.camera import CameraQrScanner, CameraQrScannerOptions, SimCameraQrScannerOptions
from devices.qr.serial_scanner import SerialQrScanner, SerialQrScannerOptions
from devices.qr.sim import SimQrScanner, SimQrScannerOptions
from devices.receipt.base import EscposReceiptPrinter
from devices.receipt.escpos import PROFILES
from devices.receipt.sim import SimReceiptPrinter, SimReceiptPrinterOptions
from devices.receipt.transports import DeviceFileTransport, SerialTransport, TcpTransport


@dataclass(frozen=True)
class EscposTcpOptions:
    host: str = "192.0.2.10"
    port: int = 9100
    timeout_s: float = 5.0
    profile: str = "80mm"


@dataclass(frozen=True)
class EscposSerialOptions:
    port: str = "/dev/ttyUSB0"
    baudrate: int = 9600
    timeout_s: float = 5.0
    profile: str = "80mm"


@dataclass(frozen=True)
class EscposUsbOptions:
    path: str = "/dev/usb/lp0"
    timeout_s: float = 5.0
    profile: str = "80mm"


def _data_path(data_dir: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else data_dir / path


Factory = Callable[[str, Any, Path], Device]

DRIVERS: dict[str, dict[str, tuple[type, Factory]]] = {
    "id_reader": {
        "sim": (SimIdReaderOptions, lambda name, o, d: SimIdReader(name, o)),
        "serial_sam": (SerialSamIdReaderOptions, lambda name, o, d: SerialSamIdReader(name, o)),
    },
    "qr_scanner": {
        "sim": (SimQrScannerOptions, lambda name, o, d: SimQrScanner(name)),
        "camera": (CameraQrScannerOptions, lambda name, o, d: CameraQrScanner.from_options(name, o)),
        "sim_camera": (SimCameraQrScannerOptions, lambda name, o, d: CameraQrScanner.simulated(name, o, d)),
        "serial": (SerialQrScannerOptions, lambda name, o, d: SerialQrScanner(name, o)),
    },
    "document_camera": {
        "sim": (SimDocumentCameraOptions,
                lambda name, o, d: SimDocumentCamera(
                    name, _data_path(d, o.folder) if o.folder else None,
                    CameraDocumentCameraOptions(mode=o.mode, auto_capture=o.auto_capture))),
        "camera": (CameraDocumentCameraOptions, lambda name, o, d: CameraDocumentCamera(name, o)),
    },
    "receipt_printer": {
        "sim": (SimReceiptPrinterOptions,
                lambda name, o, d: SimReceiptPrinter(name, _data_path(d, o.output_dir), o.profile)),
        "escpos_tcp": (EscposTcpOptions, lambda name, o, d: EscposReceiptPrinter(
            name, TcpTransport(o.host, o.port, o.timeout_s), PROFILES[o.profile])),
        "escpos_serial": (EscposSerialOptions, lambda name, o, d: EscposReceiptPrinter(
            name, SerialTransport(o.port, o.baudrate, o.timeout_s), PROFILES[o.profile])),
        "escpos_usb": (EscposUsbOptions, lambda name, o, d: EscposReceiptPrinter(
            name, DeviceFileTransport(o.path, o.timeout_s), PROFILES[o.profile], status_query=False)),
    },
    "document_printer": {
        "sim": (SimDocumentPrinterOptions,
                lambda name, o, d: SimDocumentPrinter(name, _data_path(d, o.output_dir))),
        "cups": (CupsDocumentPrinterOptions, lambda name, o, d: CupsDocumentPrinter(name, o)),
    },
}

_CHOICES = {"profile": tuple(PROFILES)}


def validate_options(kind: str, dtype: str, values: Mapping[str, Any], where: str, *, from_text: bool = False) -> Any:
    """Check a device section against its driver's options; errors name the key."""
    drivers = DRIVERS[kind]
    if dtype not in drivers:
        raise ConfigError(f"{where} type: unknown driver {dtype!r} (known: {', '.join(drivers)})")
    cls = drivers[dtype][0]
    if isinstance(values, cls):
        return values
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls)}
    checked = {}
    for key, value in values.items():
        if key not in fields:
            known = ", ".join(sorted(fields)) or "none"
            raise ConfigError(f"{where} {key}: unknown key for type {dtype!r} (known keys: {known})")
        value = coerce(value, hints[key], f"{where} {key}", from_text=from_text)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise ConfigError(f"{where} {key}: {value!r} must not be negative")
        if key in _CHOICES and value not in _CHOICES[key]:
            raise ConfigError(f"{where} {key}: {value!r} is not one of {', '.join(_CHOICES[key])}")
        checked[key] = value
    try:
        return cls(**checked)
    except ValueError as exc:  # an options class's own check (e.g. a list of baud rates)
        raise ConfigError(f"{where} {exc}") from None


def build_device(kind: str, dtype: str, options: Any, data_dir: Path) -> Device:
    opts_cls, factory = DRIVERS[kind][dtype]
    if not isinstance(options, opts_cls):
        options = opts_cls(**dict(options))
    return factory(kind, options, data_dir)
