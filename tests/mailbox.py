"""A real SMTP server on loopback (aiosmtpd) that keeps every message it receives, for tests."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    """One message as the server got it: envelope and the parsed MIME message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        assert body.get_content_type() == f"text/{subtype}"
        return body.get_content()

    @property
    def text(self) -> str:
        return self.part("plain")

    @property
    def html(self) -> str:
        return self.part("html")


@dataclass
class Mailbox:
    """The loopback server's inbox; ``logins`` records every AUTH attempt (user, password)."""

    port: int = 0
    messages: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        message = message_from_bytes(envelope.original_content or envelope.content, policy=default)
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            self.logins.append((user, password))
            ok = (user, password) == ("echelon", "s3cret-pass")
            # handled=False: the server answers 535 itself when the credentials are wrong
            return AuthResult(success=ok, handled=False)
        return AuthResult(success=False, handled=False)

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.02)
        return list(self.messages)


class LoopbackSMTP:
    """``with LoopbackSMTP() as box:`` a server on 127.0.0.1 at a free port (AUTH optional)."""

    def __init__(self, with_auth: bool = False) -> None:
        self.box = Mailbox(port=free_port())
        kwargs = {}
        if with_auth:
            kwargs = {"authenticator": self.box.authenticate, "auth_require_tls": False}
        self.controller = Controller(
            self.box, hostname="127.0.0.1", port=self.box.port, ready_timeout=10, **kwargs
        )

    def __enter__(self) -> Mailbox:
        self.controller.start()
        return self.box

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def configure(app, box: Mailbox, **extra: object) -> None:  # type: ignore[no-untyped-def]
    """Point the app's mail settings at the loopback server."""
    settings: dict[str, object] = {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": box.port,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_FROM": "Echelon <echelon@example.com>",
        "BASE_URL": "https://echelon.example.com",
    }
    settings.update(extra)
    app.config.update(settings)
