"""``kiosk bench idcard``: how fast a card becomes an Identity, and how close a full read gets to the wire.

1. From the reader's last byte to the Identity object, in process: find the frame in the receive
   buffer, check it, split it, parse and check the text block, attach the photo (the placeholder:
   a vendor decoder's own time is not ours to measure). Target: under 1 ms.
2. A full read (find, select, read) by the real driver over a pty, the simulator pacing its bytes at
   the configured baud rate (8N1), next to the bare wire time of the same frames. Target: within
   30 ms of the wire.
"""

from __future__ import annotations

import argparse

WIRE_BITS_PER_BYTE = 10  # 8N1: start bit, 8 data bits, stop bit
PARSE_TARGET_MS = 1.0
OVERHEAD_TARGET_MS = 30.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--iterations", type=int, default=5000, help="in-process parses (default 5000)")
    parser.add_argument("--reads", type=int, default=20, help="full reads over the pty (default 20)")
    parser.add_argument("--baudrate", type=int, default=115200, help="the simulated reader's speed (default 115200)")
    parser.add_argument("--sample", default="resident", help="sample card (default resident)")


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def bench_parse(sample: str, iterations: int) -> list[float]:
    """Milliseconds from a whole reply in the receive buffer to a checked Identity with its photo."""
    import time

    from devices.idcard import frames as f
    from devices.idcard.photo import PhotoDecoder
    from devices.idcard.samples import sample_photo, sample_text_block
    from devices.idcard.text_block import parse_text_block

    reply = f.card_data_reply(sample_text_block(sample), sample_photo(sample))
    buffer = bytearray(8192)
    decoder = PhotoDecoder()
    timings = []
    for _ in range(iterations):
        buffer[:len(reply)] = reply
        start = time.perf_counter()
        found = f.scan(buffer, end=len(reply))
        frame = memoryview(buffer)[found.start:found.end]
        parts = f.split_card_data(f.check(f.parse_reply(frame)).data)
        identity = parse_text_block(parts.text)
        identity.raw = bytearray(parts.text)
        identity.raw += parts.photo
        identity.photo = decoder.decode(parts.photo)
        timings.append((time.perf_counter() - start) * 1000)
        del parts, frame
        buffer[:len(reply)] = bytes(len(reply))
        identity.wipe()
    return timings


def wire_ms(baudrate: int, sample: str) -> tuple[float, int]:
    """The bare wire time of a full read's frames: three commands and their three replies."""
    from devices.idcard import frames as f
    from devices.idcard.samples import sample_photo, sample_text_block

    commands = sum(len(f.build_command(c)) for c in (f.FIND_CARD, f.SELECT_CARD, f.READ_TEXT_PHOTO))
    replies = (len(f.build_reply(f.SW_CARD_FOUND, bytes(4))) + len(f.build_reply(f.SW_SUCCESS, bytes(8)))
               + len(f.card_data_reply(sample_text_block(sample), sample_photo(sample))))
    total = commands + replies
    return total * WIRE_BITS_PER_BYTE / baudrate * 1000, total


def bench_reads(sample: str, reads: int, baudrate: int) -> tuple[list[float], list[float]]:
    """Full reads over the pty: (find at the reader -> CardRead, last byte on the wire -> CardRead), in ms."""
    import threading
    import time

    from devices.idcard.base import CardRead, CardRemoved
    from devices.idcard.pty_sim import SamReaderSimulator
    from devices.idcard.serial_sam import SerialSamIdReader, SerialSamIdReaderOptions

    sim = SamReaderSimulator(baudrate=baudrate, pace=True, read_delay_s=0.0)
    reader = SerialSamIdReader("bench", SerialSamIdReaderOptions(
        port=sim.port, baudrates=(baudrate,), poll_interval_s=0.05, read_appended_address=False,
        read_timeout_s=max(3.0, 30000 / baudrate)))
    read, removed = threading.Event(), threading.Event()
    stamps: list[float] = []

    def on_event(event) -> None:
        if isinstance(event, CardRead):
            stamps.append(time.perf_counter())
            event.identity.wipe()
            read.set()
        elif isinstance(event, CardRemoved):
            removed.set()

    reader.events.subscribe(on_event)
    full, tail = [], []
    sim.start()
    reader.start()
    try:
        for _ in range(reads):
            read.clear()
            removed.clear()
            sim.place_card(sample)
            if not read.wait(10):
                raise RuntimeError("the simulated card was not read within 10 s")
            full.append((stamps[-1] - sim.card_found_at) * 1000)
            tail.append((stamps[-1] - sim.last_reply_done) * 1000)
            sim.remove_card()
            removed.wait(5)
    finally:
        reader.stop()
        sim.stop()
    return full, tail


def run(args: argparse.Namespace) -> int:
    from entry.bench import median, percentile

    parse = bench_parse(args.sample, args.iterations)
    parse_ok = percentile(parse, 99) < PARSE_TARGET_MS
    print(f"kiosk bench idcard: sample card {args.sample!r}, SAM reader protocol at {args.baudrate} baud (8N1)\n")
    print("1. Reader's last byte -> Identity, in process (scan, checksum, split, text block and checks, photo)")
    print(f"   {'runs':>6}  {'median':>9}  {'p99':>9}  {'max':>9}  target")
    print(f"   {len(parse):>6}  {median(parse):>6.3f} ms  {percentile(parse, 99):>6.3f} ms  {max(parse):>6.3f} ms"
          f"  p99 < {PARSE_TARGET_MS:g} ms  {_verdict(parse_ok)}\n")

    full, tail = bench_reads(args.sample, args.reads, args.baudrate)
    wire, wire_bytes = wire_ms(args.baudrate, args.sample)
    overhead = [value - wire for value in full]
    read_ok = percentile(overhead, 95) <= OVERHEAD_TARGET_MS
    print(f"2. Full read over a pty (find, select, read), simulator pacing at {args.baudrate} baud, {len(full)} reads")
    print(f"   {'':40}{'median':>10}  {'p95':>10}  {'max':>10}")
    rows = [("full read (find at reader -> CardRead)", full), ("bare wire time of the same frames", [wire]),
            ("over the wire time", overhead), ("last byte on the wire -> CardRead", tail)]
    for label, values in rows:
        print(f"   {label:40}{median(values):>7.1f} ms  {percentile(values, 95):>7.1f} ms  {max(values):>7.1f} ms")
    print(f"   wire: {wire_bytes} bytes x {WIRE_BITS_PER_BYTE} bits / {args.baudrate} baud;"
          f" target: p95 over the wire <= {OVERHEAD_TARGET_MS:g} ms  {_verdict(read_ok)}")
    return 0 if parse_ok and read_ok else 1
