"""Licenses on the Users page: given to Basic members while seats are free, taken back after
a confirmation that says what the person loses; seat counts follow everywhere."""

import re

import pytest
from sqlalchemy import select

from tests.helpers import h1_of, submit, text_of, title_of
from tests.manage.factories import audit_actions, hold_seats_every_way, make_invitation, user_id
from wizard.extensions import db
from wizard.models import Account, Role, User, UserType


def user_type(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(select(User.user_type).where(User.email == email)).value


def member_id(app, email: str) -> int:
    with app.app_context():
        return user_id(email)


def set_seats(app, seats: int) -> None:
    with app.app_context():
        acme = db.session.scalar(select(Account).where(Account.name == "Acme Corp"))
        acme.license_seats = seats
        db.session.commit()


def give(client, uid: int, back: str = "/users/"):
    return submit(client, f"/users/{uid}/license", {"back": back}, page="/users/")


def take_back(client, uid: int, back: str = "/users/"):
    return submit(
        client, f"/users/{uid}/license/remove", {"back": back}, page=f"/users/{uid}/license/remove"
    )


def test_members_are_listed_owners_then_admins_then_members_each_by_name(app, auth, client):
    with app.app_context():
        acme = db.session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
        for email, name, role in [
            ("zed@acme.example", "Zed Admin", Role.ADMIN),
            ("bea@acme.example", "Bea Member", Role.MEMBER),
            ("al@acme.example", "", Role.MEMBER),
        ]:
            db.session.add(
                User(email=email, name=name, role=role, account_id=acme, password_hash="x")
            )
        db.session.commit()
    auth.sign_in()
    html = client.get("/users/").get_data(as_text=True)
    order = re.findall(r"<td>([a-z.]+@acme\.example)</td>", html)
    assert order == [
        "owner@acme.example",
        "admin@acme.example",
        "zed@acme.example",
        "al@acme.example",
        "bea@acme.example",
        "member@acme.example",
    ]


def test_a_basic_member_gets_a_license_while_seats_are_free(app, auth, client):
    mia = member_id(app, "member@acme.example")
    auth.sign_in()
    assert "10 licenses purchased: 2 in use and 8 free." in text_of(
        client.get("/users/")
    )
    response = give(client, mia, back="/users/?q=mia")
    assert response.headers["Location"] == "/users/?q=mia"
    assert user_type(app, "member@acme.example") == "licensed"
    assert audit_actions(app) == ["license_assigned"]
    text = text_of(client.get("/users/"))
    assert "Mia Member now has a license." in text
    assert "10 licenses purchased: 3 in use and 7 free." in text


def test_no_license_is_given_when_every_seat_is_used_or_held(app, auth, client):
    set_seats(app, 3)
    make_invitation(app, "gus@acme.example", user_type="licensed")  # holds the third seat
    mia = member_id(app, "member@acme.example")
    auth.sign_in()
    page = text_of(client.get("/users/"))
    assert "No free license" in page
    assert "Give a license" not in page
    give(client, mia)  # posted anyway
    assert user_type(app, "member@acme.example") == "basic"
    assert audit_actions(app) == []
    assert "There is no free license for Mia Member." in text_of(client.get("/users/"))


def test_taking_a_license_back_says_what_the_person_loses_first(app, auth, client):
    adam = member_id(app, "admin@acme.example")
    auth.sign_in()
    page = client.get(f"/users/{adam}/license/remove?back=/users/?page=1")
    text = text_of(page)
    assert h1_of(page) == "Take back the license of Adam Admin?"
    assert title_of(page).startswith(h1_of(page))
    for loss in (
        "40 minutes when 3 or more people join",
        "No, recording on their own computer",
        "Add-ons (large meetings, webinars) Yes No",
        "Cannot be one",
    ):
        assert loss in text
    assert "The license becomes free: 9 free afterwards." in text
    assert user_type(app, "admin@acme.example") == "licensed"  # looking changes nothing
    response = take_back(client, adam, back="/users/?page=1")
    assert response.headers["Location"] == "/users/?page=1"
    assert user_type(app, "admin@acme.example") == "basic"
    assert audit_actions(app) == ["license_removed"]
    text = text_of(client.get("/users/"))
    assert "Adam Admin is now a Basic user." in text
    assert "10 licenses purchased: 1 in use and 9 free." in text


def test_a_basic_member_has_no_license_to_take_back(app, auth, client):
    mia = member_id(app, "member@acme.example")
    auth.sign_in()
    response = client.get(f"/users/{mia}/license/remove")
    assert response.status_code == 302
    assert "Mia Member has no license to take back." in text_of(client.get("/users/"))
    submit(client, f"/users/{mia}/license/remove", {}, page="/users/")  # posted anyway
    assert user_type(app, "member@acme.example") == "basic"
    assert audit_actions(app) == []


def test_giving_a_license_twice_changes_nothing_the_second_time(app, auth, client):
    adam = member_id(app, "admin@acme.example")
    auth.sign_in()
    give(client, adam)
    assert audit_actions(app) == []
    assert "Adam Admin already has a license." in text_of(client.get("/users/"))


def test_another_accounts_member_is_not_found_and_keeps_their_license(app, auth, client):
    gloria = member_id(app, "owner@globex.example")
    ana = member_id(app, "ana.pro@acme.example")  # an individual account, not Acme's
    auth.sign_in()
    for uid in (gloria, ana):
        assert client.get(f"/users/{uid}/license/remove").status_code == 404
        token = re.search(
            r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/users/").get_data(as_text=True)
        ).group(1)
        assert client.post(f"/users/{uid}/license", data={"csrf_token": token}).status_code == 404
        response = client.post(f"/users/{uid}/license/remove", data={"csrf_token": token})
        assert response.status_code == 404
    assert user_type(app, "owner@globex.example") == "licensed"
    assert audit_actions(app) == []


@pytest.mark.parametrize("path", ["/users/{uid}/license", "/users/{uid}/license/remove"])
def test_a_member_cannot_change_licenses(app, auth, client, path):
    adam, mia = member_id(app, "admin@acme.example"), member_id(app, "member@acme.example")
    auth.sign_in("member@acme.example")
    token = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/account/").get_data(as_text=True)
    ).group(1)
    for uid in (adam, mia):
        response = client.post(path.format(uid=uid), data={"csrf_token": token})
        assert response.status_code == 403
    assert user_type(app, "admin@acme.example") == "licensed"
    assert user_type(app, "member@acme.example") == "basic"
    assert audit_actions(app) == []


def test_without_a_form_token_no_license_changes(app, auth, client):
    mia, adam = member_id(app, "member@acme.example"), member_id(app, "admin@acme.example")
    auth.sign_in()
    client.post(f"/users/{mia}/license", data={})
    response = client.post(f"/users/{adam}/license/remove", data={"csrf_token": "stale"})
    assert "This form had expired, so nothing was saved." in text_of(response)
    assert user_type(app, "member@acme.example") == "basic"
    assert user_type(app, "admin@acme.example") == "licensed"


def test_users_page_searches_and_pages_through_many_members(app, auth, client):
    with app.app_context():
        acme = db.session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
        for n in range(55):
            db.session.add(
                User(
                    email=f"p{n:02d}@acme.example",
                    name=f"Person {n:02d}",
                    account_id=acme,
                    password_hash="x",
                    user_type=UserType.BASIC,
                )
            )
        db.session.commit()
    auth.sign_in()
    first = text_of(client.get("/users/"))
    assert "Showing 1 to 50 of 58" in first
    assert "Page 1 of 2" in first
    found = text_of(client.get("/users/?q=PERSON+07"))
    assert "p07@acme.example" in found and "p08@acme.example" not in found
    assert "Showing 1 to 1 of 1" in found


def test_the_users_page_costs_the_same_statements_with_many_members(app, auth, client):
    from tests.helpers import count_statements

    auth.sign_in()
    client.get("/users/")
    with app.app_context():
        engine = db.engine
    with count_statements(engine) as few:
        client.get("/users/")
    with app.app_context():
        acme = db.session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
        for n in range(70):
            db.session.add(User(email=f"m{n}@acme.example", account_id=acme, password_hash="x"))
        db.session.commit()
    with count_statements(engine) as many:
        client.get("/users/")
    assert many["n"] == few["n"]


def test_only_pending_licensed_invitations_still_in_date_hold_a_seat(app, auth, client):
    hold_seats_every_way(app)
    auth.sign_in()
    page = text_of(client.get("/users/"))
    assert "10 licenses purchased: 2 in use, 1 held by a pending invitation, and 7 free." in page


def test_free_seats_are_purchased_less_used_less_held_and_never_below_none():
    from wizard.manage.seats import SeatCount

    assert SeatCount(purchased=10, in_use=2, pending=1).free == 7
    assert SeatCount(purchased=3, in_use=3, pending=0).free == 0
    assert SeatCount(purchased=3, in_use=4, pending=1).free == 0  # seats were taken away


def test_a_member_without_a_name_says_so_instead_of_an_empty_cell(app, auth, client):
    # SCIM may push a person with an address and no name.
    with app.app_context():
        db.session.get(User, user_id("member@acme.example")).name = ""
        db.session.commit()
    auth.sign_in()
    html = client.get("/users/").get_data(as_text=True)
    cell = re.search(r"<td>(.*?)</td>\s*<td>member@acme\.example</td>", html, re.S).group(1)
    assert "No name given" in cell
