"""What each SCIM operation means here (issue 24): who becomes a member, who is invited, who
is refused, and what deactivating, restoring and deleting do to the person and the seats."""

import pytest
from sqlalchemy import func, select

from tests.scim.core_support import NOW, acme, actions, fields, identity, mails, person
from wizard.extensions import db
from wizard.models import (
    Account,
    AccountKind,
    Invitation,
    InvitationStatus,
    Role,
    ScimIdentity,
    User,
    UserType,
)
from wizard.scim import provisioning
from wizard.scim.provisioning import ScimProblem


def create(email: str, **changes) -> str:
    made = provisioning.create_identity(acme(), fields(email, **changes), now=NOW)
    db.session.commit()
    return made.id


def replace(scim_id: str, email: str, **changes) -> None:
    account = acme()
    provisioning.replace_identity(
        account, provisioning.find_identity(account, scim_id), fields(email, **changes), now=NOW
    )
    db.session.commit()


def refused(call, *args, **kwargs) -> ScimProblem:
    with pytest.raises(ScimProblem) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    return caught.value


def test_an_address_without_an_account_becomes_a_basic_member_at_once(app):
    with app.app_context():
        scim_id = create("gus@acme.example")
        gus = person("gus@acme.example")
        assert gus.account.name == "Acme Corp"
        assert (gus.role, gus.user_type, gus.name) == (Role.MEMBER, UserType.BASIC, "Gus New")
        assert identity(scim_id).user_id == gus.id
        assert provisioning.is_member_active(identity(scim_id))
        assert "scim_created" in actions(acme().id)


def test_licensed_where_the_user_type_asks_and_a_license_is_free(app):
    with app.app_context():
        create("gus@acme.example", user_type="Licensed")
        assert person("gus@acme.example").user_type == UserType.LICENSED


def test_basic_and_the_owner_told_when_no_license_is_free(app):
    with app.app_context():
        acme().license_seats = 2  # the owner's and the admin's
        db.session.commit()
        create("gus@acme.example", user_type="licensed")
        assert person("gus@acme.example").user_type == UserType.BASIC
        told = mails("scim_without_license", "owner@acme.example")
        assert len(told) == 1 and told[0].context["member_email"] == "gus@acme.example"
        assert "scim_no_license" in actions(acme().id)


def test_someone_with_an_own_pro_account_is_invited_and_not_active_until_they_accept(app):
    with app.app_context():
        own_account = person("ana.pro@acme.example").account_id
        scim_id = create("ana.pro@acme.example", user_type="Licensed")
        ana = person("ana.pro@acme.example")
        assert ana.account_id == own_account  # never merged without their refund choice
        invitation = db.session.get(Invitation, identity(scim_id).invitation_id)
        assert (invitation.status, invitation.user_type) == (
            InvitationStatus.PENDING,
            UserType.LICENSED,
        )
        assert invitation.account_id == acme().id
        assert [m.to_address for m in mails("invitation")] == ["ana.pro@acme.example"]
        assert not provisioning.is_member_active(identity(scim_id))
        assert "scim_invited" in actions(acme().id)


def test_a_member_of_another_business_is_refused_and_nothing_is_made(app):
    with app.app_context():
        globex = db.session.execute(select(Account).where(Account.name == "Globex")).scalar_one()
        db.session.add(User(email="gil@acme.example", password_hash="x", account_id=globex.id))
        db.session.commit()
        problem = refused(provisioning.create_identity, acme(), fields("gil@acme.example"), now=NOW)
        assert (problem.status, problem.scim_type) == (409, "uniqueness")
        assert "another business" in problem.detail
        assert db.session.scalar(select(func.count(ScimIdentity.id))) == 0
        assert person("gil@acme.example").account_id == globex.id


def test_an_address_outside_the_verified_domains_is_refused(app):
    with app.app_context():
        problem = refused(
            provisioning.create_identity, acme(), fields("gus@elsewhere.example"), now=NOW
        )
        assert (problem.status, problem.scim_type) == (400, "invalidValue")
        assert person("gus@elsewhere.example") is None


def test_a_user_name_is_taken_whatever_its_case(app):
    with app.app_context():
        create("gus@acme.example", user_name="Gus@Acme.example")
        problem = refused(
            provisioning.create_identity,
            acme(),
            fields("gus2@acme.example", user_name="gus@ACME.example"),
            now=NOW,
        )
        assert (problem.status, problem.scim_type) == (409, "uniqueness")


def test_an_existing_member_is_linked_not_made_twice(app):
    with app.app_context():
        scim_id = create("member@acme.example")
        mia = person("member@acme.example")
        assert identity(scim_id).user_id == mia.id and mia.name == "Mia Member"
        problem = refused(
            provisioning.create_identity,
            acme(),
            fields("member@acme.example", user_name="mia"),
            now=NOW,
        )
        assert problem.status == 409


def test_deactivating_stops_sign_in_frees_the_seat_and_keeps_the_member(app, client, auth):
    with app.app_context():
        scim_id = create("gus@acme.example", user_type="Licensed")
        gus = person("gus@acme.example")
        gus.password_hash = person("member@acme.example").password_hash  # the demo password
        db.session.commit()
    assert auth.sign_in("gus@acme.example").status_code == 302  # a session open now
    with app.app_context():
        replace(scim_id, "gus@acme.example", user_type="Licensed", active=False)
        gus = person("gus@acme.example")
        assert gus.deactivated_at is not None and gus.account.name == "Acme Corp"
        assert gus.user_type == UserType.BASIC  # the seat is free
        assert not provisioning.is_member_active(identity(scim_id))
        assert identity(scim_id).version == 2
    assert client.get("/account/").status_code == 302  # the open session ended
    page = auth.sign_in("gus@acme.example")
    assert page.status_code == 200
    assert "deactivated your account" in page.get_data(as_text=True)


def test_reactivating_restores_the_license_when_one_is_free(app):
    with app.app_context():
        scim_id = create("gus@acme.example", user_type="Licensed")
        replace(scim_id, "gus@acme.example", user_type="Licensed", active=False)
        replace(scim_id, "gus@acme.example", user_type="Licensed", active=True)
        gus = person("gus@acme.example")
        assert gus.deactivated_at is None and gus.user_type == UserType.LICENSED
        assert provisioning.is_member_active(identity(scim_id))
        assert actions(acme().id).count("scim_reactivated") == 1


def test_reactivating_with_no_license_free_makes_them_basic_and_tells_the_owner(app):
    with app.app_context():
        scim_id = create("gus@acme.example", user_type="Licensed")
        replace(scim_id, "gus@acme.example", user_type="Licensed", active=False)
        acme().license_seats = 2
        db.session.commit()
        replace(scim_id, "gus@acme.example", user_type="Licensed", active=True)
        assert person("gus@acme.example").user_type == UserType.BASIC
        assert len(mails("scim_without_license")) == 1


def test_name_email_and_user_type_changes_reach_the_member(app):
    with app.app_context():
        scim_id = create("gus@acme.example")
        replace(scim_id, "gustav@acme.example", display_name="Gustav Neu", user_type="Licensed")
        gus = db.session.get(User, identity(scim_id).user_id)
        assert (gus.email, gus.name, gus.user_type) == (
            "gustav@acme.example",
            "Gustav Neu",
            UserType.LICENSED,
        )
        replace(scim_id, "gustav@acme.example", display_name="Gustav Neu", user_type="")
        assert person("gustav@acme.example").user_type == UserType.BASIC


def test_an_email_change_outside_the_verified_domains_is_refused(app):
    with app.app_context():
        scim_id = create("gus@acme.example")
        account = acme()
        problem = refused(
            provisioning.replace_identity,
            account,
            provisioning.find_identity(account, scim_id),
            fields("gus@elsewhere.example"),
            now=NOW,
        )
        assert (problem.status, problem.scim_type) == (400, "invalidValue")
        assert person("gus@acme.example") is not None


def test_delete_sends_the_member_back_to_an_own_account(app):
    with app.app_context():
        scim_id = create("gus@acme.example")
        account = acme()
        provisioning.delete_identity(account, provisioning.find_identity(account, scim_id), now=NOW)
        db.session.commit()
        gus = person("gus@acme.example")
        assert gus.account.kind == AccountKind.INDIVIDUAL and gus.role == Role.OWNER
        assert identity(scim_id) is None
        assert mails("removed_from_business", "gus@acme.example")[0].context["by_scim"]
        assert "scim_deleted" in actions(acme().id)


def test_delete_revokes_a_pending_invitation(app):
    with app.app_context():
        scim_id = create("ana.pro@acme.example")
        invitation_id = identity(scim_id).invitation_id
        account = acme()
        provisioning.delete_identity(account, provisioning.find_identity(account, scim_id), now=NOW)
        db.session.commit()
        assert db.session.get(Invitation, invitation_id).status == InvitationStatus.REVOKED
        assert person("ana.pro@acme.example").account.kind == AccountKind.INDIVIDUAL


def test_the_owner_is_neither_deactivated_nor_removed(app):
    with app.app_context():
        scim_id = create("owner@acme.example")
        account = acme()
        found = provisioning.find_identity(account, scim_id)
        problem = refused(
            provisioning.replace_identity,
            account,
            found,
            fields("owner@acme.example", active=False),
            now=NOW,
        )
        assert (problem.status, problem.scim_type) == (400, "mutability")
        found = provisioning.find_identity(acme(), scim_id)
        problem = refused(provisioning.delete_identity, acme(), found, now=NOW)
        assert problem.scim_type == "mutability"
        assert person("owner@acme.example").deactivated_at is None


def test_another_business_finds_none_of_acmes_identities(app):
    with app.app_context():
        scim_id = create("gus@acme.example")
        globex = db.session.execute(select(Account).where(Account.name == "Globex")).scalar_one()
        assert provisioning.find_identity(globex, scim_id) is None
        assert db.session.scalars(provisioning.identities(globex)).all() == []
        assert [i.id for i in db.session.scalars(provisioning.identities(acme()))] == [scim_id]


def test_providers_racing_for_the_last_license_get_one_between_them(app, is_postgres):
    """On PostgreSQL the creates really overlap; the account's lock hands out the last seat
    once, and the others join as Basic."""
    import threading

    if not is_postgres:
        pytest.skip("SQLite has one writer at a time: only PostgreSQL can race here")
    with app.app_context():
        acme().license_seats = 3  # the owner's, the admin's, and one free
        db.session.commit()
    barrier, problems = threading.Barrier(4), []

    def provision(n: int):
        with app.app_context():
            account = acme()
            barrier.wait()
            try:
                provisioning.create_identity(
                    account, fields(f"racer{n}@acme.example", user_type="Licensed"), now=NOW
                )
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported below
                problems.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=provision, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not problems
    with app.app_context():
        types = db.session.scalars(
            select(User.user_type).where(User.email.like("racer%"))
        ).all()
        assert sorted(types) == [UserType.BASIC] * 3 + [UserType.LICENSED]
        assert len(mails("scim_without_license")) == 3


def test_a_deactivated_member_refused_by_single_sign_on_too(app):
    from tests.sso.conftest import make_provider, said
    from wizard.models import IdentityProvider
    from wizard.sso.joining import Kind, complete_sign_in

    with app.app_context():
        scim_id = create("gus@acme.example", active=False)
        assert identity(scim_id).user_id is not None
    provider_id = make_provider(app)
    with app.app_context():
        outcome = complete_sign_in(
            db.session.get(IdentityProvider, provider_id), said("gus@acme.example"),
            protocol="saml", now=NOW,
        )
        assert outcome.kind == Kind.REFUSED and outcome.refusal.value == "deactivated"


def test_a_license_given_by_hand_comes_back_on_reactivation_when_one_is_free(app):
    """No userType asks for a license, but the owner gave Gus one: deactivating frees it and
    reactivating gives it back; when none is free by then, Basic and the owner is told."""
    with app.app_context():
        scim_id = create("gus@acme.example")
        person("gus@acme.example").user_type = UserType.LICENSED  # by hand, on the Users page
        db.session.commit()
        replace(scim_id, "gus@acme.example", active=False)
        assert person("gus@acme.example").user_type == UserType.BASIC
        replace(scim_id, "gus@acme.example", active=True)
        assert person("gus@acme.example").user_type == UserType.LICENSED
        assert identity(scim_id).license_held is False
        assert mails("scim_without_license") == []

        replace(scim_id, "gus@acme.example", active=False)
        assert identity(scim_id).license_held is True
        acme().license_seats = 2  # the seats left are all taken meanwhile
        db.session.commit()
        replace(scim_id, "gus@acme.example", active=True)
        gus = person("gus@acme.example")
        assert gus.deactivated_at is None and gus.user_type == UserType.BASIC
        told = mails("scim_without_license", "owner@acme.example")
        assert [mail.context["held"] for mail in told] == [True]  # "held a license before"
        # Told once: a later update does not try again.
        replace(scim_id, "gus@acme.example", display_name="Gus Again")
        assert len(mails("scim_without_license")) == 1
