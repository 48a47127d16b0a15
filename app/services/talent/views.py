"""What a 360 round's page and API answer show (docs/RULES.md "Collecting 360 feedback").

Per group: invited and answered, never who. After the close: the group results of the
assessment with its kept minimums, and the comments of the groups that meet their minimum, in
random order. Self is shown only to the person and hr, and never mixed into the others.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app import policy
from app.extensions import db
from app.kernel.words import plural
from app.models import Assessment, Employee, FeedbackRound, Instrument, User
from app.models.talent import RATER_GROUP_LABELS, ROUND_STATE_LABELS
from app.policy import talent as may
from app.readiness.aggregate360 import GroupResult
from app.services.records.assessments import assessment_view
from app.services.talent.mail import MailRun
from app.services.talent.rounds import GroupCount, comments_by_group, group_counts


@dataclass(frozen=True)
class RoundView:
    """A round as one caller may see it."""

    round: FeedbackRound
    employee: Employee
    counts: tuple[GroupCount, ...]
    results: tuple[GroupResult, ...] = ()
    overall: float | None = None
    comments: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    dimensions: tuple[str, ...] = ()
    sees_self: bool = False

    @property
    def invited(self) -> int:
        return sum(c.invited for c in self.counts)

    @property
    def answered(self) -> int:
        return sum(c.answered for c in self.counts)

    @property
    def state_label(self) -> str:
        return ROUND_STATE_LABELS[self.round.state]


def round_view(
    feedback_round: FeedbackRound, user: User | None, rng: random.Random | None = None
) -> RoundView:
    """The round for ``user``: counts always; results and comments once it is closed."""
    employee = db.session.get(Employee, feedback_round.employee_id)
    assert employee is not None
    sees_self = may.sees_self_responses(user, employee)
    counts = may.shown_rater_groups(user, employee, group_counts(feedback_round))
    if feedback_round.state != "closed" or feedback_round.assessment_id is None:
        return RoundView(feedback_round, employee, counts, sees_self=sees_self)
    assessment = db.session.get(Assessment, feedback_round.assessment_id)
    if assessment is None:  # deleted by hr since
        return RoundView(feedback_round, employee, counts, sees_self=sees_self)
    view = assessment_view(assessment)
    assert view.result is not None
    results = may.shown_rater_groups(user, employee, view.result.groups)
    shown = [g.group for g in results if g.shown]
    return RoundView(
        feedback_round,
        employee,
        counts,
        results,
        view.result.overall,
        comments_by_group(feedback_round, shown, rng),
        view.dimensions,
        sees_self,
    )


def rounds_of(employee: Employee) -> list[FeedbackRound]:
    """A person's rounds, newest first."""
    return list(
        db.session.scalars(
            select(FeedbackRound)
            .where(FeedbackRound.employee_id == employee.id)
            .order_by(FeedbackRound.created_at.desc(), FeedbackRound.id.desc())
        )
    )


def round_to_dict(view: RoundView) -> dict[str, Any]:
    """The API answer: counts per group, never the raters (docs/API.md "Talent")."""
    feedback_round = view.round
    answer: dict[str, Any] = {
        "id": feedback_round.id,
        "employee_id": feedback_round.employee_id,
        "instrument": feedback_round.instrument.code,
        "closes_on": feedback_round.closes_on.isoformat(),
        "state": feedback_round.state,
        "closed_on": feedback_round.closed_on.isoformat() if feedback_round.closed_on else None,
        "assessment_id": feedback_round.assessment_id,
        "groups": [
            {
                "group": c.group,
                "label": RATER_GROUP_LABELS[c.group],
                "invited": c.invited,
                "answered": c.answered,
                "minimum": c.minimum,
            }
            for c in view.counts
        ],
    }
    if view.results:
        answer["overall"] = view.overall
        answer["results"] = [
            {
                "group": g.group,
                "responses": g.responses,
                "shown": g.shown,
                "mean": g.mean if g.shown else None,
            }
            for g in view.results
        ]
    return answer


# ----------------------------------------------------------------------------- opening form

OPEN_REFUSAL = "A 360 round is opened by HR or by the person's manager, never by the person."


def instruments_360() -> list[Instrument]:
    """The 360 instruments in use, for the opening form."""
    return list(
        db.session.scalars(
            select(Instrument)
            .where(Instrument.kind == "360", Instrument.retired.is_(False))
            .order_by(Instrument.code)
        )
    )


def directory(user: User | None, exclude: int) -> list[tuple[int, str]]:
    """(id, "name, role") of the current people ``user`` may see, to pick raters from;
    anyone else is typed in by address."""
    if user is None:
        return []
    stmt = (
        select(Employee.id, Employee.name)
        .where(Employee.status != "terminated", Employee.id != exclude)
        .order_by(Employee.name, Employee.id)
    )
    visible = policy.visible_employee_filter(user)
    if visible is not None:
        stmt = stmt.where(visible)
    return [(eid, name) for eid, name in db.session.execute(stmt)]


def invitation_summary(run: MailRun) -> str:
    """The flash after opening: how many invitations went, and which failed."""
    text = f"The round is open: {plural(run.sent, 'invitation')} sent."
    if run.failed:
        text += f" Could not email {', '.join(run.failed)}: check the addresses or the mail server."
    return text
