"""Fee orders: one open order per case, paid, expired or cancelled by the payment platform.

An order is ``unpaid`` until the platform says otherwise (the sandbox's control routes stand
in for it: paid, expire, cancel), and reads ``expired`` by itself once ``expires`` has passed:
the status is computed on every read from the stored one and the clock, so nothing needs a
timer. Asking again for a case's order (a retry, a double tap, a citizen who comes back) gives
the order that is still open, or the paid one: never a second charge. Only when the last order
expired or was cancelled does a new one start, with a new order id and QR payload.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from sandbox.store import Store

TABLE = """CREATE TABLE IF NOT EXISTS payment_orders (order_id TEXT PRIMARY KEY, case_number TEXT NOT NULL,
    amount REAL NOT NULL, status TEXT NOT NULL, created REAL NOT NULL, expires REAL NOT NULL)"""
TTL_S = 900.0


class OrderStatus(str, Enum):
    UNPAID = "unpaid"
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class OrderClosed(Exception):
    """The order cannot change any more: ``status`` is where it ended."""

    def __init__(self, status: OrderStatus) -> None:
        super().__init__(status.value)
        self.status = status


def qr_payload(order_id: str, amount: float) -> str:
    """docs/api/payloads.md: ``OTP1:<order id>:<amount in yuan, 2 decimals>``."""
    return f"OTP1:{order_id}:{amount:.2f}"


class Payments:
    def __init__(self, store: Store, clock: Callable[[], float] = time.time, ttl_s: float = TTL_S) -> None:
        self._store, self.clock, self.ttl_s = store, clock, ttl_s
        with store.tx() as db:
            db.execute(TABLE)

    def _status(self, row: Any) -> OrderStatus:
        status = OrderStatus(row["status"])
        if status is OrderStatus.UNPAID and self.clock() >= row["expires"]:
            return OrderStatus.EXPIRED
        return status

    def _view(self, row: Any) -> dict[str, Any]:
        from sandbox.store import now_iso

        return {"order_id": row["order_id"], "case_number": row["case_number"], "amount_yuan": row["amount"],
                "status": self._status(row).value, "qr_payload": qr_payload(row["order_id"], row["amount"]),
                "expires_at": now_iso(row["expires"])}

    def order_for(self, case_number: str, amount: float) -> dict[str, Any]:
        """The case's open or paid order, or a new one when there is none (or the last one closed unpaid)."""
        with self._store.tx() as db:
            for row in db.execute("SELECT * FROM payment_orders WHERE case_number = ? ORDER BY created DESC",
                                  (case_number,)).fetchall():
                if self._status(row) in (OrderStatus.UNPAID, OrderStatus.PAID):
                    return self._view(row)
            now = self.clock()
            order_id = "PO" + dt.date.fromtimestamp(now).strftime("%Y%m%d") + secrets.token_hex(4).upper()
            db.execute("INSERT INTO payment_orders VALUES (?, ?, ?, ?, ?, ?)",
                       (order_id, case_number, amount, OrderStatus.UNPAID.value, now, now + self.ttl_s))
            return self._view(db.execute("SELECT * FROM payment_orders WHERE order_id = ?", (order_id,)).fetchone())

    def order(self, order_id: str) -> dict[str, Any] | None:
        row = self._store._one("SELECT * FROM payment_orders WHERE order_id = ?", order_id)
        return self._view(row) if row else None

    def paid(self, case_number: str) -> bool:
        """Whether an order of the case was paid (its fee settled)."""
        return self._store._one("SELECT 1 AS paid FROM payment_orders WHERE case_number = ? AND status = ?",
                                case_number, OrderStatus.PAID.value) is not None

    def orders_of(self, case_number: str) -> list[dict[str, Any]]:
        """Every order a case has had, oldest first (for staff and tests)."""
        return [self._view(row) for row in self._store._all(
            "SELECT * FROM payment_orders WHERE case_number = ? ORDER BY created", case_number)]

    def close(self, order_id: str, status: OrderStatus) -> dict[str, Any] | None:
        """unpaid -> paid | expired | cancelled (the platform's word). None for no such order; OrderClosed
        when it already ended otherwise; the same status again is no change (a resent notification)."""
        with self._store.tx() as db:
            row = db.execute("SELECT * FROM payment_orders WHERE order_id = ?", (order_id,)).fetchone()
            if row is None:
                return None
            current = self._status(row)
            if current is not status:
                if current is not OrderStatus.UNPAID:
                    raise OrderClosed(current)
                expires = min(row["expires"], self.clock()) if status is OrderStatus.EXPIRED else row["expires"]
                db.execute("UPDATE payment_orders SET status = ?, expires = ? WHERE order_id = ?",
                           (status.value, expires, order_id))
            return self._view(db.execute("SELECT * FROM payment_orders WHERE order_id = ?", (order_id,)).fetchone())
