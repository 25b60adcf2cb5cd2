"""The run's one connection (Flask-Mail) and the MIME message of an outbox row."""

from __future__ import annotations

import binascii
import random
import smtplib
import time
from collections.abc import Callable
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from functools import lru_cache

import flask_mail
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..models import OutboxEmail
from .mailbox import DevMailbox, mailbox_folder
from .mailer import RenderedEmail, product_name
from .rules import header_text, plain_address

# Emails that carry the invitation's link: rendered with it, and only while it can be used.
LINK_KINDS = frozenset({"invitation", "reminder"})
CRLF = "\r\n"


class _PreparedSender:
    """Sends a message prepared ahead, and does the worker's own work while the server works.

    `during_envelope()` is called while the server answers MAIL FROM: the worker stores the
    previous email's outcome there. It returns before the message itself is written, so at
    most one sent message is ever without its record; if it raises, the client hangs up
    before DATA and the server delivers nothing. `during_message()` is called while the
    server takes in the message: the worker prepares the next one there. It must not raise.
    """

    during_envelope: Callable[[], None] | None = None
    during_message: Callable[[], None] | None = None

    def send_payload(self, envelope_from: str, recipient: str, payload: bytes) -> None:
        """smtplib's sendmail() for one plain recipient and a payload from wire_payload(): the
        same commands, replies and exceptions, with the work done before the first command."""
        self.ehlo_or_helo_if_needed()
        size = f" SIZE={len(payload)}" if self.does_esmtp and self.has_extn("size") else ""
        self.putcmd("mail", f"FROM:<{envelope_from}>{size}")
        if self.during_envelope is not None:
            try:
                self.during_envelope()
            except BaseException:
                self.close()  # before DATA: hang up, so that the server delivers nothing
                raise
        code, reply = self.getreply()
        if code != 250:
            self._refused(code)
            raise smtplib.SMTPSenderRefused(code, reply, envelope_from)
        self.putcmd("rcpt", f"TO:<{recipient}>")
        code, reply = self.getreply()
        if code not in (250, 251):
            self._refused(code)
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        self.send(payload)
        if self.during_message is not None:
            self.during_message()
        code, reply = self.getreply()
        if code != 250:
            self._refused(code)
            raise smtplib.SMTPDataError(code, reply)

    def _refused(self, code: int) -> None:
        if code == 421:  # the server is closing the connection
            self.close()
        else:
            self._rset()


class SMTP(_PreparedSender, smtplib.SMTP):
    pass


class SMTPSSL(_PreparedSender, smtplib.SMTP_SSL):
    pass


class Connection(flask_mail.Connection):
    """Flask-Mail's connection with a timeout; the development mailbox without MAIL_SERVER."""

    def configure_host(self):
        config = current_app.config
        if not config.get("MAIL_SERVER"):
            return DevMailbox(mailbox_folder())
        timeout = config["MAIL_TIMEOUT_SECONDS"]
        smtp_class = SMTPSSL if self.mail.use_ssl else SMTP
        host = smtp_class(self.mail.server, self.mail.port, timeout=timeout)
        # No set_debuglevel(): smtplib's debug output prints whole messages, links included.
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host

    def send_prepared(self, message: OutboxMessage, envelope_from: str) -> None:
        """Send a message prepared ahead (its bytes and wire payload written already)."""
        if isinstance(self.host, _PreparedSender):
            recipient = message.recipients[0][1]
            self.host.send_payload(envelope_from, recipient, message.wire_payload())
        else:  # the development mailbox, or sending suppressed
            self.send(message, envelope_from=("", envelope_from))


def open_connection() -> Connection:
    """Connect once for a run (raises OSError or SMTPException when the server is away)."""
    connection = Connection(current_app.extensions["mail"])
    suppressed = connection.mail.suppress and current_app.config.get("MAIL_SERVER")
    connection.host = None if suppressed else connection.configure_host()
    return connection


def close_connection(connection: Connection | None) -> None:
    host = connection.host if connection else None
    if host is None:
        return
    try:
        host.quit()
    except (OSError, smtplib.SMTPException):
        host.close()


def _sender(setting: str) -> tuple[str, str]:
    return _parsed_sender(str(current_app.config.get(setting) or ""))


@lru_cache(maxsize=16)
def _parsed_sender(value: str) -> tuple[str, str]:
    name, address = parseaddr(value)
    return header_text(name), address


def sender_address() -> str:
    """The envelope sender of every email: the address of MAIL_DEFAULT_SENDER."""
    return _sender("MAIL_DEFAULT_SENDER")[1]


def _address(name: str, address: str) -> str:
    if not name:
        return address
    if name.isascii():
        return formataddr((name, address))  # quoted when it holds specials like , or <
    return f"{Header(name, 'utf-8').encode(linesep=CRLF)} <{address}>"


def wire_payload(message: bytes) -> bytes:
    """A message as it goes after DATA: a dot that starts a line doubled (what smtplib's
    regex does, as a plain replace), ended by CRLF "." CRLF."""
    payload = message.replace(b"\n.", b"\n..")
    if payload.startswith(b"."):
        payload = b"." + payload
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    return payload + b".\r\n"


def _quoted_printable(text: str) -> bytes:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    return binascii.b2a_qp(lines, istext=True).replace(b"\n", b"\r\n")


class OutboxMessage(flask_mail.Message):
    """Flask-Mail's message with a fixed, fast MIME layout: multipart/alternative of a text and
    an HTML part, UTF-8, quoted-printable.

    The email package's generator needs longer to write a 13 KB invitation than the SMTP
    server needs to receive it (see docs/benchmarks.md); this writes the same structure
    directly. Names are RFC 2047 encoded, addresses bare: nothing can add a header.
    """

    _bytes: bytes | None = None
    _payload: bytes | None = None

    def __init__(
        self,
        *,
        subject: str,
        sender: tuple[str, str],
        recipient: tuple[str, str],
        reply_to: tuple[str, str] | None,
        text: str,
        html: str,
        message_id: str,
    ):
        # Not Message.__init__: it looks up the host name (socket.getfqdn, a millisecond or
        # more) for a Message-ID of its own, and turns a sender tuple into a string that it
        # later re-parses, where a name like "Evil <x@evil.example>" becomes the address.
        self.subject = subject
        self.sender = sender
        self.recipients = [recipient]
        self.reply_to = reply_to
        self.cc, self.bcc, self.attachments = [], [], []
        self.body = text
        self.alts = {"html": html}
        self.msgId = message_id
        self.date = time.time()
        self.charset = None
        self.extra_headers = None
        self.mail_options, self.rcpt_options = [], []

    def as_bytes(self) -> bytes:
        if self._bytes is None:
            self._bytes = self._serialise()
        return self._bytes

    def wire_payload(self) -> bytes:
        if self._payload is None:
            self._payload = wire_payload(self.as_bytes())
        return self._payload

    def _serialise(self) -> bytes:
        subject = self.subject
        if not subject.isascii() or len(subject) > 900:
            subject = Header(subject, "utf-8").encode(linesep=CRLF)
        # "=" never occurs in quoted-printable; a boundary need not be secret.
        boundary = f"=_outbox_{random.getrandbits(96):024x}"  # nosec B311
        headers = [
            f"From: {_address(*self.sender)}",
            f"To: {', '.join(_address(*r) for r in self.recipients)}",
            f"Subject: {subject}",
            f"Date: {formatdate(self.date, usegmt=True)}",
            f"Message-ID: {self.msgId}",
            "MIME-Version: 1.0",
            f'Content-Type: multipart/alternative; boundary="{boundary}"',
        ]
        if self.reply_to:
            headers.insert(2, f"Reply-To: {_address(*self.reply_to)}")
        parts = [CRLF.join(headers).encode("ascii"), b""]
        for subtype, content in (("plain", self.body or ""), ("html", self.html or "")):
            parts += [
                f"--{boundary}".encode(),
                f"Content-Type: text/{subtype}; charset=utf-8".encode(),
                b"Content-Transfer-Encoding: quoted-printable",
                b"",
                _quoted_printable(content),
            ]
        parts.append(f"--{boundary}--".encode())
        return b"\r\n".join(parts) + b"\r\n"


def build_message(email: OutboxEmail, rendered: RenderedEmail) -> OutboxMessage:
    """The MIME message for an outbox row: From, Reply-To and To made safe from its context."""
    context = email.context or {}
    envelope_name, envelope_address = _sender("MAIL_DEFAULT_SENDER")
    from_name, from_address = envelope_name, envelope_address
    to_name = ""
    reply_to = None
    if email.kind in LINK_KINDS:
        if current_app.config.get("MAIL_INVITATION_SENDER"):
            from_name, from_address = _sender("MAIL_INVITATION_SENDER")
        reply_to = (context.get("inviter_name"), context.get("inviter_email"))
        to_name = context.get("invitee_name", "")
    elif email.kind == "heads_up":
        person = header_text(context.get("sender_name")) or context.get("sender_email", "")
        with force_locale(email.locale):
            from_name = _("%(sender)s via %(product)s", sender=person, product=product_name())
        reply_to = (context.get("sender_name"), context.get("sender_email"))
    elif email.kind == "invitation_withdrawn":  # a reply goes to whoever withdrew it
        reply_to = (context.get("withdrawn_by_name"), context.get("withdrawn_by_email"))
        to_name = context.get("invitee_name", "")
    # The same Message-ID on every attempt: a rare duplicate is one message to mail clients.
    domain = envelope_address.rpartition("@")[2] or "localhost"
    return OutboxMessage(
        subject=rendered.subject,
        sender=(header_text(from_name), from_address),
        recipient=(header_text(to_name), email.to_address),
        reply_to=(
            (header_text(reply_to[0]), reply_to[1])
            if reply_to and plain_address(reply_to[1])
            else None
        ),
        text=rendered.text,
        html=rendered.html,
        message_id=f"<outbox.{email.id}.{int(email.created_at.timestamp())}@{domain}>",
    )
