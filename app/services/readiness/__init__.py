"""Readiness use cases: load facts in bulk -> call the pure core -> shape results.

DESIGN.md "Bulk first": facts for N employees load with a fixed number of queries (one per
record table, each filtered by the same employee subquery), whatever N is; evaluation then runs
in memory. The sub-areas:

- ``catalogue``: the catalogue snapshot (roles, requirements, ladder), built once per version;
- ``facts``: the bulk loader of a population's facts;
- ``evaluation``: readiness of one person or many, the promotion path, their API answers;
- ``stored``: stored readiness for the organisation-wide pages, exact under seat moves;
- ``staleness``: the session listeners that mark stored readiness stale;
- ``bench``: bench strength, lapses and training needs of a population;
- ``plan``: a person's development plan and what-if;
- ``overview``: what each user's first screen shows.
"""

from app.readiness.vocabulary import BANDS
from app.services.readiness.catalogue import (
    CATALOGUE_CHANGED,
    CATALOGUE_COUNTER,
    CatalogueSnapshot,
    UnknownRole,
    describe,
    load_catalogue,
    next_role_code,
    role_or_error,
)
from app.services.readiness.evaluation import (
    counts_by_band,
    evaluate_employee,
    evaluate_population,
    path_to_dict,
    promotion_path,
    result_to_dict,
)
from app.services.readiness.facts import (
    collector_paused,
    load_facts,
)

__all__ = [
    "BANDS",
    "CATALOGUE_CHANGED",
    "CATALOGUE_COUNTER",
    "CatalogueSnapshot",
    "UnknownRole",
    "collector_paused",
    "counts_by_band",
    "describe",
    "evaluate_employee",
    "evaluate_population",
    "load_catalogue",
    "load_facts",
    "next_role_code",
    "path_to_dict",
    "promotion_path",
    "result_to_dict",
    "role_or_error",
]
