"""One exception tree for every device; each error carries a plain-language message."""

from __future__ import annotations

from common.errors import OneTripError
from common.i18n import N_


class DeviceError(OneTripError):
    """Base of all device errors. ``message`` is what a citizen or clerk is shown."""

    default = N_("The device is not working right now.")


class DeviceTimeoutError(DeviceError):
    default = N_("The device did not answer in time.")


class DeviceOfflineError(DeviceError):
    default = N_("The device is not connected.")


class ProtocolError(DeviceError):
    default = N_("The device sent something we could not understand.")
