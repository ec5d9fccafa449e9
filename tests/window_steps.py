"""Steps at the clerk's window, through its widgets, shared by the window's UI tests."""

from kiosk.workflows.clerk import Desk


def signed_in(gui, qtbot):
    """The sandbox's clerk signed in at the window: returns its view, the desk waiting for an applicant."""
    view = gui.window.view
    view.sign_in.staff_id.setText("XH0001")
    view.sign_in.password.setText("demo-XH0001")
    view.sign_in.submit()
    qtbot.waitUntil(lambda: view.desk.step is Desk.WAITING, timeout=5000)
    return view


def with_card(gui, qtbot, sample: str = "resident"):
    """The clerk signed in and the ``sample`` card read: returns the window's view."""
    view = signed_in(gui, qtbot)
    gui.services.devices.id_reader.place_card(sample)
    qtbot.waitUntil(lambda: view.desk.identity is not None, timeout=5000)
    return view


def checking(gui, qtbot, service: str):
    """The sandbox's clerk signed in, the sample resident's card read and ``service`` chosen from the list: the desk
    checks that service's materials. Returns the window's view and its desk screen."""
    view = with_card(gui, qtbot)
    screen = view.desk_screen
    screen.services.setCurrentIndex(screen.services.findData(service))
    screen._service_chosen(screen.services.currentIndex())
    return view, screen
