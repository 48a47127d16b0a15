"""A real OpenLDAP slapd for the directory sign-in tests, on 127.0.0.1 with a throwaway config.

``start()`` makes a test CA and a server certificate (for 127.0.0.1 only) with
``cryptography``, writes a slapd.conf and an empty MDB database into a temporary folder, runs
``/usr/sbin/slapd`` in the foreground on two free loopback ports (``ldap://`` for StartTLS and
``ldaps://``), and loads people, a service account and groups with ``ldapadd`` over TLS.

slapd refuses a simple bind on a connection with less than 128 bits of security
(``security simple_bind=128``), so a password never crosses plain TCP. It also accepts an
"unauthenticated" bind (a DN with an empty password, ``allow bind_anon_dn``), as Active
Directory does: the app must refuse an empty password itself. The memberof overlay keeps
``memberOf`` on each person. Its stats log (connections, binds, searches) is readable through
``Directory.log()``. Without slapd or ldap-utils the tests skip, unless ECHELON_REQUIRE_SSO=1
(CI), when they fail.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

SLAPD = "/usr/sbin/slapd"
SUFFIX = "dc=acme,dc=example"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PW = "root-secret-for-tests"
SERVICE_DN = f"cn=echelon-reader,ou=services,{SUFFIX}"
SERVICE_PW = "reader-secret-for-tests"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
PASSWORD = "directory-pass-1"  # every test person's password


def _missing(reason: str) -> None:
    if os.environ.get("ECHELON_REQUIRE_SSO") == "1":
        pytest.fail(f"ECHELON_REQUIRE_SSO is set but {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_ca(folder: Path, name: str) -> tuple[Path, object, object]:
    """A self-signed test CA: (its PEM file, its key, its certificate)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    path = folder / f"{name}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path, key, cert


def _server_cert(folder: Path, ca_key: object, ca_cert: object) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_cert.subject)  # type: ignore[attr-defined]
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=30))
        .add_extension(
            # 127.0.0.1 only: "localhost" reaches the same server under a name it does not hold
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
        .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    cert_path, key_path = folder / "server.pem", folder / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
pidfile {folder}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
TLSCACertificateFile {ca}
TLSCertificateFile {cert}
TLSCertificateKeyFile {key}
security simple_bind=128
allow bind_anon_dn
database mdb
maxsize 67108864
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_pw}
directory {folder}/data
overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint TRUE
access to attrs=userPassword
  by self write
  by anonymous auth
  by * none
access to *
  by users read
  by * none
"""

BASE_LDIF = f"""\
dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
o: Acme
dc: acme

dn: {PEOPLE}
objectClass: organizationalUnit
ou: people

dn: ou=services,{SUFFIX}
objectClass: organizationalUnit
ou: services

dn: {GROUPS}
objectClass: organizationalUnit
ou: groups

dn: {SERVICE_DN}
objectClass: person
cn: echelon-reader
sn: reader
userPassword: {SERVICE_PW}
"""


@dataclass
class Directory:
    folder: Path
    ldap_url: str  # ldap:// (StartTLS)
    ldaps_url: str
    ca_file: Path
    process: subprocess.Popen[bytes]

    def _tool(self, tool: str, ldif: str) -> None:
        env = {**os.environ, "LDAPTLS_CACERT": str(self.ca_file), "LDAPTLS_REQCERT": "demand"}
        done = subprocess.run(
            [tool, "-x", "-H", self.ldaps_url, "-D", ROOT_DN, "-w", ROOT_PW],
            input=ldif,
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
        )
        if done.returncode != 0:
            raise AssertionError(f"{tool} failed: {done.stderr}\n{ldif}")

    def add(self, ldif: str) -> None:
        self._tool("ldapadd", ldif)

    def modify(self, ldif: str) -> None:
        self._tool("ldapmodify", ldif)

    def add_person(
        self, uid: str, mail: str | None, employee_no: str | None = None, groups: tuple = ()
    ) -> str:
        """A person under ou=people (password PASSWORD), put into the named groups; their DN."""
        dn = f"uid={uid},{PEOPLE}"
        lines = [
            f"dn: {dn}",
            "objectClass: inetOrgPerson",
            f"uid: {uid}",
            f"cn: {uid}",
            f"sn: {uid}",
            f"userPassword: {PASSWORD}",
        ]
        if mail:
            lines.append(f"mail: {mail}")
        if employee_no:
            lines.append(f"employeeNumber: {employee_no}")
        self.add("\n".join(lines) + "\n")
        for group in groups:
            self.join(uid, group)
        return dn

    def add_group(self, name: str) -> str:
        dn = f"cn={name},{GROUPS}"
        # groupOfNames needs one member: the service account holds every group open
        self.add(f"dn: {dn}\nobjectClass: groupOfNames\ncn: {name}\nmember: {SERVICE_DN}\n")
        return dn

    def join(self, uid: str, group: str) -> None:
        self.modify(
            f"dn: cn={group},{GROUPS}\nchangetype: modify\nadd: member\n"
            f"member: uid={uid},{PEOPLE}\n"
        )

    def leave(self, uid: str, group: str) -> None:
        self.modify(
            f"dn: cn={group},{GROUPS}\nchangetype: modify\ndelete: member\n"
            f"member: uid={uid},{PEOPLE}\n"
        )

    def log(self) -> str:
        """slapd's stats log so far (connections, BINDs, SEARCHes and their filters)."""
        return (self.folder / "slapd.log").read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def start() -> Directory:
    if not os.access(SLAPD, os.X_OK):
        _missing(f"OpenLDAP's slapd is not installed at {SLAPD} (Debian package slapd)")
    if shutil.which("ldapadd") is None or shutil.which("ldapmodify") is None:
        _missing("ldapadd and ldapmodify are not installed (Debian package ldap-utils)")
    folder = Path(tempfile.mkdtemp(prefix="echelon-slapd-"))
    (folder / "data").mkdir()
    ca_file, ca_key, ca_cert = make_ca(folder, "echelon-test-ca")
    cert, key = _server_cert(folder, ca_key, ca_cert)
    (folder / "slapd.conf").write_text(
        CONFIG.format(
            folder=folder,
            ca=ca_file,
            cert=cert,
            key=key,
            suffix=SUFFIX,
            root_dn=ROOT_DN,
            root_pw=ROOT_PW,
        )
    )
    plain, secure = _free_port(), _free_port()
    urls = f"ldap://127.0.0.1:{plain}/ ldaps://127.0.0.1:{secure}/"
    log = (folder / "slapd.log").open("wb")
    process = subprocess.Popen(
        # -d stats: stay in the foreground and log connections, binds and searches
        [SLAPD, "-f", str(folder / "slapd.conf"), "-h", urls, "-d", "stats"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + 20
    while not (_listening(plain) and _listening(secure)):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            text = (folder / "slapd.log").read_text(errors="replace")[-2000:]
            pytest.fail(f"slapd did not start: {text}")
        time.sleep(0.1)
    directory = Directory(
        folder=folder,
        ldap_url=f"ldap://127.0.0.1:{plain}",
        ldaps_url=f"ldaps://127.0.0.1:{secure}",
        ca_file=ca_file,
        process=process,
    )
    directory.add(BASE_LDIF)
    return directory
