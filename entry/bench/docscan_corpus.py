"""The seeded corpus for ``kiosk bench docscan``: pages on desks written as JPEG files with a manifest.

``kiosk bench docscan --make-corpus DIR --frames N --seed S`` writes N frames: the five desks in
turn (wood, cluttered, white, light grey, dark mat: a fifth each), at 1920x1080 and 2592x1944 in turn
within each desk, every content (text, table, photo, stamp) and every condition drawn by
:func:`devices.doccam.scenes.render_scene`, and JPEG at a quality between 55 and 92. The images are
not committed; write them under /tmp.
"""

from __future__ import annotations

import json
from pathlib import Path

SIZES = ((1920, 1080), (2592, 1944))


def frame_plan(index: int) -> tuple[str, tuple[int, int]]:
    """Which desk and which frame size frame ``index`` gets."""
    from devices.doccam.scenes import BACKGROUNDS

    background = BACKGROUNDS[index % len(BACKGROUNDS)]
    size = SIZES[(index // len(BACKGROUNDS)) % len(SIZES)]
    return background, size


def make_corpus(folder: Path, frames: int, seed: int, progress=None) -> dict:
    """Write ``frames`` JPEG frames and ``manifest.json`` into ``folder``; return the manifest."""
    import cv2
    import numpy as np

    from devices.doccam.scenes import CONTENTS, render_scene

    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for i in range(frames):
        background, size = frame_plan(i)
        content = CONTENTS[(i // 10) % len(CONTENTS)]
        scene = render_scene(seed * 100003 + i, size, background=background, content=content)
        quality = int(np.random.default_rng(seed * 7919 + i).integers(55, 93))
        name = f"frame{i:04d}.jpg"
        ok, data = cv2.imencode(".jpg", scene.frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise RuntimeError(f"could not encode {name}")
        (folder / name).write_bytes(data.tobytes())
        entries.append({"file": name, "corners": scene.corners.round(2).tolist(), "size": list(size),
                        "background": background, "content": content, "page_mm": list(scene.page_mm),
                        "conditions": scene.conditions + ["jpeg"], "jpeg_quality": quality})
        if progress:
            progress(i + 1, frames)
    manifest = {"seed": seed, "frames": entries,
                "corners": "the page's own top-left, top-right, bottom-right, bottom-left, in frame pixels"}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest
