"""decline_invitation's own guard, called directly as any future caller (an API, a job) would:
only a pending invitation still in date can be declined, only by its invitee or someone
signed out, and a decline that loses a race changes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.accept.factory import invitation_for, invite, snapshot, user
from wizard.accept import acceptance
from wizard.accept.acceptance import Outcome
from wizard.accept.link import LinkState
from wizard.extensions import db
from wizard.models import Invitation, InvitationStatus
from wizard.models.types import utcnow


def set_status(token: str, status: InvitationStatus) -> None:
    db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_for(token).id)
        .values(status=status, responded_at=utcnow())
    )
    db.session.commit()


@pytest.mark.parametrize(
    "status",
    [
        InvitationStatus.DECLINED,
        InvitationStatus.ACCEPTED,
        InvitationStatus.REVOKED,
        InvitationStatus.EXPIRED,
    ],
    ids=lambda status: status.value,
)
def test_an_invitation_no_longer_pending_cannot_be_declined(app, ana_link, status):
    with app.app_context():
        set_status(ana_link, status)
        ana = user("ana.pro@acme.example").id
        before = snapshot(ana_link)
        for who in (ana, None):
            result = acceptance.decline_invitation(ana_link, who, message="No thanks")
            assert result.outcome == Outcome.NOT_PENDING
            assert snapshot(ana_link) == before  # no status, no audit row, no email
        assert invitation_for(ana_link).status == status


def test_an_invitation_past_its_date_cannot_be_declined_though_still_marked_pending(app):
    token = invite(app, "ana.pro@acme.example", now=utcnow() - timedelta(days=31))
    with app.app_context():
        before = snapshot(token)
        result = acceptance.decline_invitation(token, None)
        assert (result.outcome, result.link.state) == (Outcome.NOT_PENDING, LinkState.EXPIRED)
        assert snapshot(token) == before


def test_a_signed_in_stranger_cannot_decline_someone_elses_invitation(app, ana_link):
    with app.app_context():
        ben = user("ben.pro@acme.example").id
        before = snapshot(ana_link)
        result = acceptance.decline_invitation(ana_link, ben)
        assert result.outcome == Outcome.WRONG_ACCOUNT
        assert snapshot(ana_link) == before
        assert invitation_for(ana_link).status == InvitationStatus.PENDING


def test_the_invitee_and_someone_signed_out_can_decline(app, ana_link, gus_link):
    with app.app_context():
        ana = user("ana.pro@acme.example").id
        assert acceptance.decline_invitation(ana_link, ana).outcome == Outcome.DONE
        assert acceptance.decline_invitation(gus_link, None).outcome == Outcome.DONE
        assert invitation_for(ana_link).status == InvitationStatus.DECLINED
        assert invitation_for(gus_link).status == InvitationStatus.DECLINED


@pytest.mark.parametrize("status", [InvitationStatus.ACCEPTED, InvitationStatus.REVOKED],
                         ids=lambda status: status.value)
def test_a_decline_that_loses_the_race_changes_nothing(app, ana_link, status):
    """The invitation was read while pending, then accepted or revoked elsewhere before the
    decline's conditional update: the update finds nothing to change."""
    with app.app_context():
        stale = invitation_for(ana_link)
        db.session.execute(
            update(Invitation).where(Invitation.id == stale.id).values(status=status)
        )
        now = utcnow()
        assert not acceptance._claim(stale, now, status=InvitationStatus.DECLINED)
        db.session.commit()
        db.session.expire_all()
        assert invitation_for(ana_link).status == status
        assert invitation_for(ana_link).responded_at is None


@pytest.mark.parametrize("token", ["", "A" * 43, "not-a-link"], ids=["empty", "unknown", "odd"])
def test_an_unknown_link_declines_nothing_and_raises_nothing(app, ana_link, token):
    with app.app_context():
        before = snapshot(ana_link)
        result = acceptance.decline_invitation(token, None)
        assert (result.outcome, result.link.state) == (Outcome.NOT_PENDING, LinkState.UNKNOWN)
        assert snapshot(ana_link) == before
