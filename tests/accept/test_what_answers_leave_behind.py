"""What an answer leaves for others to read: the owner's log and emails, the identity provider's
record of the person, the caller's transaction, and the "Opened" a look records.

Each test is one a careless change would fail (make mutate found each path unchecked): an
acceptance through single sign-on that the log no longer calls one, a SCIM identity left
without its member, an inviter told "they sign in as before" of someone who has just made
their account, a decline that answers its caller wrongly, a look that marks other people's
invitations as opened or keeps an old blocker's date.
"""

import uuid
from datetime import timedelta

from sqlalchemy import update

from tests.accept.factory import invitation_for, invite, user
from tests.accept.test_what_answers_record import answer, audit_row, delivered, outbox_row
from wizard.accept import acceptance
from wizard.accept.acceptance import Outcome
from wizard.accept.link import Blocker, LinkState
from wizard.extensions import db
from wizard.manage.audit_trail import describe
from wizard.models import Invitation, InvitationStatus, ScimIdentity, UserType
from wizard.models.types import utcnow


def test_an_acceptance_through_single_sign_on_is_logged_as_one(app, dora_link):
    with app.app_context():
        db.session.execute(
            update(Invitation).where(Invitation.id == invitation_for(dora_link).id)
            .values(via_sso=True))
        db.session.commit()
        dora = user("dora@acme.example").id
        result = acceptance.accept_invitation(dora_link, dora, now=utcnow())

        assert answer(result) == (Outcome.DONE, LinkState.ACCEPTED, dora)
        *_, details = audit_row("accepted")
        assert details == {"user_type": "basic", "refund_method": None, "via": "sso"}
        assert describe("accepted", details).startswith("Joined via single sign-on")


def test_an_acceptance_without_single_sign_on_says_nothing_of_it(app, dora_link):
    with app.app_context():
        dora = user("dora@acme.example").id
        acceptance.accept_invitation(dora_link, dora, now=utcnow())

        *_, details = audit_row("accepted")
        assert "via" not in details
        assert "single sign-on" not in describe("accepted", details)


def test_accepting_an_invitation_scim_sent_makes_its_identity_that_member(app, dora_link):
    with app.app_context():
        invitation = invitation_for(dora_link)
        identity = ScimIdentity(
            id=str(uuid.uuid4()), account_id=invitation.account_id, invitation_id=invitation.id,
            user_name="dora@acme.example", user_name_key="dora@acme.example",
            email="dora@acme.example", created_at=utcnow() - timedelta(days=1),
            updated_at=utcnow() - timedelta(days=1))
        db.session.add(identity)
        db.session.commit()
        dora, now = user("dora@acme.example").id, utcnow()
        acceptance.accept_invitation(dora_link, dora, now=now)

        db.session.expire_all()
        identity = db.session.get(ScimIdentity, identity.id)
        assert (identity.user_id, identity.version, identity.updated_at) == (dora, 2, now)


def test_the_inviter_hears_that_a_new_account_was_made_not_that_they_sign_in_as_before(app):
    token = invite(app, "gus@acme.example", user_type=UserType.BASIC)
    with app.app_context():
        result = acceptance.accept_with_new_account(
            token, name="Gus Newman", password="a long enough one", locale="en", now=utcnow())

        assert result.outcome == Outcome.DONE
        mail = outbox_row("invitation_accepted")
        assert mail.context["new_account"] is True
        text = delivered(mail).text
        assert "They created their account as they accepted" in text
        assert "They sign in as before" not in text


def test_a_decline_left_in_the_callers_transaction_answers_like_one_that_commits(app, ana_link):
    """Changing one's address declines the invitation it was asked from, in the same
    transaction (commit=False): the answer is the same, and nothing is stored until the caller
    commits, nor if it rolls back."""
    with app.app_context():
        ana = user("ana.pro@acme.example").id
        result = acceptance.decline_invitation(ana_link, ana, reason="changed_address",
                                               now=utcnow(), commit=False)

        assert answer(result) == (Outcome.DONE, LinkState.OK, ana)
        assert result.link.invitation.id == invitation_for(ana_link).id
        db.session.rollback()
        assert invitation_for(ana_link).status == InvitationStatus.PENDING

        result = acceptance.decline_invitation(ana_link, ana, reason="changed_address",
                                               now=utcnow(), commit=False)
        db.session.commit()
        db.session.expire_all()
        assert invitation_for(ana_link).status == InvitationStatus.DECLINED
        assert invitation_for(ana_link).decline_reason == "changed_address"


def seen(token: str) -> tuple:
    db.session.expire_all()
    invitation = invitation_for(token)
    return invitation.last_viewed_at, invitation.blocked_by, invitation.blocked_at


def test_a_look_at_one_invitation_marks_only_that_one_as_opened(app, ana_link, dora_link):
    with app.app_context():
        now = utcnow()
        acceptance.record_seen(invitation_for(ana_link).id, (), now)

        assert seen(ana_link) == (now, None, None)
        assert seen(dora_link) == (None, None, None)


def test_a_look_with_nothing_blocking_clears_what_blocked_before(app, ana_link):
    with app.app_context():
        ana = invitation_for(ana_link).id
        then = utcnow() - timedelta(hours=2)
        acceptance.record_seen(ana, (Blocker.ADD_ONS,), then)
        assert seen(ana_link) == (then, Blocker.ADD_ONS.value, then)

        now = utcnow()
        acceptance.record_seen(ana, (), now)
        assert seen(ana_link) == (now, None, None)


def test_a_look_recorded_after_an_answer_changes_nothing(app, dora_link):
    """The page is shown, then the look recorded: an answer given in between (another tab)
    keeps the invitation as it was answered."""
    with app.app_context():
        dora = user("dora@acme.example").id
        acceptance.accept_invitation(dora_link, dora, now=utcnow())
        before = seen(dora_link)

        acceptance.record_seen(invitation_for(dora_link).id, (Blocker.ADD_ONS,), utcnow())
        assert seen(dora_link) == before
        assert invitation_for(dora_link).status == InvitationStatus.ACCEPTED
