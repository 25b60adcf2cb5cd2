"""Forgot your password?: an emailed link that works once and for an hour, the same answer for
every address, old sessions ended, and back to the invitation the person was accepting."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.accept.factory import invite
from tests.helpers import h1_of, submit, text_of
from wizard.delivery.mailer import render_email
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db
from wizard.models import AuditEvent, OutboxEmail, PersonalLink, User
from wizard.models.types import utcnow

NEW = "tidy orange lantern"


def _ask(client, email, **kw):
    return submit(client, "/forgot-password", {"email": email}, **kw)


def _emails(app, kind, to):
    with app.app_context():
        return db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.kind == kind, OutboxEmail.to_address == to)
        ).all()


def _reset_link(app, to="member@acme.example") -> str:
    """The path of the link in the newest reset email, read from the email as sent."""
    with app.app_context():
        email = db.session.scalars(
            select(OutboxEmail)
            .where(OutboxEmail.kind == "password_reset", OutboxEmail.to_address == to)
            .order_by(OutboxEmail.id.desc())
        ).first()
        text = render_email(email.kind, locale=email.locale, context=email.context).text
    return re.search(r"http://invite\.test(/reset-password/\S+)", text).group(1)


def _set(client, link, new=NEW, confirm=None, **kw):
    data = {"new_password": new, "confirm_password": new if confirm is None else confirm}
    return submit(client, link, data, **kw)


def test_the_sign_in_page_offers_the_reset(client):
    page = client.get("/sign-in")
    assert 'href="/forgot-password"' in page.get_data(as_text=True)
    assert "Forgot your password?" in text_of(page)


def test_asking_gives_the_same_answer_whether_or_not_the_address_has_an_account(app, client):
    known = _ask(client, "member@acme.example", follow_redirects=True)
    unknown = _ask(client, "nobody@acme.example", follow_redirects=True)
    said = text_of(known).replace("member@acme.example", "X")
    assert said == text_of(unknown).replace("nobody@acme.example", "X")
    assert "If X has an account, we have just sent it an email" in said
    assert len(_emails(app, "password_reset", "member@acme.example")) == 1
    assert _emails(app, "password_reset", "nobody@acme.example") == []


def test_a_reset_sets_the_password_ends_old_sessions_signs_in_and_tells_the_person(
    app, auth, client
):
    other = app.test_client()
    submit(other, "/sign-in", {"email": "member@acme.example", "password": DEMO_PASSWORD})
    _ask(client, "Member@Acme.example ")
    link = _reset_link(app)

    page = client.get(link)
    assert h1_of(page) == "Choose a new password"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    done = _set(client, link, follow_redirects=True)

    assert "Your new password is set and you are signed in" in text_of(done)
    assert client.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302  # the old session has ended
    fresh = app.test_client()
    assert submit(fresh, "/sign-in", {"email": "member@acme.example",
                                      "password": NEW}).status_code == 302
    assert len(_emails(app, "password_changed", "member@acme.example")) == 1
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "password_reset")) == "password_reset"


def test_the_link_works_once(app, client):
    _ask(client, "member@acme.example")
    link = _reset_link(app)
    _set(client, link)
    again = app.test_client()
    gone = again.get(link)
    assert gone.status_code == 410
    assert h1_of(gone) == "This link no longer works"
    assert 'href="/forgot-password"' in gone.get_data(as_text=True)


def test_the_link_stops_working_after_an_hour_and_changes_nothing(app, client):
    _ask(client, "member@acme.example")
    link = _reset_link(app)
    with app.app_context():
        for row in db.session.scalars(select(PersonalLink)):
            row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        before = db.session.scalar(select(User.password_hash).where(
            User.email == "member@acme.example"))
    assert client.get(link).status_code == 410
    with app.app_context():
        assert db.session.scalar(select(User.password_hash).where(
            User.email == "member@acme.example")) == before


def test_a_newer_link_kills_the_older_one(app, client):
    _ask(client, "member@acme.example")
    first = _reset_link(app)
    _ask(client, "member@acme.example")
    second = _reset_link(app)
    assert first != second
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_only_the_hash_of_the_token_is_stored_and_the_outbox_holds_no_link(app, client):
    _ask(client, "member@acme.example")
    token = _reset_link(app).rsplit("/", 1)[1]
    with app.app_context():
        row = db.session.scalars(select(PersonalLink)).one()
        assert token not in (row.token_hash, row.token_nonce)
        email = _emails(app, "password_reset", "member@acme.example")[0]
        assert token not in repr(email.context)


def test_a_weak_or_mistyped_new_password_is_explained_and_nothing_changes(app, client):
    _ask(client, "member@acme.example")
    link = _reset_link(app)
    weak = _set(client, link, new="password")
    assert weak.status_code == 200 and "There is a problem" in text_of(weak)
    mistyped = _set(client, link, confirm="tidy orange lanter")
    assert "The two new passwords are not the same" in text_of(mistyped)
    assert client.get(link).status_code == 200  # still usable


def test_asking_is_rate_limited_per_address(app, client):
    for _ in range(3):
        assert _ask(client, "member@acme.example").status_code == 302
    limited = _ask(client, "member@acme.example")
    assert limited.status_code == 429
    assert len(_emails(app, "password_reset", "member@acme.example")) == 3


def test_a_reset_asked_from_an_invitation_leads_back_to_it(app, client):
    token = invite(app, "ana.pro@acme.example")
    sign_in = client.get(f"/sign-in?next=/invitation/{token}")
    assert "Sign in to accept the invitation from Acme Corp." in text_of(sign_in)
    assert 'value="ana.pro@acme.example"' in sign_in.get_data(as_text=True)
    forgot = re.search(r'href="(/forgot-password[^"]*)"', sign_in.get_data(as_text=True))
    page = forgot.group(1).replace("&amp;", "&")
    submit(client, "/forgot-password", {"email": "ana.pro@acme.example",
                                        "invitation": _hidden(client.get(page))}, page=page)
    mail = _emails(app, "password_reset", "ana.pro@acme.example")[0]
    assert mail.context["business"] == "Acme Corp"
    done = _set(client, _reset_link(app, "ana.pro@acme.example"))
    assert done.headers["Location"] == f"/invitation/{token}"
    assert "Join Acme Corp" in h1_of(client.get(done.headers["Location"]))


def _hidden(page) -> str:
    return re.search(r'name="invitation"[^>]*value="([^"]*)"',
                     page.get_data(as_text=True)).group(1)


@pytest.mark.parametrize("invitation", ["2147483648", "9" * 30, "-3", "abc"])
def test_a_tampered_invitation_field_is_ignored_and_the_reset_still_goes_out(
    app, client, invitation
):
    """The hidden field says which invitation to come back to; anything that cannot be one
    (too big for the database, negative, not a number) is no invitation, never a 500."""
    asked = submit(client, "/forgot-password",
                   {"email": "member@acme.example", "invitation": invitation})
    assert asked.status_code == 302
    mail = _emails(app, "password_reset", "member@acme.example")[0]
    assert mail.context["business"] == ""  # no invitation to come back to
