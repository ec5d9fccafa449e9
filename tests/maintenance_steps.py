"""Maintenance unlocked through its widgets, as staff do: a staff sign-in, or the break-glass PIN's keypad."""

from __future__ import annotations

from PySide6.QtCore import Qt

LEFT = Qt.MouseButton.LeftButton
MAINTENANCE_STAFF = ("XH0004", "demo-XH0004")  # the sandbox's staff member with the maintenance role


def sign_in(view, qtbot, staff_id: str = MAINTENANCE_STAFF[0], password: str = MAINTENANCE_STAFF[1]) -> None:
    """Staff id and password typed, "sign in" tapped; waits for the answer (the status screen, or a notice)."""
    view.sign_in.staff_id.setText(staff_id)
    view.sign_in.password.setText(password)
    qtbot.mouseClick(view.sign_in.sign_in, LEFT)
    qtbot.waitUntil(lambda: not view.access.busy, timeout=10000)


def signed_in(view, qtbot) -> None:
    sign_in(view, qtbot)
    assert view.currentWidget() is view.status, view.sign_in.notice.text()


def enter_pin(view, qtbot, pin: str) -> None:
    """The keypad opened from the sign-in screen if need be, the PIN's keys and ✓ tapped; waits for the answer."""
    if view.currentWidget() is view.sign_in:
        qtbot.mouseClick(view.use_pin, LEFT)
    for key in pin:
        qtbot.mouseClick(view.pin.keys[key], LEFT)
    qtbot.mouseClick(view.pin.keys["✓"], LEFT)
    qtbot.waitUntil(lambda: not view.access.busy, timeout=10000)
