"""Roles and ownership: admin and member, handing a business over (the new owner accepts),
removing someone (who gets their own account back), and the owner who cannot be removed."""

from html import unescape

from sqlalchemy import select

from tests.helpers import h1_of, signed_in, submit, text_of
from wizard.accounts.passwords import NO_PASSWORD, has_password
from wizard.delivery.mailer import render_email
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db
from wizard.models import AuditEvent, OutboxEmail, Role, User, UserType


def _person(app, email) -> User:
    with app.app_context():
        person = db.session.execute(select(User).where(User.email == email)).scalar_one()
        db.session.expunge(person)
        return person


def _mail(app, kind, to) -> list[dict]:
    with app.app_context():
        return [e.context for e in db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.kind == kind, OutboxEmail.to_address == to))]


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _make(client, user_id, role, **kw):
    url = f"/users/{user_id}/role"
    return submit(client, url, {"role": role}, page=f"{url}?to={role}", **kw)


def test_the_owner_makes_a_member_an_admin_after_confirming_and_back(app, auth, client):
    auth.sign_in()
    mia = _person(app, "member@acme.example")
    users = client.get("/users/").get_data(as_text=True)
    assert f'href="/users/{mia.id}/role?to=admin"' in users
    page = client.get(f"/users/{mia.id}/role?to=admin")
    assert h1_of(page) == "Make Mia Member an admin?"
    done = _make(client, mia.id, "admin", follow_redirects=True)
    assert "Mia Member is now an admin." in text_of(done)
    assert _person(app, "member@acme.example").role == Role.ADMIN
    _make(client, mia.id, "member")
    assert _person(app, "member@acme.example").role == Role.MEMBER
    assert _actions(app)[-2:] == ["role_changed", "role_changed"]


def test_an_admin_cannot_change_roles_and_another_business_is_not_found(app, auth, client):
    auth.sign_in("admin@acme.example")
    mia = _person(app, "member@acme.example")
    assert client.get(f"/users/{mia.id}/role?to=admin").status_code == 403
    assert "/role?to=admin" not in client.get("/users/").get_data(as_text=True)
    owner = signed_in(app, "owner@acme.example")
    gloria = _person(app, "owner@globex.example")
    assert owner.get(f"/users/{gloria.id}/role?to=member").status_code == 404
    assert owner.get(f"/users/{gloria.id}/remove").status_code == 404


def test_the_owner_cannot_be_made_a_member_or_be_removed(app, client, auth):
    olivia = _person(app, "owner@acme.example")
    admin = signed_in(app, "admin@acme.example")
    refused = submit(admin, f"/users/{olivia.id}/remove", page=f"/users/{olivia.id}/remove",
                     follow_redirects=True)
    assert "The owner cannot be changed or removed" in text_of(refused)
    auth.sign_in()
    assert client.get(f"/users/{olivia.id}/role?to=member").status_code == 200
    _make(client, olivia.id, "member")
    assert _person(app, "owner@acme.example").role == Role.OWNER


def test_an_admin_removes_members_but_not_other_admins(app):
    admin = signed_in(app, "admin@acme.example")
    olivia_client = signed_in(app, "owner@acme.example")
    adam = _person(app, "admin@acme.example")
    mia = _person(app, "member@acme.example")
    _make(olivia_client, mia.id, "admin")
    refused = submit(admin, f"/users/{mia.id}/remove", follow_redirects=True)
    assert "Only the owner of Acme Corp can do that." in text_of(refused)
    assert _person(app, "member@acme.example").account_id == adam.account_id


def test_a_removed_member_gets_their_own_account_back_and_is_told(app, auth, client):
    auth.sign_in("admin@acme.example")
    mia = _person(app, "member@acme.example")
    page = client.get(f"/users/{mia.id}/remove")
    assert h1_of(page) == "Remove Mia Member from Acme Corp?"
    assert "cloud recordings they made in Acme Corp stay with Acme Corp" in text_of(page)
    done = submit(client, f"/users/{mia.id}/remove", follow_redirects=True)
    assert "Mia Member is no longer in Acme Corp. We have told them by email." in text_of(done)
    with app.app_context():
        moved = db.session.execute(select(User).where(User.id == mia.id)).scalar_one()
        assert not moved.account.is_business and moved.account_id != mia.account_id
        assert (moved.role, moved.user_type) == (Role.OWNER, UserType.BASIC)
    [told] = _mail(app, "removed_from_business", "member@acme.example")
    assert (told["by_name"], told["has_password"]) == ("Adam Admin", True)
    assert _actions(app)[-1] == "member_removed"
    # Mia still signs in with her password, to her own account.
    mia_client = signed_in(app, "member@acme.example")
    assert h1_of(mia_client.get("/account/")) == "My account"


def test_someone_single_sign_on_made_is_told_to_choose_a_password_not_to_use_theirs(app):
    with app.app_context():
        mia = db.session.execute(
            select(User).where(User.email == "member@acme.example")).scalar_one()
        mia.password_hash = NO_PASSWORD  # made by single sign-on or SCIM
        db.session.commit()
        mia_id = mia.id
    admin = signed_in(app, "admin@acme.example")
    submit(admin, f"/users/{mia_id}/remove", page=f"/users/{mia_id}/remove")
    [context] = _mail(app, "removed_from_business", "member@acme.example")
    assert context["has_password"] is False
    with app.test_request_context("/"):
        mail = render_email("removed_from_business", locale="en", context=context)
    assert "same address and password" not in mail.text
    assert "Your account has no password of its own" in mail.text
    link = "http://invite.test/forgot-password?email=member@acme.example"
    assert link in mail.text and link in unescape(mail.html)
    # Someone with a password keeps hearing that they sign in as before.
    with app.app_context():
        mia = db.session.get(User, mia_id)
        assert not has_password(mia.password_hash)
        assert has_password(_person(app, "admin@acme.example").password_hash)


def test_ownership_moves_only_when_the_admin_accepts_and_both_are_told(app, auth, client):
    adam = _person(app, "admin@acme.example")
    auth.sign_in()
    page = client.get("/users/ownership")
    assert h1_of(page) == "Hand over ownership of Acme Corp"
    asked = submit(client, "/users/ownership", {"admin": str(adam.id)}, follow_redirects=True)
    assert "We have asked Adam Admin to accept. You stay the owner until they do." in text_of(asked)
    assert _person(app, "owner@acme.example").role == Role.OWNER
    assert _mail(app, "ownership_offered", "admin@acme.example")[0]["owner_name"] == "Olivia Owner"

    adam_client = app.test_client()
    landed = submit(adam_client, "/sign-in", {"email": "admin@acme.example",
                                              "password": DEMO_PASSWORD})
    assert landed.headers["Location"] == "/users/ownership/answer"  # the notice at sign-in
    assert "You are asked to become the owner of Acme Corp." in text_of(adam_client.get("/users/"))
    answer = adam_client.get("/users/ownership/answer")
    assert h1_of(answer) == "Become the owner of Acme Corp?"
    done = submit(adam_client, "/users/ownership/answer", {"answer": "accept"},
                  follow_redirects=True)
    assert "You are now the owner of Acme Corp." in text_of(done)
    assert _person(app, "admin@acme.example").role == Role.OWNER
    assert _person(app, "owner@acme.example").role == Role.ADMIN
    assert {c["is_new_owner"] for to in ("owner@acme.example", "admin@acme.example")
            for c in _mail(app, "ownership_transferred", to)} == {True, False}
    assert _actions(app)[-2:] == ["ownership_offered", "ownership_transferred"]
    with app.app_context():
        owners = db.session.scalars(select(User).where(
            User.account_id == adam.account_id, User.role == Role.OWNER)).all()
        assert [o.email for o in owners] == ["admin@acme.example"]
    # Answered once: a second answer finds nothing waiting.
    again = submit(adam_client, "/users/ownership/answer", {"answer": "accept"},
                   page="/users/", follow_redirects=True)
    assert "There is no handover waiting for you" in text_of(again)


def test_a_refused_or_withdrawn_handover_leaves_the_owner_in_place(app, auth, client):
    adam = _person(app, "admin@acme.example")
    auth.sign_in()
    submit(client, "/users/ownership", {"admin": str(adam.id)})
    adam_client = signed_in(app, "admin@acme.example")
    submit(adam_client, "/users/ownership/answer", {"answer": "refuse"})
    assert _person(app, "owner@acme.example").role == Role.OWNER
    assert _person(app, "admin@acme.example").ownership_offered_at is None
    assert _mail(app, "ownership_refused", "owner@acme.example")
    submit(client, "/users/ownership", {"admin": str(adam.id)})
    submit(client, "/users/ownership/withdraw", page="/users/ownership")
    late = submit(adam_client, "/users/ownership/answer", {"answer": "accept"}, page="/users/",
                  follow_redirects=True)
    assert "There is no handover waiting for you" in text_of(late)
    assert _person(app, "owner@acme.example").role == Role.OWNER


def test_ownership_goes_only_to_an_admin_and_the_page_says_how_to_get_one(app, auth, client):
    mia = _person(app, "member@acme.example")
    auth.sign_in()
    refused = submit(client, "/users/ownership", {"admin": str(mia.id)})
    assert refused.status_code == 200 and "There is a problem" in text_of(refused)
    gloria = signed_in(app, "owner@globex.example")
    with app.app_context():
        db.session.execute(
            User.__table__.update().where(User.email == "admin@globex.example")
            .values(role="member"))
        db.session.commit()
    page = gloria.get("/users/ownership")
    assert "Globex has no admin yet. On the Users page, choose Make admin" in text_of(page)
