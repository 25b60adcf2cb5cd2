"""The owner's license and role are the owner's alone: an admin manages everyone else, but
the Users page offers nothing on the owner's row and the service refuses."""

from sqlalchemy import select

from tests.helpers import submit, text_of
from tests.manage.factories import audit_actions
from tests.manage.test_licenses import member_id, user_type
from wizard.extensions import db
from wizard.manage.licenses import assign_license, remove_license
from wizard.models import Account, User, UserType


def test_the_users_page_offers_an_admin_nothing_on_the_owners_row(app, auth, client):
    owner = member_id(app, "owner@acme.example")
    auth.sign_in("admin@acme.example")
    html = client.get("/users/").get_data(as_text=True)
    assert f'id="owners-own-{owner}"' in html
    assert f"/users/{owner}/license" not in html
    assert "Only the owner changes this" in text_of(client.get("/users/"))
    assert f'id="take-back-{member_id(app, "admin@acme.example")}"' in html  # others: as before


def test_an_admin_cannot_take_the_owners_license_and_is_told_whom_to_ask(app, auth, client):
    owner = member_id(app, "owner@acme.example")
    auth.sign_in("admin@acme.example")
    page = client.get(f"/users/{owner}/license/remove")
    assert page.status_code == 302 and page.location == "/users/"
    response = submit(client, f"/users/{owner}/license/remove", {"back": "/users/"}, page="/users/")
    assert response.location == "/users/"
    assert (
        "Only Olivia Owner can change the owner's license. If it should change, ask them; "
        "nothing was changed."
    ) in text_of(client.get("/users/"))
    assert user_type(app, "owner@acme.example") == "licensed"
    assert "license_removed" not in audit_actions(app)


def test_the_service_refuses_an_admin_either_way_but_the_owner_may(app, auth, client):
    with app.app_context():
        acme = db.session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
        owner, admin = (
            db.session.scalar(select(User.id).where(User.email == email))
            for email in ("owner@acme.example", "admin@acme.example")
        )
        assert remove_license(acme, admin, owner).reason == "owners_own"
        db.session.get(User, owner).user_type = UserType.BASIC
        db.session.commit()
        assert assign_license(acme, admin, owner).reason == "owners_own"
        assert db.session.get(User, owner).user_type == UserType.BASIC
        assert assign_license(acme, owner, owner).changed  # the owner's own choice
        assert remove_license(acme, admin, admin).changed  # an admin's own license: theirs
