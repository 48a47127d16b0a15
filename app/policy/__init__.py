"""Who may see or do what: every authorization question of Echelon is answered here.

docs/RULES.md: an employee sees themselves; a manager (derived, not an app role) sees everyone below
them in the reporting tree; hr sees everything; finance sees tuition only; admin configures the
catalogue and sign-ins. Background-check data minimisation: managers see the status word only,
finance nothing, the employee their own status and findings, hr everything.

Views call `require_employee(user, employee_id, aspect)`, which answers 404 for anything the
caller may not see, so unknown and forbidden people look alike. Templates call the same
predicates (`can_view`, `can_edit`) to hide links.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, NamedTuple, TypeVar

from flask import abort, current_app, g
from flask_login import current_user
from sqlalchemy import Select, exists, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.kernel.errors import NotFound
from app.models import Employee, JobRole, User

F = TypeVar("F", bound=Callable[..., Any])

# Aspects of an employee a user may see. Each maps to who may see it besides hr.
ASPECTS = (
    "profile",  # name, role, department, manager, status
    "training",  # completions and certifications
    "ratings",  # competency ratings
    "check_status",  # the status word of background checks
    "check_findings",  # findings, consent and adverse-action details
    "assessments",  # leadership assessments and talent reviews
    "education",
    "readiness",  # readiness results and promotion paths
    "tuition",
    "uploads",
)
MANAGER_ASPECTS = frozenset(
    {
        "profile",
        "training",
        "ratings",
        "check_status",
        "assessments",
        "education",
        "readiness",
        "tuition",
        "uploads",
    }
)
FINANCE_ASPECTS = frozenset({"profile", "tuition"})
ADMIN_ASPECTS = frozenset({"profile"})

# Coarse permissions a route declares. Object-level checks follow inside the view.
PERMISSIONS: dict[str, Callable[[Any], bool]] = {
    "public": lambda user: True,
    "authenticated": lambda user: True,
    "hr": lambda user: user.has_role("hr"),
    "hr_or_admin": lambda user: user.has_role("hr", "admin"),
    "admin": lambda user: user.has_role("admin"),
    "finance": lambda user: user.has_role("finance"),
    "finance_or_hr": lambda user: user.has_role("finance", "hr"),
    "manager_or_hr": lambda user: user.has_role("hr") or is_manager(user),
    "manager": lambda user: is_manager(user),
}


class Load(NamedTuple):
    """What a route loads from one URL argument, and the check the caller must pass to reach it.

    The access pipeline (``permission``) runs, for every request: the route's permission (403),
    then for each Load: ``fetch`` the object (None: 404), ``check(user, object)`` (False: answer
    ``denied``, 404 where existence itself is private), then the view with the object under
    ``name`` in place of the URL argument ``arg``.
    """

    arg: str
    name: str
    fetch: Callable[[Any], Any]
    check: Callable[[Any, Any], bool]
    denied: int = 404
    missing: str = ""
    """What a 404 says (the API's error message); empty: the generic not-found answer."""


def permission(name: str, *loads: Load, open_args: Iterable[str] = ()) -> Callable[[F], F]:
    """Declare what a route needs: its permission, and what it loads and checks (``Load``).

    Every URL argument of a route is either loaded and checked here, or named in ``open_args``
    (a catalogue code, a page number: the permission itself is the check). The route test walks
    ``app.url_map`` and fails on a route without a declaration, or with an unchecked argument.
    """
    if name not in PERMISSIONS:
        raise ValueError(f"unknown permission {name!r}")
    check = PERMISSIONS[name]
    loads = tuple(loads)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = acting_user()
            if name != "public":
                if user is None:
                    from app.extensions import login_manager

                    return login_manager.unauthorized()
                if not check(user):
                    abort(403)
            for load in loads:
                found = load.fetch(kwargs.pop(load.arg))
                status = 404 if found is None else None
                if status is None and not load.check(user, found):
                    status = load.denied
                if status == 404 and load.missing:
                    raise NotFound(load.missing)
                if status is not None:
                    abort(status)
                kwargs[load.name] = found
            return view(*args, **kwargs)

        wrapper._echelon_permission = name  # type: ignore[attr-defined]
        wrapper._echelon_checked_args = frozenset(  # type: ignore[attr-defined]
            [load.arg for load in loads] + list(open_args)
        )
        return wrapper  # type: ignore[return-value]

    return decorate


def admits(user: User | None, endpoint: str) -> bool:
    """Would the route of ``endpoint`` let ``user`` in (its declared permission)?

    Navigation shows an entry exactly when this is true, and templates ask it before linking;
    object checks of a route's loads still apply when the link is followed.
    """
    view = current_app.view_functions.get(endpoint)
    name = getattr(view, "_echelon_permission", None)
    if name is None:
        return False
    if name == "public":
        return True
    return user is not None and PERMISSIONS[name](user)


# A person as the pages and the API show them: with their job role's title and level (not its
# requirements: readiness loads those in bulk) and their department, in the same query.
PERSON = [
    joinedload(Employee.job_role).lazyload(JobRole.requirements),
    joinedload(Employee.department),
]


def _fetch_employee(employee_id: Any) -> Employee | None:
    return db.session.get(
        Employee,
        employee_id,
        options=PERSON,
    )


def employee(
    aspect: str = "profile", *, arg: str = "employee_id", name: str = "employee", edit: bool = False
) -> Load:
    """Load the employee of URL argument ``arg``; the caller must see (or, with ``edit``, write)
    ``aspect`` of them, else 404: existence itself is private."""
    if edit:
        return Load(arg, name, _fetch_employee, lambda user, found: can_edit(user, found, aspect))
    if aspect not in ASPECTS:
        raise ValueError(f"unknown aspect {aspect!r}")
    return Load(arg, name, _fetch_employee, lambda user, found: can_view(user, found, aspect))


def record_of(model: Any, aspect: str, *, arg: str, name: str, missing: str = "") -> Load:
    """Load a record (a row with ``employee_id``) of an employee whose ``aspect`` the caller
    may see; 404 otherwise (saying ``missing`` where given)."""
    if aspect not in ASPECTS:
        raise ValueError(f"unknown aspect {aspect!r}")
    return Load(
        arg,
        name,
        lambda record_id: db.session.get(model, record_id),
        lambda user, found: can_view(user, found.employee_id, aspect),
        missing=missing,
    )


def acting_user() -> User | None:
    """The signed-in user, or the API token's user, or None."""
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user
    if current_user and current_user.is_authenticated:
        return current_user
    return None


def subtree_query(root_employee_id: int) -> Select:
    """A select of the ids of everyone below ``root_employee_id`` in the reporting tree."""
    emp = Employee.__table__
    tree = (
        select(emp.c.id).where(emp.c.manager_id == root_employee_id).cte("reports", recursive=True)
    )
    tree = tree.union_all(select(emp.c.id).where(emp.c.manager_id == tree.c.id))
    return select(tree.c.id)


def managed_ids(user: User) -> frozenset[int]:
    """Everyone the user manages, directly or indirectly (cached for the request)."""
    cache = g.setdefault("_managed_ids", {})
    if user.id not in cache:
        ids = db.session.scalars(subtree_query(user.employee_id)).all()
        cache[user.id] = frozenset(ids)
    return cache[user.id]


def is_manager(user: User) -> bool:
    cache = g.setdefault("_is_manager", {})
    if user.id not in cache:
        cache[user.id] = bool(
            db.session.scalar(select(exists().where(Employee.manager_id == user.employee_id)))
        )
    return cache[user.id]


def manages(user: User, employee: Employee | int) -> bool:
    """Is ``employee`` below ``user`` in the reporting tree?

    The first person asked about in a request is answered by walking UP from them (a few rows,
    however large the user's part of the organisation); a second one loads everyone the user
    manages once, so a list asking about each of its rows still costs two queries at most.
    """
    employee_id = employee if isinstance(employee, int) else employee.id
    sets = g.setdefault("_managed_ids", {})
    if user.id in sets:
        return employee_id in sets[user.id]
    asked = g.setdefault("_manages_asked", {})
    if user.id in asked and asked[user.id][0] != employee_id:
        return employee_id in managed_ids(user)
    if user.id not in asked:
        asked[user.id] = (employee_id, _is_below(employee_id, user.employee_id))
    return asked[user.id][1]


def _is_below(employee_id: int, manager_id: int | None) -> bool:
    """One query: walk up the reporting tree from ``employee_id`` looking for ``manager_id``.
    UNION (not UNION ALL), so even a cycle in bad data ends."""
    if manager_id is None:
        return False
    emp = Employee.__table__
    chain = (
        select(emp.c.manager_id.label("manager_id"))
        .where(emp.c.id == employee_id)
        .cte("managers_above", recursive=True)
    )
    above = emp.alias("above")
    chain = chain.union(select(above.c.manager_id).join(chain, above.c.id == chain.c.manager_id))
    return bool(db.session.scalar(select(exists().where(chain.c.manager_id == manager_id))))


def is_hr(user: User | None) -> bool:
    """Does ``user`` act as hr (records, configuration, every person)?"""
    return user is not None and user.has_role("hr")


def is_finance(user: User | None) -> bool:
    """Does ``user`` act as finance (tuition money)?"""
    return user is not None and user.has_role("finance")


def is_self(user: User, employee: Employee | int) -> bool:
    employee_id = employee if isinstance(employee, int) else employee.id
    return user.employee_id == employee_id


def can_view(user: User | None, employee: Employee | int, aspect: str = "profile") -> bool:
    """May ``user`` see ``aspect`` of ``employee``? (docs/RULES.md people and data minimisation)."""
    if aspect not in ASPECTS:
        raise ValueError(f"unknown aspect {aspect!r}")
    if user is None:
        return False
    if user.has_role("hr") or is_self(user, employee):
        return True
    if aspect in MANAGER_ASPECTS and manages(user, employee):
        return True
    if aspect in FINANCE_ASPECTS and user.has_role("finance"):
        return True
    return aspect in ADMIN_ASPECTS and user.has_role("admin")


EDIT_RULES = {
    # aspect: who besides hr may write it
    "self_rating": "self",
    "manager_rating": "manager",
    "talent_review": "manager",
    "reported_completion": "self",
    "tuition_request": "self",
}


def can_edit(user: User | None, employee: Employee | int, aspect: str) -> bool:
    """May ``user`` write ``aspect`` for ``employee``? hr writes records; see EDIT_RULES."""
    if user is None:
        return False
    who = EDIT_RULES.get(aspect)
    if who == "self":
        return is_self(user, employee)
    if who == "manager":
        return (user.has_role("hr") and not is_self(user, employee)) or manages(user, employee)
    return user.has_role("hr")


def require_employee(user: User | None, employee_id: int, aspect: str = "profile") -> Employee:
    """Load an employee the user may see, or answer 404 (existence itself is private)."""
    employee = db.session.get(
        Employee,
        employee_id,
        options=PERSON,
    )
    if employee is None or not can_view(user, employee, aspect):
        abort(404)
    return employee


def visible_employee_filter(user: User) -> Any | None:
    """A WHERE clause limiting Employee rows to those the user may see, or None for all."""
    if user.has_role("hr", "finance", "admin"):
        return None
    return Employee.id.in_(subtree_query(user.employee_id)) | (Employee.id == user.employee_id)


def can_manage_configuration(user: User | None) -> bool:
    return user is not None and user.has_role("hr", "admin")


def sees_people_list(user: User | None) -> bool:
    """May ``user`` use the list of people? hr, finance, admin and managers; everybody else
    sees only themselves (the list sends them to their own records)."""
    return user is not None and (user.has_role("hr", "admin", "finance") or is_manager(user))


def exports_anyones_data(user: User | None) -> bool:
    """May ``user`` download anyone's personal data (docs/RULES.md "People and roles")? hr only."""
    return user is not None and user.has_role("hr")
