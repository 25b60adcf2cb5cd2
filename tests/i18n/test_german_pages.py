"""Every page, the PDF guide and every email, read in German: no English left, German dates
and amounts, <html lang="de">."""

import re
from datetime import timedelta
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from tests.helpers import submit, text_of
from tests.i18n.conftest import choose_german
from tests.i18n.reading import (
    DEMO_NAMES,
    GERMAN_LONG_DATE,
    GERMAN_MONEY,
    GERMAN_SHORT_DATE,
    english_left_in,
    fold,
    problems_of_german,
    short_english_left_in,
    visible_text,
)
from wizard.accept import tokens
from wizard.delivery.mailer import render_email
from wizard.extensions import db
from wizard.invite.batches import invitation_context
from wizard.invite.drafts import Person
from wizard.models import DeliveryStatus, Invitation, InvitationStatus, OutboxEmail, User, UserType
from wizard.models.types import utcnow


def german_problems(where: str, html: str, *, is_page: bool = True) -> list[str]:
    """What betrays English on a German page or email: sentences, dates and amounts, and
    also labels and headings of one or two words ("Pending", "Sent")."""
    short = short_english_left_in(visible_text(html), DEMO_NAMES)
    return problems_of_german(where, html, is_page=is_page) + [
        f"{where}: English {s!r}" for s in short
    ]


def english_in(text: str) -> list[str]:
    """English left in a German text: stretches of three words or more, and short labels."""
    return english_left_in(text) + short_english_left_in(text, DEMO_NAMES)


OWNER = "owner@acme.example"


def invite(app, email: str, *, user_type=UserType.LICENSED, expires_in=timedelta(days=30),
           status=InvitationStatus.PENDING, delivery: DeliveryStatus | None = None) -> str:
    """An invitation from Acme's owner to `email`, as the wizard leaves it; returns its token."""
    now = utcnow()
    with app.app_context():
        owner = db.session.execute(select(User).where(User.email == OWNER)).scalar_one()
        invitation = Invitation(
            account_id=owner.account_id, email=email, name="", user_type=user_type,
            invited_by_id=owner.id, created_at=now - timedelta(days=2), sent_at=now,
            expires_at=now + expires_in, status=status, contacted_at=now - timedelta(days=3),
        )
        if status == InvitationStatus.REVOKED:
            invitation.revoked_at = now
        token = tokens.issue(invitation)
        db.session.add(invitation)
        db.session.flush()
        if delivery is not None:
            db.session.add(OutboxEmail(
                kind="invitation", to_address=email, account_id=owner.account_id,
                invitation_id=invitation.id, locale="de", status=delivery, attempts=3,
                last_error="550 mailbox unavailable" if delivery == DeliveryStatus.FAILED else None,
                sent_at=now if delivery == DeliveryStatus.SENT else None,
            ))
        db.session.commit()
        return token


def invitation_id(app, email: str) -> int:
    with app.app_context():
        return db.session.execute(
            select(Invitation.id).where(Invitation.email == email).order_by(Invitation.id.desc())
        ).scalars().first()


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.execute(select(User.id).where(User.email == email)).scalar_one()


def read(client, url: str, problems: list[str], *, status: int = 200) -> str:
    """GET a page in German and note what is not German on it; returns its visible text."""
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    html = response.get_data(as_text=True)
    problems += german_problems(url, html)
    return visible_text(html)


def sign_in_in_german(auth, client, email: str) -> None:
    assert auth.sign_in(email).status_code == 302
    choose_german(client, "/account/")


def test_the_signed_out_pages_and_error_pages_are_german(german_client):
    problems: list[str] = []
    read(german_client, "/sign-in", problems)
    read(german_client, "/no-such-page", problems, status=404)
    read(german_client, "/guide/", problems)
    wrong = submit(german_client, "/sign-in",
                   {"email": "owner@acme.example", "password": "not the password"})
    problems += german_problems("/sign-in (wrong password)", wrong.get_data(as_text=True))
    assert "stimmen nicht" in text_of(wrong)
    empty = submit(german_client, "/sign-in", {"email": "", "password": ""})
    problems += german_problems("/sign-in (empty)", empty.get_data(as_text=True))
    assert "Es gibt ein Problem" in text_of(empty)
    expired_form = german_client.post("/sign-in", data={"email": "x@example.com"})
    problems += german_problems("/sign-in (stale form)", expired_form.get_data(as_text=True))
    assert not problems, "\n".join(problems)


def test_the_owners_pages_are_german_with_german_dates(app, client, auth):
    invite(app, "ana.pro@acme.example", delivery=DeliveryStatus.SENT)
    invite(app, "chen.pro@partner.example", delivery=DeliveryStatus.FAILED)
    invite(app, "dora@acme.example", expires_in=timedelta(days=-1), user_type=UserType.BASIC)
    invite(app, "gus@acme.example", status=InvitationStatus.REVOKED)
    sign_in_in_german(auth, client, OWNER)
    # Something in the audit log: a license taken back and given again, reminders switched.
    admin = user_id(app, "admin@acme.example")
    submit(client, f"/users/{admin}/license/remove", {}, page=f"/users/{admin}/license/remove")
    submit(client, f"/users/{admin}/license", {}, page="/users/")
    submit(client, "/users/pending/reminders", {"reminders": "off"}, page="/users/pending/")

    problems: list[str] = []
    ana = invitation_id(app, "ana.pro@acme.example")
    chen = invitation_id(app, "chen.pro@partner.example")
    owner = user_id(app, OWNER)
    for url in (
        "/users/",
        f"/users/{owner}/license/remove",
        "/users/pending/",
        "/users/pending/?status=expired",
        "/users/pending/?q=nobody-matches-this",
        f"/users/pending/{ana}",
        f"/users/pending/{chen}",
        f"/users/pending/resend?ids={ana}&ids={chen}",
        f"/users/pending/revoke?ids={ana}",
        "/users/audit-log/",
        "/users/domains/",
        "/users/domains/people",
        "/account/",
        "/guide/",
    ):
        read(client, url, problems)
    history = read(client, f"/users/pending/{ana}", problems)
    assert GERMAN_SHORT_DATE.search(history), "no German date on the invitation's history"
    pending = read(client, "/users/pending/", problems)
    assert GERMAN_SHORT_DATE.search(pending), "no German date on the Pending tab"
    assert not problems, "\n".join(problems)


def test_a_german_csv_export_has_german_headers(app, client, auth):
    invite(app, "ana.pro@acme.example")
    sign_in_in_german(auth, client, OWNER)
    for url in ("/users/pending/export.csv", "/users/audit-log/export.csv"):
        header = client.get(url).get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
        assert not english_in(header) and "Email" not in header, f"{url}: {header}"


def test_members_and_individuals_read_their_pages_in_german(app, client, auth):
    problems: list[str] = []
    sign_in_in_german(auth, client, "member@acme.example")
    read(client, "/account/", problems)
    read(client, "/users/", problems, status=403)
    auth.sign_out()
    # Ben chose German for his own account: no switch needed.
    assert auth.sign_in("ben.pro@acme.example").status_code == 302
    account = read(client, "/account/", problems)
    assert "159,90 $" in account, "Ben's yearly price is not in German money format"
    assert GERMAN_LONG_DATE.search(account), "Ben's period is not in German dates"
    read(client, "/users/add/", problems, status=403)
    assert not problems, "\n".join(problems)


def test_the_invitation_pages_and_blockers_are_german(app, client, auth):
    problems: list[str] = []
    ben = invite(app, "ben.pro@acme.example", user_type=UserType.BASIC)
    gus = invite(app, "gus@acme.example")
    expired = invite(app, "chen.pro@partner.example", expires_in=timedelta(days=-1))
    revoked = invite(app, "fay.pro@acme.example", status=InvitationStatus.REVOKED)
    choose_german(client, f"/invitation/{ben}")
    read(client, f"/invitation/{ben}", problems)  # nobody signed in yet
    read(client, f"/invitation/{gus}", problems)  # create an account to join
    read(client, "/invitation/not-a-real-link", problems, status=410)
    read(client, f"/invitation/{expired}", problems, status=410)
    read(client, f"/invitation/{revoked}", problems, status=410)

    assert auth.sign_in("ben.pro@acme.example").status_code == 302
    show = read(client, f"/invitation/{ben}", problems)
    assert GERMAN_MONEY.search(show), "the refund estimate is not in German money format"
    assert GERMAN_LONG_DATE.search(show), "the link's end is not a German date"
    read(client, f"/invitation/{ben}/refund", problems)
    read(client, f"/invitation/{ben}/decline", problems)
    read(client, f"/invitation/{gus}", problems, status=403)  # signed in as someone else

    accepted = submit(client, f"/invitation/{ben}/refund",
                      {"method": "credit", "receipt_email": "ben.pro@acme.example"})
    assert accepted.status_code == 302
    read(client, accepted.location, problems)
    read(client, f"/invitation/{ben}", problems)
    auth.sign_out()

    for blocked in ("emil.pro@acme.example", "fay.pro@acme.example"):
        token = invite(app, blocked)
        sign_in_in_german(auth, client, blocked)
        read(client, f"/invitation/{token}", problems)
        auth.sign_out()

    dora = invite(app, "dora@acme.example", user_type=UserType.BASIC)
    sign_in_in_german(auth, client, "dora@acme.example")
    declined = submit(client, f"/invitation/{dora}/decline", {"message": "Danke, nein."})
    assert declined.status_code == 302
    read(client, f"/invitation/{dora}", problems)
    assert not problems, "\n".join(problems)


def test_the_wizard_is_german_from_start_to_sent(app, client, auth):
    # A German business. The check page previews the first person's email in their own
    # language: Ben reads German, so all of the page is German.
    with app.app_context():
        owner = db.session.execute(select(User).where(User.email == OWNER)).scalar_one()
        owner.account.default_locale = "de"
        db.session.commit()
    sign_in_in_german(auth, client, OWNER)
    problems: list[str] = []
    read(client, "/users/add/", problems)
    started = submit(client, "/users/add/", {"start_over": "1"})
    base = re.match(r"(/users/add/\d+)/", started.location).group(1)
    read(client, f"{base}/people", problems)
    mistakes = "\n".join(["ana.pro@acme.example", "not-an-address", "ANA.PRO@acme.example", OWNER])
    wrong = submit(client, f"{base}/people",
                   {"addresses": mistakes, "default_type": "licensed", "check": "1"})
    problems += german_problems("people (with mistakes)", wrong.get_data(as_text=True))
    assert "Es fehlt das @" in text_of(wrong) and "Ihre eigene Adresse" in text_of(wrong)
    everyone = "ben.pro@acme.example\nAna Pro <ana.pro@acme.example>\nchen.pro@partner.example"
    people = submit(client, f"{base}/people",
                    {"addresses": everyone, "default_type": "licensed", "check": "1"})
    assert people.status_code == 302, people.status_code
    read(client, f"{base}/heads-up", problems)
    heads_up = client.get(f"{base}/heads-up.txt").get_data(as_text=True)
    # The owner's words around the messages, and Ben's message, are German; Ana and Chen
    # read English, so theirs is English (each message is in its reader's language).
    frame, *messages = heads_up.split("=" * 70)
    german = [frame] + [m for m in messages if "ben.pro@acme.example" in m.split("\n", 2)[1]]
    assert len(german) == 2 and "Guten Tag" in german[1]
    problems += [f"heads-up download: {s!r}" for s in english_in(fold("".join(german)))]
    to_check = submit(client, f"{base}/heads-up", {
        "send": "1", "subject": "Hallo {name}", "body": "Eine Einladung kommt."})
    read(client, to_check.location, problems)  # the check page before the heads-up goes
    skipped = submit(client, f"{base}/heads-up", {"skip": "1", "confirm_skip": "y"})
    assert skipped.status_code == 302, skipped.status_code
    licenses = read(client, f"{base}/licenses", problems)
    assert "Lizenz" in licenses
    assert submit(client, f"{base}/licenses", {"confirm": "1"}).status_code == 302
    read(client, f"{base}/check", problems)
    email = client.get(f"{base}/check/invitation-email").get_data(as_text=True)
    problems += german_problems("invitation email preview", email, is_page=False)
    sent = submit(client, f"{base}/send", {}, page=f"{base}/check")
    assert sent.status_code == 302, sent.status_code
    read(client, sent.location, problems)
    assert not problems, "\n".join(problems)


def test_the_quick_guide_pdf_is_german(app, client, auth):
    sign_in_in_german(auth, client, OWNER)
    response = client.get("/guide/quick-guide.pdf")
    assert response.status_code == 200
    reader = PdfReader(BytesIO(response.data))
    text = fold(" ".join(page.extract_text() or "" for page in reader.pages))
    assert "Kurzanleitung für Inhaber und Administratoren" in text
    assert GERMAN_LONG_DATE.search(text), "the PDF's date is not German"
    assert reader.trailer["/Root"].get("/Lang") == "de"
    left = english_in(text)
    assert not left, f"English in the German PDF: {left[:10]}"


EMAILS = {
    "receipt": {
        "name": "Ben Pro", "business": "Acme Corp", "receipt_number": "R-000042",
        "amount": "116.09", "currency": "USD", "method": "refund",
        "payment_method_label": "Mastercard •••• 5454", "remaining_days": 265,
        "user_type": "basic",
    },
    "invitation_declined": {
        "inviter_name": "Olivia Owner", "invitee_email": "ben.pro@acme.example",
        "invitee_name": "Ben Pro", "business": "Acme Corp", "message": "Danke, nein.",
    },
    "joined_without_license": {
        "inviter_name": "Olivia Owner", "invitee_email": "ben.pro@acme.example",
        "invitee_name": "Ben Pro", "business": "Acme Corp", "seats": 10,
    },
    "resend_requested": {
        "inviter_name": "Olivia Owner", "invitee_email": "ben.pro@acme.example",
        "invitee_name": "Ben Pro", "business": "Acme Corp", "valid_days": 30,
    },
    "invitation_withdrawn": {
        "business_name": "Acme Corp", "withdrawn_by_name": "Olivia Owner",
        "withdrawn_by_email": OWNER, "invitee_name": "Ben Pro", "note": "Entschuldigung.",
    },
    "heads_up": {
        "subject": "Eine Einladung zu Acme Corp", "body": "Guten Tag,\n\nbald kommt sie.",
        "sender_name": "Olivia Owner", "sender_email": OWNER, "business_name": "Acme Corp",
    },
}


def _invitation_email_context(user_type: str) -> dict:
    owner = db.session.execute(select(User).where(User.email == OWNER)).scalar_one()
    person = Person(
        email="ben.pro@acme.example", name="Ben Pro", user_type=user_type, source="typed", line=1
    )
    expires_at = utcnow() + timedelta(days=30)
    return invitation_context(owner.account, owner, person, expires_at)


def test_every_kind_of_email_is_german(app):
    problems: list[str] = []
    with app.test_request_context("/"):
        contexts = {kind: [context] for kind, context in EMAILS.items()}
        contexts["receipt"].append({**EMAILS["receipt"], "method": "credit"})
        contexts["receipt"].append(
            {**EMAILS["receipt"], "no_free_license": True, "inviter_name": "Olivia Owner"}
        )
        contexts["invitation"] = [_invitation_email_context(t) for t in ("basic", "licensed")]
        contexts["reminder"] = [_invitation_email_context("basic")]
        for kind, variants in contexts.items():
            for context in variants:
                mail = render_email(kind, locale="de", context=context)
                where = f"{kind} email ({context.get('user_type') or context.get('method', '')})"
                problems += [f"{where} subject: {s!r}" for s in english_in(mail.subject)]
                problems += [f"{where} text: {s!r}" for s in english_in(fold(mail.text))]
                problems += german_problems(f"{where} HTML", mail.html, is_page=False)
                if kind in ("invitation", "reminder"):
                    assert GERMAN_LONG_DATE.search(mail.text), f"{where}: no German date"
                if kind == "receipt":
                    assert GERMAN_MONEY.search(mail.text) and GERMAN_MONEY.search(mail.subject)
    assert not problems, "\n".join(problems)


def test_the_german_reading_finds_a_short_english_label_but_not_a_name():
    page = '<html lang="de"><main><h1>Ausstehend</h1><p>Pending</p><p>Olivia Owner</p></main>'
    assert german_problems("/planted", page) == ["/planted: English 'Pending'"]
