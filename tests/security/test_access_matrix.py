"""The access matrix: every route of app.url_map, pages and /api/v1, x every kind of caller.

Issue 9 "Access matrix"; docs/RULES.md "People and roles" and "Data minimisation"; DESIGN.md
principle 6 (unknown and forbidden objects look alike, 404, wherever existence is private).

- EXPECTATIONS below states, per (method, endpoint), who may call it and what everybody else
  gets. It is written from the policy, not recorded from the app; a route without an entry (or
  an entry without a route) fails ``test_every_route_has_an_expectation``, so a new route cannot
  be forgotten.
- The subject is Maria Lopez (CSR): her own records fill every id in the URLs. The callers are
  anonymous, Maria herself, an unrelated CSR of Contact Centre South, Sam Rivera (two levels
  above her), Daniel Kim (her manager), Lena Fischer (a CSM elsewhere), hr, finance and admin.
- Reads are called by every caller. State-changing calls are made only by callers who must be
  refused, and the whole database must be unchanged afterwards (successful writes belong to
  each area's own tests).
- IDOR: to the unrelated CSR, Lena, finance and admin, Maria's ids are someone else's. The
  routes are also called with the ids of Grace Okafor's records by Maria and Daniel (who use
  the same routes for their own), and by Sam, her manager, who sees her check's status but
  never its findings.
- Every answer to a caller other than hr is searched for leaks: Grace's CREDIT findings
  ("collections"), names of people outside the caller's own reporting line (employee and
  manager callers), and training or check data in finance's and admin's answers about Maria.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.security import figures
from tests.security.support import CALLERS, SIGNED_IN, World, audit_count, module_world

SELF = "self"
UNRELATED = "unrelated"
ABOVE = "manager_above"
DIRECT = "direct_manager"
ELSEWHERE = "manager_elsewhere"
HR = "hr"
FINANCE = "finance"
ADMIN = "admin"

EVERYONE = frozenset(SIGNED_IN)
MANAGERS = frozenset({ABOVE, DIRECT, ELSEWHERE})
MARIAS_MANAGERS = frozenset({ABOVE, DIRECT})
# Who may see Maria's training, ratings, check status, assessments, readiness, uploads.
CIRCLE = frozenset({SELF, ABOVE, DIRECT, HR})
PROFILE_VIEWERS = CIRCLE | {FINANCE, ADMIN}
TUITION_VIEWERS = CIRCLE | {FINANCE}
HR_ONLY = frozenset({HR})
HR_ADMIN = frozenset({HR, ADMIN})
FINANCE_HR = frozenset({FINANCE, HR})
MANAGER_OR_HR = MANAGERS | {HR}  # Hannah Reid (hr) also manages two people


@dataclass(frozen=True)
class Expect:
    """Who gets ``ok``; everybody else gets ``denied``, or their entry in ``special``."""

    allowed: frozenset[str]
    denied: int = 403
    ok: int = 200
    special: tuple[tuple[str, int], ...] = ()

    def status_for(self, caller: str) -> int:
        if caller in self.allowed:
            return self.ok
        return dict(self.special).get(caller, self.denied)


def role(allowed: frozenset[str], ok: int = 200) -> Expect:
    """A route guarded by an app role (or manager): everybody else is refused with 403."""
    return Expect(frozenset(allowed), 403, ok)


def subject(allowed: frozenset[str], sees: frozenset[str] = frozenset(), ok: int = 200) -> Expect:
    """A route about Maria: those who may see the record but not do this get 403, the rest 404
    (existence is private)."""
    return Expect(frozenset(allowed), 404, ok, tuple((c, 403) for c in sorted(sees - allowed)))


EVERYONE_OK = role(EVERYONE)

EXPECTATIONS: dict[tuple[str, str], Expect] = {
    # ------------------------------------------------------------------ sign-in, home, people
    ("GET", "auth.login"): role(EVERYONE, ok=302),  # signed in: sent on to the dashboard
    ("POST", "auth.login"): role(EVERYONE, ok=302),
    ("POST", "auth.logout"): EVERYONE_OK,
    # directory sign-in: not configured in the demo, so not found for anyone
    ("GET", "auth.oidc_login"): Expect(EVERYONE, 404, 404, (("anonymous", 404),)),
    ("GET", "auth.oidc_callback"): Expect(EVERYONE, 404, 404, (("anonymous", 404),)),
    ("POST", "auth.ldap_login"): Expect(EVERYONE, 404, 404, (("anonymous", 404),)),
    # one-time links and "Forgot your password?" (issue 19): public, the link's secret is the
    # credential; the matrix's link is unknown, so it is not found for anyone
    ("GET", "auth.invitation"): Expect(EVERYONE, 404, 404, (("anonymous", 404),)),
    ("POST", "auth.invitation"): Expect(EVERYONE, 404, 404, (("anonymous", 404),)),
    ("GET", "auth.reset"): Expect(EVERYONE, 404, 404, (("anonymous", 404),)),
    ("POST", "auth.reset"): Expect(EVERYONE, 404, 404, (("anonymous", 404),)),
    ("GET", "auth.forgot"): EVERYONE_OK,
    # an empty form is refused with its message (422) and sends nothing
    ("POST", "auth.forgot"): Expect(EVERYONE, special=(("anonymous", 422),)),
    ("GET", "dashboard.home"): EVERYONE_OK,
    ("GET", "employees.index"): Expect(
        MANAGERS | {HR, FINANCE, ADMIN},
        denied=302,  # people who manage nobody are sent to their own page
    ),
    ("GET", "employees.me"): role(EVERYONE, ok=302),
    ("GET", "employees.show"): subject(TUITION_VIEWERS),  # admin: the catalogue, not people
    ("GET", "notifications.index"): EVERYONE_OK,
    ("POST", "notifications.mark_all_read"): EVERYONE_OK,  # one's own notifications only
    ("POST", "notifications.mark_read"): subject(frozenset({SELF})),
    ("POST", "notifications.open_notification"): subject(frozenset({SELF})),
    ("GET", "privacy.index"): EVERYONE_OK,
    ("POST", "privacy.export_mine"): EVERYONE_OK,
    ("POST", "privacy.export_employee"): subject(frozenset({SELF, HR})),
    ("GET", "profile.index"): EVERYONE_OK,
    ("POST", "profile.create_token"): EVERYONE_OK,
    ("POST", "profile.revoke_token"): subject(frozenset({SELF})),
    ("POST", "profile.calendar_feed"): EVERYONE_OK,
    ("POST", "profile.change_password"): EVERYONE_OK,  # one's own password only
    # the feed is public: its secret token is the credential (Maria's feed here)
    ("GET", "calendar.feed"): EVERYONE_OK,
    # a renewal offer: anyone signed in sees a session and books their own seat
    ("GET", "calendar.offer"): EVERYONE_OK,
    ("POST", "calendar.take_offer"): EVERYONE_OK,
    # ------------------------------------------------------------------ talent (360, 9-box)
    # the rater's form is public: the link's secret is the credential; the matrix's link is
    # of a closed round, which says so to everyone and names nobody
    ("GET", "talent.feedback_form"): Expect(frozenset(), 409, special=(("anonymous", 409),)),
    ("POST", "talent.feedback_form"): Expect(frozenset(), 409, special=(("anonymous", 409),)),
    ("GET", "talent.new_round"): subject(MARIAS_MANAGERS | {HR}, CIRCLE),
    ("POST", "talent.new_round"): subject(MARIAS_MANAGERS | {HR}, CIRCLE),
    ("GET", "talent.show_round"): subject(CIRCLE),
    ("POST", "talent.close_round"): role(HR_ONLY, ok=302),
    ("GET", "talent.grid"): role(MANAGER_OR_HR),
    ("GET", "talent.grid_csv"): role(MANAGER_OR_HR),
    ("GET", "talent.grid_pdf"): role(MANAGER_OR_HR),
    ("POST", "talent.move"): role(HR_ONLY, ok=302),
    ("POST", "api.open_360_round"): subject(MARIAS_MANAGERS | {HR}, CIRCLE, ok=201),
    ("GET", "api.get_360_round"): subject(CIRCLE),
    ("GET", "api.get_talent_grid"): role(MANAGER_OR_HR),
    # ------------------------------------------------------------------ sessions and bookings
    # ------------------------------------------------------------------ required training
    ("GET", "assignments.index"): role(HR_ONLY),
    ("GET", "assignments.team"): role(MANAGER_OR_HR),
    ("GET", "assignments.rules"): role(HR_ONLY),
    ("GET", "assignments.new_rule"): role(HR_ONLY),
    ("POST", "assignments.new_rule"): role(HR_ONLY),
    ("GET", "assignments.edit_rule"): role(HR_ONLY),
    ("POST", "assignments.edit_rule"): role(HR_ONLY),
    ("GET", "assignments.delete_rule"): role(HR_ONLY),
    ("POST", "assignments.delete_rule"): role(HR_ONLY, ok=302),
    ("GET", "api.list_assignment_rules"): role(HR_ONLY),
    ("POST", "api.create_assignment_rule"): role(HR_ONLY, ok=201),
    ("GET", "api.list_employee_assignments"): subject(CIRCLE),
    ("GET", "sessions.index"): EVERYONE_OK,
    ("GET", "sessions.show"): EVERYONE_OK,  # counts for all; names only of people one sees
    ("GET", "sessions.mine"): EVERYONE_OK,
    ("GET", "sessions.approvals"): role(MANAGER_OR_HR),
    ("POST", "sessions.book"): role(EVERYONE, ok=302),  # oneself; others only within reach
    ("POST", "sessions.book_team"): role(MANAGER_OR_HR, ok=302),
    ("POST", "sessions.cancel"): subject(CIRCLE, ok=302),
    ("POST", "sessions.move"): subject(CIRCLE, ok=302),
    ("POST", "sessions.decide"): Expect(
        MARIAS_MANAGERS | {HR}, 403, 302, ((ELSEWHERE, 404),)
    ),  # the permission (manager or hr) first, then the booking (404 outside one's reach)
    ("POST", "sessions.attendance"): role(HR_ONLY, ok=302),
    # ------------------------------------------------------------------ catalogue and settings
    ("GET", "catalogue.index"): EVERYONE_OK,
    ("GET", "catalogue.competencies"): EVERYONE_OK,
    ("GET", "catalogue.courses"): EVERYONE_OK,
    ("GET", "catalogue.course_show"): EVERYONE_OK,
    ("GET", "catalogue.check_types"): EVERYONE_OK,
    ("GET", "catalogue.instruments"): EVERYONE_OK,
    ("GET", "catalogue.qualifications"): EVERYONE_OK,
    ("GET", "catalogue.roles"): EVERYONE_OK,
    ("GET", "catalogue.role_show"): EVERYONE_OK,
    ("GET", "catalogue.ladder"): EVERYONE_OK,
    ("GET", "catalogue.sessions"): EVERYONE_OK,
    **{
        (method, f"catalogue.{name}"): role(HR_ADMIN)
        for name in (
            "competency_new",
            "competency_edit",
            "course_new",
            "course_edit",
            "session_new",
            "session_edit",
            "check_type_new",
            "check_type_edit",
            "instrument_new",
            "instrument_edit",
            "qualification_new",
            "qualification_edit",
            "role_new",
            "role_edit",
            "role_requirements",
            "ladder_new",
            "ladder_edit",
        )
        for method in ("GET", "POST")
    },
    **{
        ("POST", f"catalogue.{name}"): role(HR_ADMIN)
        for name in ("retire", "restore", "ladder_remove", "session_cancel", "session_reinstate")
    },
    ("GET", "settings.index"): role(HR_ADMIN),
    ("POST", "settings.index"): role(HR_ADMIN),
    ("POST", "settings.reset"): role(HR_ADMIN),
    # ------------------------------------------------------------------ records (pages)
    **{
        (method, f"records.{name}"): role(HR_ONLY)
        for name in (
            "new_employee",
            "edit_profile",
            "new_completion",
            "edit_completion",
            "reject_completion",
            "edit_rating",
            "new_check",
            "new_assessment",
            "new_education",
            "edit_education",
            "import_start",
            "import_review",
        )
        for method in ("GET", "POST")
    },
    **{
        ("GET", f"records.{name}"): role(HR_ONLY)
        for name in ("checks", "show_check", "completions", "pending_completions", "export")
    },
    **{
        ("POST", f"records.{name}"): role(HR_ONLY)
        for name in (
            "delete_completion",
            "verify_completion",
            "delete_rating",
            "check_status",
            "check_details",
            "check_notice",
            "add_response",
            "delete_assessment",
            "delete_education",
            "delete_talent_review",
            "import_apply",
        )
    },
    # Self-service: only Maria reports her own completions (hr records them instead).
    ("GET", "records.report_completion"): subject(frozenset({SELF}), CIRCLE),
    ("POST", "records.report_completion"): subject(frozenset({SELF}), CIRCLE),
    # Ratings: self (a self-rating), her managers (manager ratings), hr.
    ("GET", "records.new_rating"): subject(CIRCLE),
    ("POST", "records.new_rating"): subject(CIRCLE),
    # Talent reviews: her managers and hr; Maria may see hers but not write one.
    ("GET", "records.new_talent_review"): subject(MARIAS_MANAGERS | {HR}, CIRCLE),
    ("POST", "records.new_talent_review"): subject(MARIAS_MANAGERS | {HR}, CIRCLE),
    ("GET", "records.edit_talent_review"): subject(MARIAS_MANAGERS | {HR}, CIRCLE),
    ("POST", "records.edit_talent_review"): subject(MARIAS_MANAGERS | {HR}, CIRCLE),
    ("GET", "records.show_assessment"): subject(CIRCLE),
    ("GET", "records.upload"): subject(CIRCLE),
    # ------------------------------------------------------------------ readiness and reports
    ("GET", "readiness.my_plan"): role(EVERYONE, ok=302),
    ("GET", "readiness.plan"): subject(CIRCLE),
    ("GET", "readiness.bench_strength"): role(MANAGER_OR_HR),
    ("GET", "readiness.lapses"): role(MANAGER_OR_HR),
    ("GET", "readiness.training_needs"): role(MANAGER_OR_HR),
    ("GET", "readiness.organisation"): role(HR_ONLY),
    ("GET", "reports.index"): EVERYONE_OK,
    ("GET", "reports.verify"): EVERYONE_OK,
    ("GET", "reports.my_readiness"): role(EVERYONE, ok=302),
    ("GET", "reports.individual"): subject(CIRCLE),
    ("GET", "reports.individual_csv"): subject(CIRCLE),
    ("GET", "reports.individual_pdf"): subject(CIRCLE),
    **{
        ("GET", f"reports.{name}"): role(MANAGER_OR_HR)
        for name in (
            "compliance",
            "compliance_csv",
            "compliance_pdf",
            "team",
            "team_csv",
            "team_pdf",
        )
    },
    **{
        ("GET", f"reports.{name}"): role(FINANCE_HR)
        for name in ("tuition", "tuition_csv", "tuition_pdf")
    },
    # ------------------------------------------------------------------ tuition (pages)
    ("GET", "tuition.index"): EVERYONE_OK,
    ("GET", "tuition.new"): EVERYONE_OK,  # everyone requests for themselves
    ("POST", "tuition.new"): EVERYONE_OK,
    ("GET", "tuition.show"): subject(TUITION_VIEWERS),
    ("GET", "tuition.document"): subject(TUITION_VIEWERS),
    # Her request is completed: the viewers are sent back to it (nothing to complete now).
    ("GET", "tuition.complete"): subject(TUITION_VIEWERS, ok=302),
    ("POST", "tuition.complete"): subject(TUITION_VIEWERS),
    ("GET", "tuition.edit"): subject(frozenset({SELF}), TUITION_VIEWERS, ok=302),
    ("POST", "tuition.edit"): subject(frozenset({SELF}), TUITION_VIEWERS),
    # Which viewer may act depends on the stage: the tuition workflow tests decide that.
    ("POST", "tuition.act"): subject(TUITION_VIEWERS),
    ("POST", "tuition.pay"): role(frozenset({FINANCE})),
    ("POST", "tuition.override_late"): role(HR_ONLY),
    ("GET", "tuition.queue_manager"): role(MANAGER_OR_HR),
    ("GET", "tuition.queue_hr"): role(HR_ONLY),
    ("GET", "tuition.queue_finance"): role(frozenset({FINANCE})),
    ("GET", "tuition.summary"): role(FINANCE_HR),
    ("GET", "tuition.summary_csv"): role(FINANCE_HR),
    ("GET", "tuition.repayments"): role(FINANCE_HR),
    ("POST", "tuition.settle"): role(frozenset({FINANCE})),
    ("GET", "tuition.leaver"): role(HR_ONLY),
    ("POST", "tuition.leaver"): role(HR_ONLY),
    # ------------------------------------------------------------------ the JSON API
    ("GET", "api.openapi"): EVERYONE_OK,
    **{
        ("GET", f"api.{name}"): EVERYONE_OK
        for name in (
            "list_competencies",
            "show_competency",
            "list_courses",
            "show_course",
            "list_course_sessions",
            "list_check_types",
            "show_check_type",
            "list_instruments",
            "show_instrument",
            "list_qualifications",
            "show_qualification",
            "list_roles",
            "show_role",
            "list_role_requirements",
            "list_ladder",
            "list_employees",  # filtered to the people the caller may see
            "list_readiness",  # likewise
            "list_tuition_requests",  # one's own, plus those one may approve or see
        )
    },
    **{
        (method, f"api.{name}"): role(HR_ADMIN)
        for method, name in (
            ("POST", "create_competency"),
            ("PATCH", "update_competency"),
            ("POST", "create_course"),
            ("PATCH", "update_course"),
            ("POST", "create_course_session"),
            ("POST", "create_check_type"),
            ("PATCH", "update_check_type"),
            ("POST", "create_instrument"),
            ("PATCH", "update_instrument"),
            ("POST", "create_qualification"),
            ("PATCH", "update_qualification"),
            ("POST", "create_role"),
            ("PATCH", "update_role"),
            ("PUT", "replace_role_requirements"),
            ("POST", "create_ladder_edge"),
        )
    },
    ("POST", "api.create_employee"): role(HR_ONLY),
    ("GET", "api.show_employee"): subject(PROFILE_VIEWERS),
    ("PATCH", "api.update_employee"): subject(HR_ONLY, PROFILE_VIEWERS),
    ("POST", "api.terminate_employee"): subject(HR_ONLY, PROFILE_VIEWERS),
    ("GET", "api.show_records"): subject(PROFILE_VIEWERS),  # each sees only their aspects
    **{
        ("GET", f"api.{name}"): subject(CIRCLE)
        for name in (
            "list_training_records",
            "list_competency_ratings",
            "list_background_checks",
            "show_background_check",  # managers: the status word only
            "list_assessments",
            "list_education",
            "show_readiness",
            "show_path",
        )
    },
    **{
        ("POST", f"api.{name}"): subject(HR_ONLY, CIRCLE)
        for name in (
            "create_training_record",
            "create_background_check",
            "record_adverse_action",
            "create_assessment",
            "create_education",
        )
    },
    ("PATCH", "api.update_background_check"): subject(HR_ONLY, CIRCLE),
    ("POST", "api.create_competency_rating"): subject(CIRCLE),  # self / manager / any source
    ("GET", "api.tuition_summary"): role(FINANCE_HR),
    ("POST", "api.create_tuition_request"): EVERYONE_OK,  # for oneself
    ("GET", "api.show_tuition_request"): subject(TUITION_VIEWERS),
    ("PATCH", "api.update_tuition_request"): subject(frozenset({SELF}), TUITION_VIEWERS),
    ("POST", "api.transition_tuition_request"): subject(TUITION_VIEWERS),
    # the body names the person: who may book whom is tests/security/test_api_permissions.py
    ("POST", "api.create_enrolment"): EVERYONE_OK,
    ("GET", "api.list_employee_enrolments"): subject(CIRCLE),
    ("POST", "api.transition_enrolment"): subject(CIRCLE),
    # ------------------------------------------------------------------ background jobs (issue 23)
    ("GET", "jobs.index"): role(frozenset({ADMIN})),
    ("GET", "jobs.mine"): EVERYONE_OK,
    ("GET", "jobs.show"): subject(frozenset({SELF})),  # the requester's own; others: 404
    ("GET", "jobs.status"): subject(frozenset({SELF})),
    # Maria asked for a team report she may not see (she manages nobody): refused at download.
    ("GET", "jobs.download"): subject(frozenset(), frozenset({SELF})),
    # ------------------------------------------------------------------ seat plan (issue 18)
    ("GET", "sessions.seat_plan"): role(HR_ONLY),
    ("GET", "readiness.capacity"): role(HR_ONLY),
    ("GET", "api.session_seat_plan"): role(HR_ONLY),
    # ------------------------------------------------------------------ sign-ins (issue 19)
    # hr and admins create sign-ins and send invitations; only admins change roles and states
    ("GET", "accounts.index"): role(HR_ADMIN),
    ("GET", "accounts.new"): role(HR_ADMIN),
    ("POST", "accounts.new"): role(HR_ADMIN, ok=302),
    ("POST", "accounts.resend"): role(HR_ADMIN, ok=302),
    ("POST", "accounts.invite_many"): role(HR_ADMIN, ok=302),
    ("POST", "accounts.grant"): role(frozenset({ADMIN}), ok=302),
    ("POST", "accounts.remove"): role(frozenset({ADMIN}), ok=302),
    ("POST", "accounts.disable"): role(frozenset({ADMIN}), ok=302),
    ("POST", "accounts.enable"): role(frozenset({ADMIN}), ok=302),
    ("POST", "accounts.unlock"): role(frozenset({ADMIN}), ok=302),
    ("GET", "api.list_users"): role(HR_ADMIN),
    ("POST", "api.create_user"): role(HR_ADMIN, ok=201),
    ("PATCH", "api.update_user"): role(frozenset({ADMIN})),
}

# The catalogue code each URL uses, by the section it is in.
CODES = {
    "competencies": "PRODUCT",
    "courses": "CS-FOUND",
    "check-types": "CREDIT",
    "instruments": "LEAD-360",
    "qualifications": "CERT-MGMT",
    "roles": "L2-CSS",
}
QUERY = {"api.list_readiness": "?role=L2-CSS"}
OBJECT_ARGS = frozenset(
    {
        "employee_id",
        "check_id",
        "completion_id",
        "rating_id",
        "assessment_id",
        "record_id",
        "review_id",
        "upload_id",
        "request_id",
        "notification_id",
        "token_id",
        "enrolment_id",
        "job_id",
        "round_id",
        "user_id",
    }
)
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
# Leak markers.
FINDINGS = "collections"  # Grace Okafor's CREDIT findings: hr alone sees them
TRAINING_AND_CHECKS = ("PCI-AWARE", "HARASS-REF", "CRIMINAL", "Sterling Screening")
# Grace's records, tried by the callers whose relation to her differs from theirs to Maria:
# Maria is an outsider to Grace, as the unrelated CSR is to Maria; Daniel manages other
# people, as Lena does; Sam is Grace's own manager. (The unrelated CSR, Lena, finance and
# admin are outsiders to both, and the main sweeps already try them with Maria's ids.)
RELATION_TO_GRACE = {SELF: UNRELATED, DIRECT: ELSEWHERE, ABOVE: DIRECT}

_ANY = re.compile(r"<any\(([^)]*)\):(\w+)>")
_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory) -> Iterator[World]:  # type: ignore[no-untyped-def]
    with pytest.MonkeyPatch.context() as patch:
        # Authorization is decided before a PDF is drawn; skip the drawing (seconds each).
        patch.setattr("app.reports.pdf.render_pdf", lambda html: b"%PDF-1.4 (matrix)\n")
        yield from module_world(databases, tmp_path_factory.mktemp("matrix"))


def rules(app) -> Iterator[tuple[str, object]]:  # type: ignore[no-untyped-def]
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield method, rule


def urls(rule, ids: dict) -> list[str]:  # type: ignore[no-untyped-def]
    """Every concrete URL of a rule: each option of an any(...) part, ids from ``ids``."""
    options = [
        [(m.group(0), o.strip().strip("'\"")) for o in m.group(1).split(",")]
        for m in _ANY.finditer(rule.rule)
    ]
    out = []
    for combo in itertools.product(*options):
        url = rule.rule
        for placeholder, value in combo:
            url = url.replace(placeholder, value, 1)
        section = next((s for s in CODES if f"/{s}/" in url), "courses")
        values = {**ids, "code": CODES[section]}
        out.append(
            _ARG.sub(lambda m, v=values: str(v[m.group(2)]), url) + QUERY.get(rule.endpoint, "")
        )
    return out


def fingerprint() -> str:
    """A digest of every row of every table (bookkeeping columns aside, and stored readiness and
    the stored compliance lines: derived results that reading pages compute and keep, never a
    record)."""
    volatile = {("api_tokens", "last_used_at"), ("users", "last_login_at")}
    derived = {"stored_readiness", "compliance_lines", "compliance_people"}
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        if table.name in derived:
            continue
        columns = [c for c in table.columns if (table.name, c.name) not in volatile]
        rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns)).all()
        digest.update(f"{table.name}:{rows!r}".encode())
    return digest.hexdigest()


def expected_status(world: World, expect: Expect, caller: str, rule, method: str) -> int:  # type: ignore[no-untyped-def]
    """Anonymous callers: public routes answer, pages send them to sign in, the API says 401."""
    if caller == "anonymous":
        if world.app.view_functions[rule.endpoint]._echelon_permission == "public":
            return dict(expect.special).get("anonymous", 200)
        return 401 if rule.rule.startswith("/api/") else 302
    return expect.status_for(caller)


def check_answer(
    world: World, caller: str, method: str, url: str, response, expected: int, about_maria: bool
) -> list[str]:  # type: ignore[no-untyped-def]
    """The status, where a redirect goes, and that the body leaks nothing."""
    problems = []
    status = response.status_code
    body = response.get_data(as_text=True) if response.mimetype != "application/pdf" else ""
    response.close()
    where = f"{method} {url} as {caller}"
    if status != expected:
        problems.append(f"{where}: {status}, expected {expected}")
    if status == 302:
        to_login = "/login" in response.headers.get("Location", "")
        if to_login != (caller == "anonymous"):
            problems.append(f"{where}: redirected to {response.headers.get('Location')}")
    if status >= 500:
        problems.append(f"{where}: server error")
    if caller != HR and FINDINGS in body:
        problems.append(f"{where}: shows Grace Okafor's check findings")
    if caller in (SELF, UNRELATED, ABOVE, DIRECT, ELSEWHERE):
        seen = world.visible[caller]
        leaked = sorted(
            name for eid, name in world.names.items() if eid not in seen and name in body
        )
        if leaked:
            problems.append(f"{where}: shows people outside their reach: {leaked[:5]}")
    if caller in (FINANCE, ADMIN) and about_maria:
        shown = [marker for marker in TRAINING_AND_CHECKS if marker in body]
        if shown:
            problems.append(f"{where}: shows training or check data: {shown}")
    return problems


def _audit_entries(world: World) -> int:
    with world.app.app_context():
        count = audit_count()
        db.session.remove()
    return count


def _has_object(rule) -> bool:  # type: ignore[no-untyped-def]
    return bool(set(rule.arguments) & OBJECT_ARGS)


def test_every_route_has_an_expectation(demo_app):
    """A new route fails here until someone writes down who may call it."""
    routes = {(method, rule.endpoint) for method, rule in rules(demo_app)}
    missing = sorted(routes - set(EXPECTATIONS))
    stale = sorted(set(EXPECTATIONS) - routes)
    assert missing == [], f"routes without an access expectation: {missing}"
    assert stale == [], f"expectations for routes that no longer exist: {stale}"


def test_reads_answer_every_caller_as_the_policy_says_and_leak_nothing(world):
    problems: list[str] = []
    pairs = 0
    with world.app.app_context():
        before = fingerprint()
    for method, rule in rules(world.app):
        if method != "GET":
            continue
        expect = EXPECTATIONS[(method, rule.endpoint)]
        for url in urls(rule, world.mine):
            for caller in CALLERS:
                response = world.call(caller, method, url)
                expected = expected_status(world, expect, caller, rule, method)
                problems += check_answer(
                    world, caller, method, url, response, expected, _has_object(rule)
                )
                pairs += 1
    with world.app.app_context():
        assert fingerprint() == before, "a GET changed the database"
        db.session.remove()
    figures.add("access matrix: (route, caller) pairs checked", pairs)
    assert problems == [], "\n".join(problems)
    assert pairs > 800


def test_writes_refuse_every_caller_without_the_right_and_change_nothing(world):
    problems: list[str] = []
    pairs = 0
    with world.app.app_context():
        before = fingerprint()
        db.session.remove()
    for method, rule in rules(world.app):
        if method not in STATE_CHANGING or rule.endpoint == "auth.login":
            continue
        expect = EXPECTATIONS[(method, rule.endpoint)]
        refused = [c for c in CALLERS if c == "anonymous" or c not in expect.allowed]
        for url in urls(rule, world.mine):
            audited = _audit_entries(world)
            for caller in refused:
                kwargs = {"json": {}} if url.startswith("/api/") else {"data": {}}
                response = world.call(caller, method, url, **kwargs)
                expected = expected_status(world, expect, caller, rule, method)
                problems += check_answer(
                    world, caller, method, url, response, expected, _has_object(rule)
                )
                pairs += 1
            if _audit_entries(world) != audited:
                problems.append(f"{method} {url}: a refused call wrote an audit entry")
    with world.app.app_context():
        if fingerprint() != before:
            problems.append("a refused call changed the database")
        db.session.remove()
    figures.add("access matrix: (route, caller) pairs checked", pairs)
    assert problems == [], "\n".join(problems)
    assert pairs > 300


def test_other_peoples_record_ids_are_refused_and_findings_stay_with_hr(world):
    """IDOR: Grace Okafor's record ids, tried by Maria and Daniel, who use the same routes for
    their own records, and by Sam Rivera, her manager, who may see her records but never her
    check's findings."""
    problems: list[str] = []
    pairs = 0
    with world.app.app_context():
        before = fingerprint()
        db.session.remove()
    for method, rule in rules(world.app):
        if not _has_object(rule):
            continue
        expect = EXPECTATIONS[(method, rule.endpoint)]
        for url in urls(rule, world.other):
            for caller, relation in RELATION_TO_GRACE.items():
                expected = expect.status_for(relation)
                if method != "GET" and expected == expect.ok:
                    continue  # an entitled write belongs to the area's own tests
                kwargs = {"json": {}} if url.startswith("/api/") else {"data": {}}
                response = world.call(caller, method, url, **({} if method == "GET" else kwargs))
                problems += check_answer(world, caller, method, url, response, expected, False)
                pairs += 1
    with world.app.app_context():
        if fingerprint() != before:
            problems.append("a refused call with someone else's id changed the database")
        db.session.remove()
    figures.add("access matrix: (route, caller) pairs checked", pairs)
    assert problems == [], "\n".join(problems)
    assert pairs > 150
