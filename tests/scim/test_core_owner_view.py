"""What the owner sees of SCIM: the token page (made, shown once, rotated, revoked, last
used), the Users page's tags, the audit log, the Pending tab, and a SCIM invitation accepted."""

from datetime import timedelta

from sqlalchemy import select

from tests.helpers import csrf_token, signed_in, submit, text_of
from tests.scim.core_support import NOW, acme, fields, identity, person
from wizard.accept import tokens as link_tokens
from wizard.extensions import db
from wizard.models import Invitation, InvitationStatus, ScimToken, User
from wizard.scim import provisioning, tokens
from wizard.scim.provisioning import ScimFields

PAGE = "/users/single-sign-on/scim/"


def _provision(app, email: str, **changes) -> str:
    with app.app_context():
        made = provisioning.create_identity(acme(), fields(email, **changes), now=NOW)
        db.session.commit()
        return made.id


def _shown_token(page_text: str) -> str:
    words = [w for w in page_text.split() if w.startswith(tokens.PREFIX)]
    assert len(words) == 1, page_text
    return words[0]


def test_a_token_is_shown_once_and_works_until_it_is_revoked(app):
    owner = signed_in(app, "owner@acme.example")
    assert "No token works yet" in text_of(owner.get(PAGE))
    made = submit(owner, PAGE + "tokens", page=PAGE)
    assert made.status_code == 302
    plain = _shown_token(text_of(owner.get(PAGE)))
    assert tokens.PREFIX not in text_of(owner.get(PAGE))  # once only
    with app.app_context():
        stored = db.session.scalars(select(ScimToken)).one()
        assert stored.token_hash != plain and plain not in stored.token_hash
        assert tokens.account_for_token(plain, now=NOW).name == "Acme Corp"
        assert db.session.get(ScimToken, stored.id).last_used_at == NOW
        assert tokens.account_for_token(plain + "x", now=NOW) is None
        assert tokens.account_for_token("Bearer nonsense", now=NOW) is None
        token_id = stored.id
    assert "Never" not in text_of(owner.get(PAGE))  # last used is shown
    # The list links to a page that says what revoking does; opening it changes nothing.
    confirm = f"{PAGE}tokens/{token_id}/revoke"
    assert f'href="{confirm}"' in owner.get(PAGE).get_data(as_text=True)
    asked = text_of(owner.get(confirm))
    assert f"Revoke the token ending in {plain[-4:]}?" in asked
    assert "Requests that use this token are refused from now on" in asked
    assert "This cannot be undone." in asked
    with app.app_context():
        assert tokens.account_for_token(plain, now=NOW) is not None
    revoked = submit(owner, confirm, follow_redirects=True)
    assert "The token is revoked" in text_of(revoked)
    with app.app_context():
        assert tokens.account_for_token(plain, now=NOW + timedelta(hours=1)) is None


def test_rotating_gives_a_new_token_and_stops_the_old_one(app):
    owner = signed_in(app, "owner@acme.example")
    submit(owner, PAGE + "tokens", page=PAGE)
    old = _shown_token(text_of(owner.get(PAGE)))
    with app.app_context():
        old_id = db.session.scalars(select(ScimToken.id)).one()
    asked = text_of(owner.get(f"{PAGE}tokens/{old_id}/rotate"))
    assert "You get a new token, shown once. This one stops working at once." in asked
    with app.app_context():
        assert tokens.account_for_token(old, now=NOW) is not None  # asking changed nothing
    assert submit(owner, f"{PAGE}tokens/{old_id}/rotate").status_code == 302
    new = _shown_token(text_of(owner.get(PAGE)))
    assert new != old
    with app.app_context():
        assert tokens.account_for_token(old, now=NOW) is None
        assert tokens.account_for_token(new, now=NOW).name == "Acme Corp"
    again = submit(owner, f"{PAGE}tokens/{old_id}/rotate", page=PAGE, follow_redirects=True)
    assert "revoked already" in text_of(again)


def test_only_the_owner_manages_tokens_and_another_business_cannot_touch_acmes(app):
    admin = signed_in(app, "admin@acme.example")
    assert admin.get(PAGE).status_code == 403
    owner = signed_in(app, "owner@acme.example")
    submit(owner, PAGE + "tokens", page=PAGE)
    with app.app_context():
        token_id = db.session.scalars(select(ScimToken.id)).one()
    gloria = signed_in(app, "owner@globex.example")
    token = csrf_token(gloria.get(PAGE).get_data(as_text=True))
    gloria.post(f"{PAGE}tokens/{token_id}/revoke", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(ScimToken, token_id).revoked_at is None


def test_the_token_page_says_where_to_point_the_provider_in_german_too(app):
    owner = signed_in(app, "owner@acme.example")
    english = text_of(owner.get(PAGE))
    assert "/scim/v2" in english and "userName" in english
    owner.post(
        "/language",
        data={"lang": "de", "next": PAGE, "csrf_token": csrf_token(owner.get(PAGE).get_data(True))},
    )
    german = text_of(owner.get(PAGE))
    assert "SCIM-Bereitstellung" in german and "Token erstellen" in german


def test_the_users_page_tags_provisioned_and_deactivated_members(app):
    scim_id = _provision(app, "gus@acme.example")
    owner = signed_in(app, "owner@acme.example")
    page = text_of(owner.get("/users/"))
    assert "Gus New Provisioned by SCIM" in page
    with app.app_context():
        found = provisioning.find_identity(acme(), scim_id)
        provisioning.replace_identity(
            acme(), found, fields("gus@acme.example", active=False), now=NOW
        )
        db.session.commit()
    page = text_of(owner.get("/users/"))
    assert "Gus New Provisioned by SCIM Deactivated" in page
    assert "Deactivated: no license" in page


def test_give_a_license_refuses_a_deactivated_member(app):
    scim_id = _provision(app, "gus@acme.example", active=False)
    with app.app_context():
        gus = person("gus@acme.example").id
        assert identity(scim_id).user_id == gus
    owner = signed_in(app, "owner@acme.example")
    response = submit(
        owner, f"/users/{gus}/license", {"back": "/users/"}, page="/users/", follow_redirects=True
    )
    assert "is deactivated by your identity provider" in text_of(response)
    with app.app_context():
        assert person("gus@acme.example").user_type == "basic"


def test_the_audit_log_names_the_identity_provider_and_offers_the_scim_filters(app):
    _provision(app, "gus@acme.example")
    owner = signed_in(app, "owner@acme.example")
    log = text_of(owner.get("/users/audit-log/"))
    assert "Provisioned by SCIM" in log and "Your identity provider (SCIM)" in log
    filtered = text_of(owner.get("/users/audit-log/?action=scim_deactivated"))
    assert "Deactivated by SCIM" in filtered


def test_a_scim_invitation_is_on_the_pending_tab_and_accepting_it_links_the_member(app):
    scim_id = _provision(app, "dora@acme.example")
    owner = signed_in(app, "owner@acme.example")
    assert "dora@acme.example" in text_of(owner.get("/users/pending/"))
    with app.app_context():
        invitation = db.session.get(Invitation, identity(scim_id).invitation_id)
        link = link_tokens.token_for(invitation.token_nonce)
    dora = signed_in(app, "dora@acme.example")
    accepted = submit(dora, f"/invitation/{link}/accept", page=f"/invitation/{link}")
    assert accepted.status_code == 302
    with app.app_context():
        dora_user = person("dora@acme.example")
        assert dora_user.account.name == "Acme Corp"
        assert identity(scim_id).user_id == dora_user.id
        assert provisioning.is_member_active(identity(scim_id))
        assert db.session.get(Invitation, invitation.id).status == InvitationStatus.ACCEPTED


def test_deactivated_while_invited_joins_deactivated(app):
    scim_id = _provision(app, "dora@acme.example")
    with app.app_context():
        found = provisioning.find_identity(acme(), scim_id)
        provisioning.replace_identity(
            acme(),
            found,
            ScimFields(user_name="dora@acme.example", email="dora@acme.example", active=False),
            now=NOW,
        )
        db.session.commit()
        link = link_tokens.token_for(
            db.session.get(Invitation, identity(scim_id).invitation_id).token_nonce
        )
    dora = signed_in(app, "dora@acme.example")
    submit(dora, f"/invitation/{link}/accept", page=f"/invitation/{link}")
    with app.app_context():
        joined = db.session.execute(
            select(User).where(User.email == "dora@acme.example")
        ).scalar_one()
        assert joined.deactivated_at is not None
        assert not provisioning.is_member_active(identity(scim_id))
