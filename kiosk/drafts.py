"""A saved application (draft): kept with the backend when something is missing, resumed at the next visit.

Qt-free and blocking (network): called from the task runner. One module for the kiosk and, later,
the window, so what a draft holds is decided once.
"""

from __future__ import annotations

from typing import Any

from common.domain import Application, Attachment
from kiosk.backend.client import BackendClient
from kiosk.materials import Checklist, Provided


def save(backend: BackendClient, application: Application, checklist: Checklist,
         files: list[Attachment]) -> dict[str, Any]:
    """Keep the application as it stands: its form and what was provided for each material."""
    done = [m.code for m in checklist.items if m.provided in (Provided.LICENCE, Provided.PAGES, Provided.NOT_APPLICABLE)]
    return backend.save_draft(application.holder.id_number, application.service.code, application.form, done)
