"""No page or email mixes languages for one reader: a German reader meets no English
sentence of the catalogue, an English reader no German one, on the journeys' pages and in
every kind of email the app can send."""

import re
from datetime import timedelta
from pathlib import Path

from tests.helpers import submit
from tests.i18n.reading import english_left_in, fold, german_left_in, problems_of_english
from tests.i18n.test_german_pages import (
    EMAILS,
    OWNER,
    _invitation_email_context,
    invitation_id,
    invite,
    problems_of_german,
)
from wizard.delivery.mailer import render_email
from wizard.models import DeliveryStatus, InvitationStatus, UserType

EMAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"


def email_kinds() -> set[str]:
    """Every kind of email the app has templates for (each has a _subject.txt)."""
    subjects = EMAIL_TEMPLATES.glob("*_subject.txt")
    return {path.name.removesuffix("_subject.txt") for path in subjects}


# The kinds that came with no dead ends (issue 20), jam-proof sign-in and single sign-on.
LATER_KINDS = {
    "confirm_address": {
        "name": "Ana Pro", "business": "Acme Corp", "old_email": "ana.pro@acme.example",
        "new_email": "ana@elsewhere.example", "link_url": "http://invite.test/account/address/t",
        "valid_hours": 24,
    },
    "invitation_accepted": {
        "business": "Acme Corp", "inviter_name": "Olivia Owner", "invitee_name": "Ana Pro",
        "invitee_email": "ana.pro@acme.example", "user_type": "licensed",
    },
    "other_user_removed": {
        "name": "Fay Pro", "holder_name": "Finn Helper", "holder_email": "finn@example.com",
    },
    "ownership_offered": {
        "name": "Adam Admin", "business": "Globex", "owner_name": "Gustav Owner",
        "owner_email": "owner@globex.example",
    },
    "ownership_refused": {
        "name": "Gustav Owner", "business": "Globex", "new_owner_name": "Adam Admin",
        "new_owner_email": "admin@globex.example",
    },
    "ownership_transferred": {
        "name": "Adam Admin", "business": "Globex", "is_new_owner": True,
        "new_owner_name": "Adam Admin", "new_owner_email": "admin@globex.example",
        "old_owner_name": "Gustav Owner",
    },
    "password_reset": {
        "name": "Ana Pro", "business": "", "email": "ana.pro@acme.example",
        "link_url": "http://invite.test/reset-password/t", "valid_minutes": 60,
    },
    "removed_from_business": {
        "name": "Ben Pro", "business": "Acme Corp", "by_name": "Olivia Owner",
        "by_email": "owner@acme.example",
    },
    "responses_summary": {
        "inviter_name": "Olivia Owner", "business": "Acme Corp", "day": "2026-12-05",
        "accepted": [{"who": "Ana Pro (ana.pro@acme.example)", "user_type": "licensed"}],
        "declined": [
            {"who": "dora@acme.example", "message": "Thanks", "reason": ""},
            {"who": "emil.pro@acme.example", "message": "", "reason": "changed_address"},
        ],
    },
    "sign_in_attempts": {"name": "Olivia Owner", "email": "owner@acme.example", "failures": 20},
    "scim_without_license": {
        "business": "Acme Corp", "owner_name": "Olivia Owner", "member_name": "Gus New",
        "member_email": "gus@acme.example", "seats": 5,
    },
    "sso_joined_without_license": {
        "business": "Acme Corp", "owner_name": "Olivia Owner", "member_name": "Gus New",
        "member_email": "gus@acme.example", "seats": 5,
    },
}


def test_every_kind_of_email_reads_in_one_language_in_english_and_in_german(app):
    problems: list[str] = []
    with app.test_request_context("/"):
        contexts = dict(EMAILS)
        contexts["password_changed"] = {
            "name": "Ben Pro", "email": "ben.pro@acme.example", "business": "",
        }
        contexts["invitation"] = _invitation_email_context("licensed")
        contexts["reminder"] = _invitation_email_context("basic")
        contexts.update(LATER_KINDS)
        assert set(contexts) == email_kinds(), "a kind of email is not read in both languages"
        for kind, context in contexts.items():
            english = render_email(kind, locale="en", context=context)
            problems += [f"{kind} (en) subject: {s!r}" for s in german_left_in(english.subject)]
            problems += [f"{kind} (en) text: {s!r}" for s in german_left_in(fold(english.text))]
            problems += problems_of_english(f"{kind} (en) HTML", english.html, is_page=False)
            german = render_email(kind, locale="de", context=context)
            problems += [f"{kind} (de) subject: {s!r}" for s in english_left_in(german.subject)]
            problems += [f"{kind} (de) text: {s!r}" for s in english_left_in(fold(german.text))]
            problems += problems_of_german(f"{kind} (de) HTML", german.html, is_page=False)
    assert not problems, "\n".join(problems)


def read_english(client, url: str, problems: list[str], *, status: int = 200) -> None:
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    problems += problems_of_english(url, response.get_data(as_text=True))


def test_the_owner_reading_english_meets_no_german_from_the_wizard_to_the_audit_log(
    app, client, auth
):
    invite(app, "ana.pro@acme.example", delivery=DeliveryStatus.SENT)
    invite(app, "chen.pro@partner.example", delivery=DeliveryStatus.FAILED)
    invite(app, "dora@acme.example", expires_in=timedelta(days=-1), user_type=UserType.BASIC)
    invite(app, "gus@acme.example", status=InvitationStatus.REVOKED)
    assert auth.sign_in(OWNER).status_code == 302
    problems: list[str] = []
    ana = invitation_id(app, "ana.pro@acme.example")
    for url in (
        "/users/", "/users/pending/", "/users/pending/?status=all", f"/users/pending/{ana}",
        f"/users/pending/resend?ids={ana}", f"/users/pending/revoke?ids={ana}",
        "/users/audit-log/", "/users/domains/", "/users/domains/people", "/account/",
        "/account/password", "/guide/", "/guide/invitees", "/users/add/",
    ):
        read_english(client, url, problems)
    started = submit(client, "/users/add/", {"start_over": "1"})
    base = re.match(r"(/users/add/\d+)/", started.location).group(1)
    read_english(client, f"{base}/people", problems)
    everyone = "Emil Pro <emil.pro@acme.example>\nfay.pro@acme.example\nnew.person@example.com"
    people = submit(client, f"{base}/people",
                    {"addresses": everyone, "default_type": "licensed", "check": "1"})
    assert people.status_code == 302, people.status_code
    read_english(client, f"{base}/heads-up", problems)
    to_check = submit(client, f"{base}/heads-up",
                      {"send": "1", "subject": "Hello {name}", "body": "An invitation follows."})
    read_english(client, to_check.location, problems)
    submit(client, f"{base}/heads-up", {"skip": "1", "confirm_skip": "y"})
    read_english(client, f"{base}/licenses", problems)
    submit(client, f"{base}/licenses", {"confirm": "1"})
    read_english(client, f"{base}/check", problems)
    preview = client.get(f"{base}/check/invitation-email").get_data(as_text=True)
    problems += problems_of_english("invitation email preview", preview, is_page=False)
    sent = submit(client, f"{base}/send", {}, page=f"{base}/check")
    assert sent.status_code == 302, sent.status_code
    read_english(client, sent.location, problems)
    assert not problems, "\n".join(problems)


def test_an_invitee_reading_english_meets_no_german_from_the_link_to_joining(app, client, auth):
    ana = invite(app, "ana.pro@acme.example")
    gus = invite(app, "gus@acme.example")
    expired = invite(app, "chen.pro@partner.example", expires_in=timedelta(days=-1))
    revoked = invite(app, "fay.pro@acme.example", status=InvitationStatus.REVOKED)
    problems: list[str] = []
    read_english(client, f"/invitation/{ana}", problems)
    read_english(client, f"/invitation/{gus}", problems)
    read_english(client, f"/invitation/{expired}", problems, status=410)
    read_english(client, f"/invitation/{revoked}", problems, status=410)
    assert auth.sign_in("ana.pro@acme.example").status_code == 302
    for url in (f"/invitation/{ana}", f"/invitation/{ana}/refund", f"/invitation/{ana}/decline"):
        read_english(client, url, problems)
    accepted = submit(client, f"/invitation/{ana}/refund",
                      {"method": "refund", "receipt_email": "ana.pro@acme.example"})
    assert accepted.status_code == 302
    read_english(client, accepted.location, problems)
    read_english(client, "/account/", problems)
    assert not problems, "\n".join(problems)
