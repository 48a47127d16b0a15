"""LDAP and Active Directory sign-in with ldap3 (issue 19).

The person types their directory user name and password. Echelon finds their entry with
``LDAP_USER_FILTER`` under ``LDAP_BASE_DN`` (the name escaped, so ``*`` or ``)(`` are plain
characters), searching as the service account ``LDAP_BIND_DN`` or, without one, after binding
as ``LDAP_USER_DN_TEMPLATE``; binds as the person with their password; reads the email, the
employee number and the groups (``memberOf``, or a group search); and hands the ``Identity`` to
``identity.py``, which matches it to an employee and applies ``SSO_GROUP_ROLES``.

Every connection is encrypted before any bind: ``ldaps://``, or ``ldap://`` with StartTLS that
must succeed. The server's certificate is verified against ``LDAP_CA_FILE`` (or the system CAs)
and must name the host of ``LDAP_URL``. An empty password is refused before connecting (a DN
with an empty password is an anonymous bind, which some servers accept), and so is a name with
control characters. Referrals are not followed. Connecting and every answer have a timeout.

The attempt is claimed against the client address (the password form's throttle) before the
directory is asked, so a throttled address cannot try passwords there; a refusal keeps the
claim. When the directory cannot be reached, or is misconfigured, the claim is given back: the
person did nothing wrong.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from ldap3 import NONE, SIMPLE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException, LDAPInvalidDnError
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn, parse_dn

from app.models import User
from app.services import accounts
from app.services.accounts import _release_address, check_ip_throttle
from app.services.directory import identity as directory
from app.services.directory.identity import DirectoryRefusal, Identity, NotAuthenticated

log = logging.getLogger(__name__)
UNAVAILABLE = (
    "Directory sign-in is not available right now: {why}. Try again in a few minutes; if it "
    "keeps failing, ask your IT team."
)
BAD_NAME = "That user name cannot be used: it contains control characters."
NO_NAME = "Enter your user name."
NO_PASSWORD = "Enter your password."
MAX_NAME = 256
INVALID_CREDENTIALS = 49  # LDAP resultCode invalidCredentials


class LdapRefusal(NotAuthenticated):
    """The person's name and password did not sign them in at the directory."""


class LdapUnavailable(DirectoryRefusal):
    """The directory could not be asked safely (down, certificate, configuration)."""

    status = 503


def configured() -> bool:
    config = current_app.config
    return bool(config.get("LDAP_URL") and config.get("LDAP_BASE_DN"))


def wrong_credentials() -> LdapRefusal:
    """The same words as a wrong password on the form."""
    config = current_app.config
    return LdapRefusal(
        accounts.REFUSED.format(
            failures=config["LOGIN_MAX_FAILURES"], minutes=config["LOGIN_LOCKOUT_MINUTES"]
        )
    )


def sign_in(username: str | None, password: str | None, client_ip: str | None) -> User:
    """The Echelon sign-in for this directory name and password, or a DirectoryRefusal
    (SignInThrottled when the address has failed too often)."""
    claim = check_ip_throttle(client_ip)
    try:
        person = identity_for(username, password)
    except LdapUnavailable:
        _release_address(claim)
        raise
    return directory.signed_in_with(person, claim)


def check_name(username: str | None) -> str:
    raw = username or ""
    if len(raw) > MAX_NAME or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in raw):
        raise LdapRefusal(BAD_NAME)  # checked before trimming: "admin\n" is not "admin"
    name = raw.strip(" ")
    if not name:
        raise LdapRefusal(NO_NAME)
    return name


def identity_for(username: str | None, password: str | None) -> Identity:
    """Bind as the person and read who they are; LdapRefusal or LdapUnavailable otherwise."""
    name = check_name(username)
    if not password:  # an empty password is an anonymous bind: never sent
        raise LdapRefusal(NO_PASSWORD)
    config = current_app.config
    search = config["LDAP_USER_FILTER"].replace("{username}", escape_filter_chars(name))
    opened: list[Connection] = []
    try:
        if config.get("LDAP_BIND_DN"):
            if not config.get("LDAP_BIND_PASSWORD"):  # never an anonymous bind in its place
                log.error("LDAP: LDAP_BIND_DN is set without LDAP_BIND_PASSWORD")
                raise LdapUnavailable(UNAVAILABLE.format(why="it is not set up completely"))
            reader = _bound(config["LDAP_BIND_DN"], config["LDAP_BIND_PASSWORD"], opened)
            if reader is None:
                log.error("LDAP: the service account LDAP_BIND_DN was refused")
                raise LdapUnavailable(UNAVAILABLE.format(why="Echelon's directory account failed"))
            entry = _one_person(reader, search)
            if _bound(entry["dn"], password, opened) is None:
                raise wrong_credentials()
        else:
            template = config.get("LDAP_USER_DN_TEMPLATE")
            if not template:
                log.error("LDAP: set LDAP_BIND_DN or LDAP_USER_DN_TEMPLATE")
                raise LdapUnavailable(UNAVAILABLE.format(why="it is not set up completely"))
            reader = _bound(template.replace("{username}", escape_rdn(name)), password, opened)
            if reader is None:
                raise wrong_credentials()
            entry = _one_person(reader, search)
        return _identity(reader, entry)
    except (LDAPException, OSError) as error:
        log.warning("LDAP sign-in failed: %r", error)
        raise LdapUnavailable(UNAVAILABLE.format(why=_why(error))) from error
    finally:
        for connection in opened:
            _close(connection)


def _close(connection: Connection) -> None:
    with contextlib.suppress(LDAPException, OSError):  # closing a broken connection
        if not connection.closed:
            connection.unbind()
    sock = getattr(connection, "socket", None)  # ldap3 leaves it open when connect() failed
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.close()


def _why(error: Exception) -> str:
    text = str(error).lower()
    if "certificate" in text:
        return "the directory server's certificate could not be verified"
    if "start_tls" in text or "starttls" in text or "tls" in text:
        return "the connection to the directory could not be encrypted"
    return "the directory server cannot be reached"


class _VerifiedTls(Tls):
    """TLS 1.2+ with the server certificate checked against the CA file and the host name by
    Python's ssl module (ldap3's own check uses the deprecated ssl.match_hostname)."""

    def wrap_socket(self, connection: Any, do_handshake: bool = False) -> None:
        context = ssl.create_default_context(cafile=current_app.config.get("LDAP_CA_FILE"))
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.check_hostname = True
        context.verify_mode = ssl.CERT_REQUIRED
        connection.socket = context.wrap_socket(
            connection.socket,
            server_hostname=connection.server.host,
            do_handshake_on_connect=do_handshake,
        )


def _server() -> Server:
    config = current_app.config
    url = urlsplit(config["LDAP_URL"])
    if url.scheme not in ("ldaps", "ldap") or not url.hostname:
        log.error("LDAP_URL must be ldaps://host or ldap://host (StartTLS): %r", url.geturl())
        raise LdapUnavailable(UNAVAILABLE.format(why="it is not set up correctly"))
    secure = url.scheme == "ldaps"
    return Server(
        url.hostname,
        port=url.port or (636 if secure else 389),
        use_ssl=secure,
        tls=_VerifiedTls(validate=ssl.CERT_REQUIRED),
        get_info=NONE,
        connect_timeout=config["LDAP_TIMEOUT"],
    )


def _bound(user: str, password: str, opened: list[Connection]) -> Connection | None:
    """A connection bound as ``user`` over TLS, or None when the directory refused the
    password. Raises LdapUnavailable when it cannot be encrypted or answers otherwise."""
    if not password:
        raise LdapRefusal(NO_PASSWORD)
    server = _server()
    connection = Connection(
        server,
        user=user,
        password=password,
        authentication=SIMPLE,
        receive_timeout=current_app.config["LDAP_TIMEOUT"],
        auto_referrals=False,
        read_only=True,
        raise_exceptions=False,
    )
    opened.append(connection)
    connection.open()
    if not server.ssl and not connection.start_tls():
        log.warning("LDAP StartTLS refused: %s", connection.result)
        raise LdapUnavailable(
            UNAVAILABLE.format(why="the connection to the directory could not be encrypted")
        )
    if not (server.ssl or connection.tls_started):  # never a bind over plain TCP
        raise LdapUnavailable(
            UNAVAILABLE.format(why="the connection to the directory could not be encrypted")
        )
    try:
        if connection.bind():
            return connection
    except LDAPInvalidDnError:  # a user name that makes no DN names nobody
        return None
    result = connection.result or {}
    if result.get("result") == INVALID_CREDENTIALS:
        return None
    log.warning("LDAP bind refused: %s", result)
    raise LdapUnavailable(UNAVAILABLE.format(why="the directory refused the connection"))


def _attributes() -> list[str]:
    config = current_app.config
    names = [config["LDAP_EMAIL_ATTRIBUTE"], config["LDAP_EMPLOYEE_NO_ATTRIBUTE"]]
    if not config.get("LDAP_GROUP_FILTER"):
        names.append(config["LDAP_GROUPS_ATTRIBUTE"])
    return [n for n in names if n]


def _search(
    connection: Connection, base: str, search: str, attributes: list[str], size_limit: int
) -> list[dict]:
    connection.search(
        base,
        search,
        search_scope=SUBTREE,
        attributes=attributes,
        size_limit=size_limit,
        time_limit=current_app.config["LDAP_TIMEOUT"],
    )
    return [
        {"dn": r["dn"], "attributes": r.get("attributes") or {}}
        for r in connection.response or []
        if r.get("type") == "searchResEntry"
    ]


def _one_person(connection: Connection, search: str) -> dict:
    found = _search(connection, current_app.config["LDAP_BASE_DN"], search, _attributes(), 2)
    if len(found) != 1:
        if len(found) > 1:
            log.warning("LDAP_USER_FILTER matched several entries for one name: refused")
        raise wrong_credentials()
    return found[0]


def _first(attributes: dict, name: str | None) -> str | None:
    if not name:
        return None
    value = attributes.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return None if value in (None, "") else str(value)


def _values(attributes: dict, name: str) -> list[str]:
    value = attributes.get(name) or []
    if not isinstance(value, list):
        value = [value]
    return [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in value]


def _identity(connection: Connection, entry: dict) -> Identity:
    config = current_app.config
    attributes = entry["attributes"]
    if config.get("LDAP_GROUP_FILTER"):
        search = config["LDAP_GROUP_FILTER"].replace("{dn}", escape_filter_chars(entry["dn"]))
        base = config.get("LDAP_GROUP_BASE_DN") or config["LDAP_BASE_DN"]
        group_dns = [g["dn"] for g in _search(connection, base, search, ["cn"], 1000)]
    else:
        group_dns = _values(attributes, config["LDAP_GROUPS_ATTRIBUTE"])
    return Identity(
        source="ldap",
        subject=entry["dn"],
        email=_first(attributes, config["LDAP_EMAIL_ATTRIBUTE"]),
        employee_no=_first(attributes, config["LDAP_EMPLOYEE_NO_ATTRIBUTE"]),
        groups=group_names(group_dns),
    )


def _normal(dn: str) -> str:
    try:
        return ",".join(f"{a.lower()}={v.lower()}" for a, v, _ in parse_dn(dn, strip=True))
    except LDAPException:
        return dn.strip().lower()


def group_names(group_dns: list[str]) -> frozenset[str]:
    """Each group by its DN and by its name (the first RDN's value), plus the SSO_GROUP_ROLES
    keys that name one of them in another case or spacing (DNs compare case-insensitively)."""
    names: set[str] = set()
    for dn in group_dns:
        names.add(dn)
        with contextlib.suppress(LDAPException, IndexError):
            names.add(parse_dn(dn, strip=True)[0][1])
    known = {_normal(n) for n in names} | {n.lower() for n in names}
    for key in current_app.config.get("SSO_GROUP_ROLES") or {}:
        if _normal(key) in known or key.lower() in known:
            names.add(key)
    return frozenset(names)
