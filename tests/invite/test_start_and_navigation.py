"""Starting, leaving and coming back, and the order of the steps."""

import re

from sqlalchemy import func, select

from tests.helpers import h1_of, submit, text_of, title_of
from tests.invite.flow import (
    add_people,
    confirm_licenses,
    draft_of,
    heads_up,
    send,
    start,
    textarea,
)
from wizard.extensions import db
from wizard.models import WizardDraft


def test_the_start_page_says_what_happens_checks_prerequisites_and_links_the_guide(auth, client):
    auth.sign_in()
    page = client.get("/users/add/")
    html, text = page.get_data(as_text=True), text_of(page)
    assert h1_of(page) == "Add existing Pro users to your business account"
    assert "You are the owner of Acme Corp." in text
    assert "8 licenses are free for Licensed users." in text
    assert 'href="/guide/"' in html and 'href="/guide/quick-guide.pdf"' in html
    assert "Nothing is sent until the last step." in text


def test_an_admin_can_start_and_an_individual_is_told_what_is_missing(app, auth, client):
    auth.sign_in("admin@acme.example")
    assert "You are an admin of Acme Corp." in text_of(client.get("/users/add/"))
    base = start(client)
    auth.sign_out()
    auth.sign_in("ana.pro@acme.example")
    for path in ("/users/add/", f"{base}/people"):
        response = client.get(path)
        assert response.status_code == 403
        assert h1_of(response) == "You need a business account for this"


def test_leaving_and_coming_back_offers_to_continue_or_start_over(app, auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, "ana.pro@acme.example\ngus@acme.example")
    page = client.get("/users/add/")
    assert "You have a list you have not sent yet It has 2 people in it." in text_of(page)
    resumed = submit(client, "/users/add/", {"start": "continue"})
    assert resumed.location == f"{base}/heads-up"
    again = client.get(f"{base}/people")
    assert textarea(again) == "ana.pro@acme.example\ngus@acme.example"

    assert start(client, start_over=True) == base
    assert "gus@acme.example" not in client.get(f"{base}/people").get_data(as_text=True)
    assert client.get(f"{base}/heads-up").location == f"{base}/people"
    with app.app_context():
        assert db.session.scalar(select(func.count(WizardDraft.id))) == 1


def test_a_later_step_redirects_to_the_first_incomplete_one(auth, client):
    auth.sign_in()
    base = start(client)
    for step in ("heads-up", "licenses", "check", "heads-up.txt", "check/invitation-email"):
        assert client.get(f"{base}/{step}").location == f"{base}/people"
    add_people(client, base, "gus@acme.example")
    assert client.get(f"{base}/check").location == f"{base}/heads-up"
    assert client.get(f"{base}/sent").location == f"{base}/heads-up"
    heads_up(client, base, "skip")
    assert client.get(f"{base}/check").location == f"{base}/licenses"
    # Send re-checks every step: it does not trust that the check page was ever shown.
    response = submit(client, f"{base}/send", {}, page=f"{base}/people")
    assert response.location == f"{base}/licenses"
    assert "Answer this step first. Nothing was sent." in text_of(client.get(response.location))


def test_another_accounts_draft_is_not_found(app, auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, "gus@acme.example")
    auth.sign_out()
    auth.sign_in("owner@globex.example")
    for step in ("people", "heads-up", "heads-up.txt", "licenses", "check", "sent"):
        assert client.get(f"{base}/{step}").status_code == 404
    token_page = client.get("/users/add/")
    assert submit(client, f"{base}/send", {}, page="/users/add/").status_code == 404
    assert (
        submit(
            client, f"{base}/people", {"addresses": "x@globex.example"}, page="/users/add/"
        ).status_code
        == 404
    )
    assert "acme" not in text_of(token_page).lower()
    assert draft_of(app, base).data["people"]["people"][0]["email"] == "gus@acme.example"


def test_every_step_has_one_h1_a_title_that_starts_with_it_unique_ids_and_a_back_link(auth, client):
    auth.sign_in()
    base = start(client)
    pages = [("/users/add/", "/users/")]
    add_people(client, base, "Ana Pro <ana.pro@acme.example>, bad")
    pages.append((f"{base}/people", "/users/add/"))
    submit(
        client,
        f"{base}/people",
        {
            "addresses": "Ana Pro <ana.pro@acme.example>, bad",
            "default_type": "basic",
            "leave_out": "1",
        },
    )
    pages.append((f"{base}/heads-up", f"{base}/people"))
    heads_up(client, base, "mark")
    pages.append((f"{base}/licenses", f"{base}/heads-up"))
    confirm_licenses(client, base)
    pages.append((f"{base}/check", f"{base}/licenses"))
    for path, back in pages:
        page = client.get(path)
        html = page.get_data(as_text=True)
        assert page.status_code == 200, path
        assert title_of(page).startswith(h1_of(page)), path
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), (path, sorted(i for i in ids if ids.count(i) > 1))
        assert f'href="{back}" id="back-link"' in html, path
        assert "<script>" not in html and ' style="' not in html, path
    sent = client.get(send(client, base).location)
    assert h1_of(sent) == "1 invitation is on its way"
    assert title_of(sent).startswith(h1_of(sent))
