"""Readiness screens: development plans, bench strength, organisation view, training needs."""
