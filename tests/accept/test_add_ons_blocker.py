"""The add-ons blocker leads somewhere (issue 20): gil's plan has 2 add-ons; the blocker page
and My account link to the development billing page (or BILLING_URL with cancel=add_ons, or
the support team), "Cancel 2 add-ons" clears them, and then gil accepts."""

import pytest
from sqlalchemy import select

from tests.accept.factory import invite, subscription_of, user
from tests.accept.test_no_dead_ends import accept, link_by_id
from tests.helpers import h1_of, submit, text_of
from wizard.extensions import db
from wizard.models import AuditEvent

GIL = "gil.pro@studio.example"


@pytest.fixture
def demo_app(app):
    app.config["DEMO_MODE"] = True
    return app


def test_gil_cancels_his_add_ons_on_the_billing_page_and_then_accepts(demo_app, client, auth):
    token = invite(demo_app, GIL)
    auth.sign_in(GIL)
    blocked = client.get(f"/invitation/{token}")
    assert h1_of(blocked) == "Cancel the add-ons on your plan first"
    assert "Your plan still has 2 add-ons" in text_of(blocked)
    cancel = link_by_id(blocked, "cancel-add-ons")
    billing = client.get(cancel)
    assert billing.status_code == 200 and h1_of(billing) == "Development billing"
    assert "Your plan has 2 add-ons" in text_of(billing)
    assert "Cancel 2 add-ons" in text_of(billing)
    done = submit(client, cancel, follow_redirects=True)
    assert "Done: 2 add-ons are cancelled." in text_of(done)
    assert h1_of(done) != "Cancel the add-ons on your plan first"  # back at the invitation
    assert h1_of(accept(client, token, GIL)) == "You are in Acme Corp"
    with demo_app.app_context():
        assert user(GIL).account.name == "Acme Corp"
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "add_ons_cancelled")
        ).scalar_one()
        assert event.details == {"add_ons": 2} and event.actor_id == user(GIL).id


def test_my_account_shows_the_add_ons_with_a_way_to_cancel_them(demo_app, client, auth):
    auth.sign_in(GIL)
    account = client.get("/account/")
    assert "Your plan has 2 add-ons" in text_of(account)
    cancel = link_by_id(account, "cancel-add-ons")
    assert cancel.startswith("/dev/billing/?") and "cancel=add_ons" in cancel
    back = submit(client, cancel, follow_redirects=True)
    assert h1_of(back) == "My account" and "Your plan has 2 add-ons" not in text_of(back)
    with demo_app.app_context():
        assert subscription_of(GIL).add_ons == 0


def test_try_again_after_the_add_ons_are_gone_offers_the_refund_step(demo_app, client, auth):
    token = invite(demo_app, GIL)
    auth.sign_in(GIL)
    blocked = client.get(f"/invitation/{token}")
    with demo_app.app_context():
        subscription_of(GIL).add_ons = 0
        db.session.commit()
    again = client.get(link_by_id(blocked, "try-again"))
    assert "Cancel the add-ons on your plan" not in text_of(again)
    assert f'href="/invitation/{token}/refund"' in again.text


def test_with_billing_url_the_link_asks_it_to_cancel_the_add_ons(app, client, auth):
    app.config["BILLING_URL"] = "https://billing.example.com/pay"
    token = invite(app, GIL)
    auth.sign_in(GIL)
    href = link_by_id(client.get(f"/invitation/{token}"), "cancel-add-ons")
    with app.app_context():
        account = user(GIL).account_id
    assert href.startswith(f"https://billing.example.com/pay?account={account}&cancel=add_ons&")
    assert "return_to=http%3A%2F%2Finvite.test%2Finvitation%2F" in href


def test_without_billing_url_in_production_the_page_names_support(app, client, auth):
    app.config.update(
        SUPPORT_URL="https://help.example.com/", SUPPORT_EMAIL="help@platform.example"
    )
    token = invite(app, GIL)
    auth.sign_in(GIL)
    for page in (client.get(f"/invitation/{token}"), client.get("/account/")):
        assert 'id="cancel-add-ons"' not in page.text
        assert "To cancel them, contact the platform's support team." in text_of(page)
        assert 'href="https://help.example.com/"' in page.text
        assert 'href="mailto:help@platform.example"' in page.text


def test_with_production_defaults_cancelling_add_ons_is_not_called_a_payment(app, client, auth):
    token = invite(app, GIL)  # no BILLING_URL, no SUPPORT_*, not demo mode
    auth.sign_in(GIL)
    for page in (client.get(f"/invitation/{token}"), client.get("/account/")):
        text = text_of(page)
        assert 'id="cancel-add-ons"' not in page.text
        assert "Cancel the add-ons in the billing settings of your own account on the platform" \
            in text
        assert "payments" not in text.lower()
    account = text_of(client.get("/account/"))
    assert "If you cannot find them there, ask the platform's support team." in account


def test_the_cancel_page_is_a_404_for_another_account_and_changes_nothing(
    demo_app, client, auth
):
    auth.sign_in("emil.pro@acme.example")
    with demo_app.app_context():
        gils = user(GIL).account_id
    page = f"/dev/billing/?account={gils}&cancel=add_ons"
    assert client.get(page).status_code == 404
    assert submit(client, page, page="/account/").status_code == 404
    with demo_app.app_context():
        assert subscription_of(GIL).add_ons == 2


def test_in_german_the_blocker_and_the_billing_page_speak_german(demo_app, client, auth):
    token = invite(demo_app, GIL)
    with demo_app.app_context():
        user(GIL).locale = "de"
        db.session.commit()
    auth.sign_in(GIL)
    blocked = client.get(f"/invitation/{token}")
    assert h1_of(blocked) == "Kündigen Sie zuerst die Add-ons Ihres Tarifs"
    billing = client.get(link_by_id(blocked, "cancel-add-ons"))
    assert "2 Add-ons kündigen" in text_of(billing)
