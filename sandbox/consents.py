"""The rules a consent meets beyond its shape (sandbox.models.ConsentIn), recorded alone or inside a case."""

from __future__ import annotations

from sandbox.errors import ApiError
from sandbox.models import ConsentIn
from sandbox.store import Store


def check_consent(store: Store, body: ConsentIn, where: str = "") -> None:
    """The rules a consent meets beyond its shape, alone or inside a case (``where``: its path there)."""
    if body.scope == "licences" and not body.service_code:
        raise ApiError(422, "service_required", "调取电子证照的授权须注明办理事项",
                       "A consent to fetch electronic licences names the service", {where + "service_code": "required"})
    if body.service_code and store.service(body.service_code) is None:
        raise ApiError(422, "service_not_found", "没有找到该事项", "No such service",
                       {where + "service_code": body.service_code})
