"""Accounts endpoints (docs/API.md "Accounts"): sign-ins, with the rules of the sign-ins page.

hr and admins list sign-ins and create one for a person (the invitation is sent); only an admin
names roles beyond employee, changes roles or disables. app.services.signins holds the rules.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app import policy
from app.blueprints.api import bp
from app.blueprints.api.spec import Param, api_route, created, json_body, page_of, query_args
from app.models import User
from app.policy import signins as may
from app.services import signins

TAG = "Accounts"
ROLE_FILTERS = ("employee", *signins.GRANTABLE_ROLES)


@api_route(
    bp,
    "/users",
    "GET",
    permission="hr_or_admin",
    summary="Sign-ins, with their roles and state",
    tag=TAG,
    who="hr and admin.",
    response="UserPage",
    paged=True,
    query=(
        Param("q", "string", "Search name, email and employee number."),
        Param(
            "role", "string", "Holders of this app role (employee: no other).", enum=ROLE_FILTERS
        ),
        Param("state", "string", "Sign-ins in this state.", enum=signins.SIGNIN_STATES),
    ),
)
def list_users() -> Any:
    args = query_args()
    stmt = signins.signin_list_query(q=args["q"], role=args["role"], state=args["state"])
    stmt = stmt.order_by(signins.SIGNIN_SORTS["name"], User.id)
    return jsonify(page_of(stmt, signins.users_to_dicts, args))


@api_route(
    bp,
    "/users",
    "POST",
    permission="hr_or_admin",
    summary="Give a person a sign-in and send the invitation",
    tag=TAG,
    who="hr and admin; roles beyond employee: admin only (403).",
    body="UserInput",
    response="User",
    status=201,
    conflict=True,
    description="A person who has left, or who already has a sign-in, is 409. The person gets "
    "an email with a one-time link to set their password.",
)
def create_user() -> Any:
    data = json_body()
    user = policy.acting_user()
    employee = signins.employee_for(data.get("employee_id"))
    account = signins.create_signin(employee, data.get("roles") or [], actor=user)
    return created(signins.user_to_dict(account), "api.list_users")


@api_route(
    bp,
    "/users/<int:user_id>",
    "PATCH",
    permission="admin",
    loads=(may.signin(missing="There is no sign-in with this id."),),
    summary="Change a sign-in's roles, or disable or enable it",
    tag=TAG,
    who="admin.",
    body="UserPatch",
    response="User",
    conflict=True,
    description="Nobody removes their own admin role or disables their own sign-in, and the "
    "last active admin keeps both (409). Disabling ends the sign-in's sessions and API tokens "
    "at once.",
)
def update_user(account: User) -> Any:
    changed = signins.update_signin(account, json_body(), actor=policy.acting_user())
    return jsonify(signins.user_to_dict(changed))
