"""The invitation page at the emailed link, and the pages of links that no longer work."""

import re
from datetime import timedelta

import pytest

from tests.accept.factory import invitation_for, invite, snapshot
from tests.helpers import h1_of, text_of, title_of
from wizard.accept import acceptance
from wizard.accept.acceptance import Outcome
from wizard.accept.link import LinkState
from wizard.extensions import db
from wizard.models import InvitationStatus, UserType
from wizard.models.types import utcnow


def assert_well_formed(response):
    """One h1, a title that starts with it, no id used twice."""
    html = response.get_data(as_text=True)
    assert title_of(response).startswith(h1_of(response))
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted(i for i in ids if ids.count(i) > 1)}"


def test_the_page_says_who_invites_to_which_business_and_as_what(client, ana_link):
    page = client.get(f"/invitation/{ana_link}")
    assert page.status_code == 200
    assert h1_of(page) == "Join Acme Corp"
    text = text_of(page)
    assert "Olivia Owner (owner@acme.example)" in text
    assert "Invited address ana.pro@acme.example" in text
    assert "You would join as Licensed user (Pro features)" in text
    assert_well_formed(page)


def test_the_page_lists_what_moves_and_warns_that_reports_do_not(client, ana_link):
    text = text_of(client.get(f"/invitation/{ana_link}"))
    for thing in ("Your profile", "Scheduled meetings", "Cloud recordings", "Chat history",
                  "Contacts", "Settings"):
        assert thing in text
    assert "Reports do not move. Download your usage and meeting reports before you accept" in text


def test_a_person_with_no_account_is_not_told_what_moves_or_to_download_reports(app, client):
    text = text_of(client.get(f"/invitation/{invite(app, 'gus@acme.example')}"))
    assert "There is no account for gus@acme.example yet" in text
    assert "What moves with you" not in text and "Reports do not move" not in text


def test_a_basic_invitation_shows_the_pro_features_that_are_lost(app, client, auth):
    token = invite(app, "ana.pro@acme.example", user_type=UserType.BASIC)
    signed_out = text_of(client.get(f"/invitation/{token}"))
    assert "You join as a Basic user. If you have Pro today, this is what you lose:" in signed_out
    auth.sign_in("ana.pro@acme.example")  # now the page knows she has Pro: no "if"
    text = text_of(client.get(f"/invitation/{token}"))
    assert "You join as a Basic user. You have Pro today, so this is what you lose:" in text
    assert "If you have Pro today" not in text
    assert "40 minutes when 3 or more people join" in text
    assert "No (recordings on your computer only)" in text
    assert "Alternative host Yes No" in text
    assert "Acme Corp can give you a license later" in text


def test_a_licensed_invitation_says_the_pro_features_stay(client, auth, ana_link):
    auth.sign_in("ana.pro@acme.example")
    text = text_of(client.get(f"/invitation/{ana_link}"))
    assert "you keep the Pro features" in text
    assert "what you lose" not in text


def test_signed_out_the_page_asks_to_sign_in_as_the_invited_address_and_shows_no_amount(
    client, ana_link
):
    page = client.get(f"/invitation/{ana_link}")
    text = text_of(page)
    assert "To accept, sign in as ana.pro@acme.example" in text
    assert f'href="/sign-in?next=/invitation/{ana_link}"' in page.get_data(as_text=True)
    assert "$" not in text


def test_signed_in_the_invitee_sees_the_refund_estimate(client, auth, ana_link):
    auth.sign_in("ana.pro@acme.example")
    page = client.get(f"/invitation/{ana_link}")
    text = text_of(page)
    assert "If you accept today, the unused 20 days of your Pro plan are worth $10.66" in text
    assert "a refund to Visa •••• 4242, or a credit to Acme Corp" in text
    assert "Continue to refund details" in text
    assert_well_formed(page)


def test_the_estimate_is_in_the_persons_language_and_currency_format(app, client, auth):
    token = invite(app, "ben.pro@acme.example")
    auth.sign_in("ben.pro@acme.example")
    text = text_of(client.get(f"/invitation/{token}"))
    # Ben reads German: 159.90 a year, 265 of 365 days left.
    assert "116,09 $" in text  # text_of folds the no-break space


def test_invitation_pages_send_no_referrer_and_are_not_cached(client, auth, app, ana_link):
    expired = invite(app, "chen.pro@partner.example", now=utcnow() - timedelta(days=31))
    auth.sign_in("ana.pro@acme.example")
    for path in (f"/invitation/{ana_link}", f"/invitation/{ana_link}/refund",
                 f"/invitation/{ana_link}/decline", f"/invitation/{expired}",
                 "/invitation/not-a-real-token"):
        response = client.get(path)
        assert response.headers["Referrer-Policy"] == "no-referrer", path
        assert "no-store" in response.headers["Cache-Control"], path


def test_opening_the_link_changes_nothing(app, client, auth, ana_link):
    with app.app_context():
        before = snapshot(ana_link)
    client.get(f"/invitation/{ana_link}")  # as a mail scanner would: not signed in
    with app.app_context():
        assert snapshot(ana_link) == before
    auth.sign_in("ana.pro@acme.example")
    for path in ("/refund", "/decline", "/accept", "/ask-again", "/create-account"):
        client.get(f"/invitation/{ana_link}{path}")
    with app.app_context():
        assert snapshot(ana_link) == before


def test_the_invitee_signed_in_opening_the_link_records_only_that_they_opened_it(
    app, client, auth, ana_link
):
    with app.app_context():
        before = snapshot(ana_link)
    auth.sign_in("ana.pro@acme.example")
    client.get(f"/invitation/{ana_link}")
    with app.app_context():
        after = snapshot(ana_link)
        assert after[3] is not None  # last_viewed_at: "Opened" for the owner
        assert after[:3] + after[4:] == before[:3] + before[4:]


def test_a_pending_link_past_its_expiry_changes_nothing_when_opened(app, client):
    token = invite(app, "ana.pro@acme.example", now=utcnow() - timedelta(days=31))
    with app.app_context():
        before = snapshot(token)
    client.get(f"/invitation/{token}")
    with app.app_context():
        assert snapshot(token) == before


def test_expired_link_offers_to_ask_the_inviter_again(app, client):
    token = invite(app, "ana.pro@acme.example", now=utcnow() - timedelta(days=31))
    page = client.get(f"/invitation/{token}")
    assert page.status_code == 410
    assert h1_of(page) == "This invitation link has expired"
    text = text_of(page)
    assert "Olivia Owner invited you to join Acme Corp" in text
    assert "Ask Olivia Owner for a new link" in text
    assert "owner@acme.example" in text
    assert_well_formed(page)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: "A" * 43,  # well-formed, but nobody's
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
        lambda t: t + "x",
        lambda t: t[:20],
        lambda t: "%00%27%22<script>",
        lambda t: "x" * 2000,
    ],
    ids=["unknown", "one-character-changed", "longer", "shorter", "odd-characters", "huge"],
)
def test_unknown_and_tampered_links_get_the_expired_page_and_status(client, ana_link, tamper):
    page = client.get(f"/invitation/{tamper(ana_link)}")
    assert page.status_code == 410
    assert h1_of(page) == "This invitation link has expired"
    assert "Acme" not in text_of(page)
    assert "ask the person who invited you to send a new invitation" in text_of(page)


def test_expiry_is_exact_to_the_moment_with_a_frozen_clock(app):
    start = utcnow().replace(microsecond=0)
    token = invite(app, "ana.pro@acme.example", now=start, valid_for=timedelta(days=30))
    end = start + timedelta(days=30)
    with app.app_context():
        assert acceptance.look_up(token, end - timedelta(microseconds=1)).state == LinkState.OK
        assert acceptance.look_up(token, end).state == LinkState.EXPIRED
        user_id = invitation_for(token).invited_by_id  # anyone: the link is checked first
        ana = db.session.execute(
            db.select(acceptance.User).where(acceptance.User.email == "ana.pro@acme.example")
        ).scalar_one()
        result = acceptance.accept_invitation(
            token, ana.id, method="refund", receipt_email=ana.email, now=end
        )
        assert result.outcome == Outcome.NOT_PENDING
        assert result.link.state == LinkState.EXPIRED
        assert invitation_for(token).status == InvitationStatus.PENDING
        assert user_id  # the invitation is still there, only expired


@pytest.mark.parametrize(
    "closed", [InvitationStatus.REVOKED, InvitationStatus.DECLINED, "expired", "unknown"]
)
def test_a_closed_link_to_a_person_with_no_account_does_not_speak_of_their_account(
    app, client, closed
):
    # gus has no account
    if closed == "expired":
        token = invite(app, "gus@acme.example", now=utcnow() - timedelta(days=31))
    elif closed == "unknown":
        token = "not-a-real-token"
    else:
        token = invite(app, "gus@acme.example")
        with app.app_context():
            invitation = invitation_for(token)
            invitation.status = closed
            invitation.responded_at = invitation.revoked_at = utcnow()
            db.session.commit()
    text = text_of(client.get(f"/invitation/{token}"))
    assert "Nothing has changed for you" in text
    assert "your account" not in text


def test_a_revoked_link_says_it_was_withdrawn(app, client, ana_link):
    with app.app_context():
        invitation = invitation_for(ana_link)
        invitation.status = InvitationStatus.REVOKED
        invitation.revoked_at = utcnow()
        db.session.commit()
    page = client.get(f"/invitation/{ana_link}")
    assert page.status_code == 410
    assert h1_of(page) == "This invitation was withdrawn"
    assert "Acme Corp withdrew this invitation on" in text_of(page)
    assert "ask Olivia Owner at owner@acme.example" in text_of(page)
    assert '<a href="mailto:owner@acme.example">' in page.get_data(as_text=True)
    assert_well_formed(page)
