"""``kiosk bench qr DIR``: decode rate, wrong decodes and time per image of ``devices.qr.decode``.

A corpus is either a folder tree of images with the expected text beside each (``NAME.png`` and
``NAME.txt``, UTF-8, compared exactly; the format of ``tests/data/qr-real``, the default corpus in a
checkout), or a folder with a ``manifest.json`` (``kiosk bench qr --make-corpus DIR`` writes one; see
:mod:`entry.bench.qr_corpus`). Images without an expected text are skipped.

Columns: ``codes`` expected texts, ``decoded`` of them returned exactly, ``rate`` their share,
``wrong`` returned texts that are not expected in that image (garbled text counts), and the median
and 95th percentile of milliseconds per image (decode only, images already in memory, one thread;
``--clock cpu`` counts the thread's CPU time instead of the wall clock's, for a machine other work
keeps busy).
``--vs`` runs plain pyzbar, OpenCV's QRCodeDetector and zxing-cpp over the same images in the
same run, then prints issue 21's targets (:func:`target_lines`) with PASS or FAIL; the exit status is
1 when one fails.

``--make-corpus DIR --generator 2`` writes the second, independently built generator's corpus
(:mod:`entry.bench.scenes2.codes`: phones, receipts, moving hands ...), never to be tuned on. The bench
prints a manifest's generator; for a corpus with kinds it prints every decoder's rate per kind side by
side, and where frames are grouped into presentations (one showing of a code, several frames of a
moving hand) the share of presentations read in at least one frame. The real photos of
``tests/data/qr-real`` were looked at while the cascade was tuned: the bench says they are not held out.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from entry.bench import median, percentile

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp")
# The real photos the tests read, in the repository (absent from an installed package).
REAL_CORPUS = Path(__file__).resolve().parents[2] / "tests" / "data" / "qr-real"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("corpus", nargs="?", type=Path,
                        help="corpus folder (image + .txt pairs, or manifest.json; default tests/data/qr-real)")
    parser.add_argument("--vs", action="store_true", help="also run plain pyzbar, OpenCV and zxing-cpp")
    parser.add_argument("--by", choices=("none", "folder", "condition"), default="none",
                        help="also print a row per folder (qr-real) or condition (manifest)")
    parser.add_argument("--make-corpus", type=Path, metavar="DIR", help="write the synthetic corpus into DIR first")
    parser.add_argument("--generator", type=int, choices=(1, 2), default=1,
                        help="with --make-corpus: 1 the first synthetic corpus, 2 the independent second generator (measuring only)")
    parser.add_argument("--count", type=int, default=None,
                        help="images (generator 1, default 280) or presentations (generator 2, default 240)")
    parser.add_argument("--seed", type=int, default=None, help="corpus seed (default 6 for generator 1, 61 for generator 2)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="time each image this many times, the minimum counting (default 3: with 2, the p95 "
                             "ratio against zxing-cpp moved from 3.1x to 5.8x between runs of the same frames)")
    parser.add_argument("--list-misses", action="store_true", help="name the images ours missed or misread")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="time by the wall clock (default) or by the thread's CPU time, which a busy machine inflates far less")


@dataclass
class Sample:
    path: Path
    texts: list[str]
    group: str  # folder or condition
    presentation: str = ""  # the frames of one showing of a code share this

    @property
    def name(self) -> str:
        """How the bench names the image: its file, under its folder in a folder corpus (qr-real's two
        halves hold files of the same names)."""
        return self.path.name if self.presentation else f"{self.group}/{self.path.name}"


@dataclass
class Score:
    name: str
    codes: int = 0
    decoded: int = 0
    wrong: int = 0
    times_ms: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    found: list[set] = field(default_factory=list)  # per sample: the expected texts it decoded
    wrongs: list[int] = field(default_factory=list)  # per sample: texts returned that were not expected

    def row(self) -> str:
        rate = 100.0 * self.decoded / self.codes if self.codes else 0.0
        return (f"{self.name:<22} {len(self.times_ms):>6} {self.codes:>6} {self.decoded:>7} {rate:>6.1f}% "
                f"{self.wrong:>6} {median(self.times_ms):>8.2f} {percentile(self.times_ms, 95):>8.2f}")


HEADER = f"{'decoder':<22} {'images':>6} {'codes':>6} {'decoded':>7} {'rate':>7} {'wrong':>6} {'median':>8} {'p95 ms':>8}"


def load_corpus(root: Path) -> tuple[list[Sample], int]:
    """The samples with expected texts, and how many images had none (skipped)."""
    manifest = root / "manifest.json"
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        samples = [Sample(root / item["file"], list(item["texts"]), item.get("kind", item.get("condition", "")),
                          item.get("presentation", item["file"])) for item in data["images"]]
        return samples, 0
    samples, skipped = [], 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        folder = Path(dirpath)
        for name in sorted(filenames):
            path = folder / name
            if path.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            expected = path.with_suffix(".txt")
            if not expected.is_file():
                skipped += 1
                continue
            text = expected.read_bytes().decode("utf-8")
            samples.append(Sample(path, [text], str(folder.relative_to(root))))
    return samples, skipped


def _ours() -> Callable:
    from devices.qr import decode

    return lambda image: [r.text for r in decode(image)]


def _plain_pyzbar() -> Callable:
    import cv2
    from pyzbar import pyzbar

    def run(image):
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)  # pyzbar takes 8-bit grey only
        try:
            return [s.data.decode("utf-8", errors="replace") for s in pyzbar.decode(gray)]
        except Exception:  # pyzbar raises ValueError/PyZbarError on some images
            return []
    return run


def _plain_opencv() -> Callable:
    import cv2

    detector = cv2.QRCodeDetector()

    def run(image):
        try:  # the Bytes variant: detectAndDecodeMulti raises UnicodeDecodeError on non-UTF-8 codes
            ok, found, _points, _ = detector.detectAndDecodeBytesMulti(image)
        except cv2.error:
            return []
        return [bytes(b).decode("utf-8", errors="replace") for b in found if len(b)] if ok else []
    return run


def _plain_zxing() -> Callable:
    import zxingcpp

    qr = [zxingcpp.BarcodeFormat.QRCode]  # QR only: its fastest and fairest setting
    return lambda image: [r.text for r in zxingcpp.read_barcodes(image, formats=qr)]


def score(name: str, decode: Callable, images: list, samples: list[Sample], repeat: int = 1,
          by: dict[str, Score] | None = None, clock: Callable[[], float] = time.perf_counter) -> Score:
    result = Score(name)
    for image, sample in zip(images, samples):
        best = float("inf")
        for _ in range(max(1, repeat)):
            started = clock()
            texts = decode(image)
            best = min(best, (clock() - started) * 1000.0)
        found = set(texts)
        decoded = sum(1 for t in sample.texts if t in found)
        wrong = sum(1 for t in found if t not in sample.texts)
        result.found.append(found & set(sample.texts))
        result.wrongs.append(wrong)
        for target in (result, by.setdefault(sample.group, Score(sample.group)) if by is not None else None):
            if target is None:
                continue
            target.codes += len(sample.texts)
            target.decoded += decoded
            target.wrong += wrong
            target.times_ms.append(best)
        if decoded < len(sample.texts) or wrong:
            result.misses.append(f"{sample.name}: {decoded}/{len(sample.texts)} decoded, {wrong} wrong")
    return result


def run(args: argparse.Namespace) -> int:
    import cv2

    cv2.setNumThreads(1)
    if args.make_corpus:
        if args.generator == 2:
            from entry.bench.scenes2.codes import make_corpus, version

            count, seed = args.count or 240, 61 if args.seed is None else args.seed
            print(f"writing {count} presentations of generator {version()} (seed {seed}) to {args.make_corpus} ...", flush=True)
        else:
            from entry.bench.qr_corpus import make_corpus

            count, seed = args.count or 280, 6 if args.seed is None else args.seed
        path = make_corpus(args.make_corpus, count, seed)
        print(f"wrote {path}")
        if args.corpus is None:
            return 0
    if args.corpus is None and REAL_CORPUS.is_dir():
        args.corpus = REAL_CORPUS
    if args.corpus is None:
        print("kiosk bench qr: give a corpus folder (or --make-corpus DIR)")
        return 2
    samples, skipped = load_corpus(args.corpus)
    if not samples:
        print(f"no images with expected texts under {args.corpus}")
        return 2
    images, kept = [], []
    for sample in samples:
        image = cv2.imread(str(sample.path), cv2.IMREAD_COLOR)
        if image is None:
            print(f"unreadable, skipped: {sample.path}")
            continue
        images.append(image)
        kept.append(sample)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    clock = time.thread_time if args.clock == "cpu" else time.perf_counter
    print(f"corpus {args.corpus}: {len(kept)} images, {sum(len(s.texts) for s in kept)} codes"
          f" ({skipped} without expected text skipped); load {load:.2f}; one thread; {args.clock} clock")
    print(describe(args.corpus))
    decoders = [("devices.qr.decode", _ours())]
    if args.vs:
        decoders += [("pyzbar", _plain_pyzbar()), ("opencv QRCodeDetector", _plain_opencv()),
                     ("zxing-cpp", _plain_zxing())]
    print(HEADER)
    groups: dict[str, Score] = {}
    scores = []
    for name, decode in decoders:
        by = groups if (name == "devices.qr.decode" and args.by != "none") else None
        result = score(name, decode, images, kept, args.repeat, by, clock)
        scores.append(result)
        print(result.row(), flush=True)
    kinds = sorted({s.group for s in kept})
    if (args.corpus / "manifest.json").is_file() and len(kinds) > 1:
        print("\nrate by kind (codes decoded / codes)")
        print(f"{'kind':<16} {'codes':>6} " + " ".join(f"{name[:21]:>21}" for name, _ in decoders))
        for kind in kinds:
            rows = [i for i, s in enumerate(kept) if s.group == kind]
            codes = sum(len(kept[i].texts) for i in rows)
            cells = [f"{100.0 * sum(len(sc.found[i]) for i in rows) / max(codes, 1):>20.1f}%" for sc in scores]
            print(f"{kind:<16} {codes:>6} " + " ".join(cells))
    groups_of = presentations(kept)
    if any(len(v) > 1 for v in groups_of.values()):
        print(f"\npresentations ({len(groups_of)}; a code counts as read when any frame of its presentation reads it)")
        print(f"{'decoder':<22} {'codes':>6} {'read':>6} {'rate':>7} {'wrong':>6}   {'of which in several frames: codes':>34} {'read':>6} {'rate':>7}")
        for sc in scores:
            print(presentation_row(sc, kept, groups_of))
    if args.by != "none":
        print(f"\ndevices.qr.decode by {args.by}")
        print(HEADER)
        for name in sorted(groups):
            print(groups[name].row())
    if args.list_misses:
        print("\nmissed or misread by devices.qr.decode:")
        for line in scores[0].misses:
            print("  " + line)
    if args.vs:
        synthetic = (args.corpus / "manifest.json").is_file()
        presented = presentation_rates(scores, kept, groups_of) if any(len(v) > 1 for v in groups_of.values()) else None
        print("\ntargets (issue 21)")
        lines = target_lines(scores, synthetic, presented)
        for line in lines:
            print("  " + line)
        return 0 if all(line.endswith("PASS") for line in lines) else 1
    return 0


# Issue 21's targets: a synthetic corpus (a manifest) or the real photos.
TARGET_RATE = {True: 85.0, False: 95.0}
TARGET_LEAD = {True: 5.0, False: 3.0}  # points above the best single decoder
TARGET_P95_RATIO = 4.0                # our p95 against zxing-cpp's, in the same run


def _rate(sc: Score) -> float:
    return 100.0 * sc.decoded / sc.codes if sc.codes else 0.0


def target_lines(scores: list[Score], synthetic: bool, presented: dict[str, float] | None = None) -> list[str]:
    """Each target with the figure measured and PASS or FAIL: ``scores[0]`` ours, the rest single decoders."""
    ours, singles = scores[0], scores[1:]
    best = max(singles, key=_rate)
    zxing = next((sc for sc in singles if sc.name == "zxing-cpp"), best)
    verdict = {True: "PASS", False: "FAIL"}
    lines = [f"rate >= {TARGET_RATE[synthetic]:.0f}% of frames: {_rate(ours):.1f}% {verdict[_rate(ours) >= TARGET_RATE[synthetic]]}"]
    if presented is not None:
        mine = presented[ours.name]
        lines.append(f"rate >= {TARGET_RATE[synthetic]:.0f}% of presentations: {mine:.1f}% {verdict[mine >= TARGET_RATE[synthetic]]}")
    lead = _rate(ours) - _rate(best)
    lines.append(f"lead >= {TARGET_LEAD[synthetic]:.0f} points over the best single decoder ({best.name}, {_rate(best):.1f}%): "
                 f"{lead:+.1f} {verdict[lead >= TARGET_LEAD[synthetic]]}")
    if presented is not None:
        best_shown = max(presented[sc.name] for sc in singles)
        lead = presented[ours.name] - best_shown
        lines.append(f"lead over the best single decoder, presentations ({best_shown:.1f}%): {lead:+.1f} "
                     f"{verdict[lead >= TARGET_LEAD[synthetic]]}")
    if synthetic:
        lines.append(f"wrong decodes 0: {ours.wrong} {verdict[ours.wrong == 0]}")
    else:
        lines.append(f"wrong decodes no more than the best single decoder's ({best.wrong}): {ours.wrong} "
                     f"{verdict[ours.wrong <= best.wrong]}")
    mine, theirs = percentile(ours.times_ms, 95), percentile(zxing.times_ms, 95)
    ratio = mine / theirs if theirs > 0 else float("inf")
    lines.append(f"p95 <= {TARGET_P95_RATIO:.0f}x zxing-cpp's ({mine:.2f} / {theirs:.2f} ms): {ratio:.1f}x "
                 f"{verdict[ratio <= TARGET_P95_RATIO]}")
    return lines


def describe(corpus: Path) -> str:
    """Which generator made the corpus, and whether it is held out from the decoder's tuning."""
    manifest = corpus / "manifest.json"
    if not manifest.is_file():
        if corpus.resolve() == REAL_CORPUS.resolve() or corpus.name == "qr-real":
            return "generator: real photos (tests/data/qr-real); NOT held out: looked at while the cascade was tuned"
        return "generator: a folder of photos (image + .txt)"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    generator = data.get("generator") or "qr_corpus/1 (entry.bench.qr_corpus, the first generator)"
    seed = data.get("seed", "?")
    if generator.startswith("codes2/"):
        held = ("NOT held out: codes2's development seed" if seed in CODES2_DEV_SEEDS else
                "held out: never tuned on")
    elif seed in TUNED_SEEDS:
        held = "NOT held out: a seed the cascade was developed on"
    elif seed == HELD_OUT_SEED:
        held = ("held-out seed of a generator the cascade was tuned on (measured once at the end of each round, "
                "never looked into)")
    else:
        held = "a seed never looked at, of a generator the cascade was tuned on"
    return f"generator: {generator}, seed {seed}; {held}"


# The first generator's seeds: developed on (6 the first rounds', 16-46 the third's, 56 its check), and
# the one kept for measuring at the end (docs/qr-decoding.md).
TUNED_SEEDS = frozenset({6, 16, 26, 36, 46, 56})
HELD_OUT_SEED = 9
# The second generator's seeds developed on since its sixth round (docs/qr-decoding.md).
CODES2_DEV_SEEDS = frozenset({63})


def presentations(samples: list[Sample]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, sample in enumerate(samples):
        groups.setdefault(sample.presentation or str(sample.path), []).append(i)
    return groups


@dataclass
class Presented:
    """One decoder over a corpus's presentations: codes, those read in any frame of theirs,
    presentations with a wrong text, and the same codes counts over presentations of several frames."""
    codes: int = 0
    read: int = 0
    wrong: int = 0
    multi_codes: int = 0
    multi_read: int = 0

    @property
    def rate(self) -> float:
        return 100.0 * self.read / self.codes if self.codes else 0.0


def presented(result: Score, samples: list[Sample], groups: dict[str, list[int]]) -> Presented:
    out = Presented()
    for members in groups.values():
        expected = set().union(*(set(samples[i].texts) for i in members))
        got = set().union(*(result.found[i] for i in members))
        out.codes += len(expected)
        out.read += len(got)
        out.wrong += sum(result.wrongs[i] for i in members) > 0
        if len(members) > 1:
            out.multi_codes += len(expected)
            out.multi_read += len(got)
    return out


def presentation_rates(scores: list[Score], samples: list[Sample], groups: dict[str, list[int]]) -> dict[str, float]:
    """Each decoder's share of codes read in at least one frame of their presentation."""
    return {sc.name: presented(sc, samples, groups).rate for sc in scores}


def presentation_row(result: Score, samples: list[Sample], groups: dict[str, list[int]]) -> str:
    """Per presentation: its codes, those read in any of its frames, and texts returned that were wrong."""
    p = presented(result, samples, groups)
    multi = 100.0 * p.multi_read / p.multi_codes if p.multi_codes else 0.0
    return (f"{result.name:<22} {p.codes:>6} {p.read:>6} {p.rate:>6.1f}% {p.wrong:>6}   {p.multi_codes:>34} "
            f"{p.multi_read:>6} {multi:>6.1f}%")
