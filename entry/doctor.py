"""``kiosk doctor``: what hall staff (or a support call) check first, in one run, without the window.

The configuration and where it came from; each configured device started, given time to connect,
self-tested and stopped; the PC/SC service, its readers, their states and the cards' ATRs (as
``pcsc_scan`` shows them); the backend's ``/health`` and, for a window, whether the hall registered it as
one (it enrols, as the terminal does when it starts), and this terminal's clock against the backend's; whether
CUPS keeps a document once printed; the offline queue's counts; the free disk space; the Chinese font; a kiosk's
voice guidance (espeak-ng speaking a prompt in each language) and a sound card to hear it through; the time zone
(receipts and documents print local time); the screen's blanking and size; serial ports and cameras given by a
number that may change, and the names that stay; whether another terminal speaks under this one's id; what
``kiosk supervise`` restarted in the last day, and why.
Every line is OK, WARN or FAIL; the exit status is 1 when anything failed. It reads no card and prints
no personal data. Run it while the terminal is stopped: a device held by a running terminal (a serial
port, the camera) fails here for that reason, and says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from kiosk import screen_blanking
from kiosk.config import DEVICE_KINDS, Config, load_config
from kiosk.voice import SOUND_CARDS, sound_cards

SERIAL_BY_ID = "/dev/serial/by-id"  # udev's names for serial devices, by their adapter's make and serial number
SERIAL_NUMBERED = re.compile(r"^/dev/tty(?:USB|ACM)\d+$")
SERIAL_ON_BOARD = re.compile(r"^/dev/(ttyS\d+)$")  # the machine's own COM ports, numbered as its firmware lists them
CAMERA_BY_ID = "/dev/v4l/by-id"  # udev's names for cameras, by their make, serial number and node
CAMERA_NUMBERED = re.compile(r"^(?:/dev/video)?(\d+)$")  # an index, or its node
SYS_TTY = "/sys/class/tty"  # the kernel's ttys; an on-board port's "type" is its UART's (0: none there)
CHINA_STANDARD_TIME = dt.timedelta(hours=8)  # what a hall in China keeps, and its receipts print
XRANDR_S = 10.0  # the screen's size asked of the X server
SETTLE_S = 3.0      # how long each device is given to connect before its self-test
MIN_FREE_MB = 500   # below this the queue's attachments are at risk
RESTARTS_LISTED = 5  # the newest restarts of the last day shown
DNS_SLOW_S = 1.0     # a hall's DNS answers in milliseconds: slower than this is said
DNS_WAIT_S = 12.0    # past glibc's own wait for one server that does not answer (5 s x 2), so slow is told from gone


@dataclass
class Findings:
    lines: list[str] = field(default_factory=list)
    failed: int = 0
    warned: int = 0

    def add(self, level: str, what: str, text: str) -> None:
        if level == "FAIL":
            self.failed += 1
        elif level == "WARN":
            self.warned += 1
        self.lines.append(f"{level:<4}  {what}: {text}")

    def more(self, text: str) -> None:
        self.lines.append(f"      {text}")


def add_commands(sub: argparse._SubParsersAction) -> None:
    doctor = sub.add_parser("doctor", help="check the configuration, devices, PC/SC, CUPS, backend, clock, queue, "
                                           "disk, font, voice, sound card and time zone")
    doctor.add_argument("--config", type=Path, help="site configuration file (TOML)")
    doctor.add_argument("--no-devices", action="store_true", help="skip starting the devices")


def run(args: argparse.Namespace) -> int:
    findings = Findings()
    config = load_config(args.config)
    findings.add("OK", "configuration", f"{config.source} (terminal {config.terminal.id}, mode {config.terminal.mode})")
    if not args.no_devices:
        check_devices(config, findings)
    check_serial_ports(config, findings)
    check_cameras(config, findings)
    check_pcsc(config, findings)
    check_cups_keeping(config, findings)
    check_backend_name(config.backend.url, findings)
    check_backend(config, findings)
    check_queue(config, findings)
    check_disk(config, findings)
    check_font(findings)
    check_voice(config, findings)
    if config.terminal.mode == "kiosk":  # the window and maintenance speak no prompts
        check_sound(findings)
    check_time_zone(findings)
    check_screen_blanking(config, findings)
    check_screen_size(findings, mode=config.terminal.mode)
    if config.terminal.mode == "window" and config.terminal.customer_screen == "on":
        check_applicant_screen(findings)
    check_restarts(config, findings)
    print("\n".join(findings.lines))
    print(f"{findings.failed} failed, {findings.warned} warnings")
    return 1 if findings.failed else 0


def check_devices(config: Config, findings: Findings) -> None:
    from devices.health import DeviceState
    from devices.registry import build_device

    for kind in DEVICE_KINDS:
        section = config.device(kind)
        where = f"{kind} ({section.type})"
        try:
            device = build_device(kind, section.type, section.options, config.data_dir)
        except Exception as exc:  # a driver that cannot even be built is a finding, not a crash
            findings.add("FAIL", where, f"cannot be built: {_plain(exc)}")
            continue
        try:
            device.start()
            deadline = time.monotonic() + SETTLE_S
            while device.health.state is DeviceState.OFFLINE and time.monotonic() < deadline:
                time.sleep(0.05)
            result = device.self_test()
            health = device.health.snapshot()
            reason = f" ({health.reason.render()})" if health.reason else ""
            findings.add("OK" if result.ok else "FAIL", where,
                         f"{health.state.value}{reason}; self-test: {result.message.render()}")
            for key, value in result.details.items():
                findings.more(f"{key}: {value}")
        except Exception as exc:
            findings.add("FAIL", where, _plain(exc))
        finally:
            try:
                device.stop()
            except Exception as exc:
                findings.add("WARN", where, f"did not stop cleanly: {_plain(exc)}")


def check_serial_ports(config: Config, findings: Findings, by_id: Path = Path(SERIAL_BY_ID),
                       sys_tty: Path = Path(SYS_TTY)) -> None:
    """A USB serial adapter's ``/dev/ttyUSBn`` (``ttyACMn``) is numbered in the order the kernel finds adapters at
    start-up: with two (an ID reader and a QR scanner, or a receipt printer) they may swap after a restart, and each
    driver then talks to the other's device. Its name under /dev/serial/by-id stays with the adapter. Two devices on
    one port (the ID reader's and the receipt printer's default are both /dev/ttyUSB0) cannot both work. The
    machine's own COM ports (``/dev/ttyS0``...) keep their numbers, but the kernel makes four or more such nodes
    whatever the board has: one with no UART behind it opens with an I/O error, or not at all, and the device set
    there is never heard."""
    users: dict[str, list[str]] = {}
    for kind in DEVICE_KINDS:
        section = config.device(kind)
        port = getattr(section.options, "port", None)
        if section.type == "sim" or not isinstance(port, str):
            continue
        users.setdefault(os.path.realpath(port), []).append(kind)
        on_board = SERIAL_ON_BOARD.match(port)
        if on_board and not _uart(sys_tty, on_board[1]):
            present = sorted((tty.name for tty in (sys_tty.iterdir() if sys_tty.is_dir() else ())
                              if re.fullmatch(r"ttyS\d+", tty.name) and _uart(sys_tty, tty.name)),
                             key=lambda name: int(name[4:]))
            findings.add("FAIL", f"{kind} port", f"{port} has no serial port behind it (the kernel found no UART "
                                                 "there): set the port the device is plugged into; this machine's "
                                                 f"are {', '.join('/dev/' + name for name in present) or 'none'}")
        if not SERIAL_NUMBERED.match(port):
            continue
        findings.add("WARN", f"{kind} port", f"{port} may name another device after a restart (USB serial adapters "
                                             "are numbered in the order they are found): set " +
                     _name_that_stays("port", port, by_id, SERIAL_BY_ID))
    for port, kinds in users.items():
        if len(kinds) > 1:
            findings.add("FAIL", "serial ports", f"{' and '.join(kinds)} are both set to {port}: one device answers "
                                                 "there; set each its own port")


def check_cameras(config: Config, findings: Findings, by_id: Path = Path(CAMERA_BY_ID)) -> None:
    """A camera's ``/dev/videoN`` (or its index N) is numbered in the order the kernel finds cameras, and a document
    camera (高拍仪) with a face camera beside it, each with a metadata node, brings four: after a restart or a replug
    the number may name the face camera, and the terminal then scans the citizen's face where the page should be. Its
    name under /dev/v4l/by-id stays with the camera. Two devices on one camera cannot both have it."""
    users: dict[str, list[str]] = {}
    for kind in DEVICE_KINDS:
        section = config.device(kind)
        key = "device" if hasattr(section.options, "device") else "source"  # the document camera's, the QR camera's
        device = getattr(section.options, key, None)
        if section.type.startswith("sim") or not isinstance(device, str):
            continue
        numbered = CAMERA_NUMBERED.match(device.strip())
        node = f"/dev/video{numbered[1]}" if numbered else device
        if "://" not in device:
            users.setdefault(os.path.realpath(node), []).append(kind)
        if not numbered:
            continue
        findings.add("WARN", f"{kind} camera", f"{device} may name another camera after a restart or a replug "
                                               "(cameras are numbered in the order they are found; a document camera "
                                               "with a face camera brings four nodes): set " +
                     _name_that_stays(key, node, by_id, CAMERA_BY_ID))
    for node, kinds in users.items():
        if len(kinds) > 1:
            findings.add("FAIL", "cameras", f"{' and '.join(kinds)} are both set to {node}: one device has it; set each "
                                            "its own camera")


def _name_that_stays(key: str, node: str, by_id: Path, folder: str) -> str:
    """The setting to write for the device at ``node``: its udev name under ``by_id`` that links to it, or where to
    look for one (``folder``, as udev names it)."""
    here = os.path.realpath(node)
    stable = sorted(str(link) for link in (by_id.iterdir() if by_id.is_dir() else ()) if os.path.realpath(link) == here)
    if stable:
        return f"{key} = \"{stable[0]}\", its name that stays"
    return f"its name under {folder}, which stays (none links to it now)"


def _uart(sys_tty: Path, name: str) -> bool:
    """Whether the kernel found a UART at the on-board port ``name`` (its ``type`` is not 0, PORT_UNKNOWN)."""
    try:
        return (sys_tty / name / "type").read_text().strip() not in ("", "0")
    except OSError:  # no such port at all
        return False


def check_pcsc(config: Config, findings: Findings) -> None:
    uses_pcsc = config.device("ss_card_reader").type == "pcsc"
    try:
        from devices.pcsc.diagnostics import snapshot
    except ImportError as exc:  # pyscard or libpcsclite missing
        findings.add("FAIL" if uses_pcsc else "WARN", "PC/SC", f"cannot be used: {exc}")
        return
    report = snapshot()
    if not report.service_running:
        findings.add("FAIL" if uses_pcsc else "WARN", "PC/SC service", report.service)
        return
    findings.add("OK", "PC/SC service", f"{report.service}, {len(report.readers)} reader(s)")
    for reader in report.readers:
        findings.more(reader.line())


def check_cups_keeping(config: Config, findings: Findings) -> None:
    """A CUPS that keeps each document once printed keeps a citizen's printed licence in its spool, unencrypted
    (devices/docprinter/cups_keeping.py): a warning with the command that stops it."""
    if config.device("document_printer").type != "cups":
        return
    from devices.docprinter.cups import DELETED, printed_documents

    said = printed_documents(SETTLE_S)
    findings.add("OK" if said == DELETED else "WARN", "CUPS printed documents", said)


def check_backend_name(url: str, findings: Findings) -> None:
    """The backend's host name looked up as the system does, timed: the terminal waits at most its connect timeout
    for it and keeps the last answer while the DNS is away (``common.names``), but staff should know the
    DNS is slow or gone, since after a restart nothing is known. Nothing is said of an address."""
    import ipaddress
    import socket
    import threading
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        return
    try:
        ipaddress.ip_address(host)
        return
    except ValueError:
        pass
    found: dict[str, object] = {}

    def ask() -> None:
        try:
            found["infos"] = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
        except OSError as exc:
            found["error"] = exc

    started = time.monotonic()
    asking = threading.Thread(target=ask, name="doctor-resolve", daemon=True)  # no bound of its own: see below
    asking.start()
    asking.join(DNS_WAIT_S)
    took = time.monotonic() - started
    infos = found.get("infos")
    if isinstance(infos, list) and infos:
        addresses = ", ".join(dict.fromkeys(str(info[4][0]) for info in infos))
        if took < DNS_SLOW_S:
            findings.add("OK", "backend name", f"{host} is {addresses} ({took * 1000:.0f} ms)")
        else:
            findings.add("WARN", "backend name", f"{host} is {addresses}, but the DNS took {took:.1f} s: each new "
                                                 "connection to the backend waits for it, up to "
                                                 "backend.connect_timeout_s; check this terminal's DNS server")
        return
    why = f"no answer within {DNS_WAIT_S:.0f} s" if asking.is_alive() else f"{found.get('error')}"
    findings.add("FAIL", "backend name", f"{host} does not resolve ({why}): the terminal reaches the backend only at "
                                         "an address it looked up before, and none after a restart; check this "
                                         "terminal's DNS server (/etc/resolv.conf)")


def check_backend(config: Config, findings: Findings) -> None:
    from kiosk.backend.client import BackendClient

    client = BackendClient(config.backend, config.terminal.id)
    started = time.monotonic()
    try:
        client.health()
        findings.add("OK", "backend", f"{config.backend.url} answers ({(time.monotonic() - started) * 1000:.0f} ms)")
        check_clock(client.clock_offset_s, findings)
        if config.terminal.mode in ("window", "kiosk"):
            check_window_register(client, config, findings)
    except Exception as exc:
        findings.add("FAIL", "backend", f"{config.backend.url}: {_plain(exc)}")
    finally:
        client.close()


def check_clock(offset_s: float, findings: Findings) -> None:
    """This terminal's clock against the backend's (learned from its signed answer): receipts, notices and the
    window's documents print this terminal's own time."""
    from kiosk.diagnostics import CLOCK_OFF_S

    way = "behind" if offset_s > 0 else "ahead of"
    said = f"{abs(offset_s):.1f} s {way} the backend's" if abs(offset_s) >= 0.05 else "as the backend's (within 0.1 s)"
    if abs(offset_s) >= CLOCK_OFF_S:
        findings.add("WARN", "clock", f"{said}: receipts, notices and documents print this terminal's time; set it "
                                      "right or let NTP keep it (timedatectl set-ntp true)")
    else:
        findings.add("OK", "clock", said)


def check_font(findings: Findings) -> None:
    """Without a Chinese TrueType font every screen's Chinese is drawn as empty boxes (ui/theme.py)."""
    from common.fonts import FontMissingError, cjk_font_path

    try:
        findings.add("OK", "Chinese font", str(cjk_font_path()))
    except FontMissingError as exc:
        findings.add("FAIL", "Chinese font", f"{exc}: every screen's Chinese would be drawn as empty boxes")


def check_voice(config: Config, findings: Findings) -> None:
    """The kiosk's voice guidance: espeak-ng speaks a Chinese and an English prompt, as the kiosk would."""
    if config.terminal.mode != "kiosk" or config.voice.engine == "qt":
        return
    from kiosk.voice import EspeakSynthesizer, VoiceError

    engine = EspeakSynthesizer(config.voice.espeak_binary, config.voice.timeout_s)
    if not engine.available():
        findings.add("FAIL" if config.voice.engine == "espeak-ng" else "WARN", "voice",
                     f"{config.voice.espeak_binary} not found: prompts fall back to Qt's text-to-speech where the "
                     "system has a voice, else the kiosk is silent (install espeak-ng)")
        return
    try:
        spoken = [engine.synthesize(words, lang) for words, lang in (("欢迎", "zh_CN"), ("Welcome", "en"))]
    except VoiceError as exc:
        findings.add("FAIL", "voice", f"{engine.path()}: {exc.detail}")
        return
    findings.add("OK" if all(audio.rms() > 0 for audio in spoken) else "FAIL", "voice",
                 f"{engine.path()}: " + ", ".join(f"{lang} {audio.duration_s:.1f} s"
                                                 for lang, audio in zip(("Chinese", "English"), spoken)))


def check_sound(findings: Findings, listing: Path = Path(SOUND_CARDS)) -> None:
    """A kiosk's prompts, espeak-ng's or Qt's, are heard only through a sound card: ALSA's list of them (Linux)."""
    try:
        cards = sound_cards(listing.read_text(errors="replace"))
    except OSError:
        cards = []
    if cards:
        findings.add("OK", "sound", ", ".join(cards))
    else:
        findings.add("WARN", "sound", f"no sound card listed in {listing}: the kiosk's spoken prompts cannot be heard "
                                      "(a USB speaker or the display's HDMI audio, and its driver)")


def check_time_zone(findings: Findings, now: dt.datetime | None = None) -> None:
    """Receipts, notices and documents print local time: a hall in China keeps China Standard Time."""
    local = now if now is not None else dt.datetime.now().astimezone()
    offset = local.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    shown = f"{local.tzname()} (UTC{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})"
    if offset == CHINA_STANDARD_TIME:
        findings.add("OK", "time zone", shown)
    else:
        findings.add("WARN", "time zone", f"{shown}: receipts, notices and documents print this terminal's local "
                                          "time, and a hall in China keeps UTC+08:00 (timedatectl set-timezone "
                                          "Asia/Shanghai)")


def check_screen_blanking(config: Config, findings: Findings, display: str | None = None) -> None:
    """Whether the X server blanks the screen between citizens (kiosk/screen_blanking.py)."""
    display = os.environ.get("DISPLAY", "") if display is None else display
    leaves = config.terminal.screen_blanking == "system"
    if not display:
        findings.add("OK" if not leaves else "WARN", "screen blanking",
                     "not asked: no X display in this shell (DISPLAY unset); " +
                     ("kiosk run turns it off on X11" if not leaves else
                      "terminal.screen_blanking = system leaves the X server's own, which blanks after 600 s unless "
                      "the hall set otherwise"))
        return
    blanking = screen_blanking.read(display)
    if blanking is None:
        findings.add("WARN", "screen blanking", f"not known: xset could not ask the X server at {display} "
                                                "(x11-xserver-utils)")
    elif not blanking.blanks:
        findings.add("OK", "screen blanking", blanking.said())
    elif leaves:
        findings.add("WARN", "screen blanking", f"{blanking.said()}: terminal.screen_blanking = system leaves it so "
                                                "(off: the terminal turns it off; or xset s off -dpms in the session)")
    else:
        findings.add("OK", "screen blanking", f"{blanking.said()} until kiosk run turns it off (as it starts)")


def check_screen_size(findings: Findings, display: str | None = None, mode: str = "kiosk") -> None:
    """The screen the terminal fills, from the X server (xrandr): below the least of its ``mode`` large text
    (elderly mode) grows the window past the screen, its buttons off it (ui/display.py ``below_least``)."""
    display = os.environ.get("DISPLAY", "") if display is None else display
    if not display:
        findings.add("OK", "screen size", "not asked: no X display in this shell (DISPLAY unset)")
        return
    try:
        said = subprocess.run(["xrandr", "--display", display, "--current"], capture_output=True, text=True,
                              timeout=XRANDR_S).stdout
    except (OSError, subprocess.TimeoutExpired):
        said = ""
    found = (re.search(r" connected primary (\d+)x(\d+)\+", said) or re.search(r" connected (\d+)x(\d+)\+", said)
             or re.search(r"current (\d+) x (\d+)", said))
    if found is None:
        findings.add("WARN", "screen size", f"not known: xrandr could not ask the X server at {display} "
                                            "(x11-xserver-utils)")
        return
    _against_least(findings, "screen size", "", int(found[1]), int(found[2]),
                   "large text (elderly mode) grows the window past the screen, its buttons off it; set the "
                   "monitor's mode higher (xrandr) or use a larger screen", mode=mode)


def _against_least(findings: Findings, what: str, name: str, width: int, height: int, too_small: str,
                   applicants: bool = False, mode: str = "kiosk") -> None:
    """A screen's size found: OK, or a warning of what goes wrong below ``ui.display.below_least`` (the applicant's
    screen: ``below_applicant_least``, as it is laid out compact below the other)."""
    from ui.display import below_applicant_least, below_least

    shown = f"{name} {width}x{height}" if name else f"{width}x{height}"
    least = below_applicant_least(width, height) if applicants else below_least(width, height, mode)
    if least is None:
        findings.add("OK", what, shown)
    else:
        findings.add("WARN", what, f"{shown}, below {least[0]}x{least[1]}: {too_small}")


_MONITOR = re.compile(r"^\s*\d+: \+?(\*?)(\S+) (\d+)/\d+x(\d+)/\d+\+-?\d+\+-?\d+", re.MULTILINE)


def check_applicant_screen(findings: Findings, display: str | None = None) -> None:
    """A window configured with the applicant's screen (``terminal.customer_screen = "on"``): the X server's second
    monitor, as RandR lists it, or a second X screen (``:N.1``). None: the window works without it (no signature
    on screen, the licence consent asked aloud, the rating on the clerk's screen: ui/customer_screen.py), which a
    hall setting the terminal up wants to know before a clerk finds it."""
    display = os.environ.get("DISPLAY", "") if display is None else display
    if not display:
        findings.add("OK", "applicant's screen", "not asked: no X display in this shell (DISPLAY unset)")
        return

    def xrandr(*args: str) -> str:
        try:
            return subprocess.run(["xrandr", *args], capture_output=True, text=True, timeout=XRANDR_S).stdout
        except (OSError, subprocess.TimeoutExpired):
            return ""

    monitors = _MONITOR.findall(xrandr("--display", display, "--listmonitors"))
    # the clerk's is the primary monitor (starred), or the first where none is (Qt's primary screen, as xcb picks it)
    first = next((i for i, (primary, *_rest) in enumerate(monitors) if primary), 0)
    others = [(name, int(w), int(h)) for i, (_primary, name, w, h) in enumerate(monitors) if i != first]
    if len(monitors) < 2:  # a display of its own per monitor: the second X screen
        second = re.search(r"current (\d+) x (\d+)", xrandr("--display", display.split(".")[0] + ".1", "--current"))
        others = [("X screen 1", int(second[1]), int(second[2]))] if second else []
    if not others:
        findings.add("WARN", "applicant's screen", "no second monitor: the window works without the applicant's "
                                                    "screen (no signature on it, the licence consent asked aloud, "
                                                    "the rating on the clerk's screen); connect it, or set "
                                                    "terminal.customer_screen = \"off\"")
        return
    name, width, height = others[0]
    _against_least(findings, "applicant's screen", name, width, height,
                   "its signature pad and evaluation do not fit; set its mode higher (xrandr) or use a larger monitor",
                   applicants=True)


def check_window_register(client, config: Config, findings: Findings) -> None:
    """A window's clerk says which paper was checked at the counter; the backend takes that only from a terminal
    its hall registered as a window (docs/api/payloads.md, "Forms"). Asked by enrolling, as the terminal does when
    it starts: a window left off the register would have every such case refused, those accepted offline too; a
    kiosk on it could vouch for paper nobody checked."""
    from kiosk import __version__
    from kiosk.installation import installation_id

    mode = config.terminal.mode
    try:
        reply = client.enrol(config.terminal.hall_id, __version__, mode, installation_id(config.data_dir))
    except Exception as exc:
        findings.add("WARN", "window register", f"not asked: {_plain(exc)}")
        return
    check_terminal_id(reply.get("id_shared"), config.terminal.id, findings)
    said = reply.get("window")
    if mode == "kiosk":
        if said is True:
            findings.add("FAIL", "window register", f"kiosk {config.terminal.id} is on the hall's register of "
                                                    "windows: it could say paper was checked at a counter. Ask the "
                                                    "hall's administrator to take it off.")
        return
    if said is True:
        findings.add("OK", "window register", f"terminal {config.terminal.id} is registered as one of the hall's "
                                              "windows")
    elif said is False:
        findings.add("FAIL", "window register", f"terminal {config.terminal.id} is not registered as a window: the "
                                                "backend will refuse every case whose paper the clerk checked at the "
                                                "counter (403 not_a_window), those accepted offline too. Ask the "
                                                "hall's administrator to register it.")
    else:
        findings.add("WARN", "window register", "the backend does not say whether this terminal is registered as "
                                                "a window")


def check_terminal_id(shared: object, terminal_id: str, findings: Findings) -> None:
    """Another installation speaks under this terminal's id (kiosk/installation.py): a site file copied from another
    terminal, or an image cloned with it."""
    if shared is True:
        findings.add("FAIL", "terminal id", f"the backend hears {terminal_id} from another terminal too (within the "
                                            "last 10 minutes): give each terminal its own terminal.id in its site "
                                            "file; the hall's list, a window's audit trail and the provisional "
                                            "numbers are kept apart by it")
    elif shared is False:
        findings.add("OK", "terminal id", f"{terminal_id} is this terminal's alone")


def check_queue(config: Config, findings: Findings) -> None:
    from entry.console_audit import not_the_terminals_user
    from kiosk.queue_setup import damaged_keys, open_outbox

    if not_the_terminals_user(config):  # opening it would make its key, or its files, this account's
        findings.add("WARN", "offline queue", f"not opened: {config.data_dir} is another account's; run kiosk doctor "
                                              f"as the terminal's user to check it")
        return
    try:
        outbox = open_outbox(config)
    except Exception as exc:
        findings.add("FAIL", "offline queue", _plain(exc))
        return
    try:
        status = outbox.status()
        counts = status["counts"]
        stuck = counts.get("dead", 0) + counts.get("quarantined", 0) + counts.get("held", 0)
        text = ", ".join(f"{state} {n}" for state, n in counts.items())
        if status["recovered_from"]:
            text += f"; a damaged database is kept in {status['recovered_from']}"
        damaged = damaged_keys(config)
        if damaged:
            text += (f"; a damaged key was set aside as {damaged[-1]} and a new one made: items sealed under the old "
                     f"key cannot be read and are held for staff (quarantined); remove {damaged[-1].name} once "
                     f"they are settled")
        findings.add("WARN" if stuck or status["recovered_from"] or damaged else "OK", "offline queue", text)
    finally:
        outbox.close()


def check_disk(config: Config, findings: Findings) -> None:
    path = config.data_dir
    while not path.exists() and path != path.parent:
        path = path.parent
    free_mb = shutil.disk_usage(path).free / 1e6
    from kiosk.disk_check import unwritable

    problem = unwritable(config.data_dir)
    if problem is not None:  # the terminal shows it is out of order (ui/out_of_order.py)
        findings.add("FAIL", "disk", f"cannot write: {problem}; the terminal is out of order until it can "
                                     f"({free_mb:,.0f} MB free)")
        return
    findings.add("WARN" if free_mb < MIN_FREE_MB else "OK", "disk", f"{free_mb:,.0f} MB free under {config.data_dir}")


def check_restarts(config: Config, findings: Findings, now: float | None = None) -> None:
    """What ``kiosk supervise`` restarted in the last day, the newest few listed (kiosk/restarts.py)."""
    from kiosk.liveness import STACKS_FILE
    from kiosk.logging_setup import log_dir
    from kiosk.restarts import Reason, RestartLog, of_the_day

    now = time.time() if now is None else now
    restarts = RestartLog(config.data_dir)
    today = of_the_day(restarts.recent(), now)
    if not today:
        findings.add("OK", "restarts", "none in the last 24 hours")
        return
    froze = sum(1 for r in today if r.reason is Reason.FROZE)
    findings.add("WARN", "restarts", f"{len(today)} in the last 24 hours ({froze} after a freeze; record: "
                                     f"{restarts.path})")
    for restart in today[-RESTARTS_LISTED:]:
        findings.more(restart.line())
    if froze:
        findings.more(f"the frozen terminal's threads' stacks: {log_dir(config.data_dir) / STACKS_FILE}")


def _plain(exc: BaseException) -> str:
    message = getattr(exc, "message", None)
    if message is not None and hasattr(message, "render"):
        detail = getattr(exc, "detail", "")
        return message.render() + (f" [{detail}]" if detail else "")
    return f"{type(exc).__name__}: {exc}"
