"""The window's licence hand-over (领证): the licences ready for the applicant in hand, and the button that hands
the chosen one over. The desk does the rest (kiosk/workflows/clerk_handover.py); the row shows only what the
desk holds, so it holds nothing of an applicant once they go. A hand-over recorded whose receipt did not print
is offered again here ("Print again") until the applicant's matter ends. "For another holder" (代领) opens a line
where the clerk types the holder's ID number (or lays the holder's ID card on the reader) for the person at the
desk to collect as agent, and ticks that they saw the holder's authorisation (kiosk/workflows/clerk_agent.py);
offered before a service is chosen. Hidden when there is nothing to hand over, so it takes no room on a screen where it cannot be used (the window fits 1280x800 in large English)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from common.i18n import _, language, ngettext
from kiosk.workflows.clerk import ClerkDesk
from ui.widgets import ComboBox, button, field_edit, label


class HandoverRow(QWidget):
    def __init__(self, desk: ClerkDesk) -> None:
        super().__init__()
        self._desk = desk
        self._shown_for = None  # the applicant (the desk's Identity) the row last showed
        self.title = label("", wrap=False, align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.licences = ComboBox()
        self.licences.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.licences.setMinimumContentsLength(8)  # a long licence name never widens the window
        self.hand_over = button("", self._hand_over)
        self.print_again = button("", desk.print_handover_again)  # a recorded hand-over whose receipt failed
        self.for_another = button("", self._for_another)  # the person at the desk collects as agent (代领)
        self.for_another.setCheckable(True)
        self.holder = field_edit()  # the holder's ID number, from their papers
        self.holder.setMaxLength(18)
        self.holder.returnPressed.connect(self._find)
        self.find = button("", self._find)
        self.authorised = button("", lambda: self._desk.confirm_authorisation(self.authorised.isChecked()))
        self.authorised.setCheckable(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()  # one line above the materials: the left column has no height to spare at 1280x800
        row.addWidget(self.title)
        row.addWidget(self.licences, 1)
        row.addWidget(self.hand_over)
        row.addWidget(self.print_again)
        # the agent's lines: shown only before a service is chosen, when the materials' list is empty (on the first
        # line, "For another holder" widened the window past 1280 in large English)
        self.agent = QWidget()
        agent = QHBoxLayout(self.agent)
        agent.setContentsMargins(0, 0, 0, 0)
        agent.addWidget(self.for_another)
        agent.addWidget(self.holder, 1)
        agent.addWidget(self.find)  # the holder found: "Authorisation seen" in its place
        agent.addWidget(self.authorised)
        column.addLayout(row)
        column.addWidget(self.agent)
        self.agent.setVisible(False)  # until a card is read: the stack sizes the window by its hidden desk too

    def _for_another(self) -> None:
        if not self.for_another.isChecked():
            self.holder.clear()
        self._desk.await_holder(self.for_another.isChecked())  # open: a card laid is the holder's
        self.show_desk(self._desk)

    def _find(self) -> None:
        if self.holder.text().strip():
            self._desk.collect_for(self.holder.text())

    def _hand_over(self) -> None:
        licence_id = self.licences.currentData()
        if licence_id:
            self._desk.hand_over(licence_id)

    def show_desk(self, desk: ClerkDesk) -> None:
        ready, unprinted, collection = desk.ready_licences, desk.unprinted_handovers, desk.collecting_for
        if desk.identity is not self._shown_for:  # another applicant, or none: nothing typed for the last one stays
            self._shown_for = desk.identity  # (another card read straight after one: kiosk bench window-monkey seed 3)
            self.holder.clear()
        agent_open = collection is not None or (desk.holder_awaited and desk.can_collect_for_another())
        self.setVisible(bool(ready) or desk.licences_unknown or bool(unprinted) or desk.can_collect_for_another()
                        or collection is not None)
        if not ready:
            self.title.setText(_("The licences ready for collection could not be looked up.")
                               if desk.licences_unknown else
                               _("Hand-over receipt not printed:") if unprinted else
                               _("No licence of this holder is ready for collection.") if collection is not None
                               else "")
        else:
            self.title.setText(ngettext("{n} licence ready for collection:", "{n} licences ready for collection:",
                                        len(ready)).format(n=len(ready)))
        # nothing to say: the agent's line is the row's first. With "Print again" beside the licences still ready the
        # title gives way (the list and "Hand over" say it): in large English the four widened the window to 1363 px
        # (kiosk bench soak --terminal window, seed 23); the list keeps it as its tooltip
        self.licences.setToolTip(self.title.text() if ready else "")
        self.title.setVisible(bool(self.title.text()) and not (ready and unprinted))
        chosen = self.licences.currentData()
        self.licences.clear()
        lang = language()
        for licence in ready:
            self.licences.addItem(licence.name(lang), licence.licence_id)
        self.licences.setCurrentIndex(max(0, self.licences.findData(chosen)))
        self.licences.setVisible(bool(ready))
        self.hand_over.setVisible(bool(ready))
        self.hand_over.setText(_("Hand over"))
        self.licences.setEnabled(desk.can_hand_over())
        self.hand_over.setEnabled(desk.can_hand_over())
        self.print_again.setText(_("Print again"))
        self.print_again.setVisible(bool(unprinted))
        self.print_again.setEnabled(desk.can_print_handover_again())
        self.for_another.setText(_("For another holder"))
        self.for_another.setChecked(agent_open)
        self.for_another.setEnabled(not desk.busy)
        self.agent.setVisible(desk.can_collect_for_another() or collection is not None)
        self.holder.setVisible(agent_open)
        if collection is not None and self.holder.text().strip().upper() != collection.holder_id_number:
            self.holder.setText(collection.holder_masked_id)  # the holder's card laid: its number masked
        self.find.setVisible(agent_open and collection is None)
        self.authorised.setVisible(collection is not None)
        self.holder.setPlaceholderText(_("Holder's ID number"))
        self.holder.setEnabled(desk.can_collect_for_another() and collection is None)  # again: untick, tick
        self.find.setText(_("Find"))
        self.find.setEnabled(desk.can_collect_for_another())
        self.authorised.setText(_("Authorisation seen"))
        self.authorised.setChecked(collection is not None and collection.authorised)
        self.authorised.setEnabled(collection is not None and not desk.busy)
