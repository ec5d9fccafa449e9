"""The one error base class: every error a person may be shown carries a translatable message.

Device, backend, queue and configuration errors all derive from :class:`OneTripError`, so a
screen shows ``exc.message`` whatever layer raised it, and the log gets ``exc.detail`` (masked).
"""

from __future__ import annotations

from common.i18n import N_, Text, text


class OneTripError(Exception):
    """``message`` is for a citizen or clerk (rendered in the active language); ``detail`` for the log."""

    default = N_("Something went wrong. Please ask the hall staff for help.")

    def __init__(self, message: Text | str | None = None, *, detail: str = "") -> None:
        if message is None:
            message = text(self.default)
        elif isinstance(message, str):
            message = text(message)
        self.message: Text = message
        self.detail = detail
        super().__init__(f"{type(self).__name__}: {detail or message.msgid}")
