"""Which driver each ``[devices.<kind>] type`` names, its typed options, and how to build it.

A driver's module is imported only when a configuration names it: the camera drivers bring
OpenCV and numpy (about 0.25 s of imports), which a terminal with serial scanners never needs,
and validating a configuration must not pay for drivers it does not use.
"""

from __future__ import annotations

import dataclasses
import importlib
import typing
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Mapping

from common.options import ConfigError, coerce
from devices.base import Device


@dataclass(frozen=True)
class EscposTcpOptions:
    host: str = "192.0.2.10"
    port: int = 9100
    timeout_s: float = 5.0
    profile: str = "80mm"
    status_timeout_s: float = 0.5    # the wait for each DLE EOT answer
    status_interval_s: float = 5.0   # status asked between jobs this often


@dataclass(frozen=True)
class EscposSerialOptions:
    port: str = "/dev/ttyUSB0"
    baudrate: int = 9600
    timeout_s: float = 5.0
    profile: str = "80mm"
    status_timeout_s: float = 0.5    # the wait for each DLE EOT answer
    status_interval_s: float = 5.0   # status asked between jobs this often


@dataclass(frozen=True)
class EscposUsbOptions:
    path: str = "/dev/usb/lp0"
    timeout_s: float = 5.0
    profile: str = "80mm"
    status_timeout_s: float = 0.5    # the wait for each DLE EOT answer
    status_interval_s: float = 5.0   # status asked between jobs this often


def data_path(data_dir: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else data_dir / path


Factory = Callable[[ModuleType, str, Any, Path], Device]  # (the driver's module, name, options, data dir)


@dataclass(frozen=True)
class Driver:
    module: str    # imported when this driver is configured, not before
    options: str   # the options class, in ``module``
    build: Factory

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)

    def options_class(self) -> type:
        return getattr(self.load(), self.options)


def _escpos(transport: Callable[[ModuleType, Any], Any], status_query: bool = True) -> Factory:
    def build(_module: ModuleType, name: str, o: Any, d: Path) -> Device:
        from devices.receipt import transports
        from devices.receipt.base import EscposReceiptPrinter
        from devices.receipt.escpos import PROFILES

        return EscposReceiptPrinter(name, transport(transports, o), PROFILES[o.profile], status_query=status_query,
                                    status_timeout_s=o.status_timeout_s, status_interval_s=o.status_interval_s)
    return build


DRIVERS: dict[str, dict[str, Driver]] = {
    "id_reader": {
        "sim": Driver("devices.idcard.sim", "SimIdReaderOptions", lambda m, name, o, d: m.SimIdReader(name, o)),
        "serial_sam": Driver("devices.idcard.serial_sam", "SerialSamIdReaderOptions",
                             lambda m, name, o, d: m.SerialSamIdReader(name, o)),
        "sdk": Driver("devices.idcard.sdk", "SdkIdReaderOptions", lambda m, name, o, d: m.SdkIdReader(name, o)),
    },
    "ss_card_reader": {
        "none": Driver("devices.idcard.absent", "NoCardReaderOptions", lambda m, name, o, d: m.NoCardReader(name)),
        "sim": Driver("devices.sscard.sim", "SimSsCardReaderOptions", lambda m, name, o, d: m.SimSsCardReader(name, o)),
        "pcsc": Driver("devices.sscard.pcsc_reader", "PcscSsCardReaderOptions",
                       lambda m, name, o, d: m.PcscSsCardReader(name, o)),
    },
    "qr_scanner": {
        "sim": Driver("devices.qr.sim", "SimQrScannerOptions", lambda m, name, o, d: m.SimQrScanner(name)),
        "camera": Driver("devices.qr.camera", "CameraQrScannerOptions",
                         lambda m, name, o, d: m.CameraQrScanner.from_options(name, o)),
        "sim_camera": Driver("devices.qr.camera", "SimCameraQrScannerOptions",
                             lambda m, name, o, d: m.CameraQrScanner.simulated(name, o, d)),
        "serial": Driver("devices.qr.serial_scanner", "SerialQrScannerOptions",
                         lambda m, name, o, d: m.SerialQrScanner(name, o)),
    },
    "document_camera": {
        "sim": Driver("devices.doccam.sim", "SimDocumentCameraOptions",
                      lambda m, name, o, d: m.SimDocumentCamera(
                          name, data_path(d, o.folder) if o.folder else None,
                          m.CameraDocumentCameraOptions(mode=o.mode, auto_capture=o.auto_capture, still_s=o.still_s),
                          page_s=o.page_s)),
        "camera": Driver("devices.doccam.camera", "CameraDocumentCameraOptions",
                         lambda m, name, o, d: m.CameraDocumentCamera(name, o)),
    },
    "receipt_printer": {
        "sim": Driver("devices.receipt.sim", "SimReceiptPrinterOptions",
                      lambda m, name, o, d: m.SimReceiptPrinter(name, data_path(d, o.output_dir), o.profile,
                                                                         status_interval_s=o.status_interval_s)),
        "escpos_tcp": Driver(__name__, "EscposTcpOptions",
                             _escpos(lambda t, o: t.TcpTransport(o.host, o.port, o.timeout_s))),
        "escpos_serial": Driver(__name__, "EscposSerialOptions",
                                _escpos(lambda t, o: t.SerialTransport(o.port, o.baudrate, o.timeout_s))),
        "escpos_usb": Driver(__name__, "EscposUsbOptions",
                             _escpos(lambda t, o: t.DeviceFileTransport(o.path, o.timeout_s))),
    },
    "document_printer": {
        "none": Driver("devices.docprinter.absent", "NoDocumentPrinterOptions",
                       lambda m, name, o, d: m.NoDocumentPrinter(name)),
        "sim": Driver("devices.docprinter.sim", "SimDocumentPrinterOptions",
                      lambda m, name, o, d: m.SimDocumentPrinter(name, data_path(d, o.output_dir))),
        "cups": Driver("devices.docprinter.cups", "CupsDocumentPrinterOptions",
                       lambda m, name, o, d: m.CupsDocumentPrinter(name, o)),
    },
}


def _profiles() -> tuple[str, ...]:
    from devices.receipt.escpos import PROFILES

    return tuple(PROFILES)


_CHOICES: dict[str, Callable[[], tuple[str, ...]]] = {"profile": _profiles}


def validate_options(kind: str, dtype: str, values: Mapping[str, Any], where: str, *, from_text: bool = False) -> Any:
    """Check a device section against its driver's options; errors name the key."""
    drivers = DRIVERS[kind]
    if dtype not in drivers:
        raise ConfigError(f"{where} type: unknown driver {dtype!r} (known: {', '.join(drivers)})")
    cls = drivers[dtype].options_class()
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
        if key in _CHOICES and value not in _CHOICES[key]():
            raise ConfigError(f"{where} {key}: {value!r} is not one of {', '.join(_CHOICES[key]())}")
        checked[key] = value
    required = [f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING
                and f.default_factory is dataclasses.MISSING and f.name not in checked]
    if required:
        raise ConfigError(f"{where} {required[0]}: required for type {dtype!r}")
    try:
        return cls(**checked)
    except ValueError as exc:  # an options class's own check (e.g. a list of baud rates)
        raise ConfigError(f"{where} {exc}") from None


def build_device(kind: str, dtype: str, options: Any, data_dir: Path) -> Device:
    driver = DRIVERS[kind][dtype]
    module = driver.load()
    opts_cls = getattr(module, driver.options)
    if not isinstance(options, opts_cls):
        options = opts_cls(**dict(options))
    return driver.build(module, kind, options, data_dir)
