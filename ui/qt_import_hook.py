"""PySide6 reads the whole source file of every module imported after it; this spares the reads.

PySide6 supports ``from __feature__ import snake_case, true_property``. To know which modules may
switch features, its import hook (``PySide6.support.feature.feature_imported``) asks of every module
imported after PySide6 whether it uses PySide, and finds out with ``inspect.getsource(module)`` and a
search for "PySide6" in the text: a file read per module. A terminal imports about 350 modules
after PySide6, many of them between the first paint and the moment it can serve a citizen; the
reads took 50-60 ms of CPU there (measured on this machine, PySide6 6.11).

The answer only matters to a module that switches features, and no module of ours does (a test
checks it). So the question is answered from what the module imported instead: whether one of its
globals is a PySide6 or shiboken6 module or comes from one. A PySide6 without this hook (another
version's internals) is left as it is.
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6.QtCore  # noqa: F401 - loads the feature hook this module adjusts

_QT_PACKAGES = ("PySide6", "shiboken6")


def uses_pyside(module: ModuleType) -> bool:
    """Whether one of the module's globals is a PySide6 module or object (what ``import`` left there)."""
    try:
        values = list(vars(module).values())
    except TypeError:  # an object in sys.modules without a __dict__
        return False
    for value in values:
        try:
            name = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
        except Exception:  # noqa: BLE001 - an odd global must not break an import
            continue
        if isinstance(name, str) and name.startswith(_QT_PACKAGES):
            return True
    return False


def spare_source_reads() -> bool:
    """Answer PySide6's "does this module use PySide?" without reading its source; False where this
    PySide6 has no such hook (nothing changed)."""
    feature = sys.modules.get("PySide6.support.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = uses_pyside
    return True
