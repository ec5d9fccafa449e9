"""One exception tree for every device; each error carries a plain-language message."""

from __future__ import annotations

from kiosk.i18n import N_, Text, text


class DeviceError(Exception):
    """Base of all device errors. ``message`` is what a citizen or clerk is shown."""

    default = N_("The device is not working right now.")

    def __init__(self, message: Text | str | None = None, *, detail: str = "") -> None:
        if message is None:
            message = text(self.default)
        elif isinstance(message, str):
            message = text(message)
        self.message: Text = message
        self.detail = detail
        super().__init__(f"{message.msgid}{': ' + detail if detail else ''}")


class DeviceTimeoutError(DeviceError):
    default = N_("The device did not answer in time.")


class DeviceOfflineError(DeviceError):
    default = N_("The device is not connected.")


class ProtocolError(DeviceError):
    default = N_("The device sent something we could not understand.")
