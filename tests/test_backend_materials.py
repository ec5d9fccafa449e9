"""The contract's side of issue 15 through the client, against a real sandbox: the signature a
service asks for, company licences, attachments declared with their digests, drafts that keep pages."""

import pytest

from common.backend_errors import ServerError
from kiosk.backend.codec import service_from_json
from tests.backend_helpers import client_for

SIGNED_SERVICES = {"GT-001", "JZ-002", "CS-006", "QY-008", "JSZ-010"}


def test_the_catalogue_says_which_services_need_a_signature(sandbox):
    services = {s.code: s for s in client_for(sandbox.url).catalogue()}
    assert {code for code, s in services.items() if s.signature_required} == SIGNED_SERVICES
    assert len(services) > len(SIGNED_SERVICES)  # and the others say no


def test_a_signature_flag_that_is_not_a_boolean_is_off_contract():
    assert service_from_json({"code": "X", "name_zh": "某事项"}).signature_required is False
    with pytest.raises(ServerError, match="signature_required"):
        service_from_json({"code": "X", "name_zh": "某事项", "signature_required": "yes"})
