"""No dead ends (issue 20, "Done when"): every blocker page an invitee can meet, and every
warning the owner reads before sending, links only to pages that exist in this app (each
answers 200 to the person reading it) or to a configured setting (BILLING_URL, SUPPORT_URL,
SUPPORT_EMAIL). A message that names a page must carry its link: the pages below also must
have at least one way forward besides declining."""

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from tests.accept.factory import invite
from tests.helpers import h1_of, signed_in, text_of
from tests.invite.flow import add_people, confirm_licenses, heads_up, start
from wizard.extensions import db
from wizard.models import User
from wizard.models.types import utcnow

MAIN = re.compile(r"<main\b.*?</main>", re.S)
HREF = re.compile(r'<a\b[^>]*\bhref="([^"]+)"')


def links_in_main(response) -> list[str]:
    main = MAIN.search(response.get_data(as_text=True))
    assert main, f"no <main> on {h1_of(response)!r}"
    return [unescape(h) for h in HREF.findall(main.group(0)) if not h.startswith("#")]


def is_a_person_here(app, address: str) -> bool:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == address)) is not None


def follow_every_link(app, client, response) -> list[str]:
    """GET every link of the page's main content; external ones must be a configured setting."""
    config = app.config
    allowed = [v for v in (config.get("BILLING_URL"), config.get("SUPPORT_URL")) if v]
    if config.get("SUPPORT_EMAIL"):
        allowed.append("mailto:" + config["SUPPORT_EMAIL"])
    followed = []
    for href in links_in_main(response):
        if href.startswith("mailto:") and is_a_person_here(app, href.removeprefix("mailto:")):
            continue  # write to the owner who can unblock you: a person of this app
        if re.match(r"[a-z]+:", href):
            assert any(href.startswith(a) for a in allowed), f"{h1_of(response)!r}: {href}"
            continue
        target = client.get(href, follow_redirects=True)
        status = target.status_code
        assert status == 200, f"{h1_of(response)!r} links to {href}: {status}"
        followed.append(href)
    return followed


# (invited address, how the invitation is made, the h1 of the page they meet, a link it needs)
BLOCKERS = [
    ("emil.pro@acme.example", {}, "Pay your outstanding balance first", "/dev/billing/"),
    ("fay.pro@acme.example", {}, "Remove the other users from your account first",
     "/account/"),
    ("gil.pro@studio.example", {}, "Cancel the add-ons on your plan first", "/dev/billing/"),
    ("admin@globex.example", {}, "You are already in another business account", "/invitation/"),
    ("owner@globex.example", {}, "You are already in another business account",
     "/users/ownership"),
]


@pytest.fixture
def demo_app(app):
    app.config["DEMO_MODE"] = True  # the development billing page stands in for BILLING_URL
    return app


@pytest.mark.parametrize(("email", "how", "h1", "needed"), BLOCKERS, ids=[b[0] for b in BLOCKERS])
def test_every_blocker_page_leads_only_to_pages_that_exist(demo_app, email, how, h1, needed):
    token = invite(demo_app, email, **how)
    client = signed_in(demo_app, email)
    page = client.get(f"/invitation/{token}")
    assert h1_of(page) == h1
    followed = follow_every_link(demo_app, client, page)
    assert any(href.startswith(needed) for href in followed), followed
    assert f"/invitation/{token}" in followed  # Try again


def test_the_balance_blocker_with_billing_url_and_support_settings_links_to_them(app):
    app.config.update(BILLING_URL="https://billing.example.com/pay",
                      SUPPORT_URL="https://help.example.com/")
    token = invite(app, "emil.pro@acme.example")
    client = signed_in(app, "emil.pro@acme.example")
    page = client.get(f"/invitation/{token}")
    assert any(h.startswith("https://billing.example.com/pay?") for h in links_in_main(page))
    follow_every_link(app, client, page)


def test_the_balance_blocker_without_a_payment_page_names_support_and_no_dead_link(app):
    app.config["SUPPORT_EMAIL"] = "help@platform.example"
    token = invite(app, "emil.pro@acme.example")
    client = signed_in(app, "emil.pro@acme.example")
    page = client.get(f"/invitation/{token}")
    assert "mailto:help@platform.example" in links_in_main(page)
    follow_every_link(app, client, page)


# Each blocker says its own next step: paying the balance is a payment, cancelling add-ons
# is not, and neither is something the owner can do in this app.
OWN_STEP = {
    "emil.pro@acme.example": (
        "This app cannot take payments yet: pay the balance in the billing settings of your own "
        "account on the platform. If you cannot find them there, write to Olivia Owner, the "
        "owner of Acme Corp, at owner@acme.example: they can ask the platform for you."
    ),
    "gil.pro@studio.example": (
        "Cancel the add-ons in the billing settings of your own account on the platform (this "
        "app has no link to them). If you cannot find them there, write to Olivia Owner, the "
        "owner of Acme Corp, at owner@acme.example: they can ask the platform to cancel them "
        "for you."
    ),
}


@pytest.mark.parametrize("email", list(OWN_STEP))
def test_without_a_payment_page_or_support_the_blocker_names_the_owner_to_write_to(app, email):
    token = invite(app, email)
    client = signed_in(app, email)
    page = client.get(f"/invitation/{token}")
    notice = re.sub(r" ([:.,])", r"\1", text_of(page))  # text_of spaces out the link
    assert "people who run it" not in notice
    assert "arrange it with the platform" not in notice
    assert OWN_STEP[email] in notice
    assert "mailto:owner@acme.example" in links_in_main(page)
    assert "contact the platform's support team" not in notice  # there is none configured
    follow_every_link(app, client, page)


def test_the_expired_page_leads_only_to_pages_that_exist(app):
    token = invite(app, "ana.pro@acme.example", now=utcnow() - timedelta(days=40))
    client = signed_in(app, "ana.pro@acme.example")
    page = client.get(f"/invitation/{token}")
    follow_every_link(app, client, page)


def test_the_owners_warnings_before_sending_lead_only_to_pages_that_exist(app):
    owner = signed_in(app, "owner@acme.example")
    base = start(owner)
    add_people(owner, base, "emil.pro@acme.example\nfay.pro@acme.example")
    heads_up(owner, base)
    licenses = owner.get(f"{base}/licenses")
    warning = re.search(r'<div[^>]*id="blocked-warning".*?</div>', licenses.text, re.S).group(0)
    assert HREF.findall(warning) == [f"{base}/heads-up"]
    assert owner.get(f"{base}/heads-up").status_code == 200
    confirm_licenses(owner, base)
    check = owner.get(f"{base}/check")
    row = re.search(r'id="blocked-answer".*?</div>', check.text, re.S).group(0)
    for href in HREF.findall(row):
        assert owner.get(unescape(href)).status_code == 200, href
    follow_every_link(app, owner, check)
