"""The evaluation (好差评) of a matter that ended, one module for the kiosk and the window.

A matter ends in a case (rated by its provisional number while it waits offline), a one-time
notice or a printed licence. The five levels are offered in one fixed order, with no hint toward
any; the two lowest ask why (one of the reasons, plus a few optional words) before anything is
sent. One evaluation per matter: the backend's "already evaluated" answer is read as the first
level standing. The state lives in whatever holds the citizen's matter (the kiosk's session, the
window's desk) and is reset with it, never in a screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from common.domain import MAX_EVALUATION_COMMENT, Evaluation, EvaluationKey, EvaluationKeyKind, EvaluationRecorded, \
    RatingReason
from common.i18n import N_, Text, text

if TYPE_CHECKING:
    from kiosk.backend.client import BackendClient
    from kiosk.submission import Submitter

# 非常满意 ... 非常不满意, in this order everywhere (GB/T 39735 好差评: five levels)
LEVELS = ((5, N_("Very satisfied")), (4, N_("Satisfied")), (3, N_("Fair")), (2, N_("Dissatisfied")),
          (1, N_("Very dissatisfied")))
REASON_LABELS = {
    RatingReason.LONG_WAIT: N_("Long wait"), RatingReason.HARD_TO_USE: N_("Hard to use"),
    RatingReason.UNCLEAR_MATERIALS: N_("Unclear what to bring"), RatingReason.DEVICE_FAULT: N_("A device did not work"),
    RatingReason.STAFF_ATTITUDE: N_("Staff attitude"), RatingReason.OTHER: N_("Something else"),
}
# what each channel asks about: a kiosk has no staff to rate, a window has no touch screen of its own to fault
CHANNEL_REASONS = {
    "kiosk": (RatingReason.LONG_WAIT, RatingReason.HARD_TO_USE, RatingReason.UNCLEAR_MATERIALS,
              RatingReason.DEVICE_FAULT, RatingReason.OTHER),
    "window": (RatingReason.LONG_WAIT, RatingReason.STAFF_ATTITUDE, RatingReason.UNCLEAR_MATERIALS,
               RatingReason.DEVICE_FAULT, RatingReason.OTHER),
}


@dataclass
class Rating:
    """One matter's evaluation in progress: offered, a low level waiting for its reason, given."""

    channel: str = "kiosk"
    key: EvaluationKey | None = None
    level: int | None = None     # given (sent or on its way)
    low: int | None = None       # 1 or 2 tapped: waiting for the reason
    comment: str = ""

    @property
    def reasons(self) -> tuple[RatingReason, ...]:
        return CHANNEL_REASONS[self.channel]

    def offer(self, key: EvaluationKey | None) -> None:
        """A matter ended: it may be rated (a new matter clears what was given for the last one)."""
        self.reset()
        self.key = key

    def reset(self) -> None:
        self.key, self.level, self.low, self.comment = None, None, None, ""

    def can_rate(self) -> bool:
        return self.key is not None and self.level is None

    def asking_why(self) -> bool:
        return self.can_rate() and self.low is not None

    def choose(self, level: int) -> Evaluation | None:
        """A level tapped: 3 to 5 give the evaluation at once; 1 and 2 first ask why (None until then)."""
        if not self.can_rate() or level not in (1, 2, 3, 4, 5):
            return None
        if level <= 2:
            self.low = level
            return None
        return self._given(level, None)

    def give_reason(self, reason: RatingReason) -> Evaluation | None:
        if not self.asking_why() or reason not in self.reasons:
            return None
        assert self.low is not None
        return self._given(self.low, reason)

    def set_comment(self, words: str) -> None:
        """The citizen's own words with a low level: kept to the contract's length, never logged."""
        self.comment = words[:MAX_EVALUATION_COMMENT]

    def _given(self, level: int, reason: RatingReason | None) -> Evaluation:
        assert self.key is not None
        self.level, self.low = level, None
        words = " ".join(self.comment.split()) if level <= 2 else ""
        return Evaluation(self.key, level, reason, words, self.channel)


class RatingTaps:
    """The citizen's taps on the evaluation, for whatever holds the matter that ended (the kiosk's session, the
    window's desk): it says when rating is open (``_rating_open``), which ``Rating`` is offered (``_rating``), how
    an evaluation is sent (``_send_rating``), and how its observers hear of a change (``_changed``)."""

    def _rating(self) -> Rating:
        raise NotImplementedError

    def _rating_open(self) -> bool:
        raise NotImplementedError

    def _send_rating(self, evaluation: Evaluation) -> None:
        raise NotImplementedError

    def _changed(self) -> None:
        raise NotImplementedError

    def can_rate(self) -> bool:
        return self._rating_open() and self._rating().can_rate()

    def choose_rating(self, level: int) -> None:
        """A level tapped: the two lowest first ask why (held with the matter, so that it ends with it)."""
        if self.can_rate():
            self._given(self._rating().choose(level))

    def give_reason(self, reason: RatingReason) -> None:
        if self.can_rate():
            self._given(self._rating().give_reason(reason))

    def rating_comment(self, words: str) -> None:
        if self.can_rate():
            self._rating().set_comment(words)

    def _given(self, evaluation: Evaluation | None) -> None:
        if evaluation is None:  # a low level waits for its reason
            self._changed()
        else:
            self._send_rating(evaluation)


def not_sent(rating: Rating, reason: Text) -> Text:
    """An evaluation that did not reach the backend is offered again (one that did arrive reads back as 'rated
    before' the next time)."""
    rating.level = None
    return text("Your evaluation could not be sent ({reason}). You can rate again, or finish.", reason=reason)


def deliver(evaluation: Evaluation, backend: BackendClient, submitter: Submitter,
            applicant_id_number: str) -> EvaluationRecorded | None:
    """Send it (blocking: call from a worker). One of a case still waiting offline waits in the outbox behind
    that case, queued under the same applicant (None: queued)."""
    if evaluation.key.kind is EvaluationKeyKind.PROVISIONAL:
        submitter.queue_evaluation(evaluation, applicant_id_number)
        return None
    return backend.send_evaluation(evaluation)


def thanks(recorded: EvaluationRecorded | None) -> Text:
    if recorded is not None and recorded.already_evaluated:
        return text("This was rated before; the first evaluation stands. Thank you.")
    return text("Thank you for your evaluation.")
