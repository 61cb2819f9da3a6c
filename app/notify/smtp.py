"""Sending one notice over SMTP, with the settings' ``smtp`` block:

``{"host": "127.0.0.1", "port": 25, "tls": "none" | "starttls" | "ssl", "sender": "shop@example.com",
"user": "", "password": "", "timeout": 10}``
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from email_validator import EmailNotValidError, validate_email

from app.errors import InvalidInput
from app.notify.outbox import UNREACHABLE

PERMANENT_CODES = range(500, 600)


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    tls: str = "none"
    sender: str = "station@localhost"
    user: str = ""
    password: str = ""
    timeout: float = 10.0
    domain: str = "warehouse-station.local"

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> SmtpSettings:
        raw = dict(raw or {})
        tls = str(raw.get("tls", "none")).lower()
        if tls in ("true", "yes", "1"):
            tls = "starttls"
        if tls not in ("none", "starttls", "ssl"):
            raise InvalidInput(f"smtp.tls {tls!r}: use none, starttls or ssl")
        try:
            port = int(raw.get("port", 465 if tls == "ssl" else 25))
        except (TypeError, ValueError):
            raise InvalidInput(f"smtp.port {raw.get('port')!r} is not a number") from None
        sender = str(raw.get("sender") or cls.sender)
        return cls(host=str(raw.get("host") or cls.host), port=port, tls=tls, sender=sender,
                   user=str(raw.get("user") or ""), password=str(raw.get("password") or ""),
                   timeout=float(raw.get("timeout") or 10.0), domain=sender.rpartition("@")[2] or cls.domain)


class SendFailed(Exception):
    """``permanent``: this notice will never go (it is marked failed at once); ``disconnected``: the connection
    is lost, the batch's next notices need a new one."""

    def __init__(self, message: str, permanent: bool = False, disconnected: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.disconnected = disconnected

    @property
    def unreachable(self) -> bool:
        """The mail server could not be reached (not this notice's fault)."""
        return str(self).startswith(UNREACHABLE)


def recipient_fault(recipient: str) -> str | None:
    """Why ``recipient`` is not one mailbox a notice may go to, or None. Checked before anything is sent: a line
    break would write headers of its own (a ``Bcc:``), a list would mail strangers."""
    if not recipient.strip():
        return "no address"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in recipient):
        return "a line break or control character in the address"
    if any(ch in recipient for ch in ",;"):
        return "more than one address"
    try:
        validate_email(recipient, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"not a valid address: {exc}"
    return None


def build_message(settings: SmtpSettings, key: str, recipient: str, subject: str, body: str) -> EmailMessage:
    """The mail of one notice; :class:`SendFailed` (permanent) when it cannot be one."""
    fault = recipient_fault(recipient)
    if fault is not None:
        raise SendFailed(fault[:300], permanent=True)
    try:
        return _message(settings, key, recipient, subject, body)
    except Exception as exc:  # noqa: BLE001 - a header the email package refuses: this notice only
        raise SendFailed(f"cannot build the mail: {type(exc).__name__}", permanent=True) from None


def _message(settings: SmtpSettings, key: str, recipient: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = recipient
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    # One Message-ID per notice, whatever the attempt: a server that got it once may drop a retry.
    safe = "".join(ch if ch.isalnum() or ch in "-." else "." for ch in key)
    msg["Message-ID"] = f"<{safe}@{settings.domain}>"
    msg.set_content(body, charset="utf-8")
    return msg


class SmtpSender:
    """Sends notices over one connection per batch."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def open(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.tls == "ssl":
                conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.tls == "starttls":
                    conn.starttls(context=ssl.create_default_context())
            if s.user:
                conn.login(s.user, s.password)
            return conn
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(f"{UNREACHABLE} {s.host}:{s.port}: {type(exc).__name__}") from None

    def send(self, conn: smtplib.SMTP, key: str, recipient: str, subject: str, body: str) -> None:
        message = build_message(self.settings, key, recipient, subject, body)
        try:
            # The envelope names the one checked address: never what the headers might be made to say.
            conn.send_message(message, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise SendFailed(f"recipient refused ({codes[0] if codes else '?'})",
                             permanent=all(c in PERMANENT_CODES for c in codes)) from None
        except smtplib.SMTPResponseException as exc:
            raise SendFailed(f"mail server answered {exc.smtp_code}", permanent=exc.smtp_code in PERMANENT_CODES) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(f"sending failed: {type(exc).__name__}",
                             disconnected=isinstance(exc, (OSError, smtplib.SMTPServerDisconnected))) from None
        except Exception as exc:  # noqa: BLE001 - e.g. an address the server cannot take (SMTPUTF8): this one only
            raise SendFailed(f"cannot send the mail: {type(exc).__name__}", permanent=True) from None
