"""360 rounds collected in the app (docs/RULES.md "Collecting 360 feedback").

HR or the person's manager opens a round: a 360 instrument, a close date and raters by group.
Each rater gets a personal single-use link by email; only its token's hash is kept. A response
is saved with its round, group, scores and comments, and the link is spent in the same
transaction; no row says who answered what. Reminders go 3 days (cfg) before the close to
those who have not answered. At the close date, or when HR closes it early, the round becomes
an assessment conducted on that day, with the minimums kept since the round opened.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from app.clock import today
from app.extensions import db
from app.models import (
    Assessment,
    AssessmentResponse,
    Employee,
    FeedbackInvitation,
    FeedbackResponse,
    FeedbackRound,
    Instrument,
    User,
)
from app.policy import talent as may
from app.readiness.aggregate360 import aggregate_360
from app.readiness.vocabulary import RATER_GROUPS
from app.services.configuration import floored_minimums
from app.services.records.assessments import min_group_responses
from app.services.talent.errors import (
    TalentConflict,
    TalentFields,
    TalentForbidden,
    TalentNotFound,
    talent_write,
)

REMINDER_DAYS_BEFORE_CLOSE = 3
"""Default of the (cfg) FEEDBACK_REMINDER_DAYS: reminders go this many days before the close."""
MAX_RATERS = 60
MAX_ROUND_DAYS = 180
COMMENT_MAX = 2000


def token_hash(token: str) -> str:
    """What is kept of a link's secret: its SHA-256, so the table alone opens no form."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Rater:
    """One rater to invite: a group and an address (from the directory or typed in)."""

    group: str
    email: str


@dataclass(frozen=True)
class Opened:
    """A round just opened, and the links to send (the only place the secrets exist)."""

    round: FeedbackRound
    links: tuple[tuple[Rater, str], ...]


# ----------------------------------------------------------------------------- opening


def _rater(index: int, item: Any, fields: TalentFields) -> Rater | None:
    key = f"raters.{index}"
    if not isinstance(item, Mapping):
        fields.add(key, "Each rater needs a group and an email address or a person.")
        return None
    group = item.get("group")
    if group not in RATER_GROUPS:
        fields.add(f"{key}.group", f"The rater group must be one of {', '.join(RATER_GROUPS)}.")
        return None
    person = item.get("employee_id")
    if person not in (None, ""):
        employee = db.session.get(Employee, person) if str(person).isdigit() else None
        if employee is None or employee.status == "terminated":
            fields.add(f"{key}.employee_id", "Pick a current person from the directory.")
            return None
        return Rater(str(group), employee.email.lower())
    email = fields.email(f"{key}.email", item.get("email"), "rater's email address")
    return Rater(str(group), email) if email else None


def _raters(raw: Any, employee: Employee, fields: TalentFields) -> list[Rater]:
    if not isinstance(raw, list | tuple) or not raw:
        fields.add("raters", "Invite at least one rater.")
        return []
    if len(raw) > MAX_RATERS:
        fields.add("raters", f"Invite at most {MAX_RATERS} raters in one round.")
        return []
    raters = [r for i, item in enumerate(raw) if (r := _rater(i, item, fields)) is not None]
    own = employee.email.lower()
    seen: set[str] = set()
    for index, rater in enumerate(raters):
        if rater.email in seen:
            fields.add(f"raters.{index}.email", f"{rater.email} is invited twice.")
        seen.add(rater.email)
        if (rater.group == "self") != (rater.email == own):
            fields.add(
                f"raters.{index}.group",
                f"Only {employee.name} answers as self, and only as self.",
            )
    return raters


def _instrument(code: Any, fields: TalentFields) -> Instrument | None:
    text = fields.text("instrument", code, "instrument", max_length=40)
    if text is None:
        return None
    found = db.session.scalar(select(Instrument).where(Instrument.code == text.upper()))
    if found is None or found.retired or found.kind != "360":
        fields.add("instrument", f"{text} is not a 360 instrument in use.")
        return None
    return found


def _close_date(value: Any, fields: TalentFields) -> date | None:
    day = fields.date("closes_on", value, "close date")
    if day is None:
        return None
    first, last = today() + timedelta(days=1), today() + timedelta(days=MAX_ROUND_DAYS)
    if not first <= day <= last:
        fields.add(
            "closes_on",
            f"The close date must be from {first.isoformat()} to {last.isoformat()}.",
        )
        return None
    return day


@talent_write
def open_round(
    employee: Employee, instrument: Any, closes_on: Any, raters: Any, *, actor: User | None
) -> Opened:
    """Open a 360 round and make one single-use link per rater (docs/RULES.md "Collecting 360
    feedback"). The minimums in force now are kept with the round and always apply to it."""
    if actor is not None and not may.can_open_round(actor, employee):
        raise TalentForbidden(
            "A 360 round is opened by HR or by the person's manager, never by the person."
        )
    fields = TalentFields()
    found = _instrument(instrument, fields)
    closing = _close_date(closes_on, fields)
    clean = _raters(raters, employee, fields)
    fields.raise_if_any()
    assert found is not None and closing is not None
    opened = FeedbackRound(
        employee_id=employee.id,
        instrument_id=found.id,
        closes_on=closing,
        state="open",
        min_responses=min_group_responses(),
        opened_by_user_id=actor.id if actor is not None else None,
    )
    opened.instrument = found
    db.session.add(opened)
    db.session.flush()
    links = []
    for rater in clean:
        secret = secrets.token_urlsafe(32)
        db.session.add(
            FeedbackInvitation(
                round_id=opened.id,
                rater_group=rater.group,
                token_hash=token_hash(secret),
                email=rater.email,
            )
        )
        links.append((rater, secret))
    return Opened(opened, tuple(links))


# ----------------------------------------------------------------------------- answering


@dataclass(frozen=True)
class Invitation:
    """What the public form knows of a link: its round and group, nothing of the rater."""

    invitation_id: int
    round: FeedbackRound
    group: str


def _open_on(feedback_round: FeedbackRound, on: date) -> bool:
    return feedback_round.state == "open" and on <= feedback_round.closes_on


def invitation_for(token: str) -> Invitation:
    """The link's invitation, or a refusal that says why: unknown, answered or closed."""
    text = token if isinstance(token, str) and 20 <= len(token) <= 100 else ""
    found = (
        db.session.scalar(
            select(FeedbackInvitation).where(FeedbackInvitation.token_hash == token_hash(text))
        )
        if text
        else None
    )
    if found is None:
        raise TalentNotFound(
            "This feedback link is not valid. Check that you opened the whole link from your "
            "invitation email."
        )
    feedback_round = db.session.get(FeedbackRound, found.round_id)
    assert feedback_round is not None
    if not _open_on(feedback_round, today()):
        closed = feedback_round.closed_on or feedback_round.closes_on
        raise TalentConflict(
            f"This 360 round closed on {closed.isoformat()}; it takes no more answers."
        )
    if found.spent:
        raise TalentConflict("This link has been used: your answers were saved. Thank you.")
    return Invitation(found.id, feedback_round, found.rater_group)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _answers(
    instrument: Instrument, scores: Mapping[str, Any], comments: Mapping[str, Any]
) -> tuple[dict[str, float], dict[str, str]]:
    """Every dimension's score on the instrument's scale, and the optional comments."""
    fields = TalentFields()
    low, high = Decimal(instrument.scale_min), Decimal(instrument.scale_max)
    clean: dict[str, float] = {}
    notes: dict[str, str] = {}
    for dimension in instrument.dimensions or []:
        number = fields.decimal(
            f"scores.{dimension}",
            scores.get(dimension),
            f"{dimension} score",
            minimum=low,
            maximum=high,
            places=2,
            missing=f"Give a score for {dimension}.",
            message=f"The {dimension} score must be a number from {_plain(low)} to {_plain(high)}.",
        )
        if number is not None:
            clean[dimension] = float(number)
        note = fields.text(
            f"comments.{dimension}",
            comments.get(dimension),
            f"comment on {dimension}",
            required=False,
            max_length=COMMENT_MAX,
            multiline=True,
        )
        if note:
            notes[dimension] = note
    fields.raise_if_any("Some answers need attention; nothing was saved.")
    return clean, notes


@talent_write
def answer(token: str, scores: Mapping[str, Any], comments: Mapping[str, Any]) -> FeedbackRound:
    """Save one rater's answers and spend their link, in one transaction; a second submission
    (even at the same moment) is refused. The response keeps no trace of the rater."""
    invitation = invitation_for(token)
    feedback_round = invitation.round
    clean, notes = _answers(feedback_round.instrument, scores, comments)
    spent = db.session.execute(
        update(FeedbackInvitation)
        .where(FeedbackInvitation.id == invitation.invitation_id)
        .where(FeedbackInvitation.spent.is_(False))
        .values(spent=True, email=None)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise TalentConflict("This link has been used: your answers were saved. Thank you.")
    db.session.add(
        FeedbackResponse(
            round_id=feedback_round.id,
            rater_group=invitation.group,
            scores=clean,
            comments=notes,
        )
    )
    return feedback_round


# ----------------------------------------------------------------------------- closing


def _quantize(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _close(feedback_round: FeedbackRound, on: date) -> Assessment:
    """The round becomes an assessment conducted on ``on``; the addresses are erased."""
    responses = list(
        db.session.scalars(
            select(FeedbackResponse)
            .where(FeedbackResponse.round_id == feedback_round.id)
            .order_by(FeedbackResponse.key)
        )
    )
    minimums = floored_minimums(feedback_round.min_responses)
    result = aggregate_360([(r.rater_group, r.scores) for r in responses], minimums)
    assessment = Assessment(
        employee_id=feedback_round.employee_id,
        instrument_id=feedback_round.instrument_id,
        conducted_on=on,
        min_responses=minimums,
        overall=_quantize(result.overall) if result.overall is not None else None,
        assessor_user_id=None,
    )
    assessment.responses = [
        AssessmentResponse(rater_group=r.rater_group, scores=dict(r.scores)) for r in responses
    ]
    db.session.add(assessment)
    db.session.flush()
    db.session.execute(
        update(FeedbackInvitation)
        .where(FeedbackInvitation.round_id == feedback_round.id)
        .values(email=None)
        .execution_options(synchronize_session=False)
    )
    feedback_round.state = "closed"
    feedback_round.closed_on = on
    feedback_round.assessment_id = assessment.id
    return assessment


@talent_write
def close_early(feedback_round: FeedbackRound, *, actor: User | None) -> Assessment:
    """HR closes a round before its close date: it becomes an assessment conducted today."""
    if actor is not None and not may.can_close_round(actor, feedback_round.employee_id):
        raise TalentForbidden("HR closes a 360 round early; never their own.")
    if feedback_round.state != "open":
        raise TalentConflict("This 360 round is closed already.")
    return _close(feedback_round, min(today(), feedback_round.closes_on))


@talent_write
def close_due_rounds(on: date | None = None) -> int:
    """Close every open round whose close date has passed (the periodic command); each becomes
    an assessment conducted on its close date. Answers how many closed; running it twice closes
    nothing more."""
    day = on or today()
    due = db.session.scalars(
        select(FeedbackRound)
        .where(FeedbackRound.state == "open", FeedbackRound.closes_on < day)
        .order_by(FeedbackRound.id)
    ).all()
    for feedback_round in due:
        _close(feedback_round, feedback_round.closes_on)
    return len(due)


# ----------------------------------------------------------------------------- reminders


def reminder_days() -> int:
    return int(current_app.config.get("FEEDBACK_REMINDER_DAYS", REMINDER_DAYS_BEFORE_CLOSE))


def due_reminders(on: date) -> list[tuple[FeedbackInvitation, FeedbackRound]]:
    """Unanswered, unreminded invitations of open rounds closing within the reminder days."""
    last = on + timedelta(days=reminder_days())
    rows = db.session.execute(
        select(FeedbackInvitation, FeedbackRound)
        .join(FeedbackRound, FeedbackRound.id == FeedbackInvitation.round_id)
        .where(
            FeedbackRound.state == "open",
            FeedbackRound.closes_on >= on,
            FeedbackRound.closes_on <= last,
            FeedbackInvitation.spent.is_(False),
            FeedbackInvitation.reminded.is_(False),
            FeedbackInvitation.email.is_not(None),
        )
        .order_by(FeedbackInvitation.id)
    ).all()
    return [(invitation, feedback_round) for invitation, feedback_round in rows]


@talent_write
def mark_reminded(invitation_ids: Iterable[int]) -> None:
    ids = list(invitation_ids)
    if ids:
        db.session.execute(
            update(FeedbackInvitation)
            .where(FeedbackInvitation.id.in_(ids))
            .values(reminded=True)
            .execution_options(synchronize_session=False)
        )


# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class GroupCount:
    """One rater group of a round: invited and answered, never who."""

    group: str
    invited: int
    answered: int
    minimum: int

    @property
    def meets_minimum(self) -> bool:
        return self.answered >= self.minimum


def group_counts(feedback_round: FeedbackRound) -> list[GroupCount]:
    """Per group: invited and answered counts (two grouped counts, no rows)."""
    invited = dict(
        db.session.execute(
            select(FeedbackInvitation.rater_group, func.count())
            .where(FeedbackInvitation.round_id == feedback_round.id)
            .group_by(FeedbackInvitation.rater_group)
        ).all()
    )
    answered = dict(
        db.session.execute(
            select(FeedbackResponse.rater_group, func.count())
            .where(FeedbackResponse.round_id == feedback_round.id)
            .group_by(FeedbackResponse.rater_group)
        ).all()
    )
    minimums = floored_minimums(feedback_round.min_responses)
    return [
        GroupCount(
            group,
            int(invited.get(group, 0)),
            int(answered.get(group, 0)),
            max(1, int(minimums.get(group, 1))),
        )
        for group in RATER_GROUPS
        if invited.get(group)
    ]


def comments_by_group(
    feedback_round: FeedbackRound, groups: Iterable[str], rng: random.Random | None = None
) -> dict[str, list[tuple[str, str]]]:
    """The comments of ``groups`` (those meeting their minimum), each group's in random
    order: (dimension, text), never who wrote them."""
    wanted = set(groups)
    shuffle = rng or random.SystemRandom()
    found: dict[str, list[tuple[str, str]]] = {}
    rows = db.session.execute(
        select(FeedbackResponse.rater_group, FeedbackResponse.comments).where(
            FeedbackResponse.round_id == feedback_round.id
        )
    ).all()
    for group, comments in rows:
        if group in wanted:
            found.setdefault(group, []).extend((d, t) for d, t in dict(comments or {}).items())
    for items in found.values():
        shuffle.shuffle(items)
    return found
