"""``kiosk bench names``: seconds for a call to the backend by its host name while the hall's DNS answers, takes
questions and answers none, or fails them (SERVFAIL), with an address of the backend known from an earlier answer or
not; the terminal's client (``common.names``) against requests alone with the same timeouts.

The calls come from a process whose resolver asks only the rig's DNS servers (``entry.bench.dns_server``, real UDP
servers on port 53 speaking RFC 1035; ``entry.bench.name_lookup``: a private mount namespace, so root), glibc's
resolver with its own options (by default 5 s a question, 2 attempts, for each server). Each case starts a process
of its own; "known" asks the name once while it answers, then the case's call past the answer's fresh time; "after a
restart" asks it in a first process keeping its answers in a file (``Names.keep_in``, as the terminal does in its
data folder) and makes the call from a second on the same file."""

from __future__ import annotations

import argparse
import contextlib

# (label, the DNS's mode for the call, what the process knows: "" nothing, "memory" an answer it had, "file" the
# answers its last run kept (a terminal started again while the DNS is away))
CASES = (("answering", "answer", ""), ("silent, none known", "silent", ""), ("silent, known", "silent", "memory"),
         ("silent, after a restart", "silent", "file"), ("SERVFAIL, none known", "fail", ""),
         ("SERVFAIL, known", "fail", "memory"))
NAME = "backend.hall.test"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rounds", type=int, default=3, help="calls per case and caller")
    parser.add_argument("--servers", type=int, default=1, help="DNS servers in resolv.conf, all alike (glibc asks "
                                                               "up to 3 in turn)")
    parser.add_argument("--resolver-options", default="", help="glibc's resolv.conf options, e.g. 'timeout:2 "
                                                               "attempts:1' (default: none, glibc's own)")
    parser.add_argument("--connect-timeout", type=float, default=None, help="backend.connect_timeout_s (default: the "
                                                                            "terminal's)")
    parser.add_argument("--read-timeout", type=float, default=None, help="backend.read_timeout_s")
    parser.add_argument("--retries", type=int, default=None, help="backend.retries")


def run(args: argparse.Namespace) -> int:
    import tempfile
    from pathlib import Path

    from entry.bench import median
    from entry.bench.dns_server import DnsServer
    from entry.bench.name_lookup import LookupProcess
    from kiosk.config import BackendConfig
    from sandbox.server import SandboxServer

    defaults = BackendConfig()
    connect = defaults.connect_timeout_s if args.connect_timeout is None else args.connect_timeout
    read = defaults.read_timeout_s if args.read_timeout is None else args.read_timeout
    retries = defaults.retries if args.retries is None else args.retries
    servers_n = max(1, min(args.servers, 3))
    options = args.resolver_options or "(glibc defaults: timeout 5 s, attempts 2)"
    print(f"resolver: {servers_n} DNS server(s), options {options}; backend timeouts: connect {connect} s, read "
          f"{read} s, retries {retries}; {args.rounds} call(s) per row, each on a new connection")
    print(f"{'DNS':24s} {'caller':9s} {'answered':>8s} {'median s':>9s} {'longest s':>9s}  said")
    with SandboxServer() as sandbox, contextlib.ExitStack() as stack:
        servers = [stack.enter_context(DnsServer(NAME)) for _ in range(servers_n)]
        resolv = "".join(f"nameserver {server.host}\n" for server in servers) + (
            f"options {args.resolver_options}\n" if args.resolver_options else "")
        url = f"http://{NAME}:{sandbox.url.rsplit(':', 1)[1]}"
        for label, mode, known in CASES:
            for caller in ("client", "library"):
                results = []
                for _ in range(args.rounds):
                    for server in servers:
                        server.mode = "answer"
                    with tempfile.TemporaryDirectory() as folder:
                        kept = Path(folder) / "names.json"
                        if known == "file":
                            with LookupProcess(resolv, fresh_s=0, keep=kept) as calls:
                                calls.call(caller, url, connect, read, retries)
                        with LookupProcess(resolv, fresh_s=0, keep=kept) as calls:
                            if known == "memory":
                                [warm] = calls.call(caller, url, connect, read, retries)
                                if not warm["ok"] and caller == "client":
                                    raise RuntimeError(f"the name did not answer while it should: {warm}")
                            for server in servers:
                                server.mode = mode
                            results += calls.call(caller, url, connect, read, retries)
                times = [r["s"] for r in results]
                answered = sum(r["ok"] for r in results)
                said = results[-1]["said"]
                print(f"{label:24s} {'terminal' if caller == 'client' else 'library':9s} "
                      f"{f'{answered}/{len(results)}':>8s} {median(times):9.2f} {max(times):9.2f}  {said[:70]}")
    return 0
