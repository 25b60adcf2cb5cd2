"""No dead ends beyond the blocker pages (issue 20): every message anywhere that asks for
something to be done first ("Make them an admin first", "Verify a domain first", "buy more
licenses", "Take licenses back first", "hand ownership to an admin first") carries a link to
the page where it can be done, and that page answers 200 to the person reading it."""

import re
from html import unescape

from sqlalchemy import select, update

from tests.accept.test_every_message_leads_somewhere import follow_every_link
from tests.helpers import signed_in, submit
from tests.manage.test_resend_seats import three_expired_licensed
from wizard.extensions import db
from wizard.manage.roles import Refusal
from wizard.models import Account, User

FLASH = re.compile(r'<div class="flash flash--\w+"[^>]*>(.*?)</div>', re.S)
HREF = re.compile(r'<a\b[^>]*\bhref="([^"]+)"')


def flashed_links(response) -> list[str]:
    flashes = FLASH.findall(response.get_data(as_text=True))
    assert flashes, "no message was shown"
    return [unescape(h) for f in flashes for h in HREF.findall(f)]


def follow(client, hrefs: list[str], needed: str) -> None:
    assert any(h.startswith(needed) for h in hrefs), hrefs
    for href in hrefs:
        assert client.get(href).status_code == 200, href


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def seats(app, business: str, number: int) -> None:
    with app.app_context():
        db.session.execute(update(Account).where(Account.name == business)
                           .values(license_seats=number))
        db.session.commit()


def test_the_owner_cannot_be_demoted_and_is_sent_to_the_handover(app):
    owner = signed_in(app, "owner@acme.example")
    me = user_id(app, "owner@acme.example")
    done = submit(owner, f"/users/{me}/role", {"role": "member"}, page="/users/",
                  follow_redirects=True)
    assert "hand ownership to an admin first" in done.get_data(as_text=True)
    follow(owner, flashed_links(done), "/users/ownership")


def test_not_an_admin_links_to_making_them_one(app):
    """Reached only in a race (the ownership form offers admins only), so asked directly."""
    from flask_login import login_user

    from wizard.manage.roles import Change
    from wizard.manage.views.roles import _refusal_message

    with app.test_request_context():
        owner, member = (db.session.execute(select(User).where(User.email == e)).scalar_one()
                         for e in ("owner@acme.example", "member@acme.example"))
        login_user(owner)
        message = str(_refusal_message(Change(member=member, refusal=Refusal.NOT_ADMIN)))
    assert "Make them an admin first" in message
    href = unescape(HREF.search(message).group(1))
    assert href == f"/users/{user_id(app, 'member@acme.example')}/role?to=admin"
    assert signed_in(app, "owner@acme.example").get(href).status_code == 200


def test_no_free_license_links_to_the_licenses_page(app):
    seats(app, "Acme Corp", 2)  # the owner and the admin hold both
    owner = signed_in(app, "owner@acme.example")
    member = user_id(app, "member@acme.example")
    done = submit(owner, f"/users/{member}/license", {"back": "/users/"}, page="/users/",
                  follow_redirects=True)
    assert "There is no free license for Mia Member" in done.get_data(as_text=True)
    follow(owner, flashed_links(done), "/users/licenses/")


def test_development_billing_refusing_fewer_licenses_links_to_the_users_page(app):
    app.config["DEMO_MODE"] = True
    owner = signed_in(app, "owner@acme.example")
    with app.app_context():
        acme = db.session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
    page = f"/dev/billing/?account={acme}&seats=1&return_to=/users/licenses/"
    done = submit(owner, page, follow_redirects=True)
    assert "Take licenses back first." in done.get_data(as_text=True)
    follow(owner, flashed_links(done), "/users/")


def test_single_sign_on_without_a_verified_domain_links_to_the_domains_page(app):
    owner = signed_in(app, "owner@globex.example")
    done = submit(owner, "/users/single-sign-on/switch", {"on": "1"},
                  page="/users/single-sign-on", follow_redirects=True)
    assert "Verify a domain first" in done.get_data(as_text=True)
    follow(owner, flashed_links(done), "/users/domains/")


def test_resending_with_too_few_licenses_links_to_buying_more(app):
    ids = three_expired_licensed(app)
    seats(app, "Acme Corp", 4)
    owner = signed_in(app, "owner@acme.example")
    page = owner.get("/users/pending/resend?" + "&".join(f"ids={i}" for i in ids))
    assert re.search(r'href="/users/licenses/\?return_to=[^"]+"[^>]*id="buy-licenses"', page.text)
    follow_every_link(app, owner, page)
