"""Every blocker of the individual's own account leads to a page where it can be resolved, and
from there back to a successful acceptance (issue 20: emil pays, fay removes her users)."""

import re

import pytest
from sqlalchemy import select

from tests.accept.factory import invitation_for, invite, subscription_of, user
from tests.helpers import h1_of, submit, text_of
from wizard.extensions import db
from wizard.models import AuditEvent, InvitationStatus, OtherUser, OutboxEmail

REFUND = {"method": "refund"}


def link_by_id(response, element_id: str) -> str:
    match = re.search(rf'<a [^>]*href="([^"]+)"[^>]*id="{element_id}"', response.text) or re.search(
        rf'<a [^>]*id="{element_id}"[^>]*href="([^"]+)"', response.text
    )
    assert match, f"no link #{element_id} on {h1_of(response)!r}"
    return match.group(1).replace("&amp;", "&")


def accept(client, token, email):
    submit(client, f"/invitation/{token}/refund", {**REFUND, "receipt_email": email},
           page=f"/invitation/{token}/refund")
    return client.get(f"/invitation/{token}")


@pytest.fixture
def demo_app(app):
    app.config["DEMO_MODE"] = True
    return app


def test_emil_pays_his_balance_on_the_billing_page_and_then_accepts(demo_app, client, auth):
    token = invite(demo_app, "emil.pro@acme.example")
    auth.sign_in("emil.pro@acme.example")
    blocked = client.get(f"/invitation/{token}")
    assert h1_of(blocked) == "Pay your outstanding balance first"
    billing = client.get(link_by_id(blocked, "pay-balance"))
    assert billing.status_code == 200 and h1_of(billing) == "Development billing"
    assert "$15.99" in text_of(billing)
    paid = submit(client, link_by_id(blocked, "pay-balance"), follow_redirects=True)
    assert "Thank you: $15.99 is paid." in text_of(paid)
    assert h1_of(paid) != "Pay your outstanding balance first"  # back at the invitation
    done = accept(client, token, "emil.pro@acme.example")
    assert h1_of(done) == "You are in Acme Corp"
    with demo_app.app_context():
        assert user("emil.pro@acme.example").account.name == "Acme Corp"
        paid_event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "balance_paid")
        ).scalar_one()
        assert paid_event.details == {"amount": "15.99", "currency": "USD"}


def test_a_blocker_page_offers_try_again_back_to_the_invitation(demo_app, client, auth):
    token = invite(demo_app, "emil.pro@acme.example")
    auth.sign_in("emil.pro@acme.example")
    blocked = client.get(f"/invitation/{token}")
    assert link_by_id(blocked, "try-again") == f"/invitation/{token}"
    with demo_app.app_context():
        subscription_of("emil.pro@acme.example").outstanding_balance = 0
        db.session.commit()
    again = client.get(link_by_id(blocked, "try-again"))
    assert "Pay your outstanding balance first" not in text_of(again)
    assert f'href="/invitation/{token}/refund"' in again.text  # paid plan: refund details next


def test_fay_removes_her_other_users_and_then_accepts(demo_app, client, auth):
    token = invite(demo_app, "fay.pro@acme.example")
    auth.sign_in("fay.pro@acme.example")
    blocked = client.get(f"/invitation/{token}")
    assert h1_of(blocked) == "Remove the other users from your account first"
    account = client.get(link_by_id(blocked, "remove-other-users"))
    assert account.status_code == 200 and "Finn" in text_of(account) and "Flora" in text_of(account)
    for remove in sorted(set(re.findall(r'href="(/account/users/\d+/remove)"', account.text))):
        confirm = client.get(remove)
        assert h1_of(confirm).endswith("from your account?")
        done = submit(client, remove, follow_redirects=True)
        assert "is removed from your account. We have told them by email." in text_of(done)
    assert "Nobody else uses your account." in text_of(client.get("/account/"))
    again = client.get(link_by_id(blocked, "try-again"))
    assert "Remove the other users" not in text_of(again)
    assert h1_of(accept(client, token, "fay.pro@acme.example")) == "You are in Acme Corp"
    with demo_app.app_context():
        mails = {m.to_address: m for m in db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.kind == "other_user_removed"))}
        assert mails["finn@fay-family.example"].locale == "en"
        assert mails["flora@fay-family.example"].locale == "de"  # in the removed person's language
        assert mails["flora@fay-family.example"].context["holder_name"] == "Fay Pro"


def test_someone_elses_other_user_is_a_404_and_stays(app, client, auth):
    with app.app_context():
        finn = db.session.execute(
            select(OtherUser).where(OtherUser.email == "finn@fay-family.example")
        ).scalar_one().id
    auth.sign_in("emil.pro@acme.example")
    assert client.get(f"/account/users/{finn}/remove").status_code == 404
    assert submit(client, f"/account/users/{finn}/remove", page="/account/").status_code == 404
    with app.app_context():
        assert db.session.get(OtherUser, finn) is not None


def test_the_billing_page_is_a_404_outside_demo_mode_and_for_another_account(
    app, demo_app, client, auth
):
    auth.sign_in("emil.pro@acme.example")
    with app.app_context():
        emil_account = user("emil.pro@acme.example").account_id
        fay_account = user("fay.pro@acme.example").account_id
    assert client.get(f"/dev/billing/?account={fay_account}&amount=1").status_code == 404
    app.config["DEMO_MODE"] = False
    assert client.get(f"/dev/billing/?account={emil_account}&amount=1").status_code == 404


def test_with_billing_url_the_pay_link_carries_the_account_and_amount(app, client, auth):
    app.config["BILLING_URL"] = "https://billing.example.com/pay?lang=en"
    token = invite(app, "emil.pro@acme.example")
    auth.sign_in("emil.pro@acme.example")
    href = link_by_id(client.get(f"/invitation/{token}"), "pay-balance")
    with app.app_context():
        account = user("emil.pro@acme.example").account_id
    assert href.startswith("https://billing.example.com/pay?lang=en&account=")
    assert f"account={account}&amount=15.99&currency=USD&return_to=" in href
    assert "return_to=http%3A%2F%2Finvite.test%2Finvitation%2F" in href


def test_without_billing_url_in_production_the_page_names_support_not_a_dead_link(
    app, client, auth
):
    app.config["SUPPORT_EMAIL"] = "billing-help@platform.example"
    token = invite(app, "emil.pro@acme.example")
    auth.sign_in("emil.pro@acme.example")
    for page in (client.get(f"/invitation/{token}"), client.get("/account/")):
        assert 'id="pay-balance"' not in page.text
        assert "Contact support at billing-help@platform.example" in text_of(page)
        assert 'href="mailto:billing-help@platform.example"' in page.text


def test_the_invitation_stays_pending_until_the_person_accepts(demo_app, client, auth):
    token = invite(demo_app, "fay.pro@acme.example")
    auth.sign_in("fay.pro@acme.example")
    account = client.get("/account/")
    remove = re.findall(r'href="(/account/users/\d+/remove)"', account.text)[0]
    submit(client, remove)
    with demo_app.app_context():
        assert invitation_for(token).status == InvitationStatus.PENDING


def test_paying_never_sends_anyone_to_another_site(demo_app, client, auth):
    auth.sign_in("emil.pro@acme.example")
    with demo_app.app_context():
        account = user("emil.pro@acme.example").account_id
    page = f"/dev/billing/?account={account}&amount=15.99&currency=USD"
    response = submit(client, f"{page}&return_to=https://evil.example/", page=page)
    assert response.status_code == 302 and response.location == "/account/"


def test_a_second_blocker_links_to_where_it_is_resolved(demo_app, client, auth):
    with demo_app.app_context():
        emil = user("emil.pro@acme.example")
        db.session.add(OtherUser(account_id=emil.account_id, email="eva@example.org", name="Eva"))
        db.session.commit()
    token = invite(demo_app, "emil.pro@acme.example")
    auth.sign_in("emil.pro@acme.example")
    page = client.get(f"/invitation/{token}")
    assert '<a href="/account/#other-users">Remove the other users from your account.</a>' in (
        page.text
    )
    assert client.get("/account/").status_code == 200
