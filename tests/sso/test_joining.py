"""What a proven single sign-on does for each kind of person (issue 19), on both databases."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.accept.factory import invitation_for, invite, subscription_of
from tests.sso.conftest import make_provider, person, provider, said
from wizard.accept.acceptance import Outcome as AcceptOutcome
from wizard.accept.acceptance import accept_invitation
from wizard.delivery.mailer import render_email
from wizard.extensions import db
from wizard.models import (
    Account,
    AuditEvent,
    Invitation,
    InvitationStatus,
    OutboxEmail,
    RefundRecord,
    Role,
    SsoMember,
    User,
    UserType,
)
from wizard.models.types import utcnow
from wizard.sso.joining import Kind, Refusal, complete_sign_in
from wizard.sso.protocol import SsoRefused
from wizard.sso.providers import remember_once

LICENSED_BY_GROUP = {"user_type_attribute": "groups", "licensed_value": "Video Pro"}


def sign_in(provider_id, received, **kw):
    return complete_sign_in(provider(provider_id), received, protocol="saml", **kw)


def audit_lines(action):
    return db.session.execute(
        select(AuditEvent.subject_email, AuditEvent.details).where(AuditEvent.action == action)
    ).all()


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_someone_without_an_account_becomes_a_basic_member_at_once(app, acme_sso):
    with app.app_context():
        outcome = sign_in(acme_sso, said("Gus@Acme.example", given_name="Gus", sn="Gray"))
        gus = person("gus@acme.example")
        assert outcome.kind == Kind.JOINED and outcome.user_id == gus.id
        assert gus.account.name == "Acme Corp"
        assert (gus.role, gus.user_type, gus.name) == (Role.MEMBER, UserType.BASIC, "Gus Gray")
        assert db.session.execute(select(SsoMember.joined_via_sso)).scalar_one() is True
        [(email, details)] = audit_lines("sso_joined")
        assert email == "gus@acme.example" and details["user_type"] == "basic"


def test_the_mapping_makes_a_newcomer_licensed_while_a_license_is_free(app):
    provider_id = make_provider(app, **LICENSED_BY_GROUP)
    with app.app_context():
        outcome = sign_in(provider_id, said("gus@acme.example", groups=["Staff", "video pro"]))
        assert outcome.kind == Kind.JOINED and not outcome.joined_as_basic
        assert person("gus@acme.example").user_type == UserType.LICENSED


def test_with_every_license_taken_a_licensed_newcomer_joins_as_basic_and_the_owner_is_told(app):
    provider_id = make_provider(app, **LICENSED_BY_GROUP)
    with app.app_context():
        acme = db.session.execute(select(Account).where(Account.name == "Acme Corp")).scalar_one()
        acme.license_seats = 2  # the owner and the admin hold both
        db.session.commit()
        outcome = sign_in(provider_id, said("gus@acme.example", groups="Video Pro"))
        assert outcome.kind == Kind.JOINED and outcome.joined_as_basic
        assert person("gus@acme.example").user_type == UserType.BASIC
        told = db.session.execute(
            select(OutboxEmail).where(OutboxEmail.kind == "sso_joined_without_license")
        ).scalar_one()
        assert told.to_address == "owner@acme.example"
        assert told.context["member_email"] == "gus@acme.example"
        with app.test_request_context():
            mail = render_email(told.kind, locale="en", context=told.context)
        assert "all 2 licenses were in use, so they joined as a Basic user" in mail.text
        [(_email, details)] = audit_lines("sso_joined")
        assert details["no_free_license"] is True


def test_a_pro_user_is_not_merged_but_sent_to_choose_refund_details(app, acme_sso):
    with app.app_context():
        outcome = sign_in(acme_sso, said("ana.pro@acme.example"))
        ana = person("ana.pro@acme.example")
        assert outcome.kind == Kind.CHOOSE_REFUND and outcome.user_id == ana.id
        assert not ana.account.is_business  # nothing moved yet
        assert subscription_of("ana.pro@acme.example").is_active
        invitation = invitation_for(outcome.token)
        assert invitation.via_sso and invitation.status == InvitationStatus.PENDING
        assert invitation.email == "ana.pro@acme.example"
        assert count(OutboxEmail, OutboxEmail.invitation_id == invitation.id) == 0
        assert audit_lines("sso_started") and not audit_lines("sso_joined")


def test_the_pro_user_joins_through_the_same_exactly_once_acceptance(app, acme_sso):
    with app.app_context():
        outcome = sign_in(acme_sso, said("ana.pro@acme.example"))
        first = accept_invitation(outcome.token, outcome.user_id, method="credit",
                                  receipt_email="ana.pro@acme.example")
        second = accept_invitation(outcome.token, outcome.user_id, method="refund",
                                   receipt_email="ana.pro@acme.example")
        assert first.outcome == AcceptOutcome.DONE
        assert second.outcome == AcceptOutcome.NOT_PENDING
        assert person("ana.pro@acme.example").account.name == "Acme Corp"
        assert db.session.execute(select(RefundRecord.method)).scalars().all() == ["credit"]


def test_signing_in_again_while_choosing_keeps_one_pending_invitation(app, acme_sso):
    with app.app_context():
        first = sign_in(acme_sso, said("dora@acme.example"))
        again = sign_in(acme_sso, said("dora@acme.example"))
        assert first.kind == again.kind == Kind.CHOOSE_REFUND
        assert first.token == again.token
        assert count(Invitation, Invitation.email == "dora@acme.example") == 1


def test_an_emailed_invitation_already_waiting_is_the_one_they_answer(app, acme_sso):
    token = invite(app, "ana.pro@acme.example")
    with app.app_context():
        outcome = sign_in(acme_sso, said("ana.pro@acme.example"))
        assert outcome.token == token
        assert not invitation_for(token).via_sso


def test_a_member_is_simply_signed_in(app, acme_sso):
    with app.app_context():
        before = count(User), count(Invitation)
        outcome = sign_in(acme_sso, said("member@acme.example"))
        assert outcome.kind == Kind.SIGNED_IN
        assert outcome.user_id == person("member@acme.example").id
        assert (count(User), count(Invitation)) == before
        assert db.session.execute(select(SsoMember.joined_via_sso)).scalar_one() is False


def test_a_member_of_another_business_gets_the_blocker_with_its_owner(app, acme_sso):
    with app.app_context():
        globex_owner = person("owner@globex.example")
        db.session.add(User(email="hal@acme.example", name="Hal", password_hash="x",
                            account_id=globex_owner.account_id))
        db.session.commit()
        outcome = sign_in(acme_sso, said("hal@acme.example"))
        assert outcome.kind == Kind.OTHER_BUSINESS
        assert outcome.other_business == "Globex"
        assert outcome.other_owner == globex_owner.display_name
        assert person("hal@acme.example").account_id == globex_owner.account_id
        assert count(Invitation) == 0


def test_a_deactivated_member_is_refused_and_it_is_logged(app, acme_sso):
    with app.app_context():
        person("member@acme.example").deactivated_at = utcnow()
        db.session.commit()
        outcome = sign_in(acme_sso, said("member@acme.example"))
        assert outcome.kind == Kind.REFUSED and outcome.refusal == Refusal.DEACTIVATED
        assert audit_lines("sso_refused") == [
            ("member@acme.example", {"reason": "deactivated", "protocol": "saml"})
        ]
        assert count(SsoMember) == 0


def test_invited_only_mode_refuses_newcomers_and_pro_users_without_an_invitation(app):
    provider_id = make_provider(app, provisioning="invited")
    with app.app_context():
        users = count(User)
        for email in ("gus@acme.example", "ana.pro@acme.example"):
            outcome = sign_in(provider_id, said(email))
            assert outcome.kind == Kind.REFUSED and outcome.refusal == Refusal.NOT_INVITED
        assert (count(User), count(Invitation)) == (users, 0)
        assert [line[1]["reason"] for line in audit_lines("sso_refused")] == ["not_invited"] * 2


def test_invited_only_mode_lets_an_invited_newcomer_join_with_the_invitation(app):
    provider_id = make_provider(app, provisioning="invited")
    token = invite(app, "gus@acme.example", user_type=UserType.LICENSED)
    with app.app_context():
        outcome = sign_in(provider_id, said("gus@acme.example"))
        gus = person("gus@acme.example")
        assert outcome.kind == Kind.JOINED and gus.user_type == UserType.LICENSED
        invitation = invitation_for(token)
        assert invitation.status == InvitationStatus.ACCEPTED
        assert invitation.accepted_user_id == gus.id


def test_an_address_outside_the_verified_domains_is_refused_with_nothing_created(app, acme_sso):
    with app.app_context():
        before = count(User), count(Invitation)
        outcome = sign_in(acme_sso, said("chen.pro@partner.example"))
        assert outcome.kind == Kind.REFUSED and outcome.refusal == Refusal.OUTSIDE_DOMAINS
        assert (count(User), count(Invitation)) == before
        assert audit_lines("sso_refused")[0][0] == "chen.pro@partner.example"


def test_a_provider_that_is_turned_off_lets_nobody_in(app):
    provider_id = make_provider(app, enabled=False)
    with app.app_context():
        outcome = sign_in(provider_id, said("gus@acme.example"))
        assert outcome.refusal == Refusal.TURNED_OFF and person("gus@acme.example") is None


def test_without_an_email_address_the_sign_in_is_refused(app, acme_sso):
    with app.app_context(), pytest.raises(SsoRefused) as refused:
        sign_in(acme_sso, said(None, subject="opaque-id-42", displayName="Gus"))
    assert refused.value.reason == "no_email"


def test_a_message_is_accepted_once_only(app, acme_sso):
    with app.app_context():
        until = utcnow() + timedelta(minutes=5)
        assert remember_once(provider(acme_sso), "_assertion-1", until) is True
        assert remember_once(provider(acme_sso), "_assertion-1", until) is False
        assert remember_once(provider(acme_sso), "_assertion-2", until) is True


def test_two_copies_of_one_message_racing_get_in_once(app, acme_sso, is_postgres):
    """On PostgreSQL the two INSERTs really overlap; the unique constraint lets one win."""
    import threading

    if not is_postgres:
        pytest.skip("SQLite has one writer at a time: only PostgreSQL can race here")
    results, barrier = [], threading.Barrier(4)

    def replay():
        with app.app_context():
            found = provider(acme_sso)
            barrier.wait()
            results.append(remember_once(found, "_raced", utcnow() + timedelta(minutes=5)))
            db.session.remove()

    threads = [threading.Thread(target=replay) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, False, False, True]
