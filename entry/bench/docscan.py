"""``kiosk bench docscan DIR``: how well and how fast ``find_page`` finds the page in a corpus.

DIR holds frames and a ``manifest.json`` of their true corners (``--make-corpus DIR`` writes a
seeded one: see :mod:`entry.bench.docscan_corpus`). For each method it prints the mean IoU (ICDAR
2015 SmartDoc: both quadrilaterals mapped into the page's own plane by the homography of the true
corners), the share of frames with IoU > 0.9, how often it returned nothing, and the median and
p95 time on one thread. ``--vs classic`` runs the textbook recipe (Canny, largest four-sided
contour) in the same run. Targets: mean IoU >= 0.95, IoU > 0.9 on >= 95 % of frames, median <= 40 ms
at 1920x1080. Decoding the JPEG is not timed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

TARGET_MEAN_IOU = 0.95
TARGET_SHARE = 0.95
TARGET_MEDIAN_MS = 40.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, nargs="?", help="corpus folder with manifest.json")
    parser.add_argument("--vs", choices=("classic",), help="also run the classic recipe in the same run")
    parser.add_argument("--make-corpus", type=Path, metavar="DIR", help="write a seeded corpus to DIR first")
    parser.add_argument("--frames", type=int, default=500, help="frames to write with --make-corpus (default 500)")
    parser.add_argument("--seed", type=int, default=7, help="seed of --make-corpus (default 7)")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N frames of the corpus")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst frames of find_page")


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _evaluate(method, entries, folder: Path) -> list[dict]:
    import time

    import cv2
    import numpy as np

    from devices.doccam.geometry import smartdoc_iou

    rows = []
    for entry in entries:
        frame = cv2.imread(str(folder / entry["file"]), cv2.IMREAD_COLOR)
        if frame is None:
            raise SystemExit(f"kiosk bench docscan: cannot read {entry['file']}")
        start = time.perf_counter()
        quad = method(frame)
        ms = (time.perf_counter() - start) * 1000
        truth = np.array(entry["corners"], np.float64)
        iou = smartdoc_iou(quad, truth, tuple(entry.get("page_mm", (210.0, 297.0))))
        rows.append({"entry": entry, "iou": iou, "ms": ms, "none": quad is None})
        del frame
    return rows


def _line(label: str, rows: list[dict]) -> str:
    from entry.bench import median, percentile

    if not rows:
        return f"   {label:24} {'-':>6}"
    ious = [r["iou"] for r in rows]
    ms = [r["ms"] for r in rows]
    share = sum(i > 0.9 for i in ious) / len(ious)
    nothing = sum(r["none"] for r in rows) / len(rows)
    return (f"   {label:24} {len(rows):>6}  {sum(ious) / len(ious):>8.4f}  {share:>8.1%}  {nothing:>7.1%}"
            f"  {median(ms):>7.1f} ms  {percentile(ms, 95):>7.1f} ms")


def run(args: argparse.Namespace) -> int:
    import json

    import cv2

    from devices.doccam.detect import classic_find_page, find_page
    from entry.bench import median

    if args.make_corpus:
        from entry.bench.docscan_corpus import make_corpus

        print(f"writing {args.frames} frames (seed {args.seed}) to {args.make_corpus} ...", flush=True)
        make_corpus(args.make_corpus, args.frames, args.seed)
        if args.dir is None:
            args.dir = args.make_corpus
    if args.dir is None:
        print("kiosk bench docscan: give a corpus folder (or --make-corpus DIR)")
        return 2
    manifest = json.loads((args.dir / "manifest.json").read_text(encoding="utf-8"))
    entries = manifest["frames"][: args.limit or None]
    cv2.setNumThreads(1)
    methods = [("find_page", find_page)] + ([("classic", classic_find_page)] if args.vs else [])
    sizes = sorted({tuple(e["size"]) for e in entries})
    backgrounds = sorted({e["background"] for e in entries})
    conditions = sorted({c for e in entries for c in e["conditions"]})
    print(f"kiosk bench docscan: {len(entries)} frames from {args.dir} (seed {manifest.get('seed', '?')}),"
          f" one thread (cv2.setNumThreads(1)), OpenCV {cv2.__version__}")
    print("   sizes: " + ", ".join(f"{w}x{h} {sum(tuple(e['size']) == (w, h) for e in entries)}" for w, h in sizes))
    print("   desks: " + ", ".join(f"{b} {sum(e['background'] == b for e in entries)}" for b in backgrounds))
    print("   conditions: " + ", ".join(f"{c} {sum(c in e['conditions'] for e in entries)}" for c in conditions))
    results = {name: _evaluate(fn, entries, args.dir) for name, fn in methods}
    header = f"   {'':24} {'frames':>6}  {'mean IoU':>8}  {'IoU>0.9':>8}  {'nothing':>7}  {'median':>10}  {'p95':>10}"
    verdicts = []
    for name, rows in results.items():
        print(f"\n{name}")
        print(header)
        print(_line("all frames", rows))
        for w, h in sizes:
            print(_line(f"{w}x{h}", [r for r in rows if tuple(r["entry"]["size"]) == (w, h)]))
        for b in backgrounds:
            print(_line(f"desk: {b}", [r for r in rows if r["entry"]["background"] == b]))
        for c in conditions:
            print(_line(f"with {c}", [r for r in rows if c in r["entry"]["conditions"]]))
        if name == "find_page":
            ious = [r["iou"] for r in rows]
            mean = sum(ious) / len(ious)
            share = sum(i > 0.9 for i in ious) / len(ious)
            hd = [r["ms"] for r in rows if tuple(r["entry"]["size"]) == (1920, 1080)]
            verdicts = [(f"mean IoU {mean:.4f} >= {TARGET_MEAN_IOU}", mean >= TARGET_MEAN_IOU),
                        (f"IoU > 0.9 on {share:.1%} >= {TARGET_SHARE:.0%}", share >= TARGET_SHARE),
                        (f"median {median(hd):.1f} ms <= {TARGET_MEDIAN_MS:g} ms at 1920x1080",
                         bool(hd) and median(hd) <= TARGET_MEDIAN_MS)]
    if args.worst:
        print(f"\nworst {args.worst} frames of find_page")
        for r in sorted(results["find_page"], key=lambda r: r["iou"])[: args.worst]:
            e = r["entry"]
            print(f"   {e['file']}  IoU {r['iou']:.3f}  {e['background']:10} {e['content']:6} {' '.join(e['conditions'])}")
    print("\ntargets (find_page)")
    for label, ok in verdicts:
        print(f"   {label:52} {_verdict(ok)}")
    return 0 if all(ok for _, ok in verdicts) else 1
