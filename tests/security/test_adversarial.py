"""An attacker's view: forged POSTs on every route, and a demoted admin's old cookie.

Each test makes the attack and then shows that nothing changed in the database.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.accept.factory import invite
from tests.helpers import csrf_token, submit, text_of
from tests.invite.flow import add_people, heads_up, start, to_check
from wizard.accounts.links import ADDRESS_CHANGE, PASSWORD_RESET, issue_link, link_token
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db
from wizard.models import (
    IdentityProvider,
    Invitation,
    InvitationStatus,
    OtherUser,
    Role,
    ScimToken,
    User,
    UserType,
    VerifiedDomain,
)
from wizard.models.types import utcnow

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


def _state(app, clients) -> tuple:
    """What a request could change: every table, and who each client is signed in as."""
    with app.app_context():
        tables = _snapshot()
    return tables, [client.get("/account/").status_code for client in clients]


def _clients(plan) -> list:
    return list({id(client): client for client, _url, _data in plan.values()}.values())


def _attack_plan(app, dns):
    """For every POST route: who sends it, to which URL, with a payload that changes the
    database or a session when the request is genuine (the control below proves it)."""
    owner = _signed_in(app, "owner@acme.example")
    admin_client = _signed_in(app, "admin@acme.example")
    gloria = _signed_in(app, "owner@globex.example")
    ana = _signed_in(app, "ana.pro@acme.example")
    dora = _signed_in(app, "dora@acme.example")
    emil = _signed_in(app, "emil.pro@acme.example")
    fay = _signed_in(app, "fay.pro@acme.example")
    gil = _signed_in(app, "gil.pro@studio.example")
    app.config["DEMO_MODE"] = True  # the development billing page is there to be attacked
    stranger = app.test_client()
    base = to_check(owner, "new.person@acme.example")  # a draft ready to send
    # The admin's draft has more Licensed people than free licenses (Make Basic has work);
    # Globex's owner's draft waits for its licenses to be confirmed.
    over = start(admin_client)
    add_people(admin_client, over, "\n".join(f"p{i}@acme.example" for i in range(12)),
               default_type="licensed")
    heads_up(admin_client, over)
    waiting = start(gloria)
    add_people(gloria, waiting, "someone@globex.example")
    heads_up(gloria, waiting)
    ana_token = invite(app, "ana.pro@acme.example")
    dora_token = invite(app, "dora@acme.example", user_type=UserType.BASIC)  # free: no refund
    gus_token = invite(app, "gus@acme.example")
    chen_token = invite(app, "chen.pro@partner.example", now=utcnow() - timedelta(days=40))
    with app.app_context():
        ana_invitation = db.session.scalar(
            select(Invitation.id).where(Invitation.email == "ana.pro@acme.example")
        )
        acme = db.session.scalar(select(User.account_id).where(User.email == "owner@acme.example"))
        pending_domain = VerifiedDomain(
            account_id=acme, domain="newco.example", verification_code="pending-code"
        )
        db.session.add(pending_domain)
        db.session.commit()
        domain = db.session.scalar(
            select(VerifiedDomain.id).where(VerifiedDomain.domain == "acme.example")
        )
        # Acme's identity provider, saved but off: its settings, switch and test have work.
        db.session.add(IdentityProvider(account_id=acme, slug="acme", enabled=False,
                                        idp_metadata_xml="<EntityDescriptor/>"))
        db.session.commit()
        # One SCIM token of Acme's: rotate and revoke have work.
        scim_token = ScimToken(account_id=acme, token_hash="0" * 64, hint="0000")
        db.session.add(scim_token)
        db.session.commit()
        scim_token = scim_token.id
        pending, member = pending_domain.id, _user_id("member@acme.example")
        admin = _user_id("admin@acme.example")
        finn = db.session.scalar(select(OtherUser.id).where(OtherUser.name == "Finn"))
        emil_account, gil_account = (db.session.scalar(
            select(User.account_id).where(User.email == email)
        ) for email in ("emil.pro@acme.example", "gil.pro@studio.example"))
        reset_token = link_token(issue_link(member, PASSWORD_RESET, timedelta(hours=1)))
        address_token = link_token(issue_link(
            _user_id("ana.pro@acme.example"), ADDRESS_CHANGE, timedelta(hours=1),
            new_email="ana@personal.example", invitation_id=ana_invitation))
        db.session.commit()
    app.config["DNS_RESOLVER"] = dns.address
    dns.set_txt("newco.example", "pending-code")
    # An open handover, so that a forged answer would have something to change.
    submit(owner, "/users/ownership", {"admin": str(admin)})
    adam = _signed_in(app, "admin@acme.example")
    draft = int(base.rsplit("/", 1)[1])
    ids = {"ids": str(ana_invitation), "back": "/users/pending/"}
    plan = {
        "account.change_password": (owner, "/account/password", {
            "current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD}),
        "account.remove_other_user": (fay, f"/account/users/{finn}/remove", {}),
        "account.notifications": (owner, "/account/notifications", {"response_notices": "none"}),
        "billing.pay": (emil, f"/dev/billing/?account={emil_account}&amount=15.99", {}),
        # A second action of the same route (after the colon): cancelling the add-ons.
        "billing.pay:add_ons": (gil, f"/dev/billing/?account={gil_account}&cancel=add_ons", {}),
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
        "wizard.licenses": (gloria, f"{waiting}/licenses", {"confirm": "1"}),
        "wizard.make_basic": (admin_client, f"{over}/licenses/make-basic", {}),
        "wizard.heads_up_check": (owner, f"{base}/heads-up/check", {}),
        "wizard.change_user_type": (owner, f"{base}/licenses/user-type", {
            "change": "new.person@acme.example licensed"}),
        "wizard.send": (owner, f"{base}/send", {}),
        "domains.index": (owner, "/users/domains/", {"domain": "another.example"}),
        "domains.check": (owner, f"/users/domains/{pending}/check", {}),
        "domains.remove": (owner, f"/users/domains/{domain}/remove", {}),
        "domains.people": (owner, "/users/domains/people", {
            "people": "ben.pro@acme.example", "user_type": "basic"}),
        "pending.reminders": (owner, "/users/pending/reminders", {"enabled": "off"}),
        "pending.resend": (owner, "/users/pending/resend", ids),
        "pending.revoke": (owner, "/users/pending/revoke", ids),
        "invite.refund": (ana, f"/invitation/{ana_token}/refund", {
            "method": "credit", "receipt_email": "ana.pro@acme.example"}),
        "invite.accept": (dora, f"/invitation/{dora_token}/accept", {}),
        "invite.decline": (ana, f"/invitation/{ana_token}/decline", {"message": "No thanks"}),
        "invite.ask_again": (stranger, f"/invitation/{chen_token}/ask-again", {}),
        "invite.sign_out": (ana, f"/invitation/{ana_token}/sign-out", {}),
        "invite.create_account": (stranger, f"/invitation/{gus_token}/create-account", {
            "name": "Gus Newman", "password": NEW_PASSWORD}),
        "sso.settings": (owner, "/users/single-sign-on", {
            "protocol": "saml", "provisioning": "invited", "email_attribute": "mail"}),
        "sso.switch": (owner, "/users/single-sign-on/switch", {"on": "1"}),
        "sso.test_connection": (owner, "/users/single-sign-on/test", {}),
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
        "scim_tokens.create": (owner, "/users/single-sign-on/scim/tokens", {}),
        "scim_tokens.rotate": (owner, f"/users/single-sign-on/scim/tokens/{scim_token}/rotate",
                               {}),
        "scim_tokens.revoke": (owner, f"/users/single-sign-on/scim/tokens/{scim_token}/revoke",
                               {}),
    }
    # A genuine token, but from somebody else's session: as a forged page would carry.
    other = app.test_client()
    forged = csrf_token(other.get("/sign-in").get_data(as_text=True))
    return plan, forged, {"draft": draft, "invitation": ana_invitation, "member": member}


# POST routes that no browser of this app's users sends with a CSRF token, each protected
# otherwise and tested where it lives.
NOT_CSRF_ROUTES = {
    # The identity provider posts the signed answer from its own site: bound to this browser
    # by InResponseTo kept in its session, the signature and the replay check
    # (tests/sso/test_saml_acs.py refuses each attack).
    "sso_saml.acs",
    # The demo's own identity provider: it writes nothing (it renders the signed answer), and
    # answers 404 outside demo mode and to other machines (tests/sso/test_saml_dev_idp.py).
    "dev_idp.answer",
    # SCIM (/scim/v2/): a bearer token in the Authorization header, never a cookie, so a forged
    # browser request carries no credential (tests/scim/test_api_protocol.py: the 401s and the
    # cross-tenant sweep).
    "scim.create_user",
    "scim.search_users",
    "scim.unknown",
}


@pytest.mark.slow
def test_every_post_without_or_with_a_forged_csrf_token_changes_nothing(app, dns_server):
    plan, forged, _ids = _attack_plan(app, dns_server)
    posts = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    posts -= NOT_CSRF_ROUTES
    routes = {key.partition(":")[0] for key in plan}
    assert posts == routes, f"teach this test the new POST routes: {posts ^ routes}"
    clients = _clients(plan)
    before = _state(app, clients)
    for endpoint, (client, url, payload) in plan.items():
        for token in (None, forged, "", "x" * 500):
            data = dict(payload) if token is None else {**payload, "csrf_token": token}
            response = client.post(url, data=data)
            assert response.status_code in (200, 302, 400), (endpoint, response.status_code)
            assert _state(app, clients) == before, f"{endpoint} changed data with {token!r}"
    # Everyone who was signed in still is: no forged sign-out worked either.
    owner = plan["wizard.send"][0]
    assert owner.get("/users/").status_code == 200


def _post_endpoints() -> list[str]:
    """Every POST route of the app, walked from its URL map (a new route joins by itself)."""
    from tests.conftest import make_app

    app = make_app("sqlite://", "/nonexistent")
    posts = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    return sorted(posts - NOT_CSRF_ROUTES)


@pytest.mark.parametrize("endpoint", [*_post_endpoints(), "billing.pay:add_ons"])
def test_the_same_requests_with_the_real_token_do_change_things(app, dns_server, endpoint):
    """The control: every payload above is live, so the test above means something. A route
    whose forged request changes nothing only because its payload changes nothing would hide
    a missing CSRF check; here each one, sent genuinely, must change the database or who is
    signed in.

    First the same payload goes with invisible control characters in every field (a NUL,
    pasted from elsewhere, is a 500 on PostgreSQL if it reaches the database): never a 500,
    and none of them stored. If that changed nothing, the clean payload must."""
    plan, _forged, _ids = _attack_plan(app, dns_server)
    assert endpoint in plan, f"teach _attack_plan a live payload for {endpoint}"
    client, url, payload = plan[endpoint]
    clients = _clients(plan)
    before = _state(app, clients)
    signed_in = client.get("/account/").status_code == 200
    token = csrf_token(client.get("/account/" if signed_in else "/sign-in").get_data(as_text=True))
    laced = {k: f"\x00{v}\x1b\x00" if isinstance(v, str) else v for k, v in payload.items()}
    response = client.post(url, data={**laced, "csrf_token": token})
    assert response.status_code != 500, f"{endpoint}: control characters answered a 500"
    assert "\\x00" not in repr(_state(app, clients)), f"{endpoint} stored a NUL"
    if _state(app, clients) == before:
        response = client.post(url, data={**payload, "csrf_token": token})
        assert response.status_code == 302, (endpoint, response.status_code)
    assert _state(app, clients) != before, f"{endpoint}: the genuine request changed nothing"


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

