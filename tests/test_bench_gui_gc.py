"""`kiosk bench gui-gc`'s short version: the terminal's way of starting Qt (ui/app.py) keeps the GUI
thread beating while receivers of Qt signals die in cycles and workers allocate, and no collection
runs on a worker thread (the freeze it had: ui/gui_thread_gc.py). The long runs are the bench's."""

from entry.bench.gui_gc import run_once


def test_the_terminals_gui_thread_keeps_beating_and_collects_alone():
    result = run_once("terminal", seconds=3, frozen_s=10)
    assert result["froze_at_s"] is None and result["exit_code"] == 0, result
    assert result["restyles"] > 10 and result["receivers"] > 100 and result["posts"] > 100, result
    assert result["collections_on_workers"] == 0, result
    assert result["gc_enabled"] is False, result
