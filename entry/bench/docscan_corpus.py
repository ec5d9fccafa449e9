"""The seeded corpus for ``kiosk bench docscan``: pages on desks written as JPEG files with a manifest.

``kiosk bench docscan --make-corpus DIR --frames N --seed S`` writes N frames of
:func:`devices.doccam.scenes.render_scene` (generator :data:`devices.doccam.scenes.VERSION`): the
kinds in turn (an A4 page, a receipt, an ID card, a spread, overlapping sheets, a page partly off
the frame, fingers on the edges: a seventh each), the eight desks in turn within each kind (wood,
cluttered, white, light grey, dark mat, checks, newsprint, granite), 1920x1080 and 2592x1944 in turn
within those, every content (text, table, photo, stamp) and every condition, and JPEG at a quality
between 55 and 92. Version 1 (before issue 21) drew A4 pages on the first five desks only, so a seed
draws other frames now. The images are not committed; write them under /tmp.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SIZES = ((1920, 1080), (2592, 1944))


def frame_plan(index: int) -> tuple[str, str, tuple[int, int]]:
    """Which kind, desk and frame size frame ``index`` gets."""
    from devices.doccam.scenes import DESKS, KINDS

    kind = KINDS[index % len(KINDS)]
    background = DESKS[(index // len(KINDS)) % len(DESKS)]
    size = SIZES[(index // (len(KINDS) * len(DESKS))) % len(SIZES)]
    return kind, background, size


def corpus_frame(seed: int, index: int) -> tuple[Any, str, int, bytes]:
    """Frame ``index`` of seed ``seed``'s corpus as :func:`make_corpus` writes it: the scene, its
    content, the JPEG quality and the JPEG's bytes (a test takes a corpus frame from here)."""
    import cv2
    import numpy as np

    from devices.doccam.scenes import CONTENTS, render_scene

    kind, background, size = frame_plan(index)
    content = CONTENTS[(index // 3) % len(CONTENTS)]
    scene = render_scene(seed * 100003 + index, size, background=background, content=content, kind=kind)
    quality = int(np.random.default_rng(seed * 7919 + index).integers(55, 93))
    ok, data = cv2.imencode(".jpg", scene.frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError(f"could not encode frame {index} of seed {seed}")
    return scene, content, quality, data.tobytes()


def make_corpus(folder: Path, frames: int, seed: int, progress=None) -> dict:
    """Write ``frames`` JPEG frames and ``manifest.json`` into ``folder``; return the manifest."""
    from devices.doccam.scenes import VERSION

    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for i in range(frames):
        kind, background, size = frame_plan(i)
        scene, content, quality, jpeg = corpus_frame(seed, i)
        name = f"frame{i:04d}.jpg"
        (folder / name).write_bytes(jpeg)
        entries.append({"file": name, "corners": scene.corners.round(2).tolist(), "size": list(size),
                        "background": background, "content": content, "page_mm": list(scene.page_mm),
                        "kind": kind, "fully_visible": scene.fully_visible,
                        "conditions": scene.conditions + ["jpeg"], "jpeg_quality": quality})
        if progress:
            progress(i + 1, frames)
    manifest = {"generator": VERSION, "seed": seed, "frames": entries,
                "corners": "the page's own top-left, top-right, bottom-right, bottom-left, in frame pixels"}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest
