"""The terminal's configuration: one typed tree, validated at start.

Layers, each overriding the one before:

1. built-in defaults (the dataclasses below),
2. the site file (TOML),
3. keys the backend sends remotely (only those marked ``remote``),
4. environment variables: ``KIOSK_<SECTION>__<KEY>``, e.g. ``KIOSK_BACKEND__URL``
   or ``KIOSK_DEVICES__RECEIPT_PRINTER__TYPE``.

Every error names the key and where the value came from. Every timeout is declared in
``kiosk/timeouts.py``'s one table (default, bounds, whether the backend may set it).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from common.i18n import LANGUAGES
from common.options import ConfigError, check_field, coerce, option
from kiosk.timeouts import timeout

MODES = ("kiosk", "window", "maintenance")
DEFAULTS_SOURCE = "defaults"  # Config.source without a site file
CUSTOMER_SCREENS = ("off", "on")


@dataclass(frozen=True)
class TerminalConfig:
    # as the contract has it (docs/api/payloads.md): a longer one was taken, then every submission failed, since a
    # provisional case number cannot carry it (found by the monkeys, whose ids were 19-21 characters)
    id: str = option("ZJ-HZ-T001", pattern=r"[A-Z0-9-]{1,16}",
                     form="1-16 capital letters, digits or dashes (e.g. ZJ-HZ-T001)",
                     doc="terminal id, as enrolled with the backend")
    hall_id: str = option("330106-XH-01", doc="service hall id")
    hall_name: str = option("", doc="the service hall's name as the window's documents print it above their seal "
                                    "(e.g. 杭州市西湖区政务服务中心); empty: the hall id")
    mode: str = option("kiosk", choices=MODES, doc="what the terminal starts as")
    language: str = option("zh_CN", choices=LANGUAGES, remote=True, doc="default language")
    idle_timeout_s: float = timeout("terminal.idle_timeout_s")
    idle_warning_s: float = timeout("terminal.idle_warning_s")
    window_idle_timeout_s: float = timeout("terminal.window_idle_timeout_s")
    window_idle_warning_s: float = timeout("terminal.window_idle_warning_s")
    maintenance_idle_timeout_s: float = timeout("terminal.maintenance_idle_timeout_s")
    maintenance_idle_warning_s: float = timeout("terminal.maintenance_idle_warning_s")
    online_check_s: float = timeout("terminal.online_check_s")
    home_notice_s: float = timeout("terminal.home_notice_s")
    warm_up_after_s: float = timeout("terminal.warm_up_after_s")
    payment_poll_s: float = timeout("terminal.payment_poll_s")
    queue_poll_s: float = timeout("terminal.queue_poll_s")
    pin_lockout_s: float = timeout("terminal.pin_lockout_s")
    offline_sign_in_s: float = timeout("terminal.offline_sign_in_s")
    demo: bool = option(False, doc="a demo configuration (the sandbox's demo): only here may the break-glass PIN be "
                                   "the README's 246810 or empty, or be written in plain as staff_pin")
    break_glass_pin_hash: str = option("", doc="the break-glass PIN for maintenance when no staff member can sign "
                                             "in, as `kiosk config hash-pin` writes it (scrypt$N$r$p$salt$hash); "
                                             "empty: none, staff sign in")
    staff_pin: str = option("246810", doc="the plain break-glass PIN of a demo configuration (terminal.demo), the "
                                          "README's by default; written anywhere else it is refused: use "
                                          "break_glass_pin_hash")
    customer_screen: str = option("off", choices=CUSTOMER_SCREENS,
                                  doc="window mode: on: a screen facing the applicant (ui/customer_screen.py), on "
                                      "the second display when there is one, else a window of its own; the "
                                      "applicant rates there and the clerk's window hides its rating; off: none")
    screen_blanking: str = option("off", choices=("off", "system"),
                                  doc="off: once its window is up on X11 the terminal turns the X server's screen saver "
                                      "and DPMS off, so the screen never goes dark between citizens "
                                      "(kiosk/screen_blanking.py); system: the X server's settings are left as the "
                                      "hall set them")
    queue_tickets: str = option("off", choices=("off", "on"),
                                doc="kiosk mode: on: home offers \"Take a number\" for the hall's windows, printed on "
                                    "the receipt printer (kiosk/workflows/citizen_ticket.py); off: the hall's own "
                                    "dispenser hands them out")
    window_number: int = option(0, minimum=0, maximum=999,
                                doc="window mode: this window's number as the hall's signs show it, to which it calls "
                                    "queue tickets (请 A012 号到 3 号窗口; kiosk/workflows/clerk_queue.py); 0: the "
                                    "window calls no tickets and shows no queue row")
    queue_categories: str = option("", pattern=r"(?:[A-Z](?:,[A-Z])*)?", remote=True,
                                   form="queue category letters separated by commas (e.g. A,B), or empty for all",
                                   doc="window mode: the hall's queue categories this window calls and counts, e.g. "
                                       "\"A,B\" or \"B\" (letters as the backend's, A 综合受理, B 企业开办); empty: "
                                       "every category")
    screen_diagonal_in: float = option(0.0, minimum=0.0, maximum=120.0,
                                       doc="the screen's real diagonal in inches, for type in points (ui/display.py); "
                                           "0: as the screen reports itself")


@dataclass(frozen=True)
class BackendConfig:
    url: str = option("http://127.0.0.1:8710", doc="base URL of the hall's backend")
    connect_timeout_s: float = timeout("backend.connect_timeout_s")
    read_timeout_s: float = timeout("backend.read_timeout_s")
    retry_delay_s: float = timeout("backend.retry_delay_s")
    max_retry_after_s: float = timeout("backend.max_retry_after_s")
    heartbeat_interval_s: float = timeout("backend.heartbeat_interval_s")
    retries: int = option(2, minimum=0, maximum=10, remote=True,
                          doc="bounded retries for safe calls, each started within the call's first read timeout")
    min_upload_kib_per_second: float = option(
        16.0, minimum=1, maximum=1048576,
        doc="the slowest line an upload is given: a request's body of N KiB has N / this seconds more than its "
            "answer's limit to be taken by the backend, then the call fails like a cut line (the queue tries again)")
    min_download_kib_per_second: float = option(
        16.0, minimum=1, maximum=1048576,
        doc="the slowest line an answer is given: past its limit, an answer whose body keeps coming at this rate "
            "goes on (a draft's pages, a licence's PDF on a slow line); one falling behind fails like a cut line")
    ca_bundle: str = option("", doc="CA bundle for TLS; empty means the system store")
    signing_key_file: str = option("", doc="the terminal's HMAC key (raw or hex); empty: the sandbox demo key")
    signature_alg: str = option("HMAC-SHA256", choices=("HMAC-SHA256", "HMAC-SM3"))


@dataclass(frozen=True)
class PathsConfig:
    data_dir: str = option("~/.local/share/onetrip", doc="logs, queue and session scratch space")


@dataclass(frozen=True)
class QueueConfig:
    key_file: str = option("queue.key", doc="32-byte key, mode 0600; relative to the data directory")
    cipher: str = option("AES-256-GCM", choices=("AES-256-GCM", "SM4-GCM"))
    min_free_mb: float = option(200.0, minimum=0, doc="refuse offline submissions under this much free disk")
    max_items: int = option(2000, minimum=1)
    max_mb: float = option(2048.0, minimum=1)
    purge_after_s: float = timeout("queue.purge_after_s")
    keep_metadata_days: float = option(30.0, minimum=0, maximum=3650, doc="audit metadata of delivered items")
    max_attempts: int = option(500, minimum=1, maximum=100000)
    base_delay_s: float = timeout("queue.base_delay_s")
    max_delay_s: float = timeout("queue.max_delay_s")
    idle_poll_s: float = timeout("queue.idle_poll_s")
    deliver_wait_s: float = timeout("queue.deliver_wait_s")
    retention_every_s: float = timeout("queue.retention_every_s")


@dataclass(frozen=True)
class RetentionConfig:
    """How long each kind of personal data stays on the terminal (kiosk/retention.py; docs/retention.md)."""

    dead_days: float = option(30.0, minimum=1, maximum=365, doc="a dead letter (refused, or given up on) is "
                              "deleted this many days after it stopped, unless staff retried it")
    quarantined_days: float = option(30.0, minimum=1, maximum=365, doc="a quarantined item (damaged on this "
                                     "terminal) is deleted this many days after it was quarantined")
    moved_aside_days: float = option(90.0, minimum=7, maximum=365, doc="a damaged queue database moved aside "
                                     "(queue/corrupt-*) is deleted this many days after it was moved")
    logs_days: float = option(30.0, minimum=1, maximum=365, doc="a rotated log file is deleted this many days "
                              "after its last entry")
    printouts_days: float = option(7.0, minimum=0, maximum=90, doc="a simulated printer's receipts and documents "
                                   "(PNG, bytes, PDF) are deleted this many days after printing")


@dataclass(frozen=True)
class LoggingConfig:
    level: str = option("INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"), remote=True)
    console: bool = option(True)


VOICE_ENGINES = ("auto", "qt", "espeak-ng")


@dataclass(frozen=True)
class VoiceConfig:
    """Voice guidance (kiosk/voice.py, ui/voice.py): each screen's prompt and each error spoken."""

    enabled: bool = option(False, doc="spoken prompts on when a session starts (a citizen may switch them)")
    volume: int = option(80, minimum=0, maximum=100, doc="loudness of the spoken prompts, in percent")
    engine: str = option("auto", choices=VOICE_ENGINES,
                         doc="auto: espeak-ng where installed, else Qt TextToSpeech (kiosk/voice.py says why)")
    espeak_binary: str = option("espeak-ng", doc="the espeak-ng program, by name on PATH or by path")
    timeout_s: float = timeout("voice.timeout_s")


@dataclass(frozen=True)
class SupervisorConfig:
    """``kiosk supervise`` (kiosk/supervisor.py): the terminal started again when it freezes, crashes or ends."""

    freeze_s: float = timeout("supervisor.freeze_s")
    start_s: float = timeout("supervisor.start_s")
    stop_s: float = timeout("supervisor.stop_s")
    stable_s: float = timeout("supervisor.stable_s")
    max_delay_s: float = timeout("supervisor.max_delay_s")
    device_held_s: float = timeout("supervisor.device_held_s")
    disk_look_s: float = timeout("supervisor.disk_look_s")
    max_resident_mb: int = option(1500, minimum=500, maximum=65536,
                                  doc="a terminal whose resident memory passes this many MB is started afresh the "
                                      "next time nobody uses it (its kiosk at home, its window or maintenance signed "
                                      "out), once it has run supervisor.stable_s; 65536: never (docs/memory.md)")


@dataclass(frozen=True)
class DeviceCallsConfig:
    """How long the terminal waits for each kind of device call (devices.call_timeouts.CallTimeouts)."""

    self_test_s: float = timeout("device_calls.self_test_s")
    close_s: float = timeout("device_calls.close_s")
    receipt_print_s: float = timeout("device_calls.receipt_print_s")
    document_print_s: float = timeout("device_calls.document_print_s")
    capture_s: float = timeout("device_calls.capture_s")


@dataclass(frozen=True)
class DeviceConfig:
    """One device: ``type`` picks the driver, the rest are that driver's options."""

    type: str = "sim"
    options: Mapping[str, Any] = field(default_factory=dict)


DEVICE_KINDS = ("id_reader", "ss_card_reader", "qr_scanner", "document_camera", "receipt_printer", "document_printer")


@dataclass(frozen=True)
class DevicesConfig:
    id_reader: DeviceConfig = field(default_factory=DeviceConfig)
    ss_card_reader: DeviceConfig = field(default_factory=DeviceConfig)   # the social security card's PC/SC reader
    qr_scanner: DeviceConfig = field(default_factory=DeviceConfig)
    document_camera: DeviceConfig = field(default_factory=DeviceConfig)
    receipt_printer: DeviceConfig = field(default_factory=DeviceConfig)
    document_printer: DeviceConfig = field(default_factory=DeviceConfig)


@dataclass(frozen=True)
class Config:
    terminal: TerminalConfig = field(default_factory=TerminalConfig)
    backend: BackendConfig = field(default_factory=BackendConfig)
    paths: PathsConfig = field(default_factory=PathsConfig)
    queue: QueueConfig = field(default_factory=QueueConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    voice: VoiceConfig = field(default_factory=VoiceConfig)
    device_calls: DeviceCallsConfig = field(default_factory=DeviceCallsConfig)
    supervisor: SupervisorConfig = field(default_factory=SupervisorConfig)
    devices: DevicesConfig = field(default_factory=DevicesConfig)
    source: str = field(default=DEFAULTS_SOURCE, compare=False)

    @property
    def data_dir(self) -> Path:
        return Path(os.path.expanduser(self.paths.data_dir))

    def device(self, kind: str) -> DeviceConfig:
        return getattr(self.devices, kind)


_SECTIONS = {"terminal": TerminalConfig, "backend": BackendConfig, "paths": PathsConfig, "queue": QueueConfig,
             "retention": RetentionConfig, "logging": LoggingConfig, "voice": VoiceConfig,
             "device_calls": DeviceCallsConfig, "supervisor": SupervisorConfig}


def _section(cls: type, values: Mapping[str, Any], base: Any, origin: str, name: str,
             *, from_text: bool = False, remote_only: bool = False) -> Any:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    changes = {}
    for key, value in values.items():
        where = f"{origin}: [{name}] {key}"
        f = fields.get(key)
        if f is None:
            known = ", ".join(sorted(fields))
            raise ConfigError(f"{where}: unknown key (known keys: {known})")
        if remote_only and not f.metadata.get("remote"):
            raise ConfigError(f"{where}: this key cannot be set remotely")
        value = coerce(value, hints[key], where, from_text=from_text)
        check_field(f, value, where)
        changes[key] = value
    return dataclasses.replace(base, **changes)


def _device(kind: str, values: Mapping[str, Any], base: DeviceConfig, origin: str,
            *, from_text: bool = False) -> DeviceConfig:
    values = dict(values)
    dtype = values.pop("type", base.type)
    where = f"{origin}: [devices.{kind}]"
    if not isinstance(dtype, str):
        raise ConfigError(f"{where} type: expected a string, got {dtype!r}")
    base_options = dataclasses.asdict(base.options) if dataclasses.is_dataclass(base.options) else base.options
    merged = dict(base_options) if dtype == base.type else {}
    merged.update(values)
    # imported here: `kiosk run` reads its configuration before the first paint, and only a device section
    # needs the driver registry (and the device base classes under it)
    from devices.registry import validate_options

    return DeviceConfig(type=dtype, options=validate_options(kind, dtype, merged, where, from_text=from_text))


def merge(config: Config, data: Mapping[str, Any], origin: str, *, from_text: bool = False,
          remote_only: bool = False) -> Config:
    """Apply one layer (a parsed TOML document, remote keys, or env values) on top of ``config``."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"{origin}: expected a table of sections")
    changes: dict[str, Any] = {}
    for name, values in data.items():
        if name in _SECTIONS:
            if not isinstance(values, Mapping):
                raise ConfigError(f"{origin}: [{name}] must be a table")
            changes[name] = _section(_SECTIONS[name], values, getattr(config, name), origin, name,
                                     from_text=from_text, remote_only=remote_only)
        elif name == "devices" and not remote_only:
            if not isinstance(values, Mapping):
                raise ConfigError(f"{origin}: [devices] must be a table")
            devices = {}
            for kind, dvalues in values.items():
                if kind not in DEVICE_KINDS:
                    raise ConfigError(f"{origin}: [devices.{kind}]: unknown device (known: {', '.join(DEVICE_KINDS)})")
                if not isinstance(dvalues, Mapping):
                    raise ConfigError(f"{origin}: [devices.{kind}] must be a table")
                devices[kind] = _device(kind, dvalues, config.device(kind), origin, from_text=from_text)
            changes["devices"] = dataclasses.replace(config.devices, **devices)
        else:
            known = ", ".join(sorted([*_SECTIONS, "devices"]))
            raise ConfigError(f"{origin}: [{name}]: unknown section (known sections: {known})")
    return dataclasses.replace(config, **changes)


def env_layer(environ: Mapping[str, str]) -> dict[str, Any]:
    """``KIOSK_BACKEND__URL=...`` -> ``{"backend": {"url": "..."}}``."""
    layer: dict[str, Any] = {}
    for name, value in environ.items():
        if not name.startswith("KIOSK_") or "__" not in name:
            continue
        parts = name[len("KIOSK_"):].lower().split("__")
        if not all(parts):
            raise ConfigError(f"environment: {name}: not of the form KIOSK_<SECTION>__<KEY>")
        node = layer
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"environment: {name}: conflicts with another variable")
        node[parts[-1]] = value
    return layer


MAX_SITE_FILE = 256 * 1024   # a site file is a few KB; this bounds what the parser is asked to do
MAX_KEY_PARTS = 8             # `[devices.receipt_printer]` has two; tomllib's cost grows with the square of a dotted key


def read_toml(path: Path) -> dict[str, Any]:
    """The site file, parsed; anything that is not a plausible configuration is a ConfigError naming the file."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_SITE_FILE + 1)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (PermissionError, IsADirectoryError, OSError) as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    if len(data) > MAX_SITE_FILE:
        raise ConfigError(f"{path}: larger than {MAX_SITE_FILE // 1024} KB, too large to be a configuration file")
    try:
        body = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    for number, line in enumerate(body.splitlines(), 1):
        key = line.split("=", 1)[0] if "=" in line else line.strip().strip("[]")
        if key.count(".") >= MAX_KEY_PARTS:
            raise ConfigError(f"{path}: line {number}: a key of more than {MAX_KEY_PARTS} dotted parts")
    try:
        return tomllib.loads(body)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a configuration file") from None


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None,
                overrides: Mapping[str, Any] | None = None) -> Config:
    """Defaults, then the site file, then ``overrides`` (e.g. from the CLI), then the environment."""
    config = Config()
    origins: dict[str, str] = {}  # the layer that last wrote each break-glass key (an empty PIN is a PIN too)
    if path is not None:
        data = read_toml(path)
        config = merge(config, data, str(path))
        config = dataclasses.replace(config, source=str(path))
        _note_break_glass(data, str(path), origins)
    if overrides:
        config = merge(config, overrides, "command line")
        _note_break_glass(overrides, "command line", origins)
    env = env_layer(os.environ if environ is None else environ)
    if env:
        config = merge(config, env, "environment", from_text=True)
        _note_break_glass(env, "environment", origins)
    check_break_glass(config.terminal, origins)
    return config


def _note_break_glass(layer: Mapping[str, Any], origin: str, origins: dict[str, str]) -> None:
    terminal = layer.get("terminal")
    for key in ("staff_pin", "break_glass_pin_hash"):
        if isinstance(terminal, Mapping) and key in terminal:
            origins[key] = origin


def check_break_glass(terminal: TerminalConfig, origins: Mapping[str, str]) -> None:
    """Outside a demo configuration the break-glass PIN is a salted slow hash, and never of the README's
    demo PIN or of an empty one. ``origins`` names the layer that wrote ``staff_pin`` or the hash, if any."""
    from kiosk.break_glass import DEMO_PIN, PinHashError, parse_pin_hash

    pin_from, hash_from = origins.get("staff_pin", ""), origins.get("break_glass_pin_hash", "")
    if pin_from and terminal.break_glass_pin_hash:
        raise ConfigError(f"{pin_from}: [terminal] staff_pin: set either staff_pin (a demo configuration) or "
                          "break_glass_pin_hash, not both")
    if terminal.break_glass_pin_hash:
        where = f"{hash_from}: [terminal] break_glass_pin_hash"
        try:
            pin_hash = parse_pin_hash(terminal.break_glass_pin_hash)
        except PinHashError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        if not terminal.demo:
            for pin, name in ((DEMO_PIN, f"the README's demo PIN {DEMO_PIN}"), ("", "an empty PIN")):
                if pin_hash.matches(pin):
                    raise ConfigError(f"{where}: the hash of {name}, refused outside a demo configuration "
                                      "(terminal.demo): choose another PIN and hash it with `kiosk config hash-pin`")
    if pin_from and not terminal.demo:
        pin = terminal.staff_pin
        what = ("an empty PIN" if not pin else f"the README's demo PIN {DEMO_PIN}" if pin == DEMO_PIN
                else "a PIN in plain text")
        raise ConfigError(f"{pin_from}: [terminal] staff_pin: {what}, refused outside a demo configuration "
                          "(terminal.demo): remove staff_pin and set break_glass_pin_hash to what "
                          "`kiosk config hash-pin` prints (or no break-glass PIN: staff sign in)")


def apply_remote(config: Config, remote: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Config:
    """Apply keys the backend sent; the environment still wins, as on start."""
    config = merge(config, remote, "remote configuration", remote_only=True)
    env = env_layer(os.environ if environ is None else environ)
    if env:
        config = merge(config, env, "environment", from_text=True)
    return config


def remote_keys() -> list[str]:
    """The keys the backend may set, as ``section.key``."""
    return [f"{name}.{f.name}" for name, cls in _SECTIONS.items()
            for f in dataclasses.fields(cls) if f.metadata.get("remote")]
