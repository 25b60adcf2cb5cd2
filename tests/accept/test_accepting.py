"""Refund details and accepting: one transaction, once, with the amount from the server."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.accept.factory import count, invitation_for, invite, subscription_of, user
from tests.helpers import csrf_token, h1_of, submit, text_of
from wizard.extensions import db
from wizard.models import (
    AuditEvent,
    InvitationStatus,
    OutboxEmail,
    RefundRecord,
    Role,
    Subscription,
    UserType,
)

# The owner may be told too: these tests are about the invitee's receipt.
receipts = select(OutboxEmail).where(OutboxEmail.kind == "receipt")


def choose(client, token, **data):
    return submit(client, f"/invitation/{token}/refund", data)


def test_the_refund_step_shows_the_amount_the_card_and_a_prefilled_receipt_address(
    client, auth, ana_link
):
    auth.sign_in("ana.pro@acme.example")
    page = client.get(f"/invitation/{ana_link}/refund")
    assert h1_of(page) == "Choose your refund details"
    text = text_of(page)
    assert "Its unused 20 days are worth $10.66" in text
    assert "Refund $10.66 to Visa •••• 4242" in text
    assert "Transfer $10.66 as credit to Acme Corp" in text
    assert 'value="ana.pro@acme.example"' in page.get_data(as_text=True)
    assert "You cannot undo this yourself afterwards" in text


def test_confirming_a_refund_to_the_card_joins_the_business_in_one_go(
    app, client, auth, ana_link
):
    auth.sign_in("ana.pro@acme.example")
    response = choose(client, ana_link, method="refund", receipt_email="Ana@Home.example")
    assert response.location == f"/invitation/{ana_link}"
    done = client.get(response.location)
    assert h1_of(done) == "You are in Acme Corp"
    assert "$10.66 refunded to Visa •••• 4242" in text_of(done)
    assert "You are now a member of Acme Corp." in text_of(done)
    with app.app_context():
        ana = user("ana.pro@acme.example")
        invitation = invitation_for(ana_link)
        assert ana.account_id == invitation.account_id
        assert (ana.role, ana.user_type) == (Role.MEMBER, UserType.LICENSED)
        # The old individual account keeps its subscription, cancelled.
        old_plan = db.session.execute(
            select(Subscription).where(Subscription.payment_method_label == "Visa •••• 4242")
        ).scalar_one()
        assert old_plan.cancelled_at is not None and old_plan.account_id != ana.account_id
        assert invitation.status == InvitationStatus.ACCEPTED
        assert invitation.accepted_user_id == ana.id
        assert invitation.responded_at is not None
        refund = db.session.execute(select(RefundRecord)).scalar_one()
        assert (refund.amount, refund.currency, refund.method) == (
            Decimal("10.66"), "USD", "refund"
        )
        assert refund.payment_method_label == "Visa •••• 4242"
        assert refund.receipt_email == "ana@home.example"
        assert refund.invitation_id == invitation.id
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "accepted")
        ).scalar_one()
        assert event.invitation_id == invitation.id and event.actor_id == ana.id
        mail = db.session.execute(receipts).scalar_one()
        assert (mail.kind, mail.to_address, mail.locale) == ("receipt", "ana@home.example", "en")
        assert mail.context["amount"] == "10.66"


def test_credit_to_the_business_is_recorded_as_credit(app, client, auth, ana_link):
    auth.sign_in("ana.pro@acme.example")
    choose(client, ana_link, method="credit", receipt_email="ana.pro@acme.example")
    assert "$10.66 transferred as credit to Acme Corp" in text_of(
        client.get(f"/invitation/{ana_link}")
    )
    with app.app_context():
        assert db.session.execute(select(RefundRecord.method)).scalar_one() == "credit"


def test_the_amount_comes_from_the_server_never_from_the_form(app, client, auth, ana_link):
    auth.sign_in("ana.pro@acme.example")
    choose(client, ana_link, method="refund", receipt_email="ana.pro@acme.example",
           amount="9999.00", currency="EUR")
    with app.app_context():
        refund = db.session.execute(select(RefundRecord)).scalar_one()
        assert (refund.amount, refund.currency) == (Decimal("10.66"), "USD")


def test_no_choice_or_a_made_up_one_is_explained_and_the_address_kept(
    app, client, auth, ana_link
):
    auth.sign_in("ana.pro@acme.example")
    for data in ({}, {"method": "cash"}):
        response = choose(client, ana_link, receipt_email="receipts@home.example", **data)
        assert response.status_code == 200
        text = text_of(response)
        assert "There is a problem" in text
        assert "Choose a refund to your card or a credit to the business" in text
        assert 'value="receipts@home.example"' in response.get_data(as_text=True)
    response = choose(client, ana_link, method="credit", receipt_email="not an address")
    assert "Enter an email address in the right format, like name@example.com" in text_of(response)
    assert re.search(r'<input[^>]* checked[^>]*value="credit"', response.get_data(as_text=True))
    with app.app_context():
        assert invitation_for(ana_link).status == InvitationStatus.PENDING
        assert count(RefundRecord) == 0


def test_a_double_click_accepts_once(app, client, auth, ana_link):
    auth.sign_in("ana.pro@acme.example")
    page = client.get(f"/invitation/{ana_link}/refund").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "method": "refund",
            "receipt_email": "ana.pro@acme.example"}
    first = client.post(f"/invitation/{ana_link}/refund", data=data)
    second = client.post(f"/invitation/{ana_link}/refund", data=data)
    assert first.status_code == second.status_code == 302
    assert h1_of(client.get(second.location)) == "You are in Acme Corp"
    with app.app_context():
        assert count(RefundRecord) == 1
        assert count(AuditEvent, AuditEvent.action == "accepted") == 1
        assert count(OutboxEmail, OutboxEmail.kind == "receipt") == 1


def test_a_free_basic_individual_skips_the_refund_step(app, client, auth, dora_link):
    auth.sign_in("dora@acme.example")
    page = client.get(f"/invitation/{dora_link}")
    assert "You have no paid plan, so there is nothing to refund." in text_of(page)
    assert "Continue to refund details" not in text_of(page)
    assert client.get(f"/invitation/{dora_link}/refund").location == f"/invitation/{dora_link}"
    response = submit(client, f"/invitation/{dora_link}/accept", page=f"/invitation/{dora_link}",
                      follow_redirects=True)
    assert h1_of(response) == "You are in Acme Corp"
    with app.app_context():
        dora = user("dora@acme.example")
        assert dora.account_id == invitation_for(dora_link).account_id
        assert dora.user_type == UserType.BASIC
        assert count(RefundRecord) == 0
        assert count(OutboxEmail, OutboxEmail.kind == "receipt") == 0


def test_a_paid_plan_cannot_skip_the_refund_step(app, client, auth, ana_link):
    auth.sign_in("ana.pro@acme.example")
    response = submit(client, f"/invitation/{ana_link}/accept", page=f"/invitation/{ana_link}")
    assert response.location == f"/invitation/{ana_link}/refund"
    with app.app_context():
        assert invitation_for(ana_link).status == InvitationStatus.PENDING
        assert subscription_of("ana.pro@acme.example").cancelled_at is None


def test_afterwards_the_person_signs_in_as_before_and_lands_in_the_business(
    client, auth, ana_link
):
    auth.sign_in("ana.pro@acme.example")
    choose(client, ana_link, method="refund", receipt_email="ana.pro@acme.example")
    auth.sign_out()
    response = auth.sign_in("ana.pro@acme.example", follow_redirects=True)
    text = text_of(response)
    assert "Business account Acme Corp" in text
    assert "Role Member" in text


def test_an_accepted_link_shows_the_outcome_but_no_money_to_anyone_else(
    app, client, auth, ana_link
):
    auth.sign_in("ana.pro@acme.example")
    choose(client, ana_link, method="refund", receipt_email="ana.pro@acme.example")
    auth.sign_out()
    page = client.get(f"/invitation/{ana_link}")
    assert page.status_code == 200
    assert h1_of(page) == "This invitation has been accepted"
    assert "is a member of Acme Corp" in text_of(page)
    assert "$" not in text_of(page)


def test_the_business_audit_trail_holds_no_refund_amount(app, client, auth, ana_link):
    auth.sign_in("ana.pro@acme.example")
    choose(client, ana_link, method="refund", receipt_email="ana.pro@acme.example")
    with app.app_context():
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "accepted")
        ).scalar_one()
        assert "10.66" not in str(event.details)
        assert event.details["refund_method"] == "refund"


def test_a_yearly_plan_in_german_gets_a_german_receipt(app, client, auth):
    token = invite(app, "ben.pro@acme.example")
    auth.sign_in("ben.pro@acme.example")
    choose(client, token, method="credit", receipt_email="ben.pro@acme.example")
    with app.app_context():
        mail = db.session.execute(receipts).scalar_one()
        assert mail.locale == "de"
        assert (mail.context["amount"], mail.context["remaining_days"]) == ("116.09", 265)


def test_the_database_itself_refuses_a_second_refund_for_an_invitation(
    app, client, auth, ana_link
):
    auth.sign_in("ana.pro@acme.example")
    submit(client, f"/invitation/{ana_link}/refund",
           {"method": "refund", "receipt_email": "ana.pro@acme.example"})
    with app.app_context():
        first = db.session.execute(select(RefundRecord)).scalar_one()
        columns = [c.key for c in RefundRecord.__table__.columns if c.key != "id"]
        db.session.add(RefundRecord(**{key: getattr(first, key) for key in columns}))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert count(RefundRecord) == 1


def test_a_stale_form_keeps_what_was_chosen_and_accepts_nothing(app, client, auth, ana_link):
    auth.sign_in("ana.pro@acme.example")
    response = client.post(f"/invitation/{ana_link}/refund", data={
        "csrf_token": "stale", "method": "credit", "receipt_email": "kept@home.example",
    })
    assert response.status_code == 200
    assert "This form had expired, so nothing was saved" in text_of(response)
    html = response.get_data(as_text=True)
    assert 'value="kept@home.example"' in html
    assert re.search(r'<input[^>]* checked[^>]*value="credit"', html)
    with app.app_context():
        assert invitation_for(ana_link).status == InvitationStatus.PENDING


def test_nobody_signed_in_cannot_accept_for_someone(app, client, ana_link):
    response = submit(client, f"/invitation/{ana_link}/accept", page=f"/invitation/{ana_link}")
    assert response.location == f"/invitation/{ana_link}"
    assert client.get(f"/invitation/{ana_link}/refund").location == f"/invitation/{ana_link}"
    with app.app_context():
        assert invitation_for(ana_link).status == InvitationStatus.PENDING
