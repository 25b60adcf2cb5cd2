"""Pure rules of delivery: backoff, what an SMTP error means, what is safe in a header."""

from __future__ import annotations

import random
import re
import smtplib
from dataclasses import dataclass
from datetime import timedelta

import flask_mail

from ..models import DeliveryStatus


@dataclass(frozen=True)
class Outcome:
    status: DeliveryStatus
    error: str | None = None
    # The connection cannot be trusted any more: open a new one before the next email.
    broken: bool = False


def retry_delay(attempts: int, *, base: float, cap: float, rng: random.Random | None = None):
    """Exponential backoff with jitter: base·2^(attempts−1), capped, then 50–100 % of it."""
    ceiling = min(cap, base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=ceiling * (0.5 + (rng or random).random() / 2))


def header_text(value: object, limit: int = 120) -> str:
    """A name fit for a mail header: no line breaks or control characters, one line, short."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value or ""))
    return " ".join(text.split())[:limit]


_ADDRESS = re.compile(r"^[^\s@<>(),;:\"\[\]\\]+@[^\s@<>(),;:\"\[\]\\]+\.[^\s@<>(),;:\"\[\]\\]+$")


def plain_address(value: object) -> str | None:
    """The address if it is one bare address (nothing a header could be smuggled in), else None."""
    text = str(value or "")
    return text if len(text) <= 254 and _ADDRESS.match(text) else None


def classify_failure(exc: BaseException) -> Outcome:
    """What an SMTP error means: 4xx and lost connections are retried, 5xx is final."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, reply = next(iter(exc.recipients.values()))
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, reply = exc.smtp_code, exc.smtp_error
    elif isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
        reason = str(exc) or type(exc).__name__
        return Outcome(DeliveryStatus.RETRYING, f"Lost the mail server: {reason}", broken=True)
    elif isinstance(exc, flask_mail.BadHeaderError):
        return Outcome(DeliveryStatus.FAILED, "Refused: a header contained a line break")
    else:
        return Outcome(DeliveryStatus.RETRYING, f"{type(exc).__name__}: {exc}"[:500])
    reply = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    reason = f"{code} {' '.join(reply.split())}"[:500]
    if 500 <= code < 600:
        return Outcome(DeliveryStatus.FAILED, reason)
    # 421: the server is closing the connection.
    return Outcome(DeliveryStatus.RETRYING, reason, broken=code == 421)
