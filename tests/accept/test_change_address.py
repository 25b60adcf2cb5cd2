"""Changing one's own address instead of joining: confirmed by a link sent to the new
address; then the invitation is declined, with the reason shown to the owner."""

import re

from sqlalchemy import select

from tests.accept.factory import invitation_for, invite
from tests.helpers import h1_of, signed_in, submit, text_of
from wizard.delivery.mailer import render_email
from wizard.extensions import db
from wizard.models import InvitationStatus, OutboxEmail, User


def _confirmation_link(app, to) -> str:
    with app.app_context():
        email = db.session.scalars(select(OutboxEmail).where(
            OutboxEmail.kind == "confirm_address", OutboxEmail.to_address == to)).one()
        text = render_email(email.kind, locale=email.locale, context=email.context).text
    return re.search(r"http://invite\.test(/account/address/\S+)", text).group(1)


def _ask(client, token, new_email, **kw):
    url = f"/invitation/{token}/change-address"
    return submit(client, url, {"new_email": new_email}, **kw)


def test_the_invitee_changes_their_address_and_the_invitation_is_declined_with_that_reason(app):
    token = invite(app, "ana.pro@acme.example")
    ana = signed_in(app, "ana.pro@acme.example")
    page = ana.get(f"/invitation/{token}")
    assert f'href="/invitation/{token}/change-address"' in page.get_data(as_text=True)
    form = ana.get(f"/invitation/{token}/change-address")
    assert h1_of(form) == "Change your account's address instead of joining"
    sent = _ask(ana, token, "Ana@Personal.example", follow_redirects=True)
    assert "We have sent a link to ana@personal.example" in text_of(sent)
    with app.app_context():  # nothing changes before the new address is confirmed
        assert invitation_for(token).status == InvitationStatus.PENDING

    link = _confirmation_link(app, "ana@personal.example")
    confirm = ana.get(link)
    assert h1_of(confirm) == "Confirm your new address"
    done = submit(ana, link, follow_redirects=True)
    assert "Your account's address is now ana@personal.example." in text_of(done)
    with app.app_context():
        invitation = invitation_for(token)
        assert invitation.status == InvitationStatus.DECLINED
        assert invitation.decline_reason == "changed_address"
        assert db.session.scalar(select(User.id).where(User.email == "ana@personal.example"))
        told = db.session.scalars(select(OutboxEmail).where(
            OutboxEmail.kind == "invitation_declined")).one()
        assert told.context["reason"] == "changed_address"
        invitation_id = invitation.id
    assert submit(ana, link, page="/account/").status_code == 410  # used once

    owner = signed_in(app, "owner@acme.example")
    pending = text_of(owner.get("/users/pending/?status=declined"))
    assert "Changed their address instead of joining" in pending
    history = text_of(owner.get(f"/users/pending/{invitation_id}"))
    assert "They changed the address of their own account instead of joining." in history


def test_an_address_that_has_an_account_is_refused_with_what_to_do_and_keeps_the_typing(app):
    token = invite(app, "ana.pro@acme.example")
    ana = signed_in(app, "ana.pro@acme.example")
    refused = _ask(ana, token, "ben.pro@acme.example")
    assert refused.status_code == 200
    assert "There is already an account for this address. Choose another one." in (
        text_of(refused))
    assert 'value="ben.pro@acme.example"' in refused.get_data(as_text=True)
    bad = _ask(ana, token, "not an address")
    assert "Enter an email address in the right format" in text_of(bad)


def test_only_the_signed_in_invitee_can_ask(app, client):
    token = invite(app, "ana.pro@acme.example")
    response = client.get(f"/invitation/{token}/change-address")
    assert response.status_code == 302 and response.headers["Location"].endswith(token)


def test_the_page_calls_the_address_the_business_s_only_when_it_is_on_its_domains(app):
    """acme.example is Acme Corp's verified domain; studio.example is not."""
    token = invite(app, "ana.pro@acme.example")
    ana = signed_in(app, "ana.pro@acme.example")
    assert ("Your own account uses ana.pro@acme.example, an address of Acme Corp."
            in text_of(ana.get(f"/invitation/{token}/change-address")))
    token = invite(app, "gil.pro@studio.example")
    gil = signed_in(app, "gil.pro@studio.example")
    text = text_of(gil.get(f"/invitation/{token}/change-address"))
    assert "an address of Acme Corp" not in text
    assert ("Your own account uses gil.pro@studio.example, the address Acme Corp sent the "
            "invitation to. If it is a personal account") in text
