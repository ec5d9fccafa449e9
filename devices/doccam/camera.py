"""A document camera over a camera feed: capture on demand, auto-capture, ID-card copies.

The feed (``devices.camera``) reads the camera on its own thread and keeps the newest frame and
a small preview. This device's worker looks at the preview between jobs: finds the page, checks
sharpness and glare, runs the auto-capture state machine, and tells listeners what the user should
do (:class:`CaptureAdvice`); when the page has lain still it takes the newest full-resolution frame
and emits :class:`PageCaptured`. Nothing is written to disk and page content is never logged.

The worker also keeps the live view a screen shows (:meth:`latest_view`): the preview, the page's
corners in it, the advice and the state, swapped in whole after each look. It looks only while
auto-capture is on or a preview was asked for in the last :data:`VIEW_INTEREST_S` seconds, so a
camera nobody watches costs nothing. While the worker is busy (a capture takes a few hundred ms at
1920x1080) the view's picture is the feed's newest preview and its outline the worker's last, so the
picture on screen keeps moving.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass

import numpy as np

from devices.camera.base import FeedState, FeedStateChanged, FrameSource
from devices.camera.feed import CameraFeed
from devices.doccam.autocapture import AutoCapture, AutoCaptureOptions, Observation
from devices.doccam.base import CapturedPage, CaptureError, CaptureState, DocumentCamera, PreviewView
from devices.doccam.detect import find_page
from devices.doccam.idcopy import card_sheet, find_card, flatten_card
from devices.doccam.marking import VERIFICATION_TEXT, mark_page
from devices.doccam.output import encode_jpeg
from devices.doccam.pipeline import CaptureSettings, finish_page, whole_frame
from devices.doccam.quality import MSG_NOT_FOUND, MSG_READY, assess
from devices.events import Listeners
from devices.health import DeviceState, SelfTestResult
from devices.worker import on_worker
from common.i18n import N_, Text, text

log = logging.getLogger(__name__)
MSG_OFFLINE = N_("The document camera is not connected.")
MSG_CONNECTING = N_("The document camera is starting: waiting for its first picture.")
MSG_NO_CARD = N_("Card not found. Lay the card flat in the middle of the desk.")
POLL_INTERVAL_S = 0.1
VIEW_INTEREST_S = 2.0   # keep looking this long after the last latest_view() (a preview asks ~9 times a second)
VIEW_STALE_S = 0.4      # an older view gets the feed's newest picture (the worker is busy capturing)
FRAME_WAIT_S = 2.0      # a capture waits this long for a picture newer than the last one it took
FIRST_FRAME_S = 6.0     # ... and, from a camera still starting, this much longer for its first picture
                        # (a busy terminal's first frame took over 2 s; with FRAME_WAIT_S within the
                        # 10 s a caller waits for a capture, CallTimeouts.capture_s)


@dataclass(frozen=True)
class CaptureAdvice:
    state: CaptureState
    advice: Text


@dataclass(frozen=True)
class PageCaptured:
    page: CapturedPage


@dataclass(frozen=True)
class CameraDocumentCameraOptions:
    device: str = "0"                 # index, /dev/videoN, or a URL
    width: int = 2592
    height: int = 1944
    fourcc: str = "MJPG"
    mode: str = "colour"              # colour | grey | text
    max_dpi: float = 300.0
    page_budget_kb: int = 500
    auto_capture: bool = True
    still_s: float = 1.0
    preview_width: int = 960
    mark: bool = False                # clerk terminals: the verification mark on every copy
    mark_text: str = VERIFICATION_TEXT
    terminal_id: str = ""

    def __post_init__(self) -> None:
        if self.mode not in ("colour", "grey", "text"):
            raise ValueError(f"mode: {self.mode!r} is not one of colour, grey, text")

    def settings(self) -> CaptureSettings:
        return CaptureSettings(mode=self.mode, max_dpi=self.max_dpi, page_budget=self.page_budget_kb * 1000,
                               mark=self.mark, mark_text=self.mark_text, terminal_id=self.terminal_id)


class CameraDocumentCamera(DocumentCamera):
    def __init__(self, name: str, options: CameraDocumentCameraOptions, source: FrameSource | None = None) -> None:
        # The worker polls even without auto-capture: a preview on screen needs its view.
        super().__init__(name, poll_interval_s=POLL_INTERVAL_S)
        if source is None:
            from devices.camera.capture import VideoCaptureSource

            source = VideoCaptureSource(options.device, width=options.width, height=options.height,
                                        fourcc=options.fourcc)
        self.options = options
        self.settings = options.settings()
        self.events: Listeners[CaptureAdvice | PageCaptured] = Listeners(f"{name} pages")
        self._feed = CameraFeed(source, name=name, preview_width=options.preview_width)
        self._feed.events.subscribe(self._on_feed)
        self._auto = AutoCapture(AutoCaptureOptions(still_s=options.still_s))
        self._seen_seq = 0
        self._last_advice: Text | None = None
        self._view: PreviewView | None = None        # replaced whole, never changed: readers need no lock
        self._view_wanted_at = float("-inf")

    # -- feed state -> health (on the feed's thread; HealthTracker is thread-safe)
    def _on_feed(self, event: FeedStateChanged) -> None:
        if event.state is FeedState.STREAMING:
            self.health.set_state(DeviceState.READY)
        elif event.state is FeedState.CONNECTING and self.health.snapshot().reason is None:
            # the first connection: maintenance says why it is not ready yet, not just "offline"
            self.health.set_state(DeviceState.OFFLINE, text(MSG_CONNECTING))
        elif event.state is FeedState.UNAVAILABLE:
            self.health.set_state(DeviceState.OFFLINE, text(MSG_OFFLINE))

    @on_worker
    def _open(self) -> None:
        self._feed.start()

    @on_worker
    def _close(self) -> None:
        self._feed.stop()

    def _frame(self) -> np.ndarray:
        frame = self._feed.wait_next(self._seen_seq, FRAME_WAIT_S) or self._feed.latest()
        if frame is None and self._feed.state is FeedState.CONNECTING:  # started, no picture yet
            frame = self._feed.wait_next(self._seen_seq, FIRST_FRAME_S)
        if frame is None:
            state = self._feed.state
            raise CaptureError(text(MSG_CONNECTING) if state is FeedState.CONNECTING
                               else text(MSG_OFFLINE) if state is not FeedState.STREAMING else None)
        self._seen_seq = frame.seq
        return frame.image

    @on_worker
    def _capture(self) -> CapturedPage:
        image = self._frame()
        quad = find_page(image)
        if quad is None:
            page = whole_frame(image, self.settings.page_budget)
            page.advice = [text(MSG_NOT_FOUND)]
        else:
            page = finish_page(image, quad, self.settings)
        self.health.count("pages_captured")
        return page

    # -- the live view: any thread, never waits on the worker
    def latest_view(self) -> PreviewView | None:
        self._view_wanted_at = time.monotonic()
        view = self._view
        if view is None or self._feed.state is not FeedState.STREAMING:
            return None
        if time.monotonic() - view.at > VIEW_STALE_S:  # the worker is busy: the picture keeps moving
            frame, preview = self._feed.latest(), self._feed.preview()
            if frame is not None and preview is not None and preview.shape == view.image.shape:
                view = dataclasses.replace(view, image=_frozen_copy(preview), seq=frame.seq)
        return view

    # -- auto-capture and the live view, between jobs on the worker
    @on_worker
    def _poll(self) -> None:
        watched = time.monotonic() - self._view_wanted_at < VIEW_INTEREST_S
        if not (self.options.auto_capture or watched):
            self._view = None
            return
        preview = self._feed.preview()
        full = self._feed.latest()
        if preview is None or full is None or self._feed.state is not FeedState.STREAMING:
            self._view = None
            return
        quad = find_page(preview)
        if quad is not None:  # judge sharpness on the full-resolution page
            quality = assess(full.image, quad * (full.image.shape[1] / preview.shape[1]))
        else:
            quality = assess(preview, None)
        now = time.monotonic()
        state = self._auto.feed(Observation(now, quad, quality.sharpness, quality.glare))
        advice = quality.advice[0] if quality.advice and state is CaptureState.STEADYING else self._auto.advice
        steady = state in (CaptureState.CAPTURE, CaptureState.REMOVE) or (
            state is CaptureState.STEADYING and advice.msgid == MSG_READY)
        shown_state, shown_advice = state, advice
        if not self.options.auto_capture and state in (CaptureState.CAPTURE, CaptureState.REMOVE):
            shown_state, shown_advice = CaptureState.STEADYING, text(MSG_READY)  # the citizen takes it
        self._view = PreviewView(_frozen_copy(preview), None if quad is None else np.asarray(quad, np.float64),
                                 shown_advice, shown_state, steady, self.options.auto_capture, full.seq, now)
        if not self.options.auto_capture:
            return
        if advice != self._last_advice or state is CaptureState.CAPTURE:
            self._last_advice = advice
            self.events.emit(CaptureAdvice(state, advice))
        if state is CaptureState.CAPTURE:
            try:
                page = self._capture()
            except CaptureError as exc:
                log.warning("%s: auto-capture failed: %s", self.name, exc.detail or type(exc).__name__)
                self._auto.reset()
                return
            self.events.emit(PageCaptured(page))

    # -- ID-card copy: one side at a time, then one A4 sheet
    def capture_card(self, timeout_s: float | None = None) -> np.ndarray:
        """One side of an ID card, flattened to true size at 300 dpi (BGR)."""
        return self._worker.call(self._capture_card, timeout_s=timeout_s or self.call_timeouts.capture_s)

    @on_worker
    def _capture_card(self) -> np.ndarray:
        image = self._frame()
        quad = find_card(image)
        if quad is None:
            raise CaptureError(text(MSG_NO_CARD))
        return flatten_card(image, quad, 300.0)

    def id_card_copy(self, front: np.ndarray, back: np.ndarray) -> CapturedPage:
        """Both sides on one A4 page at true size, JPEG in budget (pure; any thread)."""
        return id_card_page(front, back, self.settings)

    @on_worker
    def _self_test(self) -> SelfTestResult:
        ok = self._feed.state is FeedState.STREAMING
        return SelfTestResult(self.name, ok, text("The document camera is ready.") if ok else text(MSG_OFFLINE),
                              {"reconnects": str(self._feed.reconnects)})


def _frozen_copy(image: np.ndarray) -> np.ndarray:
    copy = image.copy()
    copy.flags.writeable = False
    return copy


def id_card_page(front: np.ndarray, back: np.ndarray, settings: CaptureSettings = CaptureSettings(),
                 dpi: float = 300.0) -> CapturedPage:
    """The ID-card copy sheet as a finished page (marked if the settings say so)."""
    import datetime as dt

    sheet = card_sheet(front, back, dpi)
    if settings.mark:
        sheet = mark_page(sheet, dpi, terminal_id=settings.terminal_id, when=dt.datetime.now(), text=settings.mark_text)
    jpeg, _ = encode_jpeg(sheet, settings.page_budget)
    h, w = sheet.shape[:2]
    sheet.fill(0)
    return CapturedPage(jpeg, w, h, dpi, "colour", marked=settings.mark)
