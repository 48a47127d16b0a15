"""Pagination, search and sorting for list pages and API lists: a fixed two queries a page."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from flask import render_template, request
from sqlalchemy import Select, func, select

from app.extensions import db

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_PAGE = 1_000_000  # past any real list; a huge ?page= would overflow the OFFSET (issue 20)


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_args(default_per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    """Read ?page=&per_page= leniently: bad values fall back to the defaults, limits apply."""
    try:
        page = min(max(1, int(request.args.get("page", 1))), MAX_PAGE)
    except (TypeError, ValueError):
        page = 1
    try:
        per_page = int(request.args.get("per_page", default_per_page))
    except (TypeError, ValueError):
        per_page = default_per_page
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    return page, per_page


def page_of_rows(rows: list[Any], page: int, per_page: int) -> Page:
    """One page of rows already in memory; a page past the end is the last page."""
    total = len(rows)
    page = min(page, max(1, -(-total // per_page)))
    start = (page - 1) * per_page
    return Page(items=rows[start : start + per_page], total=total, page=page, per_page=per_page)


def search_term() -> str | None:
    """Read ?q= : the search box's text, trimmed to at most 100 characters; None when empty."""
    return (request.args.get("q") or "").strip()[:100] or None


def choice_arg(name: str, allowed: Collection[str]) -> str | None:
    """Read a filter's ?name= : one of ``allowed``, else None (an unknown value filters nothing)."""
    value = request.args.get(name)
    return value if value in allowed else None


def paginate(stmt: Select, page: int, per_page: int, scalars: bool = True) -> Page:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(rows.scalars().unique()) if scalars else list(rows.all())
    return Page(items=items, total=total or 0, page=page, per_page=per_page)


def sort_args(allowed: dict[str, Any], default: str) -> tuple[str, bool, Any]:
    """Read ?sort=&dir= against an allow-list of columns; unknown values use the default."""
    key = request.args.get("sort", default)
    if key not in allowed:
        key = default
    descending = request.args.get("dir", "asc") == "desc"
    column = allowed[key]
    return key, descending, column.desc() if descending else column.asc()


def newest_first(allowed: dict[str, Any], default: str) -> tuple[str, bool, Any]:
    """Like sort_args, but a list opened without a choice of sort shows the newest first
    (``default`` descending)."""
    if "sort" not in request.args:
        return default, True, allowed[default].desc()
    return sort_args(allowed, default)


def page_of(
    stmt: Select,
    serialize: Callable[[list[Any]], list[dict[str, Any]]],
    args: Mapping[str, Any],
) -> dict[str, Any]:
    """The API's list shape (docs/API.md): {items, total, page, per_page}; two queries plus
    the serializer's."""
    result = paginate(stmt, args["page"], args["per_page"])
    return {
        "items": serialize(result.items),
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
    }


def render_list(template: str, page: Any, sorting: tuple[str, bool], **context: Any) -> str:
    """A sortable list page: its ``page`` of rows and the sort it shows (``sort_key``,
    ``descending``), with the rest of its ``context``."""
    sort_key, descending = sorting
    return render_template(template, page=page, sort_key=sort_key, descending=descending, **context)


def list_page(
    template: str,
    sort: tuple[str, bool, Any],
    query: Callable[[Any], Select],
    *,
    per_page: int = 25,
    scalars: bool = True,
    **context: Any,
) -> str:
    """A sortable list page in one call: ``sort`` as sort_args or newest_first read it,
    ``query(order)`` the statement in that order, one ``page_args(per_page)`` page of it."""
    sort_key, descending, order = sort
    page, size = page_args(per_page)
    result = paginate(query(order), page, size, scalars=scalars)
    return render_list(template, result, (sort_key, descending), **context)


def status_list_page(
    template: str,
    sorts: dict[str, Any],
    statuses: Collection[str],
    query: Callable[[str | None, str | None], Select],
    tiebreak: Any,
    **context: Any,
) -> str:
    """A list page searched by ``q`` and narrowed to one of ``statuses``, newest first by
    ``created_at`` (``tiebreak`` orders equal times): ``query(q, status)`` is its statement."""
    q = search_term()
    status = choice_arg("status", statuses)
    return list_page(
        template,
        newest_first(sorts, "created_at"),
        lambda order: query(q, status).order_by(order, tiebreak),
        q=q,
        status=status,
        statuses=statuses,
        **context,
    )
