"""Changing a password: the current one is asked for, the new one must be a real password,
every other session ends, this one stays, and the person is told by email."""

import pytest
from sqlalchemy import select

from tests.helpers import h1_of, submit, text_of, title_of
from wizard.accounts.passwords import common_passwords, new_password_problem
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db
from wizard.models import AuditEvent, OutboxEmail, User

NEW = "tidy orange lantern"
URL = "/account/password"


def _hash(app, email="member@acme.example") -> str:
    with app.app_context():
        return db.session.scalar(select(User.password_hash).where(User.email == email))


def _change(client, current=DEMO_PASSWORD, new=NEW, confirm=None, **kw):
    data = {"current_password": current, "new_password": new,
            "confirm_password": new if confirm is None else confirm}
    return submit(client, URL, data, **kw)


def test_my_account_links_to_the_page_and_the_page_explains_what_happens(auth, client):
    auth.sign_in("member@acme.example")
    assert f'href="{URL}"' in client.get("/account/").get_data(as_text=True)
    page = client.get(URL)
    assert page.status_code == 200
    assert h1_of(page) == "Change your password"
    assert title_of(page).startswith("Change your password")
    assert "Anywhere else you are signed in, you are signed out" in text_of(page)
    html = page.get_data(as_text=True)
    assert 'autocomplete="current-password"' in html and 'autocomplete="new-password"' in html


def test_the_page_needs_a_signed_in_person(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_changed_password_ends_every_other_session_and_keeps_this_one(app, auth, client):
    other = app.test_client()  # the same person signed in on another computer
    submit(other, "/sign-in", {"email": "member@acme.example", "password": DEMO_PASSWORD})
    assert other.get("/account/").status_code == 200
    auth.sign_in("member@acme.example")

    response = _change(client, follow_redirects=True)

    assert "Your password is changed. Anywhere else you were signed in" in text_of(response)
    assert h1_of(response) == "My account"
    assert client.get("/account/").status_code == 200  # still signed in here
    gone = other.get("/account/")
    assert gone.status_code == 302 and "/sign-in" in gone.headers["Location"]
    # The old password no longer works; the new one does.
    fresh = app.test_client()
    refused = submit(fresh, "/sign-in", {"email": "member@acme.example", "password": DEMO_PASSWORD})
    assert refused.status_code == 200
    assert submit(fresh, "/sign-in", {"email": "member@acme.example", "password": NEW}
                  ).status_code == 302
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password_changed"))
        assert event.subject_email == "member@acme.example"
        mail = db.session.scalar(select(OutboxEmail).where(OutboxEmail.kind == "password_changed"))
        assert mail.to_address == "member@acme.example"
        assert NEW not in str(mail.context)


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("not my password", NEW, None, "That is not your current password. Type it again."),
        ("", NEW, None, "Enter your current password"),
        (DEMO_PASSWORD, "", "", "Choose a new password"),
        (DEMO_PASSWORD, "short", None, "Use at least 8 characters for your password"),
        (DEMO_PASSWORD, "x" * 129, None, "Passwords are at most 128 characters long"),
        (DEMO_PASSWORD, "sunshine", None, "This is one of the most common passwords"),
        (DEMO_PASSWORD, "Member@Acme.example", None, "Do not use your email address"),
        (DEMO_PASSWORD, NEW, "tidy orange lanterns", "The two new passwords are not the same"),
        (DEMO_PASSWORD, DEMO_PASSWORD, None, "The new password is the same as the current one"),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(
    app, auth, client, current, new, confirm, message
):
    auth.sign_in("member@acme.example")
    before = _hash(app)
    response = _change(client, current, new, confirm)
    assert response.status_code == 200
    assert title_of(response).startswith("Error: Change your password")
    assert "There is a problem" in text_of(response)
    assert message in text_of(response)
    assert _hash(app) == before
    assert client.get("/account/").status_code == 200  # nobody was signed out
    with app.app_context():
        mail = select(OutboxEmail).where(OutboxEmail.kind == "password_changed")
        assert db.session.scalar(mail) is None


def test_a_missing_csrf_token_shows_the_form_again_and_changes_nothing(app, auth, client):
    auth.sign_in("member@acme.example")
    before = _hash(app)
    response = client.post(URL, data={"current_password": DEMO_PASSWORD, "new_password": NEW,
                                      "confirm_password": NEW})
    assert response.status_code == 200
    assert h1_of(response) == "Change your password"
    assert _hash(app) == before


def test_guessing_the_current_password_from_a_stolen_session_hits_the_limit(app, auth, client):
    auth.sign_in("member@acme.example")
    before = _hash(app)
    for attempt in range(10):
        assert _change(client, current=f"guess number {attempt}").status_code == 200
    limited = _change(client)  # even the right password now waits
    assert limited.status_code == 429
    assert "Too many attempts" in text_of(limited)
    assert _hash(app) == before


def test_the_email_says_what_happened_and_what_to_do(app, auth, client):
    from wizard.delivery.mailer import render_email

    auth.sign_in("member@acme.example")
    _change(client)
    with app.app_context(), app.test_request_context():
        mail = db.session.scalar(select(OutboxEmail).where(OutboxEmail.kind == "password_changed"))
        rendered = render_email(mail.kind, locale=mail.locale, context=mail.context)
    assert rendered.subject == "Your password was changed"
    assert "member@acme.example was just changed" in rendered.text
    # Someone else changed it: the way back is a reset link by email, which works signed out.
    assert "If it was not you, choose a new password straight away" in rendered.text
    assert "http://invite.test/forgot-password" in rendered.text


def test_the_common_password_list_is_the_real_one():
    passwords = common_passwords()
    assert len(passwords) > 19_000
    assert {"password", "12345678", "qwertyuiop", "iloveyou"} <= passwords
    assert new_password_problem("correct-horse-battery") is None
    assert new_password_problem("Ünïcödé passphrase") is None
