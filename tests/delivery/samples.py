"""Realistic samples of every kind of email, per reader where the words depend on the reader.

Each sample is what the app queues for that kind (the context the code builds), with what
delivery adds (the invitation's link, what the reader has today). They are rendered in English
and German by tests/delivery/test_every_email.py and tests/i18n/test_one_language_per_reader.py,
and written to test-artifacts/emails/ so that a person can read them.

A new kind of email needs a sample here: a test fails until it has one.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EMAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "emails"
LANGUAGES = ("en", "de")

OWNER = "owner@acme.example"
INVITATION_LINK = "http://invite.test/invitation/a-personal-token"
EXPIRES = "2027-01-04T12:00:00+00:00"


@dataclass(frozen=True)
class Sample:
    kind: str
    reader: str  # who reads it, as a file name: "pro", "free", "none", "new-account", …
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.kind}--{self.reader}"


def email_kinds() -> set[str]:
    """Every kind of email the app has templates for (each has a _subject.txt)."""
    return {p.name.removesuffix("_subject.txt") for p in EMAIL_TEMPLATES.glob("*_subject.txt")}


def _invitation(user_type: str, plan: str, name: str = "Ben Pro") -> dict[str, Any]:
    return {
        "business_name": "Acme Corp", "inviter_name": "Olivia Owner", "inviter_email": OWNER,
        "expires_at": EXPIRES, "invitee_name": name, "user_type": user_type,
        "invitation_url": INVITATION_LINK, "reader_plan": plan,
    }


def _withdrawn(plan: str, note: str = "") -> dict[str, Any]:
    return {
        "business_name": "Acme Corp", "withdrawn_by_name": "Olivia Owner",
        "withdrawn_by_email": OWNER, "invitee_name": "Ben Pro", "note": note,
        "reader_plan": plan,
    }


_INVITER = {"inviter_name": "Olivia Owner", "business": "Acme Corp"}
_BEN = {**_INVITER, "invitee_email": "ben.pro@acme.example", "invitee_name": "Ben Pro"}
_RECEIPT = {
    "name": "Ben Pro", "business": "Acme Corp", "receipt_number": "R-000042",
    "amount": "116.09", "currency": "USD", "method": "refund",
    "payment_method_label": "Mastercard •••• 5454", "remaining_days": 265,
    "user_type": "licensed",
}

SAMPLES: tuple[Sample, ...] = (
    # The invitee: the invitation and its reminder, by what the person has today.
    Sample("invitation", "pro-licensed", _invitation("licensed", "pro")),
    Sample("invitation", "pro-basic", _invitation("basic", "pro")),
    Sample("invitation", "free-licensed", _invitation("licensed", "free", "Dora Basic")),
    Sample("invitation", "free-basic", _invitation("basic", "free", "Dora Basic")),
    Sample("invitation", "none-licensed", _invitation("licensed", "none", "")),
    Sample("invitation", "none-basic", _invitation("basic", "none", "")),
    # In another business account today: has to leave it first, and pays nothing here.
    Sample("invitation", "other-business-licensed",
           _invitation("licensed", "other_business", "Gina Globex")),
    Sample("invitation", "other-business-basic",
           _invitation("basic", "other_business", "Gina Globex")),
    Sample("reminder", "pro-licensed", _invitation("licensed", "pro")),
    Sample("reminder", "free-basic", _invitation("basic", "free", "Dora Basic")),
    Sample("reminder", "none-licensed", _invitation("licensed", "none", "")),
    Sample("heads_up", "pro", {
        "subject": "An invitation to Acme Corp is on its way",
        "body": "Hello,\n\nyou will get an invitation to our business account this week.\n\n"
                "Olivia",
        "sender_name": "Olivia Owner", "sender_email": OWNER, "business_name": "Acme Corp",
    }),
    # The owner writes one message per language; a German reader gets the German one.
    Sample("heads_up", "german-message", {
        "subject": "Eine Einladung zu Acme Corp ist unterwegs",
        "body": "Guten Tag,\n\ndiese Woche erhalten Sie eine Einladung in unser "
                "Geschäftskonto.\n\nOlivia",
        "sender_name": "Olivia Owner", "sender_email": OWNER, "business_name": "Acme Corp",
    }),
    Sample("receipt", "refund", _RECEIPT),
    Sample("receipt", "credit", {**_RECEIPT, "method": "credit"}),
    Sample("receipt", "one-day", {**_RECEIPT, "remaining_days": 1}),
    Sample("receipt", "no-free-license", {
        **_RECEIPT, "user_type": "basic", "no_free_license": True, "inviter_name": "Olivia Owner",
    }),
    Sample("invitation_withdrawn", "pro", _withdrawn("pro", "Sorry, wrong address.")),
    Sample("invitation_withdrawn", "free", _withdrawn("free")),
    Sample("invitation_withdrawn", "none", _withdrawn("none")),
    # The person who invited: each answer, the daily summary, requests.
    Sample("invitation_accepted", "pro", {**_BEN, "user_type": "licensed"}),
    Sample("invitation_accepted", "new-account", {
        **_INVITER, "invitee_email": "new.person@example.com", "invitee_name": "Nina New",
        "user_type": "licensed", "new_account": True,
    }),
    Sample("invitation_declined", "with-message", {**_BEN, "message": "Thanks, but no.",
                                                   "reason": ""}),
    Sample("invitation_declined", "changed-address", {
        **_BEN, "invitee_name": "", "message": "", "reason": "changed_address",
    }),
    Sample("joined_without_license", "pro", {**_BEN, "seats": 10}),
    Sample("joined_without_license", "new-account", {
        **_INVITER, "invitee_email": "new.person@example.com", "invitee_name": "Nina New",
        "seats": 1, "new_account": True,
    }),
    # The inviter no longer manages the business (removed, or made a member): its owner is told.
    Sample("joined_without_license", "owner-for-a-former-admin", {
        **_INVITER, "invitee_email": "dora@acme.example", "invitee_name": "Dora Basic",
        "seats": 10, "for_owner": True,
    }),
    Sample("sso_joined_without_license", "member", {
        "business": "Acme Corp", "owner_name": "Olivia Owner", "member_name": "Gus New",
        "member_email": "gus@acme.example", "seats": 5,
    }),
    Sample("scim_without_license", "owner", {
        "business": "Acme Corp", "owner_name": "Olivia Owner", "member_name": "Gus New",
        "member_email": "gus@acme.example", "seats": 5,
    }),
    Sample("scim_without_license", "one-license", {
        "business": "Acme Corp", "owner_name": "Olivia Owner", "member_name": "",
        "member_email": "gus@acme.example", "seats": 1,
    }),
    Sample("scim_without_license", "held-by-hand", {
        "business": "Acme Corp", "owner_name": "Olivia Owner", "member_name": "Gus New",
        "member_email": "gus@acme.example", "seats": 5, "held": True,
    }),
    Sample("resend_requested", "owner", {**_BEN, "valid_days": 30}),
    Sample("responses_summary", "owner", {
        **_INVITER, "day": "2026-12-05",
        "accepted": [
            {"who": "Ana Pro (ana.pro@acme.example)", "user_type": "licensed"},
            {"who": "gus@acme.example", "user_type": "basic"},
        ],
        "declined": [
            {"who": "dora@acme.example", "message": "Thanks", "reason": ""},
            {"who": "emil.pro@acme.example", "message": "", "reason": "changed_address"},
        ],
    }),
    Sample("responses_summary", "one-answer", {
        **_INVITER, "day": "2026-12-05", "declined": [],
        "accepted": [{"who": "Ana Pro (ana.pro@acme.example)", "user_type": "licensed"}],
    }),
    # Anyone with an account: passwords, sign-in, address.
    Sample("password_reset", "member", {
        "name": "Ana Pro", "business": "", "email": "ana.pro@acme.example",
        "link_url": "http://invite.test/reset-password/a-token", "valid_minutes": 60,
    }),
    Sample("password_reset", "invitee", {
        "name": "Ben Pro", "business": "Acme Corp", "email": "ben.pro@acme.example",
        "link_url": "http://invite.test/reset-password/a-token", "valid_minutes": 60,
    }),
    Sample("password_changed", "member", {
        "name": "Ben Pro", "email": "ben.pro@acme.example", "business": "",
    }),
    Sample("sign_in_attempts", "owner", {
        "name": "Olivia Owner", "email": OWNER, "failures": 20,
    }),
    Sample("confirm_address", "member", {
        "name": "Ana Pro", "business": "", "old_email": "ana.pro@acme.example",
        "new_email": "ana@elsewhere.example",
        "link_url": "http://invite.test/account/address/a-token", "valid_hours": 24,
    }),
    Sample("confirm_address", "invitee", {
        "name": "Emil Pro", "business": "Acme Corp", "old_email": "emil.pro@acme.example",
        "new_email": "emil@elsewhere.example",
        "link_url": "http://invite.test/account/address/a-token", "valid_hours": 24,
    }),
    # Members: leaving, roles, ownership.
    Sample("other_user_removed", "other-user", {
        "name": "Fay Pro", "holder_name": "Finn Helper", "holder_email": "finn@example.com",
    }),
    Sample("removed_from_business", "member", {
        "name": "Ben Pro", "business": "Acme Corp", "by_name": "Olivia Owner",
        "by_email": OWNER, "email": "ben.pro@acme.example", "has_password": True,
    }),
    Sample("removed_from_business", "by-scim", {
        "name": "Ben Pro", "business": "Acme Corp", "by_name": "", "by_email": "",
        "by_scim": True, "email": "ben.pro@acme.example", "has_password": True,
    }),
    # Made by single sign-on or SCIM: no password, and single sign-on no longer lets them in.
    Sample("removed_from_business", "no-password", {
        "name": "Gus New", "business": "Acme Corp", "by_name": "", "by_email": "",
        "by_scim": True, "email": "gus@acme.example", "has_password": False,
    }),
    Sample("ownership_offered", "admin", {
        "name": "Adam Admin", "business": "Acme Corp", "owner_name": "Olivia Owner",
        "owner_email": OWNER,
    }),
    Sample("ownership_refused", "owner", {
        "name": "Olivia Owner", "business": "Acme Corp", "new_owner_name": "Adam Admin",
        "new_owner_email": "admin@acme.example",
    }),
    Sample("ownership_transferred", "new-owner", {
        "name": "Adam Admin", "business": "Acme Corp", "is_new_owner": True,
        "new_owner_name": "Adam Admin", "new_owner_email": "admin@acme.example",
        "old_owner_name": "Olivia Owner",
    }),
    Sample("ownership_transferred", "old-owner", {
        "name": "Olivia Owner", "business": "Acme Corp", "is_new_owner": False,
        "new_owner_name": "Adam Admin", "new_owner_email": "admin@acme.example",
        "old_owner_name": "Olivia Owner",
    }),
)


def samples_of(kind: str) -> list[Sample]:
    return [sample for sample in SAMPLES if sample.kind == kind]


def render_sample(sample: Sample, locale: str):
    """The sample as its reader gets it (call inside an app context)."""
    from wizard.delivery.mailer import render_email

    return render_email(sample.kind, locale=locale, context=sample.context)


def write_sample(sample: Sample, locale: str, mail) -> None:
    """Put a rendered sample where a person can read it: test-artifacts/emails/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    text = f"Subject: {mail.subject}\n\n{mail.text}"
    (ARTIFACTS / f"{sample.name}.{locale}.txt").write_text(text, encoding="utf-8")
    (ARTIFACTS / f"{sample.name}.{locale}.html").write_text(mail.html, encoding="utf-8")
