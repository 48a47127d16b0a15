"""The demo's talent data (docs/RULES.md "Demo organisation"): a 360 round under way, and a
talent review period with every CSS and CSM on the 9-box grid and one calibration move.

- The round is for the first CSS (by name) who is neither Daniel Kim nor Grace Okafor:
  the manager and self have answered, 2 of 3 invited peers have (the peer group is still under
  its minimum of 3), and one outside rater has not. Its links were never emailed, so nobody
  holds them; HR can close the round to see the peer group hidden.
- The period is the current quarter (e.g. 2026-Q4); HR moved one CSS from "Core
  contributor" to "High performer" after calibration.
"""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Employee,
    FeedbackInvitation,
    FeedbackResponse,
    FeedbackRound,
    Instrument,
    JobRole,
    TalentCalibration,
    TalentReview,
    User,
)
from app.services.talent.rounds import token_hash

NAMED = ("Daniel Kim", "Grace Okafor")
MINIMUMS = {"self": 1, "manager": 1, "peer": 3, "direct_report": 3, "other": 1}


def _people(code: str) -> list[Employee]:
    return list(
        db.session.scalars(
            select(Employee)
            .join(JobRole, JobRole.id == Employee.job_role_id)
            .where(JobRole.code == code, Employee.status != "terminated")
            .order_by(Employee.name)
        )
    )


def _invite(round_id: int, group: str, email: str, spent: bool) -> None:
    db.session.add(
        FeedbackInvitation(
            round_id=round_id,
            rater_group=group,
            token_hash=token_hash(secrets.token_urlsafe(32)),
            email=None if spent else email,
            spent=spent,
        )
    )


def _round(anchor: date, rng: random.Random) -> None:
    css = [e for e in _people("L2-CSS") if e.name not in NAMED]
    instrument = db.session.scalar(select(Instrument).where(Instrument.code == "LEAD-360"))
    if not css or instrument is None:
        return
    person = css[0]
    peers = css[1:4]
    manager = db.session.get(Employee, person.manager_id) if person.manager_id else None
    feedback_round = FeedbackRound(
        employee_id=person.id,
        instrument_id=instrument.id,
        closes_on=anchor + timedelta(days=12),
        state="open",
        min_responses=MINIMUMS,
    )
    db.session.add(feedback_round)
    db.session.flush()
    raters = [("self", person.email, True)]
    if manager is not None:
        raters.append(("manager", manager.email, True))
    raters += [("peer", p.email, i < 2) for i, p in enumerate(peers)]
    raters.append(("other", "client.partner@example.org", False))
    for group, email, answered in raters:
        _invite(feedback_round.id, group, email, answered)
    dims = list(instrument.dimensions or [])
    for group, _, answered in raters:
        if answered:
            db.session.add(
                FeedbackResponse(
                    round_id=feedback_round.id,
                    rater_group=group,
                    scores={d: float(rng.choice((3, 3.5, 4, 4.5))) for d in dims},
                    comments={dims[0]: "Keeps the team calm on busy days."} if dims else {},
                )
            )


def _period(anchor: date, rng: random.Random) -> None:
    period = f"{anchor.year}-Q{(anchor.month - 1) // 3 + 1}"
    hr = db.session.scalar(select(User).where(User.email == "hannah.reid@example.com"))
    placed: list[TalentReview] = []
    for person in [*_people("L2-CSS"), *_people("L3-CSM")]:
        if db.session.scalar(
            select(TalentReview.id).where(
                TalentReview.employee_id == person.id, TalentReview.period == period
            )
        ):
            continue
        review = TalentReview(
            employee_id=person.id,
            period=period,
            performance=3 if person.name == "Grace Okafor" else rng.randint(1, 3),
            potential=3 if person.name == "Grace Okafor" else rng.randint(1, 3),
            reviewed_by_user_id=hr.id if hr else None,
        )
        db.session.add(review)
        placed.append(review)
    db.session.flush()
    moved = next((r for r in placed if (r.performance, r.potential) != (3, 2)), None)
    if moved is None:
        return
    db.session.add(
        TalentCalibration(
            employee_id=moved.employee_id,
            review_id=moved.id,
            period=period,
            from_performance=moved.performance,
            from_potential=moved.potential,
            to_performance=3,
            to_potential=2,
            reason="Calibration: led the queue redesign; peers rate the results higher.",
            moved_by_user_id=hr.id if hr else None,
        )
    )
    moved.performance, moved.potential = 3, 2


def seed_talent(anchor: date) -> None:
    """Add the demo's 360 round and talent review period (called once by ``seed``)."""
    rng = random.Random(22)
    _round(anchor, rng)
    _period(anchor, rng)
