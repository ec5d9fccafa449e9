"""Fee orders through the real client against the sandbox: order, pay, expire, cancel, once per case."""

import time

import pytest
import requests

from common.backend_errors import RejectedError, ServerError
from common.domain import PaymentStatus
from kiosk.payloads import PayloadKind, classify
from tests.backend_helpers import Scripted, ScriptedBackend, application, client_for

FREE_CASE = "SQ2026111300004"  # seeded: elderly allowance (GL-012), free


@pytest.fixture
def client(sandbox):
    return client_for(sandbox.url)


def _platform(sandbox, order_id: str, outcome: str) -> requests.Response:
    return requests.post(f"{sandbox.url}/control/payments/{order_id}/{outcome}", timeout=5)


def _fee_case(client) -> str:
    return client.submit(application(client, "JSZ-010")).case_number  # 10 yuan


def test_an_order_is_paid_through_the_platform(client, sandbox):
    case = _fee_case(client)
    order = client.payment_order(case)
    assert (order.case_number, order.amount_yuan, order.status) == (case, 10.0, PaymentStatus.UNPAID)
    assert order.qr_payload == f"OTP1:{order.order_id}:10.00"
    assert classify(order.qr_payload).kind is PayloadKind.PAYMENT_ORDER
    assert order.expires_at.timestamp() > time.time() + 60
    assert _platform(sandbox, order.order_id, "paid").json()["status"] == "paid"
    assert client.payment_status(order.order_id).status is PaymentStatus.PAID
    again = client.payment_order(case)  # paid: the same order, never a second charge
    assert (again.order_id, again.status) == (order.order_id, PaymentStatus.PAID)
    refused = _platform(sandbox, order.order_id, "cancel")
    assert refused.status_code == 409 and refused.json()["error"]["fields"]["status"] == "paid"


def test_asking_twice_gives_the_same_open_order(client, sandbox):
    case = _fee_case(client)
    first, second = client.payment_order(case), client.payment_order(case)
    assert first == second
    assert [o["order_id"] for o in sandbox.store.payments.orders_of(case)] == [first.order_id]


def test_a_cancelled_order_reads_cancelled_and_a_new_one_can_be_asked_for(client, sandbox):
    case = _fee_case(client)
    order = client.payment_order(case)
    assert _platform(sandbox, order.order_id, "cancel").json()["status"] == "cancelled"
    assert client.payment_status(order.order_id).status is PaymentStatus.CANCELLED
    fresh = client.payment_order(case)
    assert fresh.order_id != order.order_id and fresh.status is PaymentStatus.UNPAID
    assert _platform(sandbox, order.order_id, "paid").status_code == 409  # a closed order is not paid late


def test_the_platform_expires_an_order(client, sandbox):
    order = client.payment_order(_fee_case(client))
    assert _platform(sandbox, order.order_id, "expire").json()["status"] == "expired"
    status = client.payment_status(order.order_id)
    assert status.status is PaymentStatus.EXPIRED and status.expires_at.timestamp() <= time.time() + 1


def test_an_order_past_its_expiry_reads_expired_by_itself(client, sandbox):
    case = _fee_case(client)
    order = client.payment_order(case)
    sandbox.store.payments.clock = lambda: order.expires_at.timestamp() + 1  # the platform's clock moves on
    assert client.payment_status(order.order_id).status is PaymentStatus.EXPIRED
    assert _platform(sandbox, order.order_id, "paid").status_code == 409
    assert client.payment_order(case).order_id != order.order_id  # the citizen pays later under a new order
    assert [o["status"] for o in sandbox.store.payments.orders_of(case)] == ["expired", "unpaid"]


def test_a_free_service_has_no_order_and_unknown_ones_are_plain(client, sandbox):
    with pytest.raises(RejectedError) as caught:
        client.payment_order(FREE_CASE)
    assert caught.value.status == 422 and caught.value.code == "no_fee"
    assert "无需缴费" in caught.value.message_zh and "free" in caught.value.message_en
    with pytest.raises(RejectedError, match="order_not_found"):
        client.payment_status("PO20261127FFFFFFFF")
    assert _platform(sandbox, "PO20261127FFFFFFFF", "paid").status_code == 404
    assert _platform(sandbox, "PO20261127FFFFFFFF", "refund").status_code == 404


@pytest.mark.parametrize("change, why", [
    ({"qr_payload": "OTP1:PO20261127AAAAAAAA:10.00"}, "QR payload"),
    ({"qr_payload": "OTP1:PO20261127A1B2C3D4:1.00"}, "QR payload"),
    ({"amount_yuan": -10}, "amount"),
    ({"status": "refunded"}, "unknown value"),
    ({"case_number": "SQ2026112700099"}, "another case"),
    ({"expires_at": "soon"}, "bad timestamp"),
])
def test_an_order_off_contract_is_a_server_error(change, why):
    good = {"order_id": "PO20261127A1B2C3D4", "case_number": "SQ2026112700042", "amount_yuan": 10.0,
            "status": "unpaid", "qr_payload": "OTP1:PO20261127A1B2C3D4:10.00", "expires_at": "2026-11-27T10:15:00+08:00"}
    import json
    with ScriptedBackend() as backend:
        client = client_for(backend.url)
        backend.answer = Scripted(body=json.dumps(good).encode())
        assert client.payment_order("SQ2026112700042").order_id == good["order_id"]
        backend.answer = Scripted(body=json.dumps(dict(good, **change)).encode())
        with pytest.raises(ServerError, match=why):
            client.payment_order("SQ2026112700042")
