"""Steps at the clerk's window, shared by the window's tests: through its widgets (the UI tests), or on the desk alone
(the workflow tests)."""

from devices.idcard.samples import sample_identity
from kiosk.workflows.clerk import Desk
from sandbox.form_answers import answers


def fill_form(desk):
    """The service's application form typed in as the applicant answers it (sandbox/form_answers.py)."""
    for name, value in answers(desk.service).items():
        desk.set_form_value(name, value)


def desk_checking(services, service: str):
    """A new desk of ``services``: the sandbox's clerk signed in, the sample resident's card read and ``service``
    chosen, its materials being checked. Returns the desk."""
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    desk.card_read(sample_identity("resident"))
    desk.choose_service(service)
    assert desk.step is Desk.CHECKING
    fill_form(desk)
    return desk


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


def checking(gui, qtbot, service: str, fill: bool = True):
    """The sandbox's clerk signed in, the sample resident's card read and ``service`` chosen from the list: the desk
    checks that service's materials, its form filled in (``fill``). Returns the window's view and its desk screen."""
    view = with_card(gui, qtbot)
    screen = view.desk_screen
    screen.services.setCurrentIndex(screen.services.findData(service))
    screen._service_chosen(screen.services.currentIndex())
    if fill:
        fill_form(view.desk)  # typed in the form's panel in tests/test_clerk_form.py and the demo
    return view, screen
