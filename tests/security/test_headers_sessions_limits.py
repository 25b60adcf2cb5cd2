"""Headers on every response, session lifetime, and rate limits, from an attacker's side."""

import pytest

from tests.conftest import make_app, reset_database, seed
from tests.helpers import csrf_token, submit, text_of
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db


@pytest.mark.parametrize("path", ["/sign-in", "/no-such-page", "/static/css/app.css"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    response.close()
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_and_secure_cookies_when_served_over_https(database_url, tmp_path):
    app = make_app(database_url, tmp_path, BASE_URL="https://invite.example.com")
    with app.app_context():
        reset_database()
        seed(app)
    client = app.test_client()
    response = client.get("/sign-in", base_url="https://invite.example.com")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    signed_in = submit(
        client,
        "/sign-in",
        {"email": "owner@acme.example", "password": DEMO_PASSWORD},
        page="https://invite.example.com/sign-in",
        base_url="https://invite.example.com",
    )
    cookie = signed_in.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("configured", ["https://invite.example.com", "HTTPS://Invite.example.com"])
def test_behind_a_proxy_that_ends_tls_cookies_and_hsts_follow_the_base_url(
    database_url, tmp_path, configured
):
    """The request reaches the app over plain HTTP (the proxy ended TLS, no forwarded
    headers): what counts is the address people use, BASE_URL."""
    base_url = "http://invite.example.com"
    app = make_app(database_url, tmp_path, BASE_URL=configured)
    with app.app_context():
        reset_database()
        seed(app)
    client = app.test_client()
    page = client.get("/sign-in", base_url=base_url)
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    signed_in = submit(
        client,
        "/sign-in",
        {"email": "owner@acme.example", "password": DEMO_PASSWORD, "remember": "y"},
        page=f"{base_url.rstrip('/')}/sign-in",
        base_url=base_url,
    )
    cookies = signed_in.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies), cookies
    for path in ("/no-such-page", "/static/css/app.css"):
        response = client.get(path, base_url=base_url)
        response.close()
        assert "Strict-Transport-Security" in response.headers, path
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_with_a_plain_http_base_url_no_hsts_even_on_a_tls_request(client):
    response = client.get("/sign-in", base_url="https://invite.test")
    assert "Strict-Transport-Security" not in response.headers


def test_the_session_cookie_changes_at_sign_in(auth, client):
    client.get("/sign-in")
    before = client.get_cookie("session").value
    auth.sign_in()
    assert client.get_cookie("session").value != before


def test_an_idle_session_ends_and_says_why(app, auth, client):
    auth.sign_in()
    with client.session_transaction() as session:
        session["seen_at"] -= app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    response = client.get("/users/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/users/")
    assert "signed out because the session was too old" in text_of(
        client.get(response.headers["Location"])
    )


def test_a_session_ends_after_the_absolute_limit_even_when_busy(app, auth, client):
    auth.sign_in()
    with client.session_transaction() as session:
        session["signed_in_at"] -= app.config["SESSION_ABSOLUTE_HOURS"] * 3600 + 5
    assert client.get("/users/").status_code == 302


def test_brute_force_on_one_address_hits_the_limit_with_a_clear_page(app, client):
    page = client.get("/sign-in").get_data(as_text=True)
    token = csrf_token(page)
    limit = int(app.config["SIGN_IN_LIMIT_PER_ADDRESS"].split()[0])
    for _attempt in range(limit):
        response = client.post(
            "/sign-in",
            data={"csrf_token": token, "email": "owner@acme.example", "password": "guess"},
        )
        assert response.status_code == 200
    response = client.post(
        "/sign-in",
        data={"csrf_token": token, "email": "owner@acme.example", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 429
    assert "Too many attempts" in text_of(response)
    # Another address from the same place is not locked out by it.
    other = client.post(
        "/sign-in",
        data={"csrf_token": token, "email": "admin@acme.example", "password": DEMO_PASSWORD},
    )
    assert other.status_code == 302


def test_successful_sign_ins_do_not_use_up_the_limit(app, auth, client):
    limit = int(app.config["SIGN_IN_LIMIT_PER_ADDRESS"].split()[0])
    for _attempt in range(limit + 2):
        client.delete_cookie("session")
        assert auth.sign_in().status_code == 302
