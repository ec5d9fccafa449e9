"""What must hold for any input to the terminal's parsers: the properties that fuzzing checks.

Each parser returns a valid result or raises only its own typed error, never ``IndexError``,
``UnicodeDecodeError``, ``ValueError`` or ``RecursionError``; where an encoder exists, what it
makes parses back to what it was made from; and a configuration either loads with every number
finite and inside its bounds or is refused with a :class:`~common.options.ConfigError` that names
the key (or, for a file that cannot be read as TOML at all, the file).

A check is a plain function that raises (``AssertionError`` or the parser's own escaped error) on a
violation. :data:`TARGETS` pairs each with its strategy from :mod:`entry.bench.fuzz_strategies`;
``tests/test_fuzz_*.py`` run them with the small fixed budget of the test profile, ``kiosk bench
fuzz`` with a large budget and random seeds.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import reprlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from hypothesis import given
from hypothesis import strategies as st

from common import provisional
from common.domain import CardType, Identity
from common.errors import OneTripError
from common.i18n import set_language
from common.options import ConfigError
from devices.idcard import frames as f
from devices.idcard.base import IdCardError
from devices.idcard.photo import OUT_CAPACITY, PhotoDecoder, _as_bmp, is_placeholder
from devices.idcard.text_block import encode_text_block, parse_text_block
from devices.docprinter import cups_reach, ipp, printer_reasons, snmp
from devices.qr.serial_scanner import split_scans
from devices.qr.text import _ZXING_GUESSES, _strict, decode_bytes, reconcile
from entry.bench import fuzz_strategies as s
from entry.bench.toml_text import toml_document
from kiosk import config as kconfig
from kiosk import screen_blanking
from kiosk.payloads import MAX_LENGTH, PayloadKind, classify, is_case_number

# -- shared checks ------------------------------------------------------------------------------


def _readable(exc: OneTripError) -> None:
    """A typed error carries a message a person can read, in both languages."""
    for language in ("zh_CN", "en"):
        set_language(language)
        assert str(exc.message).strip(), f"{type(exc).__name__} has an empty message"
    set_language("zh_CN")


# -- SAM frames ---------------------------------------------------------------------------------


def frame_parses_or_frame_error(frame: bytes) -> None:
    """A frame is a reply (that re-encodes to the same bytes) or a FrameError; so is its command reading."""
    try:
        reply = f.parse_reply(frame)
    except f.FrameError as exc:
        _readable(exc)
    else:
        assert bytes(f.build_reply(reply.sw3, reply.data, sw1=reply.sw1, sw2=reply.sw2)) == frame
        for with_fingerprint in (False, True):
            try:
                parts = f.split_card_data(reply.data, with_fingerprint=with_fingerprint)
            except f.FrameLengthError as exc:
                _readable(exc)
            else:
                assert len(parts.text) + len(parts.photo) + len(parts.fingerprint) <= len(reply.data)
        try:
            f.check(reply)
        except IdCardError as exc:
            _readable(exc)
        else:
            assert reply.sw3 == f.SW_SUCCESS
    try:
        code, para, data = f.parse_command(frame)
    except f.FrameError as exc:
        _readable(exc)
    else:
        assert f.build_command(f.Command(code, para, ""), data) == frame


def _resync(buffer: bytearray) -> list[bytes]:
    """The driver's receive loop (SerialLink.read_frame and skip_false_start) over a whole buffer."""
    found_frames = []
    for _ in range(len(buffer) + 1):
        found = f.scan(buffer, end=len(buffer))
        assert 0 <= found.start <= len(buffer), found
        del buffer[:found.start]
        if found.end is None:
            assert found.needed > 0, found
            return found_frames
        size = found.end - found.start
        assert f.HEADER_LEN + f.MIN_BODY <= size <= len(buffer), found
        assert bytes(buffer[:len(f.PREAMBLE)]) == f.PREAMBLE
        try:
            f.parse_reply(bytes(buffer[:size]))
        except f.FrameChecksumError:
            del buffer[:1]  # a false start: skip one byte and look again
        else:
            found_frames.append(bytes(buffer[:size]))
            del buffer[:size]
    raise AssertionError("the receive loop made no progress")


def scan_resynchronises(noise: bytes) -> None:
    """Scanning any bytes finds frames that parse, skips the rest, and always makes progress."""
    for frame in _resync(bytearray(noise)):
        f.parse_reply(frame)


def stream_gives_back_its_frames(case: tuple[bytes, list[bytes]]) -> None:
    """Frames in garbage that holds no preamble, written to a pty, come out of the driver's own
    SerialLink (read_frame, skip_false_start, release, as SerialSamIdReader._transact uses them)
    exactly, in order."""
    import os
    import pty
    import threading
    import time
    import tty

    from devices.idcard.serial_link import ReplyTimeoutError, SerialLink

    stream, sent = case
    replies = [frame for frame in sent if len(frame) >= f.HEADER_LEN + f.MIN_BODY]
    master, slave = pty.openpty()
    tty.setraw(slave)
    link = SerialLink(os.ttyname(slave))
    os.set_blocking(master, False)
    stop = threading.Event()
    writer = threading.Thread(target=_write_all, args=(master, stream, stop), daemon=True)
    got: list[bytes] = []
    try:
        link.open(115200)
        writer.start()
        while len(got) < len(replies):
            try:
                frame = link.read_frame(time.monotonic() + 2.0, gap_s=0.2)
            except ReplyTimeoutError:
                break
            try:
                f.parse_reply(frame)
            except f.FrameError:
                link.skip_false_start(frame)
                continue
            got.append(bytes(frame))
            link.release(frame)
    finally:
        stop.set()
        writer.join(5.0)
        link.close()
        if writer.is_alive():  # its descriptor's number, closed, could be another file's by its next write
            raise AssertionError("the pty's writer did not stop")
        os.close(master)
        os.close(slave)
    assert got == replies


def _write_all(fd: int, data: bytes, stop) -> None:
    """Write ``data`` to a non-blocking ``fd`` until it is all taken or ``stop`` is set (the reader gave up, and a
    full pty would hold a blocking write for ever)."""
    import os
    import select

    view = memoryview(data)
    while view and not stop.is_set():
        _, ready, _ = select.select([], [fd], [], 0.05)
        if ready:
            try:
                view = view[os.write(fd, view):]
            except BlockingIOError:
                pass


def cut_frame_waits_for_the_rest(case: tuple[bytes, float]) -> None:
    """A frame cut anywhere is reported incomplete, asking for no more bytes than are missing."""
    frame, where = case
    for cut in {0, 1, 5, 6, 7, min(int(where * len(frame)), len(frame) - 1), len(frame) - 1}:
        found = f.scan(frame, end=cut)
        assert found.end is None and 0 < found.needed <= len(frame) - cut, (cut, found)
    assert f.scan(frame) == f.Scan(0, len(frame), 0)


def card_data_round_trips(parts: tuple[bytes, bytes, bytes | None]) -> None:
    text, photo, fingerprint = parts
    reply = f.check(f.parse_reply(f.card_data_reply(text, photo, fingerprint)))
    split = f.split_card_data(reply.data, with_fingerprint=fingerprint is not None)
    assert (bytes(split.text), bytes(split.photo), bytes(split.fingerprint)) == (text, photo, fingerprint or b"")


# -- text blocks --------------------------------------------------------------------------------

_SHAPES = {
    CardType.RESIDENT: re.compile(r"[1-6][0-9]{16}[0-9X]", re.ASCII),
    CardType.HMT_RESIDENCE: re.compile(r"8[123][0-9]{15}[0-9X]", re.ASCII),
    CardType.FOREIGNER_2017: re.compile(r"[A-Z]{3}[0-9]{12}", re.ASCII),
    CardType.FOREIGNER_2023: re.compile(r"9[0-9]{16}[0-9X]", re.ASCII),
}
_COMPARED = ("id_number", "name", "card_type", "gender", "nation", "birth_date", "address", "issuer", "valid_from",
             "valid_to", "name_en", "nationality", "pass_number", "issue_count", "renewal_count", "card_version")


def _personal_texts(block: bytes) -> list[str]:
    """Runs of four or more characters in the block: a detail must not carry any of them, unless the run is the
    parser's own word (a card whose name field reads "date" is not leaked by "birth_date is not a calendar date":
    kiosk bench fuzz, seed 4811)."""
    decoded = bytes(block[:len(block) - len(block) % 2]).decode("utf-16-le", "replace")
    return [run for run in re.split(r"[ \x00\ufffd]+", decoded) if len(run) >= 4 and run not in _parsers_words()]


@functools.lru_cache(maxsize=1)
def _parsers_words() -> str:
    """What the text block's parser says in its details of its own: its source's text and the card types' names."""
    import devices.idcard.text_block as parser

    return Path(parser.__file__).read_text(encoding="utf-8") + " ".join(t.value for t in CardType)


def text_block_parses_or_card_error(block: bytes) -> None:
    """A text block gives an Identity (checked: a valid number of its type, real dates in order, not
    expired) or an IdCardError whose detail carries no card data."""
    personal = _personal_texts(block) if len(block) == s.TEXT_LEN else []
    for check in (True, False):
        try:
            identity = parse_text_block(block, today=s.TODAY, check=check)
        except IdCardError as exc:
            _readable(exc)
            leaked = [run for run in personal if run in exc.detail]
            assert not leaked, f"{type(exc).__name__} detail {exc.detail!r} carries card text"
            continue
        assert isinstance(identity, Identity)
        if check:
            number = identity.id_number
            assert _SHAPES[identity.card_type].fullmatch(number), number.encode("unicode_escape")
            assert identity.birth_date is not None and identity.valid_from is not None
            assert identity.birth_date <= s.TODAY and identity.birth_date <= identity.valid_from
            assert identity.valid_to is None or identity.valid_to >= max(identity.valid_from, s.TODAY)


def identity_round_trips(identity: Identity) -> None:
    """What the simulator encodes, the reader parses back, field for field, and accepts."""
    parsed = parse_text_block(encode_text_block(identity), today=identity.valid_from)
    for name in _COMPARED:
        assert getattr(parsed, name) == getattr(identity, name), (name, getattr(parsed, name), getattr(identity, name))


def photo_gives_a_bitmap(case: tuple[bytes, bytes]) -> None:
    """Whatever the card's photo bytes, or a vendor library's output, the reader gets a 24-bit BMP."""
    compressed, vendor_output = case
    assert is_placeholder(PhotoDecoder().decode(compressed))  # no vendor library: the placeholder
    out = bytearray(OUT_CAPACITY)
    out[:len(vendor_output)] = vendor_output[:OUT_CAPACITY]
    bmp = _as_bmp(memoryview(out))
    assert bytes(bmp[:2]) == b"BM" and 54 < len(bmp) <= OUT_CAPACITY


# -- QR payloads --------------------------------------------------------------------------------

_USABLE = {PayloadKind.IDENTITY_TOKEN, PayloadKind.RECEIPT, PayloadKind.LICENCE, PayloadKind.PAYMENT_ORDER}
_FIELD_RULES: dict[str, Callable[[str], bool]] = {
    "token": lambda v: re.fullmatch(r"[A-Za-z0-9_-]{8,128}", v) is not None,
    "case_number": is_case_number,
    "provisional_number": provisional.is_valid,
    "licence_id": lambda v: re.fullmatch(r"[A-Z0-9][A-Z0-9-]{0,63}", v) is not None,
    "code": lambda v: re.fullmatch(r"[A-Z2-7]{8}", v) is not None,
    "order_id": lambda v: re.fullmatch(r"[A-Z0-9][A-Z0-9-]{0,63}", v) is not None,
    "amount": lambda v: re.fullmatch(r"(0|[1-9][0-9]{0,8})\.[0-9]{2}", v) is not None,
}


def _printable_ascii(value: str) -> bool:
    return all(" " <= ch <= "~" for ch in value)


def payload_is_classified(scanned: str) -> None:
    """Any text gets a kind; only our valid formats are usable; everything else carries a plain
    message; nothing too long or outside printable ASCII passes; the log detail never holds the text."""
    payload = classify(scanned)
    assert isinstance(payload.kind, PayloadKind)
    assert payload.usable == (payload.kind in _USABLE) == (payload.message is None), payload
    if payload.message is not None:
        for language in ("zh_CN", "en"):
            set_language(language)
            assert str(payload.message).strip()
        set_language("zh_CN")
    stripped = scanned.rstrip("\r\n")
    if len(scanned) > MAX_LENGTH or not stripped or not _printable_ascii(stripped):
        assert payload.kind is PayloadKind.REJECTED, payload
    for name, value in payload.fields.items():
        if payload.usable:
            assert _FIELD_RULES[name](value), (name, value)
            assert value in scanned
    if len(scanned) >= 12:
        assert scanned not in payload.detail


def validators_answer_any_text(scanned: str) -> None:
    """The case and provisional number checks say yes or no to any text, and yes only to printable ASCII."""
    for value in {scanned, scanned.partition(":")[2]}:
        for valid in (is_case_number, provisional.is_valid):
            answer = valid(value)
            assert answer in (True, False) and (not answer or _printable_ascii(value)), (valid.__name__, value)


def payload_round_trips(case: tuple[str, str, dict[str, str]]) -> None:
    scanned, kind, fields = case
    payload = classify(scanned)
    assert (payload.kind.value, payload.fields) == (kind, fields)
    if len(scanned) + 2 <= MAX_LENGTH:  # a scanner's line ending changes nothing
        assert classify(scanned + "\r\n") == payload


def wrong_check_is_invalid(scanned: str) -> None:
    assert classify(scanned).kind is PayloadKind.INVALID


# -- QR text ------------------------------------------------------------------------------------


def bytes_give_text(raw: bytes) -> None:
    decoded = decode_bytes(raw)
    assert isinstance(decoded, str)
    if raw.isascii():
        assert decoded == raw.decode("ascii")
    assert reconcile(raw, None) == decoded


def utf8_round_trips(value: str) -> None:
    assert decode_bytes(value.encode("utf-8")) == value


def zxing_reading_reconciles(case: tuple[bytes, str | None]) -> None:
    """Whatever zxing-cpp reports, reconcile gives text; a text no guess of zxing's reproduces came
    from an ECI and is kept as it is."""
    raw, reported = case
    decoded = reconcile(raw, reported)
    assert isinstance(decoded, str)
    guesses = {_strict(raw, codec) for codec in _ZXING_GUESSES}
    if reported and reported not in guesses:
        assert decoded == reported


def scanner_stream_splits(stream: bytes) -> None:
    """A serial scanner's bytes split into non-empty scans without line endings, losing nothing else."""
    scans, rest = split_scans(stream)
    assert all(scan and b"\r" not in scan and b"\n" not in scan for scan in scans)
    assert b"\r" not in rest and b"\n" not in rest
    assert b"".join(scans) + rest == stream.replace(b"\r", b"").replace(b"\n", b"")


# -- configuration ------------------------------------------------------------------------------


def _numbers(value: Any) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [value]
    if isinstance(value, (list, tuple)):
        return [n for item in value for n in _numbers(item)]
    return []


def _sound(config: kconfig.Config) -> None:
    """Every number finite and within its bounds; no NUL in any text."""
    for name, cls in kconfig._SECTIONS.items():
        section = getattr(config, name)
        for fld in dataclasses.fields(cls):
            value = getattr(section, fld.name)
            where = f"[{name}] {fld.name} = {value!r}"
            for number in _numbers(value):
                assert math.isfinite(number), f"accepted {where}"
                lo, hi = fld.metadata.get("min"), fld.metadata.get("max")
                assert (lo is None or number >= lo) and (hi is None or number <= hi), f"accepted {where}"
            if isinstance(value, str):
                assert "\x00" not in value, f"accepted {where}"
            if fld.metadata.get("choices"):
                assert value in fld.metadata["choices"], f"accepted {where}"
            if fld.metadata.get("pattern"):
                assert re.fullmatch(fld.metadata["pattern"], value), f"accepted {where}"
    for kind in kconfig.DEVICE_KINDS:
        options = config.device(kind).options
        values = dataclasses.asdict(options) if dataclasses.is_dataclass(options) else dict(options)
        for key, value in values.items():
            for number in _numbers(value):
                assert math.isfinite(number), f"accepted [devices.{kind}] {key} = {value!r}"
            if isinstance(value, str):
                assert "\x00" not in value, f"accepted [devices.{kind}] {key} = {value!r}"


def _names(layer: Any) -> set[str]:
    """Every key and section name in a layer, at any depth."""
    found: set[str] = set()
    stack = [layer]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.update(str(k) for k in node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _names_the_key(exc: ConfigError, origin: str, layer: Any, *, file_level_ok: bool = False) -> None:
    message = str(exc)
    assert message.startswith(origin), f"{message!r} does not name {origin!r}"
    _readable(exc)
    if file_level_ok:
        return  # a file that is not TOML at all, or refused as a whole, is named by its path
    if isinstance(layer, dict) and layer:
        assert any(name and name in message for name in _names(layer)), f"{message!r} names no key of the layer"


def _parsed(document: bytes) -> Any:
    import tomllib

    try:
        return tomllib.loads(document.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
        return None


def config_file_loads_or_names_the_key(case: tuple[bytes, dict[str, str]]) -> None:
    """A site file (and environment) load into a sound Config, or a ConfigError names the key or file."""
    document, env = case
    with tempfile.TemporaryDirectory(prefix="onetrip-fuzz-") as folder:
        path = Path(folder) / "site.toml"
        path.write_bytes(document)
        try:
            config = kconfig.load_config(path, environ=env)
        except ConfigError as exc:
            if str(exc).startswith("environment"):
                _names_the_key(exc, "environment", kconfig.env_layer(env) if _env_ok(env) else env)
            else:
                parsed = _parsed(document)
                _names_the_key(exc, str(path), parsed, file_level_ok=parsed is None or _deep(parsed))
            return
    _sound(config)


def _env_ok(env: dict[str, str]) -> bool:
    try:
        kconfig.env_layer(env)
    except ConfigError:
        return False
    return True


def _deep(layer: Any, limit: int = 8) -> bool:
    """Nested deeper than any configuration is: a loader may refuse it as a whole."""
    stack = [(layer, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return False


def valid_config_loads(table: dict[str, Any]) -> None:
    """Known keys with values of their type inside their bounds are accepted, as they are."""
    with tempfile.TemporaryDirectory(prefix="onetrip-fuzz-") as folder:
        path = Path(folder) / "site.toml"
        path.write_text(toml_document(table), encoding="utf-8")
        config = kconfig.load_config(path, environ={})
    _sound(config)
    for name, values in table.items():
        for key, value in values.items():
            assert getattr(getattr(config, name), key) == value, (name, key)


def env_loads_or_names_the_key(env: dict[str, str]) -> None:
    try:
        config = kconfig.load_config(environ=env)
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith("environment"), message
        _readable(exc)
        names = {n.lower() for n in env} | {part for n in env for part in n[len("KIOSK_"):].lower().split("__")}
        assert any(name and name in message.lower() for name in names), f"{message!r} names no variable or key"
        return
    _sound(config)


def valid_env_loads(case: tuple[dict[str, Any], dict[str, str]]) -> None:
    """Known keys with valid values, as environment text, are accepted and parsed to those values."""
    table, env = case
    config = kconfig.load_config(environ=env)
    _sound(config)
    for name, values in table.items():
        for key, value in values.items():
            assert getattr(getattr(config, name), key) == value, (name, key)


def remote_applies_or_names_the_key(remote: Any) -> None:
    """Remote keys are applied to a sound Config or refused with a ConfigError naming the key."""
    try:
        config = kconfig.apply_remote(kconfig.Config(), remote, environ={})
    except ConfigError as exc:
        _names_the_key(exc, "remote configuration", remote, file_level_ok=not isinstance(remote, dict) or _deep(remote))
        return
    _sound(config)


# -- what runs --------------------------------------------------------------------------------


def _example_repr() -> reprlib.Repr:
    shown = reprlib.Repr()
    shown.maxstring = shown.maxother = 3000
    shown.maxlist = shown.maxtuple = shown.maxdict = shown.maxset = 50
    shown.maxlevel = 8
    return shown


_EXAMPLE = _example_repr()


# -- QR symbols: the erasure pass ---------------------------------------------------------------


def _report(corners: list[float], version: str) -> Any:
    """A located-but-unread symbol as zxing-cpp's ``return_errors=True`` hands it over."""
    from types import SimpleNamespace as ns

    points = [ns(x=corners[i], y=corners[i + 1]) for i in range(0, 8, 2)]
    return ns(valid=False, extra={"Version": version},
              position=ns(top_left=points[0], top_right=points[1], bottom_right=points[2], bottom_left=points[3]))


def erasure_reads_the_code_or_nothing(case: tuple[Any, str, list[tuple[list[float], str]]]) -> None:
    """Whatever the image and whatever zxing-cpp reports of where a symbol is and which version, the
    erasure pass (flat grid and bent grid) raises nothing and reads the text drawn or nothing."""
    import warnings

    from devices.qr import erasure

    gray, text, reports = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NaN corners: numpy's own warnings, not ours
        found = erasure.read(gray, [_report(corners, version) for corners, version in reports])
    assert all(read.text == text for read, _ in found), f"read {[r.text for r, _ in found]!r} from {text!r}"


@dataclass(frozen=True)
class Property:
    name: str
    strategy: Callable[[], st.SearchStrategy]
    check: Callable[[Any], None]

    def test(self, on_example: Callable[[], None] | None = None) -> Callable[[], None]:
        """The check as a hypothesis test (under the settings in force, or a ``settings`` decorator)."""
        check = self.check

        def run(value: Any) -> None:
            if on_example is not None:
                on_example()
            try:
                check(value)
            except Exception as exc:
                # Our own note of the example: schemathesis's pytest plugin blanks hypothesis's ("value=,").
                exc.add_note(f"Example: {_EXAMPLE.repr(value)}")
                raise

        run.__name__ = run.__qualname__ = self.name  # the derandomised seed follows the name
        return given(self.strategy())(run)


def ipp_answer_reads_or_ipp_error(answer: bytes) -> None:
    """Whatever CUPS (or anything on its socket) answers, the A4 printer's driver reads a state, the reasons, or
    IppError: nothing else escapes into the print worker."""
    for read in (ipp.job_state, ipp.printer_state, lambda a: ipp.keywords(a, "printer-state-reasons")):
        try:
            said = read(answer)
        except ipp.IppError:
            continue
        assert said and (isinstance(said, str) or all(isinstance(reason, str) for reason in said)), said
        if isinstance(said, list):
            printer_reasons.stopping(said)  # whatever the reasons, said or not: never raises
    trays = [value for _tag, value in _values_or_none(answer, "printer-input-tray")]
    assert printer_reasons.trays_empty(trays) in (True, False, None)  # any tray's bytes: read or not known


def _values_or_none(answer: bytes, name: str) -> list[tuple[int, bytes]]:
    try:
        return ipp.values(answer, name)
    except ipp.IppError:
        return []


def http_answer_is_whole_or_ipp_error(said: bytes) -> None:
    """Whatever comes back on a printer's connection: the length it says its answer has (past its head), or not
    yet, or IppError; then the body of a whole one read, or IppError."""
    try:
        whole = ipp.answer_length(said)
    except ipp.IppError:
        return
    assert whole is None or whole >= said.index(b"\r\n\r\n") + 4, whole
    try:
        ipp_answer_reads_or_ipp_error(ipp.http_body(said[:whole] if whole is not None else said))
    except ipp.IppError:
        pass


def snmp_answer_reads_or_snmp_error(answer: bytes) -> None:
    """Whatever comes back on a printer's SNMP port: its error state read into reasons, or SnmpError."""
    try:
        value = snmp.response_value(answer, 7)
    except snmp.SnmpError:
        return
    said = snmp.reasons(value)
    assert said and all(isinstance(reason, str) for reason in said), said
    printer_reasons.stopping(said)


def device_uri_gives_an_address_or_nothing(uri: str) -> None:
    """lpstat's device URI read into a network printer's (host, port) or None, and a USB printer's matched."""
    address = cups_reach.network_address(uri)
    assert address is None or (address[0] and 0 < address[1] < 65536), address
    cups_reach.usb_listed(f"direct {uri}\nnetwork socket\n", uri)
    cups_reach.device_uri(f"device for Q: {uri}\n", "Q")
    asked = ipp.printer_uri(uri)  # an IPP printer to ask its own state: a URI to name, an address, a path
    if asked is not None:
        named, host, port, path, _tls = asked
        assert named.startswith(("ipp://", "ipps://")) and host and 0 < port < 65536 and path.startswith("/"), asked
        ipp.device_state_request(named, "kiosk")


def xset_output_parses_or_nothing(said: str) -> None:
    blanking = screen_blanking.parse(said)
    assert blanking is None or blanking.saver_s >= 0, blanking


TARGETS: dict[str, tuple[Property, ...]] = {
    "frames": (
        Property("frame_parses_or_frame_error", s.frame_inputs, frame_parses_or_frame_error),
        Property("scan_resynchronises", lambda: st.one_of(s.preamble_noise(), s.mutated_frames(), st.binary()),
                 scan_resynchronises),
        Property("stream_gives_back_its_frames", s.framed_streams, stream_gives_back_its_frames),
        Property("cut_frame_waits_for_the_rest",
                 lambda: st.tuples(st.one_of(s.valid_replies(), s.card_data_replies()), st.floats(0, 1)),
                 cut_frame_waits_for_the_rest),
        Property("card_data_round_trips", s.card_data_parts, card_data_round_trips),
    ),
    "textblock": (
        Property("text_block_parses_or_card_error", s.text_blocks, text_block_parses_or_card_error),
        Property("identity_round_trips", s.valid_identities, identity_round_trips),
        Property("photo_gives_a_bitmap", lambda: st.tuples(s.photo_bytes(), s.vendor_photo_output()),
                 photo_gives_a_bitmap),
    ),
    "payloads": (
        Property("payload_is_classified", s.payload_strings, payload_is_classified),
        Property("validators_answer_any_text", s.payload_strings, validators_answer_any_text),
        Property("payload_round_trips", s.valid_payloads, payload_round_trips),
        Property("wrong_check_is_invalid", s.wrong_check_numbers, wrong_check_is_invalid),
    ),
    "qrtext": (
        Property("bytes_give_text", s.qr_bytes, bytes_give_text),
        Property("utf8_round_trips", s.utf8_texts, utf8_round_trips),
        Property("zxing_reading_reconciles", s.zxing_readings, zxing_reading_reconciles),
        Property("scanner_stream_splits", s.scanner_streams, scanner_stream_splits),
    ),
    "qrsymbol": (
        Property("erasure_reads_the_code_or_nothing", s.located_symbols, erasure_reads_the_code_or_nothing),
    ),
    "printer": (
        Property("ipp_answer_reads_or_ipp_error", s.ipp_inputs, ipp_answer_reads_or_ipp_error),
        Property("device_uri_gives_an_address_or_nothing", s.device_uris, device_uri_gives_an_address_or_nothing),
        Property("http_answer_is_whole_or_ipp_error", s.http_answers, http_answer_is_whole_or_ipp_error),
        Property("snmp_answer_reads_or_snmp_error", s.snmp_inputs, snmp_answer_reads_or_snmp_error),
        Property("xset_output_parses_or_nothing", s.xset_outputs, xset_output_parses_or_nothing),
    ),
    "config": (
        Property("config_file_loads_or_names_the_key",
                 lambda: st.tuples(s.toml_documents(), st.one_of(st.just({}), s.valid_env_dicts().map(lambda c: c[1]))),
                 config_file_loads_or_names_the_key),
        Property("valid_config_loads", s.valid_config_tables, valid_config_loads),
        Property("env_loads_or_names_the_key", s.env_dicts, env_loads_or_names_the_key),
        Property("valid_env_loads", s.valid_env_dicts, valid_env_loads),
        Property("remote_applies_or_names_the_key", s.remote_tables, remote_applies_or_names_the_key),
    ),
}
