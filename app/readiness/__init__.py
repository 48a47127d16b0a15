"""The readiness core: pure rules from docs/RULES.md, frozen dataclasses in, results out.

No flask and no sqlalchemy here; ``as_of`` is always an argument. See engine.py and path.py for
the choices made where docs/RULES.md is silent.
"""

from app.readiness.aggregate360 import GroupResult, Result360, aggregate_360, overall_of_scores
from app.readiness.engine import evaluate, evaluate_many, evaluate_unshared
from app.readiness.ladder import candidate_roles, evaluate_many_targets, evaluate_target, steps_to
from app.readiness.model import (
    Assessment,
    Catalogue,
    Check,
    CheckType,
    Completion,
    Course,
    CourseSession,
    Education,
    EmployeeFacts,
    FrozenMap,
    FundedStudy,
    Instrument,
    LadderEdge,
    Rating,
    ReadinessConfig,
    Requirement,
    Role,
)
from app.readiness.path import PathStep, PromotionPath, apply_actions, plan_path, shortest_chains
from app.readiness.results import (
    ACTION_KINDS,
    Action,
    Band,
    CriticalGap,
    ReadinessResult,
    RequirementResult,
    Status,
    action_order,
    order_actions,
)
from app.readiness.scoring import band_for
from app.readiness.vocabulary import (
    INSTRUMENT_KINDS,
    RATER_GROUPS,
    RATING_SOURCES,
    REQUIREMENT_KINDS,
)

__all__ = [
    "ACTION_KINDS",
    "Action",
    "Assessment",
    "Band",
    "Catalogue",
    "Check",
    "CheckType",
    "Completion",
    "Course",
    "CriticalGap",
    "CourseSession",
    "Education",
    "EmployeeFacts",
    "FrozenMap",
    "FundedStudy",
    "GroupResult",
    "INSTRUMENT_KINDS",
    "Instrument",
    "LadderEdge",
    "PathStep",
    "RATER_GROUPS",
    "RATING_SOURCES",
    "REQUIREMENT_KINDS",
    "PromotionPath",
    "Rating",
    "ReadinessConfig",
    "ReadinessResult",
    "Requirement",
    "RequirementResult",
    "Result360",
    "Role",
    "Status",
    "action_order",
    "aggregate_360",
    "apply_actions",
    "band_for",
    "candidate_roles",
    "evaluate",
    "evaluate_many",
    "evaluate_many_targets",
    "evaluate_target",
    "evaluate_unshared",
    "order_actions",
    "overall_of_scores",
    "plan_path",
    "shortest_chains",
    "steps_to",
]
