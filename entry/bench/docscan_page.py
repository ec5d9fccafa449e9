"""``kiosk bench docscan-page``: from the capture to the flattened page on screen, at 1920x1080
(``--size`` for another camera).

Each sample is one citizen's capture as the kiosk makes it: ``DocumentCamera.capture()`` on the
simulated document camera (the real driver: the feed's thread, the device's worker, the page finder,
flattening, enhancement and the JPEG within its budget, over pages on desks drawn in memory at
1920x1080, paced at 15 frames a second like a real camera, so a capture also waits for the next
frame), then the page's JPEG decoded into the thumbnail the materials screen shows
(``ui.screens.materials.thumbnail``, on this thread as on the GUI thread), while a live preview asks for the camera's view 9 times a second as
the capture screen does (so the worker also looks for the page in the pause between captures, and a
capture may wait behind one look; ``--no-preview`` leaves it out). ``total`` is the two
together, the citizen's wait from the tap to the page on screen; target: p95 < 1000 ms. The
thumbnail's share is printed apart: it runs on the GUI thread, so it is also a stall.

Pages are pre-drawn before the clock starts (drawing a desk is the simulator's cost, not the
camera's). Nothing is written to disk.

Measured 2026-12-01 on the 2-core machine while others ran tests (load 2.4-2.7): 30 captures at
1920x1080, total median 135 ms, p95 194 ms (capture 132 / 190 ms, thumbnail 1.9 / 4.5 ms); the same
without the preview: p95 397 ms (the load, not the preview, decides the spread); at 2592x1944, the
real driver's default size, 20 captures: median 566 ms, p95 958 ms, max 1152 ms: near the target.
"""

from __future__ import annotations

import argparse

TARGET_MS = 1000.0
SEEDS = (3, 8, 14, 21, 27)
FRAMES_PER_PAGE = 6


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--captures", type=int, default=30, help="captures to time (default 30)")
    parser.add_argument("--mode", choices=("colour", "grey", "text"), default="colour",
                        help="the enhancement (default colour, the kiosk's)")
    parser.add_argument("--no-preview", action="store_true",
                        help="no live preview watching (default: one asks for the view 9 times a second, as on screen)")
    parser.add_argument("--pause-s", type=float, default=0.5,
                        help="pause between captures, as a citizen lays the next page (default 0.5 s)")
    parser.add_argument("--size", default="1920x1080", help="frame size WxH (default 1920x1080)")
    parser.add_argument("--thumbnail-height", type=int, default=0,
                        help="height of the thumbnail on screen in pixels (default: the materials screen's)")


def run(args: argparse.Namespace) -> int:
    import os
    import threading
    import time

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import cv2
    from PySide6.QtGui import QGuiApplication, QImage

    from devices.doccam.camera import CameraDocumentCameraOptions
    from devices.doccam.sim import SceneFrameSource, SimDocumentCamera
    from entry.bench import median, percentile
    import inspect

    from ui.screens.materials import thumbnail

    height = args.thumbnail_height or inspect.signature(thumbnail).parameters["height"].default

    try:
        size = tuple(int(n) for n in args.size.lower().split("x"))
        assert len(size) == 2 and min(size) >= 320
    except (ValueError, AssertionError):
        print(f"kiosk bench docscan-page: --size {args.size!r} is not WIDTHxHEIGHT (at least 320 each)")
        return 2
    app = QGuiApplication.instance() or QGuiApplication([])
    source = SceneFrameSource(SEEDS, size, frames_per_page=FRAMES_PER_PAGE, fps=15.0)
    source.open()
    for _ in range(len(SEEDS) * FRAMES_PER_PAGE):  # draw every desk once, before the clock
        source.read(1.0)
    camera = SimDocumentCamera(source=source, options=CameraDocumentCameraOptions(mode=args.mode, auto_capture=False))
    camera.start()
    watching = threading.Event()
    if not args.no_preview:
        watching.set()
        threading.Thread(target=_watch, args=(camera, watching), name="bench-preview", daemon=True).start()
    print(f"kiosk bench docscan-page: {args.captures} captures at {size[0]}x{size[1]} on the simulated document camera"
          f" ({len(SEEDS)} pages on desks, 15 fps, mode {args.mode}), {os.cpu_count()} cores,"
          f" OpenCV {cv2.__version__} ({cv2.getNumThreads()} threads), thumbnail {height} px high,"
          f" {'no preview' if args.no_preview else 'live preview watching'}, {args.pause_s:g} s between captures")
    try:
        camera.capture(timeout_s=30).wipe()  # warm-up: the worker, the feed, the first frame; not counted
        if args.captures < 1:
            return 2
        capture_ms, decode_ms, thumb_ms, total_ms, sizes = [], [], [], [], []
        found, views = 0, 0
        for _ in range(args.captures):
            time.sleep(args.pause_s)  # the citizen lays the next page; the worker looks for it meanwhile
            views += camera.latest_view() is not None
            start = time.perf_counter()
            page = camera.capture(timeout_s=30)
            captured = time.perf_counter()
            shown = thumbnail(page.jpeg, height)
            done = time.perf_counter()
            if shown.isNull() or shown.height() != height:
                print("   the thumbnail did not decode")
                return 1
            started = time.perf_counter()  # the whole page decoded, for comparison (the screen does not)
            QImage.fromData(bytes(page.jpeg), "JPG")
            decode_ms.append((time.perf_counter() - started) * 1000)
            capture_ms.append((captured - start) * 1000)
            thumb_ms.append((done - captured) * 1000)
            total_ms.append((done - start) * 1000)
            sizes.append((page.width, page.height, len(page.jpeg)))
            found += page.dpi > 0
            page.wipe()
    finally:
        watching.clear()
        camera.stop()
    del app

    def row(name: str, values: list[float]) -> str:
        return f"   {name:38} {median(values):8.1f} ms {percentile(values, 95):8.1f} ms {max(values):8.1f} ms"

    if not args.no_preview and not views:
        print("   the live preview had no view")
        return 1
    width, height, size = sizes[len(sizes) // 2]
    print(f"   live views before a capture: {views} of {len(sizes)}; pages found and flattened: {found}; a page: {width}x{height} px,"
          f" {median([s[2] for s in sizes]) / 1000:.0f} KB JPEG (median)")
    print(f"   {'':38} {'median':>11} {'p95':>11} {'max':>11}")
    print(row("capture() -> CapturedPage", capture_ms))
    print(row("JPEG -> thumbnail (GUI thread)", thumb_ms))
    print(row("(a whole-page decode, for comparison)", decode_ms))
    print(row("total: tap -> page on screen", total_ms))
    ok = percentile(total_ms, 95) < TARGET_MS
    print(f"\ntarget\n   p95 {percentile(total_ms, 95):.0f} ms < {TARGET_MS:.0f} ms from the capture to the page on screen"
          f"   {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


def _watch(camera, watching) -> None:
    """What the preview's timer does on screen: ask for the newest view about 9 times a second."""
    import time

    while watching.is_set():
        camera.latest_view()
        time.sleep(1 / 9)
