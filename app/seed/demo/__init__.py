"""The demo organisation of docs/RULES.md, anchored on today's date (the clock), deterministic.

About 60 people: a head of customer service and three CSMs (L3), eight CSSs (L2), CSRs (L1),
plus HR, finance and an admin. The named cases of docs/RULES.md are people with fixed facts:

- Maria Lopez, CSR, about 80% ready for L2 with her PCI refresher expired (a failed gate);
- Daniel Kim, CSS, whose 360 has only 2 peer responses (the peer group is hidden);
- Priya Shah, a $2,000 course graded B, reimbursed $1,500, left voluntarily 10 months later and
  owes 75% ($1,125.00);
- Grace Okafor, CSS and L3 candidate, whose CREDIT check is review_required: her manager sees the
  status word, only HR sees the findings.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.clock import today
from app.extensions import db
from app.models import JobRole
from app.seed.demo.assignments import required_training
from app.seed.demo.data import DEMO_PASSWORD, FIRST, LAST, LOGINS, Login
from app.seed.demo.notices import reminders_sent
from app.seed.demo.organisation import Seeder
from app.seed.demo.talent import seed_talent

__all__ = ["DEMO_PASSWORD", "FIRST", "LAST", "LOGINS", "Login", "Seeder", "seed"]


def seed(anchor: date | None = None) -> bool:
    """Load the demo organisation once; answers False (and changes nothing) when present."""
    if db.session.scalar(select(JobRole).where(JobRole.code == "L1-CSR")) is not None:
        return False
    seeder = Seeder(anchor or today())
    seeder.catalogue()
    seeder.organisation()
    seeder.logins()
    seeder.open_requests()  # one tuition request in each open stage (app/seed/demo/tuition.py)
    required_training(seeder)  # app/seed/demo/assignments.py (issue 21)
    seed_talent(seeder.t)  # talent: a 360 round under way and a 9-box period
    db.session.commit()
    reminders_sent(seeder.t)  # today's reminders, already sent (app/seed/demo/notices.py)
    return True
