"""The Qt side: screens, widgets, and the bridge that turns device and workflow events into signals."""

from ui.qt_import_hook import spare_source_reads

spare_source_reads()  # before the rest of ui/ and everything after it is imported (ui/qt_import_hook.py)
