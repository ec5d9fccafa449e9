"""What the terminal keeps for its life is taken out of the garbage collector's way, once it exists.

Python's cyclic collector stops every thread while it runs, the GUI thread included, and a full
(oldest-generation) collection walks every object the interpreter tracks. Once the terminal has
started and built its screens that is about 300,000 objects (Qt's wrappers, our modules, the
screens), and each full collection held the GUI thread for 100-150 ms on the 2-core terminal, five
times over three sessions (measured 2026-12-01 with ``gc.callbacks`` under ``kiosk bench ui``'s
journeys): the longest stalls. ``gc.freeze()`` moves every object alive at that moment into a
permanent generation the collector no longer walks; what sessions create later is collected as
before. Called once, when the kiosk's warm-up has built every screen (the window and maintenance:
once started), never per session: an object frozen is never collected, so freezing a citizen's
session would keep its garbage for the terminal's life.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def freeze() -> int:
    """Freeze what exists now; returns how many objects the collector will no longer walk."""
    gc.freeze()
    count = gc.get_freeze_count()
    log.info("memory: %d long-lived objects set aside from garbage collection", count)
    return count
