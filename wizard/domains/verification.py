"""Verified domains: prove a domain by a DNS TXT record (discovery.py finds the people on it).

A domain is stored in its IDNA (punycode) form and shown in its unicode form. A row whose
`verified_at` is NULL is a pending domain; its TXT record must carry `verification_code`.
"""

from __future__ import annotations

import enum
import functools
import ipaddress
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import dns.exception
import dns.nameserver
import dns.resolver
import idna
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..common.audit import record
from ..extensions import db
from ..models import VerifiedDomain
from ..models.types import utcnow

VERIFICATION_PREFIX = "invite-wizard-verify="


# Domains where anyone can get an address: verifying one would claim strangers' accounts.
# A subdomain of one of these is refused too (mail.gmail.com proves nothing about gmail.com).
PUBLIC_MAIL_DOMAINS = frozenset(
    """
    gmail.com googlemail.com google.com
    outlook.com outlook.de outlook.fr hotmail.com hotmail.de hotmail.fr hotmail.co.uk
    hotmail.it hotmail.es live.com live.de live.fr live.co.uk msn.com passport.com
    yahoo.com yahoo.de yahoo.fr yahoo.co.uk yahoo.it yahoo.es yahoo.co.jp ymail.com
    rocketmail.com
    icloud.com me.com mac.com
    aol.com aol.de aim.com
    gmx.de gmx.net gmx.at gmx.ch gmx.com gmx.fr web.de t-online.de freenet.de arcor.de
    posteo.de posteo.net mailbox.org online.de 1und1.de email.de
    proton.me protonmail.com protonmail.ch pm.me tutanota.com tutanota.de tuta.io tuta.com
    zoho.com zohomail.com yandex.com yandex.ru ya.ru mail.ru inbox.ru list.ru bk.ru
    mail.com email.com fastmail.com fastmail.fm hey.com hushmail.com
    qq.com 163.com 126.com yeah.net sina.com naver.com daum.net hanmail.net
    orange.fr wanadoo.fr free.fr laposte.net sfr.fr libero.it virgilio.it tiscali.it
    bluewin.ch seznam.cz wp.pl o2.pl interia.pl
    comcast.net verizon.net att.net sbcglobal.net bellsouth.net cox.net charter.net
    btinternet.com sky.com virginmedia.com ntlworld.com talktalk.net
    rediffmail.com
    """.split()
)


_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")


class DomainProblem(enum.StrEnum):
    """Why a domain cannot be added; the views turn each into a sentence."""

    EMPTY = "empty"
    NOT_A_DOMAIN = "not_a_domain"
    IP_ADDRESS = "ip_address"
    PUBLIC_MAIL = "public_mail"
    ALREADY_ADDED = "already_added"
    TAKEN = "taken"


class DomainRefused(Exception):
    def __init__(self, problem: DomainProblem, domain: str = ""):
        super().__init__(problem.value)
        self.problem = problem
        self.domain = domain


class Outcome(enum.StrEnum):
    VERIFIED = "verified"
    ALREADY_VERIFIED = "already_verified"
    NOT_FOUND = "not_found"
    WRONG_VALUE = "wrong_value"
    UNREACHABLE = "unreachable"
    TAKEN = "taken"


@dataclass(frozen=True)
class VerificationResult:
    outcome: Outcome
    # Our-looking values found instead of the expected one (an old code, a typo).
    other_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DnsSettings:
    """Where to ask: `nameservers` empty means the system's resolver."""

    nameservers: tuple[tuple[str, int], ...] = ()
    timeout: float = 5.0

    @classmethod
    def from_config(cls, resolver: str | None, timeout: float | int | str | None) -> DnsSettings:
        """Read DNS_RESOLVER ("host", "host:port", "[v6]:port", comma-separated) and DNS_TIMEOUT."""
        servers = tuple(_parse_server(part) for part in (resolver or "").split(",") if part.strip())
        return cls(nameservers=servers, timeout=float(timeout or 5.0))


class DnsUnreachable(Exception):
    """No DNS server answered in time (or at all): nothing is known about the record."""


# --- Pure rules -------------------------------------------------------------------------


def normalise_domain(text: str | None) -> str:
    """The IDNA (punycode), lower-case form of what was typed, or DomainRefused.

    Takes what people paste: "@acme.example", "name@acme.example", "https://acme.example/",
    "Acme.Example.", "bücher.example".
    """
    value = (text or "").strip()
    if not value:
        raise DomainRefused(DomainProblem.EMPTY)
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value, flags=re.I)
    value = value.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    value = value.rpartition("@")[2].strip().rstrip(".")
    if _is_ip_address(value):
        raise DomainRefused(DomainProblem.IP_ADDRESS, value)
    try:
        ascii_form = idna.encode(value, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        raise DomainRefused(DomainProblem.NOT_A_DOMAIN, value) from None
    labels = ascii_form.split(".")
    if (
        len(ascii_form) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or not _TLD.match(labels[-1])
    ):
        raise DomainRefused(DomainProblem.NOT_A_DOMAIN, value)
    return ascii_form


@functools.lru_cache(maxsize=1024)
def display_domain(ascii_form: str) -> str:
    """The unicode form for people to read (xn--bcher-kva.example → bücher.example)."""
    try:
        return idna.decode(ascii_form)
    except (idna.IDNAError, UnicodeError, ValueError):
        return ascii_form


def public_mail_domain(ascii_form: str) -> str | None:
    """The public mail service this domain is, or is under; None for a company's own."""
    labels = ascii_form.split(".")
    for i in range(len(labels) - 1):
        candidate = ".".join(labels[i:])
        if candidate in PUBLIC_MAIL_DOMAINS:
            return candidate
    return None


def checked_domain(text: str | None) -> str:
    """normalise_domain, then refuse public mail services: what any account may add."""
    ascii_form = normalise_domain(text)
    if public_mail_domain(ascii_form):
        raise DomainRefused(DomainProblem.PUBLIC_MAIL, ascii_form)
    return ascii_form


def new_verification_code() -> str:
    """A fresh TXT value: the prefix and 128 random bits."""
    return VERIFICATION_PREFIX + secrets.token_hex(16)


def match_txt(expected: str, values: Iterable[str]) -> VerificationResult:
    """Compare the TXT values found on a domain with the one we asked for."""
    found = [v.strip().strip('"').strip() for v in values]
    if expected in found:
        return VerificationResult(Outcome.VERIFIED)
    ours = tuple(v for v in found if v.lower().startswith(VERIFICATION_PREFIX))
    if ours:
        return VerificationResult(Outcome.WRONG_VALUE, other_codes=ours)
    return VerificationResult(Outcome.NOT_FOUND)


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value.strip("[]"))
    except ValueError:
        return False
    return True


def _parse_server(text: str) -> tuple[str, int]:
    text = text.strip()
    if text.startswith("["):
        host, _sep, rest = text[1:].partition("]")
        port = rest.lstrip(":") or "53"
    elif text.count(":") == 1:
        host, _sep, port = text.partition(":")
    else:
        host, port = text, "53"
    return host, int(port)


# --- DNS --------------------------------------------------------------------------------


def lookup_txt(ascii_domain: str, settings: DnsSettings) -> list[str]:
    """The domain's TXT values (each record's strings joined); [] when there are none."""
    try:
        if settings.nameservers:
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = [
                dns.nameserver.Do53Nameserver(host, port) for host, port in settings.nameservers
            ]
        else:
            resolver = dns.resolver.Resolver()
        resolver.timeout = settings.timeout
        answer = resolver.resolve(ascii_domain, "TXT", lifetime=settings.timeout, search=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.exception.DNSException, OSError) as exc:
        # Timeouts, SERVFAIL everywhere, no resolver configured, network down.
        raise DnsUnreachable(str(exc)) from exc
    return [b"".join(rdata.strings).decode("utf-8", errors="replace") for rdata in answer]


# --- Services ---------------------------------------------------------------------------


def account_domains(account_id: int) -> list[VerifiedDomain]:
    """The account's domains, verified first, then pending, each alphabetically."""
    return list(
        db.session.execute(
            select(VerifiedDomain)
            .where(VerifiedDomain.account_id == account_id)
            .order_by(VerifiedDomain.verified_at.is_(None), VerifiedDomain.domain)
        ).scalars()
    )


def verified_domain_names(account_id: int) -> list[str]:
    """The IDNA forms of the account's verified domains."""
    return list(
        db.session.execute(
            select(VerifiedDomain.domain)
            .where(VerifiedDomain.account_id == account_id, VerifiedDomain.verified_at.is_not(None))
            .order_by(VerifiedDomain.domain)
        ).scalars()
    )


def _verified_elsewhere(ascii_domain: str, account_id: int) -> bool:
    return (
        db.session.scalar(
            select(func.count(VerifiedDomain.id)).where(
                VerifiedDomain.domain == ascii_domain,
                VerifiedDomain.account_id != account_id,
                VerifiedDomain.verified_at.is_not(None),
            )
        )
        or 0
    ) > 0


def add_domain(account_id: int, text: str, *, actor_id: int) -> VerifiedDomain:
    """Add a pending domain with a fresh verification code, or raise DomainRefused."""
    ascii_domain = checked_domain(text)
    existing = db.session.execute(
        select(VerifiedDomain).where(
            VerifiedDomain.account_id == account_id, VerifiedDomain.domain == ascii_domain
        )
    ).scalar_one_or_none()
    if existing is not None:
        raise DomainRefused(DomainProblem.ALREADY_ADDED, ascii_domain)
    if _verified_elsewhere(ascii_domain, account_id):
        raise DomainRefused(DomainProblem.TAKEN, ascii_domain)
    domain = VerifiedDomain(
        account_id=account_id, domain=ascii_domain, verification_code=new_verification_code()
    )
    db.session.add(domain)
    record(
        "domain_added", account_id=account_id, actor_id=actor_id, details={"domain": ascii_domain}
    )
    try:
        db.session.commit()
    except IntegrityError as exc:  # the same domain added a moment ago (another tab, admin)
        db.session.rollback()
        raise DomainRefused(DomainProblem.ALREADY_ADDED, ascii_domain) from exc
    return domain


def verify_domain(
    domain: VerifiedDomain, settings: DnsSettings, *, actor_id: int
) -> VerificationResult:
    """Look up the domain's TXT record and mark it verified when it carries our code."""
    if domain.verified_at is not None:
        return VerificationResult(Outcome.ALREADY_VERIFIED)
    name, code = domain.domain, domain.verification_code
    # Nothing is written yet: end the read so no connection idles in a transaction while DNS
    # takes its time (up to DNS_TIMEOUT).
    db.session.commit()
    try:
        result = match_txt(code, lookup_txt(name, settings))
    except DnsUnreachable:
        return VerificationResult(Outcome.UNREACHABLE)
    if result.outcome != Outcome.VERIFIED:
        return result
    # Another business may have proved it since this one added it.
    if _verified_elsewhere(domain.domain, domain.account_id):
        return VerificationResult(Outcome.TAKEN)
    domain.verified_at = utcnow()
    record(
        "domain_verified",
        account_id=domain.account_id,
        actor_id=actor_id,
        details={"domain": domain.domain},
    )
    try:
        db.session.commit()
    except IntegrityError:  # one verifier per domain: another business got there first
        db.session.rollback()
        return VerificationResult(Outcome.TAKEN)
    return result


def remove_domain(domain: VerifiedDomain, *, actor_id: int) -> str:
    """Remove a domain (verified or pending); returns its IDNA form for the message."""
    name = domain.domain
    record(
        "domain_removed",
        account_id=domain.account_id,
        actor_id=actor_id,
        details={"domain": name, "was_verified": domain.verified_at is not None},
    )
    db.session.delete(domain)
    db.session.commit()
    return name
