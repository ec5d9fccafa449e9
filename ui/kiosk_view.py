"""The citizen kiosk: one screen per session step, and the idle timeout that wipes the session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QStackedWidget

from ui.screens.home import HomeScreen
from ui.wedge import WedgeFilter
from ui.widgets import Screen

if TYPE_CHECKING:
    from kiosk.workflows.citizen import CitizenSession, Step
    from ui.bridge import DeviceBridge

_USER_INPUT = {QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress}


class KioskView(QStackedWidget):
    """The home screen at once; the session and the other screens when the services are built (:meth:`attach`)."""

    def __init__(self) -> None:
        super().__init__()
        self.home = HomeScreen()
        self.addWidget(self.home)
        self.session: CitizenSession | None = None
        self.screens: dict[Step, Screen] = {}
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.wedge = WedgeFilter(self)  # keyboard-wedge scanners type fast and press Enter

    def attach(self, session: CitizenSession, bridge: DeviceBridge, idle_timeout_s: float) -> None:
        from kiosk.workflows.citizen import Step
        from ui.screens.application import CompanyScreen, ConsentScreen, GuideScreen, PrincipalScreen, WhoScreen
        from ui.screens.citizen import (ConfirmScreen, DoneScreen, FailedScreen, IdentityScreen, LicencesScreen,
                                        ProgressScreen, ReadCardScreen, ServicesScreen, SubmittingScreen)
        from ui.screens.form import FormScreen

        self.session = session
        self.home.bind(session)
        self.screens = {
            Step.HOME: self.home,
            Step.CONSENT: ConsentScreen(session),
            Step.READ_CARD: ReadCardScreen(session),
            Step.IDENTIFIED: IdentityScreen(session),
            Step.CHOOSE_SERVICE: ServicesScreen(session),
            Step.GUIDE: GuideScreen(session),
            Step.WHO: WhoScreen(session),
            Step.COMPANY: CompanyScreen(session),
            Step.PRINCIPAL: PrincipalScreen(session),
            Step.FORM: FormScreen(session),
            Step.CONFIRM: ConfirmScreen(session),
            Step.SUBMITTING: SubmittingScreen(session),
            Step.LICENCES: LicencesScreen(session),
            Step.PROGRESS: ProgressScreen(session),
            Step.DONE: DoneScreen(session),
            Step.FAILED: FailedScreen(session),
        }
        self.screens[Step.PRINTING] = self.screens[Step.SUBMITTING]  # one waiting screen, its text by step
        for screen in set(self.screens.values()) - {self.home}:
            self.addWidget(screen)
        self.idle.setInterval(int(idle_timeout_s * 1000))
        self.idle.timeout.connect(session.timeout)
        bridge.card_read.connect(session.card_read)
        bridge.card_failed.connect(session.card_failed)
        bridge.code_scanned.connect(lambda event: session.code_scanned(event.text))
        self.wedge.scanned.connect(session.code_scanned)
        session.subscribe(lambda _s: self.show_step())
        self.show_step()

    def current_screen(self) -> Screen:
        return self.screens[self.session.step] if self.session is not None else self.home

    def show_step(self) -> None:
        screen = self.current_screen()
        screen.refresh(self.session)
        self.setCurrentWidget(screen)
        if screen is self.home:
            self.idle.stop()
            for other in set(self.screens.values()):
                other.forget()  # nothing one citizen typed waits in a hidden screen for the next
        else:
            self.idle.start()

    def retranslate(self) -> None:
        self.current_screen().refresh(self.session)

    def user_active(self) -> None:
        if self.idle.isActive():
            self.idle.start()


class ActivityFilter(QObject):
    """Restarts the idle timer on every touch, click or key press anywhere in the app."""

    def __init__(self, view: KioskView) -> None:
        super().__init__()
        self._view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _USER_INPUT:
            self._view.user_active()
        return False
