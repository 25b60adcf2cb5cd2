"""The pages of the foundation: who sees what, and who sees nothing."""

import re

import pytest
from flask import render_template_string

from tests.helpers import h1_of, submit, text_of, title_of


def test_owner_sees_members_seats_and_the_way_to_add_users(auth, client):
    auth.sign_in()
    page = client.get("/users/")
    text = text_of(page)
    for email in ("owner@acme.example", "admin@acme.example", "member@acme.example"):
        assert email in text
    assert "10 licenses purchased: 2 in use and 8 free." in text
    assert 'href="/users/add/"' in page.get_data(as_text=True)
    assert "Add users" in text


def test_acme_owner_sees_nothing_of_globex(auth, client):
    auth.sign_in()
    text = text_of(client.get("/users/"))
    assert "globex" not in text.lower()


def test_globex_owner_sees_only_globex(auth, client):
    auth.sign_in("owner@globex.example")
    text = text_of(client.get("/users/"))
    assert "owner@globex.example" in text
    assert "acme.example" not in text


@pytest.mark.parametrize("path", ["/users/", "/users/add/"])
def test_a_member_cannot_open_owner_pages_and_is_told_why(auth, client, path):
    auth.sign_in("member@acme.example")
    response = client.get(path)
    assert response.status_code == 403
    assert h1_of(response) == "Only owners and admins can manage users"
    assert "ask its owner or an admin" in text_of(response)


def test_an_individual_cannot_open_owner_pages_and_is_told_why(auth, client):
    auth.sign_in("ana.pro@acme.example")
    response = client.get("/users/")
    assert response.status_code == 403
    assert h1_of(response) == "You need a business account for this"


def test_individual_sees_their_plan_and_subscription(auth, client):
    auth.sign_in("ana.pro@acme.example")
    text = text_of(client.get("/account/"))
    assert "Pro, paid monthly" in text
    assert "$15.99" in text
    assert "Visa •••• 4242" in text


def test_free_individual_sees_basic(auth, client):
    auth.sign_in("dora@acme.example")
    assert "Basic (free)" in text_of(client.get("/account/"))


def test_member_sees_their_business_membership(auth, client):
    auth.sign_in("member@acme.example")
    text = text_of(client.get("/account/"))
    assert "Acme Corp" in text
    assert "Member" in text
    assert "Basic" in text


def test_unknown_page_says_what_to_do(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert h1_of(response) == "Page not found"
    assert "Go to the start page" in text_of(response)


@pytest.mark.parametrize(
    ("email", "path"),
    [
        (None, "/sign-in"),
        ("owner@acme.example", "/users/"),
        ("owner@acme.example", "/users/add/"),
        ("ana.pro@acme.example", "/account/"),
        ("member@acme.example", "/users/"),
    ],
)
def test_every_page_has_one_h1_a_matching_title_unique_ids_and_a_skip_link(
    auth, client, email, path
):
    if email:
        auth.sign_in(email)
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert title_of(page).startswith(h1_of(page))
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    # Scripts only from files (the CSP allows no inline script), and none needed.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_the_language_switch_keeps_the_page_and_remembers_the_choice(auth, client, app):
    auth.sign_in()
    page = client.get("/users/?q=x")
    html = page.get_data(as_text=True)
    assert 'value="/users/?q=x"' in html
    response = submit(client, "/language", {"lang": "de", "next": "/users/?q=x"}, page="/users/")
    assert response.headers["Location"] == "/users/?q=x"
    assert '<html lang="de">' in client.get("/users/").get_data(as_text=True)
    with app.app_context():
        from wizard.extensions import db
        from wizard.models import User

        owner = db.session.execute(
            db.select(User).where(User.email == "owner@acme.example")
        ).scalar_one()
        assert owner.locale == "de"


def test_the_language_switch_refuses_other_sites_and_unknown_languages(client):
    response = submit(
        client, "/language", {"lang": "xx", "next": "//evil.example"}, page="/sign-in"
    )
    assert response.headers["Location"] == "/"
    assert '<html lang="en">' in client.get("/sign-in").get_data(as_text=True)


def test_the_browser_language_is_used_when_nobody_chose(client):
    page = client.get("/sign-in", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert '<html lang="de">' in page.get_data(as_text=True)


def test_a_language_chosen_before_signing_in_is_kept_after_it(auth, client):
    submit(client, "/language", {"lang": "de", "next": "/sign-in"}, page="/sign-in")
    auth.sign_in()
    assert '<html lang="de">' in client.get("/users/").get_data(as_text=True)


def pages_without_arguments(app) -> list[str]:
    """Every GET page of the app whose address needs no value filled in (not files)."""
    return sorted(
        {
            rule.rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
            and not rule.arguments
            and not rule.rule.endswith((".csv", ".pdf", ".txt", ".ico", ".svg"))
            and rule.endpoint != "static"
        }
    )


@pytest.mark.parametrize("email", [None, "owner@acme.example", "ana.pro@acme.example"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_no_page_title_contains_markup(app, auth, client, email, language):
    if email:
        auth.sign_in(email)
    submit(client, "/language", {"lang": language}, page="/account/" if email else "/sign-in")
    paths = pages_without_arguments(app)
    assert "/account/" in paths
    for path in paths:
        page = client.get(path)
        if page.status_code != 200 or page.mimetype != "text/html":
            continue
        title = re.search(r"<title>(.*?)</title>", page.get_data(as_text=True), flags=re.S)
        assert title and "<" not in title.group(1), f"{path}: {title and title.group(1)!r}"


def test_a_title_block_holding_markup_is_an_error_not_a_title(app):
    with app.test_request_context():
        with pytest.raises(ValueError, match="Markup in a page title"):
            render_template_string(
                '{% extends "base.html" %}{% block title %}Mine<h2>x</h2>{% endblock %}'
            )
