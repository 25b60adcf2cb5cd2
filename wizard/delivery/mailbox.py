"""The development mailbox: without MAIL_SERVER, delivered email is filed in a folder
(instance/mailbox) that /dev/mailbox/ shows. Each message is one .eml file, written whole."""

from __future__ import annotations

import os
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email import policy as email_policy
from email.utils import parseaddr
from pathlib import Path

from flask import current_app

_MAILBOX_ID = re.compile(r"^\d{20}-[0-9a-f]{6}$")


@dataclass(frozen=True)
class MailboxEntry:
    id: str
    received_at: datetime
    sender: str
    to: str
    subject: str

    @property
    def sender_name(self) -> str:
        name, address = parseaddr(self.sender)
        return name or address

    @property
    def to_name(self) -> str:
        return parseaddr(self.to)[0]

    @property
    def to_address(self) -> str:
        return parseaddr(self.to)[1]


@dataclass(frozen=True)
class MailboxMessage:
    entry: MailboxEntry
    reply_to: str
    text: str
    html: str


def mailbox_folder() -> Path:
    folder = current_app.config.get("MAILBOX_FOLDER")
    return Path(folder) if folder else Path(current_app.instance_path) / "mailbox"


class DevMailbox:
    """Stands in for an SMTP server without MAIL_SERVER: files each message it is given."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    # As on the SMTP client (smtp.py): called before the message is filed, and after.
    during_envelope = None
    during_message = None

    def sendmail(self, from_addr, to_addrs, msg: bytes, mail_options=(), rcpt_options=()):
        if self.during_envelope is not None:
            self.during_envelope()
        name = f"{time.time_ns():020d}-{secrets.token_hex(3)}"
        partial = self.folder / f".{name}.tmp"
        partial.write_bytes(msg)
        os.replace(partial, self.folder / f"{name}.eml")  # whole or not at all
        if self.during_message is not None:
            self.during_message()
        return {}

    def quit(self) -> None:
        pass

    close = quit


def _entry(entry_id: str, data: bytes) -> tuple[MailboxEntry, object]:
    message = message_from_bytes(data, policy=email_policy.default)
    received = datetime.fromtimestamp(int(entry_id.split("-")[0]) / 1e9, UTC)
    entry = MailboxEntry(
        id=entry_id,
        received_at=received,
        sender=str(message.get("From", "")),
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
    )
    return entry, message


def mailbox_entries(*, offset: int = 0, limit: int = 50) -> tuple[list[MailboxEntry], int]:
    """The delivered emails, newest first, one page of them; and how many there are."""
    folder = mailbox_folder()
    if not folder.is_dir():
        return [], 0
    names = sorted(
        (p.stem for p in folder.glob("*.eml") if _MAILBOX_ID.match(p.stem)), reverse=True
    )
    entries = []
    for name in names[offset : offset + limit]:
        with open(folder / f"{name}.eml", "rb") as handle:
            entries.append(_entry(name, handle.read(16384).split(b"\r\n\r\n", 1)[0])[0])
    return entries, len(names)


def mailbox_message(entry_id: str) -> MailboxMessage | None:
    """One delivered email with its text and HTML parts, or None if there is no such email."""
    if not _MAILBOX_ID.match(entry_id):
        return None
    path = mailbox_folder() / f"{entry_id}.eml"
    if not path.is_file():
        return None
    entry, message = _entry(entry_id, path.read_bytes())
    text_part = message.get_body(("plain",))
    html_part = message.get_body(("html",))
    return MailboxMessage(
        entry=entry,
        reply_to=str(message.get("Reply-To", "")),
        text=text_part.get_content() if text_part else "",
        html=html_part.get_content() if html_part else "",
    )
