"""Talent use cases (docs/RULES.md "Collecting 360 feedback", "Talent review grid (9-box)"):

- ``rounds``: opening a 360 round, answering through a personal link, reminders, closing;
- ``mail``: the invitations and reminders by email;
- ``views``: what a round's page and API answer show, never who answered;
- ``grid``: the 9-box grid of a review period, calibration moves, its CSV and PDF;
- ``card``: the talent card on a person's page.
"""

from app.services.talent.errors import (
    TalentConflict,
    TalentError,
    TalentForbidden,
    TalentInvalid,
    TalentNotFound,
)
from app.services.talent.mail import MailRun, send_invitations, send_reminders
from app.services.talent.rounds import (
    Opened,
    Rater,
    answer,
    close_due_rounds,
    close_early,
    invitation_for,
    open_round,
)
from app.services.talent.views import (
    OPEN_REFUSAL,
    RoundView,
    directory,
    instruments_360,
    invitation_summary,
    round_to_dict,
    round_view,
    rounds_of,
)

__all__ = [
    "OPEN_REFUSAL",
    "directory",
    "instruments_360",
    "invitation_summary",
    "MailRun",
    "Opened",
    "Rater",
    "RoundView",
    "TalentConflict",
    "TalentError",
    "TalentForbidden",
    "TalentInvalid",
    "TalentNotFound",
    "answer",
    "close_due_rounds",
    "close_early",
    "invitation_for",
    "open_round",
    "round_to_dict",
    "round_view",
    "rounds_of",
    "send_invitations",
    "send_reminders",
]
