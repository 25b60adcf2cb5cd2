"""Signing in and out, and what bad input on the sign-in page gets."""

import pytest
from sqlalchemy import select

from tests.helpers import csrf_token, h1_of, submit, text_of, title_of
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db
from wizard.models import User
from wizard.models.types import utcnow

WRONG = "The email address or password is not right"


@pytest.mark.parametrize(
    ("email", "lands_on", "heading"),
    [
        ("owner@acme.example", "/users/", "Users"),
        ("admin@acme.example", "/users/", "Users"),
        ("member@acme.example", "/account/", "My account"),
        ("ana.pro@acme.example", "/account/", "My account"),
        ("owner@globex.example", "/users/", "Users"),
    ],
)
def test_each_kind_of_demo_user_lands_on_their_page(auth, client, email, lands_on, heading):
    response = auth.sign_in(email)
    assert response.status_code == 302
    assert response.headers["Location"] == lands_on
    page = client.get(lands_on)
    assert h1_of(page) == heading


def test_an_admin_asked_to_take_over_the_business_lands_on_that_question_first(app, auth, client):
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@acme.example"))
        admin.ownership_offered_at = utcnow()
        db.session.commit()
    response = auth.sign_in("admin@acme.example")
    assert response.headers["Location"] == "/users/ownership/answer"
    assert client.get("/users/ownership/answer").status_code == 200


def test_sign_in_ignores_case_and_spaces_in_the_address(auth):
    response = auth.sign_in("  Owner@ACME.example ")
    assert response.headers["Location"] == "/users/"


def test_wrong_password_and_unknown_address_get_the_same_message(auth):
    wrong_password = auth.sign_in("owner@acme.example", "not-the-password")
    unknown = auth.sign_in("nobody@acme.example", "not-the-password")
    assert wrong_password.status_code == unknown.status_code == 200
    assert WRONG in text_of(wrong_password)
    assert WRONG in text_of(unknown)
    # The address typed stays in the form.
    assert 'value="nobody@acme.example"' in unknown.get_data(as_text=True)


def test_empty_sign_in_says_what_to_enter(auth):
    response = auth.sign_in("", "")
    text = text_of(response)
    assert "There is a problem" in text
    assert "Enter your email address" in text
    assert "Enter your password" in text
    assert title_of(response).startswith("Error: Sign in")


def test_error_summary_links_to_each_field(auth):
    html = auth.sign_in("", "").get_data(as_text=True)
    assert 'href="#email"' in html
    assert 'href="#password"' in html


def test_overlong_input_gets_a_message_not_a_500(auth):
    response = auth.sign_in("a" * 300 + "@acme.example", "x" * 500)
    assert response.status_code == 200
    text = text_of(response)
    assert "at most 254 characters" in text
    assert "at most 128 characters" in text


def test_badly_formed_address_gets_a_format_message(auth):
    response = auth.sign_in("owner at acme", "whatever")
    assert "Enter an email address in the right format" in text_of(response)


def test_non_utf8_input_gets_a_clear_page_not_a_500(client):
    page = client.get("/sign-in")
    token = csrf_token(page.get_data(as_text=True))
    body = b"csrf_token=" + token.encode() + b"&email=%FF%FE%FA&password=%C3%28"
    response = client.post(
        "/sign-in", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)


def test_missing_csrf_token_keeps_the_typed_address_and_explains(client):
    response = client.post("/sign-in", data={"email": "owner@acme.example", "password": "x"})
    assert response.status_code == 200
    text = text_of(response)
    assert "This form had expired" in text
    assert 'value="owner@acme.example"' in response.get_data(as_text=True)
    # ...and nobody was signed in.
    assert client.get("/users/").status_code == 302


def test_wrong_csrf_token_does_not_sign_in(client):
    response = client.post(
        "/sign-in",
        data={"email": "owner@acme.example", "password": DEMO_PASSWORD, "csrf_token": "forged"},
    )
    assert "This form had expired" in text_of(response)
    assert client.get("/users/").status_code == 302


def test_sign_out_is_a_post_and_ends_the_session(auth, client):
    auth.sign_in()
    assert client.get("/sign-out").status_code == 405
    assert client.get("/users/").status_code == 200
    response = auth.sign_out()
    assert response.headers["Location"] == "/sign-in"
    assert client.get("/users/").status_code == 302


def test_sign_out_without_csrf_token_signs_nobody_out(auth, client):
    auth.sign_in()
    response = client.post("/sign-out")
    assert response.status_code == 400
    assert "This page had expired" in text_of(response)
    assert client.get("/users/").status_code == 200


def test_a_copied_cookie_is_dead_after_sign_out(app, auth, client):
    auth.sign_in()
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get("/users/").status_code == 200
    auth.sign_out()
    assert copy.get("/users/").status_code == 302


def test_next_goes_only_to_a_path_on_this_site(client):
    for target, expected in [
        ("/account/", "/account/"),
        ("//evil.example", "/users/"),
        ("https://evil.example/", "/users/"),
        ("/\\evil.example", "/users/"),
        # Browsers read three slashes as two, and drop tabs: both are another site.
        ("///evil.example", "/users/"),
        ("/\t/evil.example", "/users/"),
        ("account/", "/users/"),  # not a path from the root: dropped, not guessed at
    ]:
        client.delete_cookie("session")
        response = submit(
            client,
            "/sign-in",
            {"email": "owner@acme.example", "password": DEMO_PASSWORD, "next": target},
            page=f"/sign-in?next={target}",
        )
        assert response.headers["Location"] == expected, target


def test_signed_out_visitor_is_sent_to_sign_in_with_a_way_back(client):
    response = client.get("/users/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_passwords_are_stored_hashed(app):
    with app.app_context():
        user = db.session.execute(
            db.select(User).where(User.email == "owner@acme.example")
        ).scalar_one()
        assert DEMO_PASSWORD not in user.password_hash
        assert user.password_hash.startswith("scrypt:")


def _session_id(client) -> str:
    with client.session_transaction() as session:
        return session["_user_id"]


def _with_session_id(client, session_id: str):
    with client.session_transaction() as session:
        session["_user_id"] = session_id
    return client.get("/account/")


def test_the_session_names_the_user_and_their_session_version(auth, client):
    auth.sign_in("member@acme.example")
    user_id, version = _session_id(client).split(":")
    assert user_id.isdigit() and version.isdigit()
    assert _with_session_id(client, f"{user_id}:{version}").status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda uid, version: f"{uid}:{int(version) + 1}",  # a version not reached yet
        lambda uid, version: f"{uid}",
        lambda uid, version: f"{uid}:",
        lambda uid, version: f":{version}",
        lambda uid, version: f"x{uid}:{version}",
        lambda uid, version: f"{uid}:{version}x",
        lambda uid, version: f"{uid}:{version}:{version}",
        lambda uid, version: f"999999:{version}",  # nobody
    ],
    ids=["other-version", "no-version", "empty-version", "no-user", "odd-user", "odd-version",
         "extra-part", "nobody"],
)
def test_a_session_id_that_is_not_exactly_a_user_and_their_version_signs_nobody_in(
    auth, client, tamper
):
    auth.sign_in("member@acme.example")
    user_id, version = _session_id(client).split(":")
    response = _with_session_id(client, tamper(user_id, version))
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Sign in to see that page."), ("de", "Melden Sie sich an, um diese Seite zu sehen.")],
)
def test_a_signed_out_visitor_is_told_why_the_sign_in_page_appeared(client, language, message):
    response = client.get("/users/", headers={"Accept-Language": language},
                          follow_redirects=True)
    assert f'<div class="flash flash--info" role="status">{message}</div>' in response.get_data(
        as_text=True)
