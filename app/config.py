"""Built-in defaults. Layering: these -> instance/config.py -> environment -> test_config."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DEFAULTS: dict[str, object] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
    "UPLOAD_MAX_BYTES": 5 * 1024 * 1024,
    # An image is refused before it is decoded when it claims more pixels than this (a
    # decompression bomb); 40 MP holds any phone photo or 600 dpi A4 scan.
    "UPLOAD_MAX_IMAGE_PIXELS": 40_000_000,
    "ORGANISATION_NAME": "Echelon demo organisation",
    "BASE_URL": "http://127.0.0.1:5000",
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_FROM": "echelon@localhost",
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCKOUT_MINUTES": 15,
    # Per client address (password spraying across accounts), counted in the database.
    "LOGIN_IP_MAX_FAILURES": 20,
    "LOGIN_IP_WINDOW_MINUTES": 15,
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust (0: none).
    "TRUSTED_PROXY_HOPS": 0,
    "PASSWORD_MIN_LENGTH": 10,
    # One-time links (docs/RULES.md "Invitations and password resets")
    "INVITATION_VALID_DAYS": 7,
    "PASSWORD_RESET_VALID_MINUTES": 60,
    # A signed-in session ends after this many hours without a request (0: never).
    "SESSION_IDLE_HOURS": 8,
    "ECHELON_TODAY": None,
    # ---- the task queue (issue 23, README "Background jobs"): like the database, embedded by
    # default (SQLite in instance/queue.db), Redis for workers on several hosts.
    "JOBS_REDIS_URL": None,
    "JOBS_QUEUE_FILE": None,  # default: instance/queue.db
    "JOBS_FOLDER": None,  # result files; default: instance/jobs (a shared mount across hosts)
    "JOBS_PDF_PEOPLE_THRESHOLD": 300,  # team and compliance PDFs of more people become jobs
    "JOBS_CSV_PEOPLE_THRESHOLD": 2000,  # and their CSV tables of more people
    "JOBS_IMPORT_ROWS_THRESHOLD": 1000,  # CSV imports of more rows become jobs
    "JOBS_BULK_THRESHOLD": 50,  # bookings (and invitations) of more people at once become jobs
    "JOBS_RESULT_HOURS": 24,  # a finished file stays downloadable this long
    "JOBS_MAX_ATTEMPTS": 3,
    "JOBS_RETRY_SECONDS": 30,
    "JOBS_LEASE_SECONDS": 300,  # a running job that shows no sign of life this long is retried
    "JOBS_WORKERS": 1,  # threads of one `flask --app app worker`
    "JOBS_PERIODIC": True,  # the worker runs the periodic tasks below
    "JOBS_REMINDERS_AT": "06:00",  # UTC, daily
    "JOBS_RETENTION_AT": "03:30",  # UTC, daily
    "JOBS_MAIL_RETRY_MINUTES": 15,  # the email retry queue, every N minutes
    "JOBS_WARMUP": True,  # recompute stored readiness after a catalogue or settings change
    # A readiness page (or the API) computes at most this many stale people itself; with more
    # it answers "being recomputed" (503 in the API) while the warm-up job does it. None: no limit.
    "READINESS_INLINE_LIMIT": 5000,
    "JOBS_STEP_PAUSE": 0,  # seconds between a job's steps (demos and the fault tests)
    # ---- directory sign-in (issue 19, README "Single sign-on")
    "PASSWORD_SIGN_IN": True,  # False: only BREAK_GLASS_ADMINS may use the password form
    "BREAK_GLASS_ADMINS": [],  # emails of admins who keep the password form
    "SSO_MATCH_BY": "email",  # or "employee_no", read from SSO_EMPLOYEE_NO_CLAIM
    "SSO_EMPLOYEE_NO_CLAIM": "employee_no",  # OIDC claim holding employee_no
    "SSO_GROUP_ROLES": {},  # directory group -> app role, e.g. {"echelon-hr": "hr"}
    "OIDC_ISSUER": None,  # e.g. https://login.example.com/realms/acme
    "OIDC_CLIENT_ID": None,
    "OIDC_CLIENT_SECRET": None,
    "OIDC_NAME": "your organisation",  # the button reads "Sign in with <OIDC_NAME>"
    "OIDC_SCOPES": "openid email profile",
    "OIDC_GROUPS_CLAIM": "groups",
    # LDAP / Active Directory: bind as the person over LDAPS or StartTLS (never plain TCP)
    "LDAP_URL": None,  # ldaps://dc1.acme.example (636) or ldap://… (389, StartTLS required)
    "LDAP_CA_FILE": None,  # PEM of the CA that signed the server's certificate; None: system CAs
    "LDAP_NAME": "your directory account",  # the form reads "Sign in with <LDAP_NAME>"
    "LDAP_BASE_DN": None,  # where people are searched, e.g. "dc=acme,dc=example"
    "LDAP_USER_FILTER": "(uid={username})",  # AD: "(sAMAccountName={username})"; escaped
    "LDAP_BIND_DN": None,  # a service account that searches for the person's DN ...
    "LDAP_BIND_PASSWORD": None,
    "LDAP_USER_DN_TEMPLATE": None,  # ... or bind as this, e.g. "{username}@acme.example"
    "LDAP_EMAIL_ATTRIBUTE": "mail",
    "LDAP_EMPLOYEE_NO_ATTRIBUTE": "employeeNumber",  # with SSO_MATCH_BY = "employee_no"
    "LDAP_GROUPS_ATTRIBUTE": "memberOf",  # group DNs on the person's entry ...
    "LDAP_GROUP_FILTER": None,  # ... or a group search, e.g. "(member={dn})"
    "LDAP_GROUP_BASE_DN": None,  # where groups are searched; default LDAP_BASE_DN
    "LDAP_TIMEOUT": 10,  # seconds, for connecting and for each answer
    # ---- serving (never under TESTING): once the app is built, the objects of start-up
    # (modules, mappers, the app) are moved out of the cyclic collector's reach with gc.freeze(),
    # so its full collections no longer walk them in the middle of a request, and its first
    # generation is collected every GC_GEN0_THRESHOLD allocations (None: Python's 700).
    # BENCHMARKS.md "Required training (issue 21)"; app.tune_collector_for_serving.
    "GC_FREEZE_AFTER_STARTUP": True,
    "GC_GEN0_THRESHOLD": 10_000,
}

# Environment variables read on top of the instance file. Booleans and ints are parsed.
ENV_KEYS = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "ECHELON_TODAY": "ECHELON_TODAY",
    "MAIL_SERVER": "MAIL_SERVER",
    "MAIL_PORT": "MAIL_PORT",
    "MAIL_USE_TLS": "MAIL_USE_TLS",
    "MAIL_USE_SSL": "MAIL_USE_SSL",
    "MAIL_USERNAME": "MAIL_USERNAME",
    "MAIL_PASSWORD": "MAIL_PASSWORD",
    "MAIL_FROM": "MAIL_FROM",
    "BASE_URL": "BASE_URL",
    "SESSION_COOKIE_SECURE": "SESSION_COOKIE_SECURE",
    "TRUSTED_PROXY_HOPS": "TRUSTED_PROXY_HOPS",
    "REDIS_URL": "JOBS_REDIS_URL",
    "JOBS_WORKERS": "JOBS_WORKERS",
    "PASSWORD_SIGN_IN": "PASSWORD_SIGN_IN",
    "OIDC_ISSUER": "OIDC_ISSUER",
    "OIDC_CLIENT_ID": "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET": "OIDC_CLIENT_SECRET",
    "OIDC_NAME": "OIDC_NAME",
    "LDAP_URL": "LDAP_URL",
    "LDAP_CA_FILE": "LDAP_CA_FILE",
    "LDAP_BIND_DN": "LDAP_BIND_DN",
    "LDAP_BIND_PASSWORD": "LDAP_BIND_PASSWORD",
    "READINESS_INLINE_LIMIT": "READINESS_INLINE_LIMIT",
    "GC_FREEZE_AFTER_STARTUP": "GC_FREEZE_AFTER_STARTUP",
}
BOOL_KEYS = {
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "SESSION_COOKIE_SECURE",
    "PASSWORD_SIGN_IN",
    "GC_FREEZE_AFTER_STARTUP",
}
INT_KEYS = {"MAIL_PORT", "TRUSTED_PROXY_HOPS", "JOBS_WORKERS", "READINESS_INLINE_LIMIT"}


def from_environment() -> dict[str, object]:
    values: dict[str, object] = {}
    for env_name, key in ENV_KEYS.items():
        raw = os.environ.get(env_name)
        if raw is None or raw == "":
            continue
        if key in BOOL_KEYS:
            values[key] = raw.strip().lower() in {"1", "true", "yes", "on"}
        elif key in INT_KEYS:
            values[key] = int(raw)
        else:
            values[key] = raw
    return values


def instance_secret_key(instance_path: str) -> str:
    """Read the instance's secret key, generating it on first run (never a hard-coded key)."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def normalise_database_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs and use the psycopg 3 driver for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url
