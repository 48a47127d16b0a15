"""The in-app notification list: read, open and mark read (views are thin; rules in services)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for

from app import policy
from app.pagination import status_list_page
from app.policy import permission
from app.policy import self_service as own
from app.services import notify

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/")
@permission("authenticated")
def index() -> Any:
    user = policy.acting_user()
    return status_list_page(
        "notifications/index.html",
        notify.INBOX_SORTS,
        notify.INBOX_STATUSES,
        lambda q, status: notify.search_inbox(user.id, q=q, status=status),
        notify.Notification.id.desc(),
        safe_link=notify.safe_link,
    )


def _back() -> str:
    """Return to the list page the form was on (same filters and page), never elsewhere."""
    target = request.form.get("next", "")
    if notify.safe_link(target) and target.startswith(url_for("notifications.index")):
        return target
    return url_for("notifications.index")


@bp.route("/<int:notification_id>/read", methods=["POST"])
@permission("authenticated", own.notification())
def mark_read(notification) -> Any:
    notify.mark_read(notification.user_id, notification.id)
    flash("Marked as read.", "success")
    return redirect(_back())


@bp.route("/read-all", methods=["POST"])
@permission("authenticated")
def mark_all_read() -> Any:
    user = policy.acting_user()
    count = notify.mark_read(user.id)
    if count:
        flash(f"Marked {count} notification{'' if count == 1 else 's'} as read.", "success")
    else:
        flash("Nothing was unread.", "info")
    return redirect(_back())


@bp.route("/<int:notification_id>/open", methods=["POST"])
@permission("authenticated", own.notification())
def open_notification(notification) -> Any:
    return redirect(notify.open_notification(notification) or _back())
