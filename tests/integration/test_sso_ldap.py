"""Sign-in with LDAP / Active Directory, against a real OpenLDAP slapd on 127.0.0.1.

tests/ldap_server.py starts slapd with a test CA, LDAPS and StartTLS, simple binds refused
below 128 bits of security, and unauthenticated binds (a DN with an empty password) allowed,
as Active Directory allows them. The app is driven with Flask's test client through the sign-in
page's directory form; what slapd saw is read from its stats log.
"""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import ldap_server
from tests.factories import DEMO_PASSWORD, PERSONAS
from tests.ldap_server import GROUPS, PASSWORD, PEOPLE, SUFFIX

ACME = "your Acme directory account"


@pytest.fixture(scope="module")
def directory() -> Iterator[ldap_server.Directory]:
    running = ldap_server.start()
    for group in ("echelon-hr", "echelon-finance", "canteen"):
        running.add_group(group)
    running.add_person("maria", PERSONAS["employee"], groups=("canteen",))
    running.add_person("hannah", PERSONAS["hr"])
    running.add_person("admin", PERSONAS["admin"], groups=("echelon-hr",))
    running.add_person("stranger", "stranger@elsewhere.example", groups=("echelon-hr",))
    running.add_person("nomail", None, employee_no="E-LDAP-7")
    yield running
    running.stop()


@pytest.fixture
def ldap_app(demo_app: Any, directory: ldap_server.Directory) -> Any:
    demo_app.config.update(
        LDAP_URL=directory.ldap_url,  # StartTLS
        LDAP_CA_FILE=str(directory.ca_file),
        LDAP_NAME=ACME,
        LDAP_BASE_DN=PEOPLE,
        LDAP_USER_FILTER="(&(objectClass=inetOrgPerson)(uid={username}))",
        LDAP_BIND_DN=ldap_server.SERVICE_DN,
        LDAP_BIND_PASSWORD=ldap_server.SERVICE_PW,
        LDAP_TIMEOUT=5,
        SSO_GROUP_ROLES={
            # by DN, in another case and spacing than the directory's, and by name
            f"CN=Echelon-Finance, OU=groups, {SUFFIX.upper()}": "finance",
            "echelon-hr": "hr",
        },
    )
    return demo_app


def ldap_sign_in(client: Any, username: str, password: str = PASSWORD) -> Any:
    return client.post(
        "/auth/ldap/login", data={"ldap-username": username, "ldap-password": password}
    )


def text(answer: Any) -> str:
    return answer.get_data(as_text=True)


def signed_out(client: Any) -> bool:
    answer = client.get("/")
    return answer.status_code == 302 and "/login" in answer.location


def binds(directory: ldap_server.Directory, dn: str) -> list[str]:
    """slapd's BIND lines for this DN (with the connection's security strength factor)."""
    return [
        line
        for line in directory.log().splitlines()
        if f'BIND dn="{dn}" mech=SIMPLE' in line or f'BIND dn="{dn}" method=128' in line
    ]


def roles_of(app: Any, email: str) -> set[str]:
    from tests.factories import user_of

    with app.app_context():
        return set(user_of(email).app_roles)


def wrong_password_message(app: Any) -> str:
    """What the email-and-password form says to a wrong password."""
    answer = app.test_client().post(
        "/login", data={"email": PERSONAS["employee"], "password": "not-the-password"}
    )
    assert answer.status_code == 401
    found = re.search(r'role="alert"><p>(.*?)</p>', text(answer))
    assert found is not None
    return found.group(1)


def test_the_sign_in_page_offers_the_directory_form(ldap_app: Any) -> None:
    page = text(ldap_app.test_client().get("/login"))
    assert f"Sign in with {ACME}" in page
    assert 'name="ldap-username"' in page and 'action="/auth/ldap/login"' in page
    assert "Or with your Echelon email and password" in page


@pytest.mark.parametrize("scheme", ["ldaps", "starttls"])
def test_a_known_employee_signs_in_to_the_home_page(
    ldap_app: Any, directory: ldap_server.Directory, scheme: str
) -> None:
    ldap_app.config["LDAP_URL"] = directory.ldaps_url if scheme == "ldaps" else directory.ldap_url
    client = ldap_app.test_client()
    answer = ldap_sign_in(client, "maria")
    assert answer.status_code == 302, text(answer)[:500]
    home = client.get(answer.location)
    assert home.status_code == 200
    assert "Welcome, Maria Lopez." in text(home)
    # every bind slapd saw for her was on an encrypted connection
    seen = [line for line in binds(directory, f"uid=maria,{PEOPLE}") if "mech=SIMPLE" in line]
    assert seen and all(int(re.search(r" ssf=(\d+)", line).group(1)) >= 128 for line in seen)  # type: ignore[union-attr]


def test_binding_straight_as_the_person_with_a_dn_template_and_a_group_search(
    ldap_app: Any, directory: ldap_server.Directory
) -> None:
    """No service account: bind as uid={username},ou=people,…; groups found by a search."""
    ldap_app.config.update(
        LDAP_BIND_DN=None,
        LDAP_BIND_PASSWORD=None,
        LDAP_USER_DN_TEMPLATE=f"uid={{username}},{PEOPLE}",
        LDAP_GROUP_FILTER="(&(objectClass=groupOfNames)(member={dn}))",
        LDAP_GROUP_BASE_DN=GROUPS,
    )
    client = ldap_app.test_client()
    answer = ldap_sign_in(client, "admin")
    assert answer.status_code == 302, text(answer)[:500]
    assert "Welcome, " in text(client.get(answer.location))
    assert "hr" in roles_of(ldap_app, PERSONAS["admin"])
    assert ldap_sign_in(ldap_app.test_client(), "admin", "wrong-pass-1").status_code == 401


def test_group_roles_are_applied_and_re_applied_at_the_next_sign_in(
    ldap_app: Any, directory: ldap_server.Directory
) -> None:
    email = PERSONAS["hr"]
    directory.join("hannah", "echelon-finance")
    directory.join("hannah", "canteen")
    try:
        assert ldap_sign_in(ldap_app.test_client(), "hannah").status_code == 302
        assert roles_of(ldap_app, email) == {"employee", "finance"}  # hr: no longer in the group
        directory.leave("hannah", "echelon-finance")
        directory.join("hannah", "echelon-hr")
        assert ldap_sign_in(ldap_app.test_client(), "hannah").status_code == 302
        assert roles_of(ldap_app, email) == {"employee", "hr"}
    finally:
        for group in ("echelon-finance", "echelon-hr", "canteen"):
            with contextlib.suppress(AssertionError):  # was not a member
                directory.leave("hannah", group)


def test_the_changes_are_audited_as_the_directory_sign_in(ldap_app: Any) -> None:
    from app.extensions import db
    from app.models import AuditEntry

    with ldap_app.app_context():
        before = db.session.scalar(select(func.count(AuditEntry.id)))
    assert ldap_sign_in(ldap_app.test_client(), "admin").status_code == 302
    with ldap_app.app_context():
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.id > (before or 0))).all()
        assert rows and {row.actor for row in rows} == {f"ldap:{PERSONAS['admin']}"}


def test_an_unknown_person_is_refused_with_ask_hr_and_gets_no_account(ldap_app: Any) -> None:
    from app.extensions import db
    from app.models import User

    with ldap_app.app_context():
        before = db.session.scalar(select(func.count(User.id)))
    client = ldap_app.test_client()
    answer = ldap_sign_in(client, "stranger")
    assert answer.status_code == 403
    assert "Ask HR to add you" in text(answer)
    assert signed_out(client)
    with ldap_app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == before


def test_a_person_is_matched_by_employee_number_when_configured(
    ldap_app: Any, directory: ldap_server.Directory
) -> None:
    from app.extensions import db
    from app.models import Employee, User

    with ldap_app.app_context():
        person = db.session.scalar(
            select(Employee)
            .outerjoin(User, User.employee_id == Employee.id)
            .where(User.id.is_(None), Employee.status == "active")
        )
        assert person is not None
        person.employee_no = "E-LDAP-7"
        db.session.commit()
        name = person.name
    ldap_app.config["SSO_MATCH_BY"] = "employee_no"
    client = ldap_app.test_client()
    answer = ldap_sign_in(client, "nomail")  # no mail attribute: only the number names her
    assert answer.status_code == 302, text(answer)[:500]
    assert f"Welcome, {name}." in text(client.get(answer.location))


def test_a_person_who_has_left_is_refused(ldap_app: Any, directory: ldap_server.Directory) -> None:
    from app.extensions import db
    from app.models import Employee

    with ldap_app.app_context():
        leaver = db.session.scalar(
            select(Employee).where(Employee.status == "terminated", Employee.email.is_not(None))
        )
        assert leaver is not None
        email = leaver.email
    directory.add_person("leaver", email)
    client = ldap_app.test_client()
    answer = ldap_sign_in(client, "leaver")
    assert answer.status_code == 403
    assert "Your employment has ended" in text(answer)
    assert signed_out(client)


def test_a_wrong_password_gets_the_password_forms_answer(ldap_app: Any) -> None:
    client = ldap_app.test_client()
    answer = ldap_sign_in(client, "maria", "not-the-password")
    assert answer.status_code == 401
    assert wrong_password_message(ldap_app) in text(answer)
    assert "not-the-password" not in text(answer)  # the password is not sent back
    assert signed_out(client)
    # and an unknown user name gets the very same words
    unknown = ldap_sign_in(ldap_app.test_client(), "no-such-person")
    assert unknown.status_code == 401
    assert wrong_password_message(ldap_app) in text(unknown)


INJECTIONS = [
    "*",
    "*)(uid=*",
    "admin)(uid=*",
    "*)(|(uid=*",
    "admin*",
    "mar*",
    "*))(|(objectClass=*",
    "admin)(|(userPassword=*)",
    "\\2a",
    "admin\x00",
    "\x00",
    "admin\n",
    "maria\r\n(uid=*)",
]


@pytest.mark.parametrize("name", INJECTIONS, ids=[repr(n) for n in INJECTIONS])
def test_filter_injection_in_the_user_name_signs_nobody_in(
    ldap_app: Any, directory: ldap_server.Directory, name: str
) -> None:
    """Every directory person has the password tried here: a filter that matched anyone would
    sign them in."""
    client = ldap_app.test_client()
    answer = ldap_sign_in(client, name)
    assert answer.status_code in (401, 422), text(answer)[:300]
    page = text(answer)
    assert (
        "That user name cannot be used" in page
        or "do not match" in page
        or "Enter your user name" in page
    )
    assert signed_out(client)


def test_the_user_name_reaches_the_directory_escaped(
    ldap_app: Any, directory: ldap_server.Directory
) -> None:
    assert ldap_sign_in(ldap_app.test_client(), "*)(uid=*").status_code == 401
    searches = [line for line in directory.log().splitlines() if "SRCH base=" in line]
    assert any(r"(UID=\2A\29\28UID=\2A)" in line.upper() for line in searches), searches[-3:]


def test_control_characters_never_reach_the_directory(
    ldap_app: Any, directory: ldap_server.Directory
) -> None:
    before = directory.log().count("SRCH base=")
    answer = ldap_sign_in(ldap_app.test_client(), "maria\x00")
    assert answer.status_code == 401
    assert "That user name cannot be used" in text(answer)
    assert directory.log().count("SRCH base=") == before


def test_an_empty_password_is_refused_before_the_directory_is_asked(
    ldap_app: Any, directory: ldap_server.Directory
) -> None:
    from app.services.directory import ldap

    dn = f"uid=maria,{PEOPLE}"
    # this server, like Active Directory, takes a DN with an empty password as anonymous
    env = {"LDAPTLS_CACERT": str(directory.ca_file), "PATH": "/usr/bin:/bin"}
    anonymous = subprocess.run(
        ["ldapwhoami", "-x", "-H", directory.ldaps_url, "-D", dn, "-w", ""],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert anonymous.returncode == 0 and "anonymous" in anonymous.stdout
    before = len(binds(directory, dn))
    client = ldap_app.test_client()
    answer = ldap_sign_in(client, "maria", "")
    assert answer.status_code == 422
    assert "Enter your password." in text(answer)
    assert signed_out(client)
    # the service refuses it too, whatever the form lets through
    with ldap_app.test_request_context(), pytest.raises(ldap.LdapRefusal, match="password"):
        ldap.identity_for("maria", "")
    assert len(binds(directory, dn)) == before


def test_the_directory_refuses_a_plain_bind(directory: ldap_server.Directory) -> None:
    """The test server itself: a simple bind over plain TCP is refused (confidentiality)."""
    done = subprocess.run(
        ["ldapwhoami", "-x", "-H", directory.ldap_url, "-D", f"uid=maria,{PEOPLE}", "-w", PASSWORD],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 13 and "Confidentiality required" in done.stderr


class NoTlsServer:
    """A listener on 127.0.0.1 that answers StartTLS with "unavailable" and records the bytes."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.received = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(3)
            try:
                while True:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    self.received += chunk
                    if len(chunk) > 4 and chunk[0] == 0x30 and chunk[2] == 0x02:
                        message_id = chunk[4]
                        # ExtendedResponse: resultCode unavailable (52), no DN, no message
                        body = bytes([0x0A, 0x01, 52, 0x04, 0x00, 0x04, 0x00])
                        reply = bytes([0x02, 0x01, message_id, 0x78, len(body)]) + body
                        conn.sendall(bytes([0x30, len(reply)]) + reply)
            except OSError:
                return

    def close(self) -> None:
        self.sock.close()


def test_the_app_never_binds_over_an_unencrypted_connection(ldap_app: Any) -> None:
    fake = NoTlsServer()
    try:
        ldap_app.config["LDAP_URL"] = f"ldap://127.0.0.1:{fake.port}"
        client = ldap_app.test_client()
        answer = ldap_sign_in(client, "maria")
        assert answer.status_code == 503
        assert "could not be encrypted" in text(answer)
        assert signed_out(client)
    finally:
        fake.close()
    fake.thread.join(timeout=5)
    assert b"1.3.6.1.4.1.1466.20037" in fake.received  # it asked for StartTLS ...
    assert PASSWORD.encode() not in fake.received  # ... and sent no password
    assert ldap_server.SERVICE_PW.encode() not in fake.received


def test_a_directory_that_never_answers_times_out(ldap_app: Any) -> None:
    import time

    with socket.socket() as silent:  # accepts the connection, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        ldap_app.config.update(
            LDAP_URL=f"ldap://127.0.0.1:{silent.getsockname()[1]}", LDAP_TIMEOUT=1
        )
        started = time.monotonic()
        answer = ldap_sign_in(ldap_app.test_client(), "maria")
        took = time.monotonic() - started
    assert answer.status_code == 503
    assert "Directory sign-in is not available right now" in text(answer)
    assert took < 5


def test_a_service_account_without_its_password_is_never_bound_anonymously(
    ldap_app: Any, directory: ldap_server.Directory
) -> None:
    ldap_app.config["LDAP_BIND_PASSWORD"] = None
    before = len(binds(directory, ldap_server.SERVICE_DN))
    answer = ldap_sign_in(ldap_app.test_client(), "maria")
    assert answer.status_code == 503
    assert "not set up completely" in text(answer)
    assert len(binds(directory, ldap_server.SERVICE_DN)) == before


def test_a_server_certificate_from_an_untrusted_ca_is_refused(
    ldap_app: Any, directory: ldap_server.Directory, tmp_path: Any
) -> None:
    other_ca, _, _ = ldap_server.make_ca(tmp_path, "someone-elses-ca")
    ldap_app.config["LDAP_CA_FILE"] = str(other_ca)
    dn = f"uid=maria,{PEOPLE}"
    before = len(binds(directory, dn))
    for url in (directory.ldaps_url, directory.ldap_url):
        ldap_app.config["LDAP_URL"] = url
        client = ldap_app.test_client()
        answer = ldap_sign_in(client, "maria")
        assert answer.status_code == 503, text(answer)[:300]
        assert "certificate could not be verified" in text(answer)
        assert signed_out(client)
    assert len(binds(directory, dn)) == before


def test_a_certificate_for_another_host_name_is_refused(
    ldap_app: Any, directory: ldap_server.Directory
) -> None:
    """The test CA signed the server's certificate for 127.0.0.1 only; "localhost" reaches
    the same server under a name the certificate does not hold."""
    for url in (directory.ldaps_url, directory.ldap_url):
        ldap_app.config["LDAP_URL"] = url.replace("127.0.0.1", "localhost")
        client = ldap_app.test_client()
        answer = ldap_sign_in(client, "maria")
        assert answer.status_code == 503, text(answer)[:300]
        assert "certificate could not be verified" in text(answer)
        assert signed_out(client)


def test_a_url_that_is_not_ldap_is_refused(ldap_app: Any, directory: ldap_server.Directory) -> None:
    ldap_app.config["LDAP_URL"] = directory.ldaps_url.replace("ldaps://", "http://")
    answer = ldap_sign_in(ldap_app.test_client(), "maria")
    assert answer.status_code == 503
    assert "not set up correctly" in text(answer)


def test_failed_directory_sign_ins_share_the_password_forms_throttle(
    ldap_app: Any, directory: ldap_server.Directory
) -> None:
    ldap_app.config["LOGIN_IP_MAX_FAILURES"] = 3
    client = ldap_app.test_client()
    assert ldap_sign_in(client, "maria", "wrong-pass-1").status_code == 401
    assert ldap_sign_in(client, "stranger").status_code == 403  # unknown in Echelon
    form = client.post("/login", data={"email": PERSONAS["hr"], "password": "wrong-pass-2"})
    assert form.status_code == 401
    dn = f"uid=maria,{PEOPLE}"
    before = len(binds(directory, dn))
    throttled = ldap_sign_in(client, "maria")  # the right password, too late
    assert throttled.status_code == 429
    assert "Too many failed sign-ins" in text(throttled)
    assert int(throttled.headers["Retry-After"]) > 0
    assert len(binds(directory, dn)) == before  # the directory was not asked
    assert signed_out(client)
    again = client.post("/login", data={"email": PERSONAS["hr"], "password": DEMO_PASSWORD})
    assert again.status_code == 429


def test_a_directory_that_cannot_be_reached_does_not_count_against_the_person(
    ldap_app: Any, directory: ldap_server.Directory
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    ldap_app.config.update(LOGIN_IP_MAX_FAILURES=1, LDAP_URL=f"ldaps://127.0.0.1:{closed}")
    client = ldap_app.test_client()
    for _ in range(3):
        answer = ldap_sign_in(client, "maria")
        assert answer.status_code == 503
        assert "cannot be reached" in text(answer)
    ldap_app.config["LDAP_URL"] = directory.ldaps_url
    assert ldap_sign_in(client, "maria").status_code == 302


def test_with_password_sign_in_off_the_directory_form_still_works(ldap_app: Any) -> None:
    ldap_app.config.update(PASSWORD_SIGN_IN=False, BREAK_GLASS_ADMINS=[PERSONAS["admin"]])
    page = text(ldap_app.test_client().get("/login"))
    assert f"Sign in with {ACME}" in page and "Administrator sign-in" in page
    assert ldap_sign_in(ldap_app.test_client(), "maria").status_code == 302
    refused = ldap_app.test_client().post(
        "/login", data={"email": PERSONAS["employee"], "password": DEMO_PASSWORD}
    )
    assert refused.status_code == 403
    admin = ldap_app.test_client().post(
        "/login", data={"email": PERSONAS["admin"], "password": DEMO_PASSWORD}
    )
    assert admin.status_code == 302


def test_the_next_page_is_kept_through_the_directory_form(ldap_app: Any) -> None:
    page = text(ldap_app.test_client().get("/login?next=/employees/"))
    assert 'action="/auth/ldap/login?next=/employees/"' in page
    client = ldap_app.test_client()
    answer = client.post(
        "/auth/ldap/login?next=/employees/",
        data={"ldap-username": "maria", "ldap-password": PASSWORD},
    )
    assert answer.status_code == 302 and answer.location.endswith("/employees/")
    evil = ldap_app.test_client().post(
        "/auth/ldap/login?next=//evil.example/",
        data={"ldap-username": "maria", "ldap-password": PASSWORD},
    )
    assert "evil.example" not in evil.location


FILTER_TOKENS = [*"*()\\|&!=<>~,;+#\"' \x00\n", "maria", "admin", "uid", "objectClass", "\\2a"]


def test_fuzzed_user_names_sign_in_only_the_person_they_name(ldap_app: Any) -> None:
    """Random names built from filter syntax and real uids, each with the password every
    directory person has: a sign-in happens only for a name that is a real uid (any case)."""
    from hypothesis import HealthCheck, Phase, example, given, settings
    from hypothesis import strategies as st

    ldap_app.config["LOGIN_IP_MAX_FAILURES"] = 100_000
    uids = {"maria", "hannah", "admin", "stranger", "nomail"}
    outcomes: dict[int, int] = {}

    @settings(
        max_examples=80,
        deadline=None,
        database=None,
        derandomize=True,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )
    @given(
        name=st.one_of(
            st.lists(st.sampled_from(FILTER_TOKENS), min_size=1, max_size=8).map("".join),
            st.text(max_size=40),
        )
    )
    @example(name=" Maria ")  # the real person, in another case and with spaces: signs in
    @example(name="ADMIN")
    @example(name="maria\x00")
    def fuzz(name: str) -> None:
        client = ldap_app.test_client()
        answer = ldap_sign_in(client, name)
        outcomes[answer.status_code] = outcomes.get(answer.status_code, 0) + 1
        assert answer.status_code in (302, 401, 403, 422), (name, answer.status_code)
        if answer.status_code == 302:
            assert name.strip(" ").lower() in uids, name
            client.post("/logout")
        else:
            assert signed_out(client)

    fuzz()
    assert sum(outcomes.values()) == 83 and outcomes.get(302, 0) >= 2 and outcomes.get(401, 0) > 40
