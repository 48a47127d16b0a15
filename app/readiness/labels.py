"""Kept for importers outside the core: the labels live in app.readiness.vocabulary."""

from app.readiness.vocabulary import ACTION_LABELS as ACTION_LABELS
from app.readiness.vocabulary import KIND_LABELS as KIND_LABELS
