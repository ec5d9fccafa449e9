"""OneTrip terminal core: configuration, domain, workflows and backend client (no Qt)."""

__version__ = "0.1.0"

from kiosk.dataclass_code import install as _compile_dataclasses_once

_compile_dataclasses_once()  # before any of our dataclasses is made (kiosk/dataclass_code.py)
