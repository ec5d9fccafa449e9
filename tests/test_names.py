"""The backend and a network printer reached by their host names while the hall's DNS is away (common/names.py).

The calls are made from a process whose /etc/resolv.conf names a real DNS server of the rig's (a UDP server on port 53
speaking RFC 1035, entry/bench/dns_server.py) and nothing else, so glibc's own resolver asks it as it would the
hall's (entry/bench/name_lookup.py, a private mount namespace: root). Before, a server that took the question and
never answered held each new connection for glibc's whole wait (timeout x attempts x servers: 10 s by default) before
the connect timeout even began, though the backend was up."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import time

import pytest

from entry.bench.dns_server import DnsServer, answer, question
from entry.bench.name_lookup import LookupProcess
from common.names import STAGGER_S, STALE_WAIT_S, Names, connect_first
from sandbox.server import SandboxServer

NAME = "backend.hall.test"
SLOW_RESOLVER = "timeout:4 attempts:1"  # glibc waits 4 s for a server that does not answer


@pytest.fixture
def backend():
    with SandboxServer() as server:
        yield f"http://{NAME}:{server.url.rsplit(':', 1)[1]}"


def test_a_name_never_answered_fails_within_the_connect_timeout_as_a_line_down(backend):
    with DnsServer(NAME, "silent") as dns, LookupProcess(dns.resolv_conf(SLOW_RESOLVER)) as calls:
        [call] = calls.call("client", backend, connect_s=1.0, read_s=3.0)
        assert not call["ok"] and "OfflineError" in call["said"]
        assert 0.9 <= call["s"] < 2.0, call  # glibc alone: 4 s
        assert dns.asked >= 1  # the resolver did ask the server
        assert "did not answer within 1.0 s, and no address of it is known" in calls.log.read_text()


def test_its_last_addresses_are_used_while_the_dns_does_not_answer_and_its_answer_again_after(backend):
    with DnsServer(NAME) as dns, LookupProcess(dns.resolv_conf(SLOW_RESOLVER), fresh_s=0) as calls:
        [first] = calls.call("client", backend, connect_s=1.0, read_s=3.0)
        assert first["ok"] and first["said"] == "15 services" and first["stale"] == []
        dns.mode = "fail"  # SERVFAIL: said at once, and the addresses known are used
        [failed] = calls.call("client", backend, connect_s=1.0, read_s=3.0)
        assert failed["ok"] and failed["s"] < STALE_WAIT_S, failed
        dns.mode = "silent"
        [stale] = calls.call("client", backend, connect_s=1.0, read_s=3.0)
        assert stale["ok"], stale
        assert STALE_WAIT_S - 0.05 <= stale["s"] < STALE_WAIT_S + 0.5, stale
        assert "connecting to its last known addresses 127.0.0.1" in calls.log.read_text()
        assert stale["stale"] == [[NAME, ["127.0.0.1"]]]  # what maintenance says (kiosk.diagnostics.names_text)
        dns.mode = "answer"
        [again] = calls.call("client", backend, connect_s=1.0, read_s=3.0, timeout_s=30)
        assert again["ok"]  # the silent lookup may still be under way (glibc's 4 s): its addresses are used meanwhile


def test_a_server_failure_with_no_address_known_fails_at_once(backend):
    with DnsServer(NAME, "fail") as dns, LookupProcess(dns.resolv_conf(SLOW_RESOLVER)) as calls:
        [call] = calls.call("client", backend, connect_s=1.0, read_s=3.0)
        assert not call["ok"] and call["s"] < 0.5 and "OfflineError" in call["said"]


def test_calls_at_once_share_one_lookup(backend):
    with DnsServer(NAME, "silent") as dns, LookupProcess(dns.resolv_conf(SLOW_RESOLVER)) as calls:
        made = calls.call("client", backend, connect_s=1.0, read_s=3.0, together=6)
        assert len(made) == 6 and not any(call["ok"] for call in made)
        assert max(call["s"] for call in made) < 2.0, made
        assert dns.asked <= 2  # one getaddrinfo: its A and AAAA questions, not six


def test_tls_is_checked_under_the_name_though_the_connection_is_made_to_its_address(tmp_path):
    cert, key = _certificate_for(NAME, tmp_path)
    with SandboxServer(ssl_certfile=str(cert), ssl_keyfile=str(key)) as server, DnsServer(NAME) as dns, \
            LookupProcess(dns.resolv_conf(SLOW_RESOLVER)) as calls:
        url = f"https://{NAME}:{server.url.rsplit(':', 1)[1]}"
        [trusted] = calls.call("client", url, connect_s=1.0, read_s=3.0, ca_bundle=str(cert))
        assert trusted["ok"], trusted
        [untrusted] = calls.call("client", url, connect_s=1.0, read_s=3.0)  # the system's store: not trusted
        assert not untrusted["ok"] and "TlsError" in untrusted["said"]  # an AuthError: nothing was sent
        by_address = server.url  # the same certificate names no address: refused, so the name was what TLS saw
        [refused] = calls.call("client", by_address, connect_s=1.0, read_s=3.0, ca_bundle=str(cert))
        assert not refused["ok"] and "TlsError" in refused["said"]


def test_kiosk_doctor_says_the_name_s_addresses_a_slow_dns_and_one_that_does_not_answer(backend):
    with DnsServer(NAME) as dns, LookupProcess(dns.resolv_conf("timeout:2 attempts:1")) as calls:
        [found] = calls.call("doctor", backend, 0, 0)
        assert found["ok"] and found["said"].startswith(f"OK    backend name: {NAME} is 127.0.0.1 (")
        dns.mode = "silent"
        [gone] = calls.call("doctor", backend, 0, 0)
        assert not gone["ok"] and gone["said"].startswith(f"FAIL  backend name: {NAME} does not resolve (")
        assert "check this terminal's DNS server" in gone["said"]
    with DnsServer(NAME, "silent") as silent, DnsServer(NAME) as answering:
        slow = f"nameserver {silent.host}\nnameserver {answering.host}\noptions timeout:2 attempts:1\n"
        with LookupProcess(slow) as calls:  # the first server does not answer; glibc asks the second after 2 s
            [late] = calls.call("doctor", backend, 0, 0)
            assert late["said"].startswith(f"WARN  backend name: {NAME} is 127.0.0.1, but the DNS took 2."), late


def test_a_network_printer_by_name_is_given_up_within_the_bound_and_reached_at_its_last_address(backend):
    """A receipt printer, a CUPS server or a printer CUPS sends to, named rather than numbered: the check or job that
    connects to it held its device's worker for glibc's whole wait (devices/receipt/transports.py,
    devices/docprinter/cups_reach.py and ipp.py connect through common.names.tcp_connection)."""
    with DnsServer(NAME, "silent") as dns, LookupProcess(dns.resolv_conf(SLOW_RESOLVER), fresh_s=0) as calls:
        [gone] = calls.call("tcp", backend, connect_s=0.5, read_s=0)
        assert not gone["ok"] and gone["s"] < 1.0, gone
        assert gone["said"] == f"OSError: {NAME}: its name lookup did not answer within 0.5 s"
    with DnsServer(NAME) as dns, LookupProcess(dns.resolv_conf(SLOW_RESOLVER), fresh_s=0) as calls:
        [first] = calls.call("tcp", backend, connect_s=0.5, read_s=0)
        assert first["ok"] and first["said"] == "connected to 127.0.0.1"
        dns.mode = "silent"
        [stale] = calls.call("tcp", backend, connect_s=0.5, read_s=0)
        assert stale["ok"] and stale["s"] < 1.0, stale


def test_a_terminal_started_again_while_the_dns_is_away_reaches_the_backend_at_the_address_it_kept(backend, tmp_path):
    kept = tmp_path / "names.json"
    with DnsServer(NAME) as dns:
        with LookupProcess(dns.resolv_conf(SLOW_RESOLVER), keep=kept) as calls:
            [first] = calls.call("client", backend, connect_s=1.0, read_s=3.0)
            assert first["ok"]
        assert json.loads(kept.read_text())["names"] == [{"host": NAME, "port": int(backend.rsplit(":", 1)[1]),
                                                          "addresses": ["127.0.0.1"]}]
        assert kept.stat().st_mode & 0o777 == 0o600
        dns.mode = "silent"
        with LookupProcess(dns.resolv_conf(SLOW_RESOLVER), keep=kept) as calls:  # the terminal started again
            [after] = calls.call("client", backend, connect_s=1.0, read_s=3.0)
            assert after["ok"] and after["s"] < STALE_WAIT_S + 0.5, after
            assert after["stale"] == [[NAME, ["127.0.0.1"]]]
        with LookupProcess(dns.resolv_conf(SLOW_RESOLVER)) as calls:  # without the file: nothing known
            [none] = calls.call("client", backend, connect_s=1.0, read_s=3.0)
            assert not none["ok"]


@pytest.mark.parametrize("text", ["not json", "[]", '{"names": 7}', '{"names": [{"host": "a b", "port": 1, '
                                  '"addresses": ["127.0.0.1"]}]}', '{"names": [{"host": "h", "port": 0, "addresses": '
                                  '["127.0.0.1"]}]}', '{"names": [{"host": "h", "port": 80, "addresses": ["here"]}]}'])
def test_a_kept_file_that_does_not_read_gives_nothing_and_harms_nothing(tmp_path, text):
    kept = tmp_path / "names.json"
    kept.write_text(text)
    names = Names()
    names.keep_in(kept)
    assert names._known == {}


def test_an_address_is_not_looked_up():
    names = Names()
    assert names.addresses("10.1.2.3", 443, within_s=0) == ["10.1.2.3"]
    assert names.addresses("::1", 443, within_s=0) == ["::1"]


def test_the_rig_answers_as_a_dns_server():
    query = bytes.fromhex("1234 0100 0001 0000 0000 0000") + b"\x07backend\x04hall\x04test\x00" + b"\x00\x01\x00\x01"
    ident, flags, name, qtype, _ = question(query)
    assert (ident, flags, name, qtype) == (0x1234, 0x0100, NAME, 1)
    reply = answer(query, NAME, "answer")
    assert reply[:4] == bytes.fromhex("1234 8180") and reply[6:8] == b"\x00\x01" and reply[-4:] == bytes([127, 0, 0, 1])
    assert answer(query, NAME, "silent") is None
    assert answer(query, NAME, "fail")[3] & 0x0F == 2
    assert answer(query, "other.name", "answer")[3] & 0x0F == 3
    assert answer(b"\x00" * 5, NAME, "answer") is None


@contextlib.contextmanager
def black_hole(host: str, port: int):
    """``host``:``port`` taking no connection, as an address a network does not route: a listener whose one place in
    its accept queue is taken and never accepted, so the kernel drops every SYN after (a real TCP black hole on
    loopback, the test's own)."""
    listener = socket.socket()
    listener.bind((host, port))
    listener.listen(0)
    filler = socket.create_connection((host, port), timeout=2)
    try:
        with pytest.raises(TimeoutError):
            socket.create_connection((host, port), timeout=0.2).close()  # holes indeed
        yield
    finally:
        filler.close()
        listener.close()


@contextlib.contextmanager
def listening(host: str, port: int = 0):
    server = socket.socket()
    server.bind((host, port))
    server.listen(8)
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


def test_an_address_that_takes_no_connection_costs_a_stagger_not_the_connect_timeout():
    """RFC 8305: each address tried STAGGER_S after the one before, racing; one refused at once makes way at once.
    Tried in turn, the hole cost the whole connect timeout (3 s here) before the address that answers was tried."""
    with listening("127.0.0.1") as port, black_hole("127.0.0.2", port):
        started = time.monotonic()
        with connect_first(["127.0.0.2", "127.0.0.1"], port, 3.0) as connection:
            took = time.monotonic() - started
            assert connection.getpeername() == ("127.0.0.1", port) and connection.gettimeout() is None
        assert STAGGER_S <= took < STAGGER_S + 0.5, took
        started = time.monotonic()
        with connect_first(["127.0.0.3", "127.0.0.1"], port, 3.0) as connection:  # nothing at .3: refused
            assert connection.getpeername() == ("127.0.0.1", port)
        assert time.monotonic() - started < STAGGER_S  # the refusal made way at once
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            connect_first(["127.0.0.2", "127.0.0.2"], port, 0.6)  # nothing answers: the bound, in all
        assert 0.6 <= time.monotonic() - started < 1.2
        with pytest.raises(ConnectionRefusedError):
            connect_first(["127.0.0.3"], port, 3.0)


def test_the_backend_is_reached_at_its_second_address_when_its_first_takes_no_connection():
    """The backend's name gives two addresses, the first a hole: the terminal's call is answered within a stagger of
    its start; the library alone (requests, addresses in turn) waits out its connect timeout on the hole first."""
    # 127.0.0.2 and .3 share as long a prefix with the source, 127.0.0.1: glibc keeps the DNS's order (RFC 6724's
    # rule 9 put 127.0.0.1 itself first)
    with SandboxServer(host="127.0.0.3") as server:
        port = int(server.url.rsplit(":", 1)[1])
        url = f"http://{NAME}:{port}"
        with black_hole("127.0.0.2", port), DnsServer(NAME, addresses=("127.0.0.2", "127.0.0.3")) as dns, \
                LookupProcess(dns.resolv_conf()) as calls:
            [library] = calls.call("library", url, connect_s=2.0, read_s=3.0)
            assert library["ok"] and library["s"] >= 2.0, library  # the hole first, as the DNS gave them
            [terminal] = calls.call("client", url, connect_s=2.0, read_s=3.0)
            assert terminal["ok"] and terminal["s"] < 1.0, terminal


def _certificate_for(name: str, folder):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    assert not any(isinstance(n, x509.IPAddress) for n in cert.extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value)
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path

