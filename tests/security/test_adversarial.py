"""An attacker's view: forged POSTs on every route, and a demoted admin's old cookie.

Each test makes the attack and then shows that nothing changed in the database.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.accept.factory import invite
from tests.helpers import csrf_token, submit, text_of
from tests.invite.flow import to_check
from wizard.accounts.links import ADDRESS_CHANGE, PASSWORD_RESET, issue_link, link_token
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db
from wizard.models import Invitation, InvitationStatus, Role, User, VerifiedDomain

NEW_PASSWORD = "tidy orange lantern"


def _snapshot() -> dict[str, list]:
    return {
        table.name: sorted(map(repr, db.session.execute(table.select()).all()))
        for table in db.metadata.sorted_tables
    }


def _user_id(email: str) -> int:
    return db.session.scalar(select(User.id).where(User.email == email))


def _signed_in(app, email: str):
    client = app.test_client()
    response = submit(client, "/sign-in", {"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def _attack_plan(app):
    """For every POST route: who sends it, to which URL, with a payload that would change
    something if the request were genuine."""
    owner = _signed_in(app, "owner@acme.example")
    ana = _signed_in(app, "ana.pro@acme.example")
    stranger = app.test_client()
    base = to_check(owner, "new.person@acme.example")  # a draft ready to send
    ana_token = invite(app, "ana.pro@acme.example")
    gus_token = invite(app, "gus@acme.example")
    with app.app_context():
        ana_invitation = db.session.scalar(
            select(Invitation.id).where(Invitation.email == "ana.pro@acme.example")
        )
        domain = db.session.scalar(
            select(VerifiedDomain.id).where(VerifiedDomain.domain == "acme.example")
        )
        member, admin = _user_id("member@acme.example"), _user_id("admin@acme.example")
        reset_token = link_token(issue_link(member, PASSWORD_RESET, timedelta(hours=1)))
        address_token = link_token(issue_link(
            _user_id("ana.pro@acme.example"), ADDRESS_CHANGE, timedelta(hours=1),
            new_email="ana@personal.example", invitation_id=ana_invitation))
        db.session.commit()
    # An open handover, so that a forged answer would have something to change.
    submit(owner, "/users/ownership", {"admin": str(admin)})
    adam = _signed_in(app, "admin@acme.example")
    draft = int(base.rsplit("/", 1)[1])
    ids = {"ids": str(ana_invitation), "back": "/users/pending/"}
    plan = {
        "account.change_password": (owner, "/account/password", {
            "current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD}),
        "auth.sign_in": (stranger, "/sign-in", {
            "email": "owner@acme.example", "password": DEMO_PASSWORD}),
        "auth.sign_out": (owner, "/sign-out", {}),
        "language.switch": (owner, "/language", {"lang": "de", "next": "/users/"}),
        "users.give_license": (owner, f"/users/{member}/license", {"back": "/users/"}),
        "users.take_back_license": (owner, f"/users/{admin}/license/remove", {"back": "/users/"}),
        "wizard.start": (owner, "/users/add/", {"start_over": "1"}),
        "wizard.people": (owner, f"{base}/people", {
            "addresses": "other.person@acme.example", "default_type": "basic", "check": "1"}),
        "wizard.heads_up": (owner, f"{base}/heads-up", {"skip": "1", "confirm_skip": "y"}),
        "wizard.licenses": (owner, f"{base}/licenses", {"confirm": "1"}),
        "wizard.make_basic": (owner, f"{base}/licenses/make-basic", {}),
        "wizard.change_user_type": (owner, f"{base}/licenses/user-type", {
            "email": "new.person@acme.example", "user_type": "licensed"}),
        "wizard.send": (owner, f"{base}/send", {}),
        "domains.index": (owner, "/users/domains/", {"domain": "another.example"}),
        "domains.check": (owner, f"/users/domains/{domain}/check", {}),
        "domains.remove": (owner, f"/users/domains/{domain}/remove", {}),
        "domains.people": (owner, "/users/domains/people", {"emails": "ana.pro@acme.example"}),
        "pending.reminders": (owner, "/users/pending/reminders", {"enabled": "off"}),
        "pending.resend": (owner, "/users/pending/resend", ids),
        "pending.revoke": (owner, "/users/pending/revoke", ids),
        "invite.refund": (ana, f"/invitation/{ana_token}/refund", {
            "method": "credit", "receipt_email": "ana.pro@acme.example"}),
        "invite.accept": (ana, f"/invitation/{ana_token}/accept", {}),
        "invite.decline": (ana, f"/invitation/{ana_token}/decline", {"message": "No thanks"}),
        "invite.ask_again": (ana, f"/invitation/{ana_token}/ask-again", {}),
        "invite.sign_out": (ana, f"/invitation/{ana_token}/sign-out", {}),
        "invite.create_account": (stranger, f"/invitation/{gus_token}/create-account", {
            "name": "Gus Newman", "password": NEW_PASSWORD}),
        "recovery.forgot_password": (stranger, "/forgot-password", {
            "email": "member@acme.example"}),
        "recovery.reset_password": (stranger, f"/reset-password/{reset_token}", {
            "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}),
        "invite.change_address": (ana, f"/invitation/{ana_token}/change-address", {
            "new_email": "ana@elsewhere.example"}),
        "account.confirm_address": (ana, f"/account/address/{address_token}", {}),
        "roles.change_role": (owner, f"/users/{member}/role", {"role": "admin"}),
        "roles.remove": (owner, f"/users/{member}/remove", {}),
        "roles.ownership": (owner, "/users/ownership", {"admin": str(admin)}),
        "roles.withdraw": (owner, "/users/ownership/withdraw", {}),
        "roles.answer": (adam, "/users/ownership/answer", {"answer": "accept"}),
    }
    # A genuine token, but from somebody else's session: as a forged page would carry.
    other = app.test_client()
    forged = csrf_token(other.get("/sign-in").get_data(as_text=True))
    return plan, forged, {"draft": draft, "invitation": ana_invitation, "member": member}


def test_every_post_without_or_with_a_forged_csrf_token_changes_nothing(app):
    plan, forged, _ids = _attack_plan(app)
    posts = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    assert posts == set(plan), f"teach this test the new POST routes: {posts ^ set(plan)}"
    with app.app_context():
        before = _snapshot()
    for endpoint, (client, url, payload) in plan.items():
        for token in (None, forged, "", "x" * 500):
            data = dict(payload) if token is None else {**payload, "csrf_token": token}
            response = client.post(url, data=data)
            assert response.status_code in (200, 302, 400), (endpoint, response.status_code)
            with app.app_context():
                assert _snapshot() == before, f"{endpoint} changed data with token {token!r}"
    # Everyone who was signed in still is: no forged sign-out worked either.
    owner = plan["wizard.send"][0]
    assert owner.get("/users/").status_code == 200


@pytest.mark.parametrize(
    "endpoint", ["pending.revoke", "wizard.send", "users.give_license", "auth.sign_out"]
)
def test_the_same_requests_with_the_real_token_do_change_things(app, endpoint):
    """The control: the payloads above are live, so the test above means something."""
    plan, _forged, _ids = _attack_plan(app)
    client, url, payload = plan[endpoint]
    with app.app_context():
        before = _snapshot()
    token = csrf_token(client.get("/users/").get_data(as_text=True))
    response = client.post(url, data={**payload, "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert _snapshot() != before


def test_a_demoted_admins_old_cookie_carries_no_admin_power(app):
    admin = _signed_in(app, "admin@acme.example")
    invite(app, "ana.pro@acme.example")
    with app.app_context():
        invitation = db.session.scalar(select(Invitation.id))
        # The owner makes Adam a plain member (as a future Users page, or the platform, would).
        db.session.execute(
            update(User).where(User.email == "admin@acme.example").values(role=Role.MEMBER)
        )
        db.session.commit()
        before = _snapshot()
    token = csrf_token(admin.get("/account/").get_data(as_text=True))

    page = admin.get("/users/pending/")
    assert page.status_code == 403
    assert "Only owners and admins can manage users" in text_of(page)
    for url, data in [
        ("/users/pending/revoke", {"ids": str(invitation), "back": "/users/pending/"}),
        ("/users/pending/resend", {"ids": str(invitation), "back": "/users/pending/"}),
        ("/users/add/", {"start_over": "1"}),
    ]:
        response = admin.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 403, url
    with app.app_context():
        assert _snapshot() == before
        assert db.session.get(Invitation, invitation).status == InvitationStatus.PENDING
    # The cookie still works for what a member may do.
    assert admin.get("/account/").status_code == 200

