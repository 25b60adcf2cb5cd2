"""Accepting re-checks the seat: Licensed members never exceed the licenses bought.

A pending Licensed invitation holds a seat, but licenses can be bought fewer meanwhile (or
given out in a race): when none is free at the moment of joining, the person joins as
Basic, and both sides are told.
"""

import pytest
from sqlalchemy import select, update

from tests.accept.factory import count, invite, user
from tests.helpers import h1_of, submit, text_of
from wizard.accept import acceptance
from wizard.accept.acceptance import Outcome
from wizard.delivery.mailer import render_email
from wizard.extensions import db
from wizard.models import Account, AuditEvent, OutboxEmail, Role, User, UserType

NO_LICENSE = (
    "No license was free when you joined, so you joined as a Basic user. "
    "Ask Olivia Owner to assign you one."
)


def licenses_bought(app, seats: int) -> None:
    with app.app_context():
        db.session.execute(
            update(Account).where(Account.name == "Acme Corp").values(license_seats=seats)
        )
        db.session.commit()


def licensed_in_acme() -> int:
    return count(
        User,
        User.account_id == user("owner@acme.example").account_id,
        User.user_type == UserType.LICENSED,
    )


def test_with_every_license_in_use_a_licensed_invitee_joins_as_basic_and_both_sides_are_told(
    app, client, auth
):
    token = invite(app, "ana.pro@acme.example", user_type=UserType.LICENSED)
    licenses_bought(app, 2)  # the owner's and the admin's
    auth.sign_in("ana.pro@acme.example")
    done = submit(
        client,
        f"/invitation/{token}/refund",
        {"method": "refund", "receipt_email": "ana.pro@acme.example"},
        follow_redirects=True,
    )
    assert h1_of(done) == "You are in Acme Corp"
    text = text_of(done)
    assert NO_LICENSE in text
    assert "User type Basic" in text
    with app.app_context():
        assert user("ana.pro@acme.example").user_type == UserType.BASIC
        assert licensed_in_acme() == 2
        receipt = db.session.execute(
            select(OutboxEmail).where(OutboxEmail.kind == "receipt")
        ).scalar_one()
        mail = render_email("receipt", locale="en", context=receipt.context)
        assert NO_LICENSE in mail.text and NO_LICENSE in mail.html
        told = db.session.execute(
            select(OutboxEmail).where(OutboxEmail.kind == "joined_without_license")
        ).scalar_one()
        assert told.to_address == "owner@acme.example"
        inviter_mail = render_email(told.kind, locale=told.locale, context=told.context)
        assert "All 2 licenses were in use at that moment" in inviter_mail.text
        assert "joined Acme Corp as a Basic user" in inviter_mail.subject
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "accepted")
        ).scalar_one()
        assert event.details["user_type"] == "basic" and event.details["no_free_license"]


def test_an_inviter_who_no_longer_manages_is_not_told_and_the_owner_is_instead(app):
    token = invite(app, "dora@acme.example", user_type=UserType.LICENSED,
                   inviter="admin@acme.example")
    licenses_bought(app, 2)
    with app.app_context():
        user("admin@acme.example").role = Role.MEMBER  # made a member since (still Licensed)
        db.session.commit()
        acceptance.accept_invitation(token, user("dora@acme.example").id)
        [told] = db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.kind == "joined_without_license")
        ).all()
        assert told.to_address == "owner@acme.example"
        mail = render_email(told.kind, locale=told.locale, context=told.context)
        assert mail.text.startswith("Hello Olivia Owner,")
        assert "accepted an invitation to join Acme Corp as a Licensed user" in mail.text
        assert "your invitation" not in mail.text and "your invitation" not in mail.html


def test_the_audit_log_says_that_no_license_was_free(app, client, auth):
    token = invite(app, "dora@acme.example", user_type=UserType.LICENSED)
    licenses_bought(app, 2)
    auth.sign_in("dora@acme.example")
    submit(client, f"/invitation/{token}/accept", {}, page=f"/invitation/{token}")
    auth.sign_out()
    auth.sign_in("owner@acme.example")
    log = text_of(client.get("/users/audit-log/"))
    assert "No license was free when they joined, so they joined as a Basic user." in log


def test_a_new_account_made_when_no_license_is_free_is_basic_and_the_inviter_is_told(app):
    token = invite(app, "gus@acme.example", user_type=UserType.LICENSED)
    licenses_bought(app, 2)
    with app.app_context():
        result = acceptance.accept_with_new_account(
            token, name="Gus", password="a long passphrase", locale="en"
        )
        assert result.outcome == Outcome.DONE and result.joined_as_basic
        assert user("gus@acme.example").user_type == UserType.BASIC
        assert count(OutboxEmail, OutboxEmail.kind == "joined_without_license") == 1


def test_with_a_license_free_the_invitee_joins_licensed_and_nobody_is_warned(app, client, auth):
    token = invite(app, "dora@acme.example", user_type=UserType.LICENSED)
    licenses_bought(app, 3)
    auth.sign_in("dora@acme.example")
    done = submit(
        client,
        f"/invitation/{token}/accept",
        {},
        page=f"/invitation/{token}",
        follow_redirects=True,
    )
    assert NO_LICENSE not in text_of(done) and "User type Licensed" in text_of(done)
    with app.app_context():
        assert user("dora@acme.example").user_type == UserType.LICENSED
        assert count(OutboxEmail, OutboxEmail.kind == "joined_without_license") == 0


NO_LICENSE_NOW = "No license is free in Acme Corp right now."


def test_with_every_license_in_use_the_pro_invitee_is_told_before_confirming_they_join_as_basic(
    app, client, auth
):
    token = invite(app, "ana.pro@acme.example", user_type=UserType.LICENSED)
    licenses_bought(app, 2)  # the owner's and the admin's
    auth.sign_in("ana.pro@acme.example")
    text = text_of(client.get(f"/invitation/{token}"))
    assert NO_LICENSE_NOW in text
    assert "You would join as Basic user: no license is free right now" in text
    assert ("first ask Olivia Owner, the owner of Acme Corp, at owner@acme.example to free a "
            "license or buy one, then open this link again. Or join now as a Basic user") in text
    assert "You have Pro today, so this is what you lose:" in text
    assert "you keep the Pro features" not in text and "pays for your license" not in text
    refund = text_of(client.get(f"/invitation/{token}/refund"))
    assert NO_LICENSE_NOW in refund
    assert "You join Acme Corp as a Basic user." in refund
    assert "You lose the Pro features until Acme Corp gives you a license." in refund
    assert "as a Licensed user." not in refund


@pytest.mark.parametrize("email", ["dora@acme.example", "gus@acme.example"])
def test_with_every_license_in_use_a_free_or_new_invitee_is_not_promised_the_pro_features(
    app, client, auth, email
):
    token = invite(app, email, user_type=UserType.LICENSED)
    licenses_bought(app, 2)
    if email == "dora@acme.example":
        auth.sign_in(email)
    text = text_of(client.get(f"/invitation/{token}"))
    assert NO_LICENSE_NOW in text
    assert "so you get the Pro features" not in text and "pays for your license" not in text


def test_with_a_license_free_the_invitation_page_promises_the_license(app, client, auth):
    token = invite(app, "ana.pro@acme.example", user_type=UserType.LICENSED)
    licenses_bought(app, 3)
    auth.sign_in("ana.pro@acme.example")
    text = text_of(client.get(f"/invitation/{token}"))
    assert NO_LICENSE_NOW not in text
    assert "You would join as Licensed user (Pro features)" in text
    assert "so you keep the Pro features" in text
    assert "You join Acme Corp as a Licensed user." in text_of(
        client.get(f"/invitation/{token}/refund")
    )


def test_a_license_taken_back_after_joining_is_not_told_as_none_free_when_they_joined(
    app, client, auth
):
    token = invite(app, "dora@acme.example", user_type=UserType.LICENSED)
    licenses_bought(app, 3)
    auth.sign_in("dora@acme.example")
    submit(client, f"/invitation/{token}/accept", {}, page=f"/invitation/{token}")
    with app.app_context():  # later, the owner takes her license back
        user("dora@acme.example").user_type = UserType.BASIC
        db.session.commit()
    text = text_of(client.get(f"/invitation/{token}"))
    assert "User type Basic" in text
    assert NO_LICENSE not in text


def test_given_a_license_after_joining_as_basic_the_page_no_longer_asks_for_one(
    app, client, auth
):
    token = invite(app, "dora@acme.example", user_type=UserType.LICENSED)
    licenses_bought(app, 2)
    auth.sign_in("dora@acme.example")
    joined = submit(client, f"/invitation/{token}/accept", {}, page=f"/invitation/{token}",
                    follow_redirects=True)
    assert NO_LICENSE in text_of(joined)
    licenses_bought(app, 3)
    with app.app_context():
        user("dora@acme.example").user_type = UserType.LICENSED
        db.session.commit()
    text = text_of(client.get(f"/invitation/{token}"))
    assert "User type Licensed" in text and NO_LICENSE not in text
