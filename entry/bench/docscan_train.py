"""``kiosk bench docscan-train DIR...``: fit the page ranker (:mod:`devices.doccam.ranking`) to seeded corpora.

Every candidate quadrilateral ``find_page`` would weigh in each frame (the region candidates alone,
as on its early path, and regions with line candidates) becomes a row of evidence, labelled with its
IoU against the true corners. Candidates are looked for as the kiosk would ask (an ID card with the
card's proportions and a 1 % smallest area, as the ID-card copy does: ``kiosk_hints``). The forest is written beside the ranking module with the seeds and
frame counts it learned from, and each corpus's generator. Corpora of the benchmark's reporting seed
(7) are refused: a model must never see the frames it is judged on; so are corpora of the second,
independent generator (``pages2``, :mod:`entry.bench.scenes2.pages`), which is for measuring only.

``--cards`` fits the ID-card ranker instead (``card_ranker.npz``) to the corpora's ID-card frames
alone, looked for as the ID-card copy asks: one model fitted to every frame learned from the pages
that the document is the brighter thing, and took a card darker than its desk for the card's photo.
"""

from __future__ import annotations

import argparse
from pathlib import Path

REPORTING_SEED = 7


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dirs", type=Path, nargs="+", help="corpus folders (kiosk bench docscan --make-corpus)")
    parser.add_argument("--trees", type=int, default=500)
    parser.add_argument("--depth", type=int, default=6)
    parser.add_argument("--cards", action="store_true",
                        help="fit the ID-card ranker (card_ranker.npz) to the ID-card frames alone")


def candidate_rows(frame, truth, page_mm=(210.0, 297.0), hints: dict | None = None):
    """(rows, IoU labels) for one frame: both candidate sets find_page may weigh, looked for with
    ``hints`` (find_page's min_area, max_aspect and aspect; its defaults when None)."""
    import numpy as np

    from devices.doccam import detect, ranking
    from devices.doccam.geometry import order_corners, smartdoc_iou

    hints = {"min_area": 0.04, "max_aspect": detect.MAX_ASPECT, "aspect": 1.414, **(hints or {})}
    feat = detect._Features(frame)
    regions = detect._region_candidates(feat)
    lined, closed = detect._line_candidates(feat, hints["min_area"], hints.get("colour_edges", False))
    rows, labels = [], []
    for quads, extra in ((regions, None), (lined + regions, closed)):
        found = detect.scored_candidates(feat, quads, hints["min_area"], hints["max_aspect"], hints["aspect"], extra)
        if found is None:
            continue
        Q, score, side, parts = found
        rows.append(ranking.candidate_features(feat, Q, score, side, parts, hints["aspect"]))
        labels.append(np.array([smartdoc_iou(order_corners(q / feat.scale), truth, page_mm) for q in Q], np.float32))
    if not rows:
        return np.zeros((0, len(ranking.FEATURES)), np.float32), np.zeros(0, np.float32)
    return np.concatenate(rows), np.concatenate(labels)


def run(args: argparse.Namespace) -> int:
    import json

    import cv2
    import numpy as np

    from devices.doccam import ranking
    from entry.bench.docscan import FIRST_GENERATOR, generator_family, kiosk_hints

    cv2.setNumThreads(1)
    all_rows, all_labels, sources = [], [], []
    for folder in args.dirs:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        seed = manifest.get("seed")
        generator = manifest.get("generator") or FIRST_GENERATOR
        if generator_family(generator) != "scenes":
            print(f"kiosk bench docscan-train: {folder} was made by {generator}, which is for measuring only; not used")
            return 2
        if seed == REPORTING_SEED:
            print(f"kiosk bench docscan-train: {folder} is seed {seed}, the benchmark's reporting seed; not used")
            return 2
        entries = [e for e in manifest["frames"] if not args.cards or e.get("kind") == "id_card"]
        for entry in entries:
            frame = cv2.imread(str(folder / entry["file"]), cv2.IMREAD_COLOR)
            rows, labels = candidate_rows(frame, np.array(entry["corners"], np.float64),
                                          tuple(entry.get("page_mm", (210.0, 297.0))), kiosk_hints(entry))
            all_rows.append(rows)
            all_labels.append(labels)
        sources.append({"generator": generator, "seed": seed, "frames": len(entries)})
        print(f"   {folder}: seed {seed}, {len(entries)} frames", flush=True)
    rows, labels = np.concatenate(all_rows), np.concatenate(all_labels)
    print(f"   {len(rows)} candidates, {np.mean(labels > 0.9):.1%} of them with IoU > 0.9")
    model = ranking.CARD_MODEL if args.cards else ranking.MODEL
    ranking.train(rows, labels, {"trained_on": sources, "candidates": int(len(rows)), "features": list(ranking.FEATURES),
                                 "trees": args.trees, "depth": args.depth, "label": "SmartDoc IoU of the candidate, learned as -log(1.01 - IoU)",
                                 **({"documents": "ID cards only (kind id_card), looked for with the ID-card copy's hints"} if args.cards else {})},
                  trees=args.trees, depth=args.depth, model=model)
    print(f"   wrote {model} ({model.stat().st_size // 1024} KB) and {model.with_suffix('.json').name}")
    return 0
