"""Resending within the licenses bought: expired Licensed invitations hold no license, so
bringing them back needs free ones, counted under the account's lock as Send does."""

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import func, select, update

from tests.helpers import h1_of, submit, text_of
from tests.manage.factories import invitation, make_invitation, outbox_rows
from wizard.extensions import db
from wizard.models import Account, Invitation, InvitationStatus, User, UserType
from wizard.models.types import utcnow

EXPIRED = timedelta(days=-3)


def licenses_bought(app, seats: int) -> None:
    with app.app_context():
        db.session.execute(
            update(Account).where(Account.name == "Acme Corp").values(license_seats=seats)
        )
        db.session.commit()


def resend(client, ids, **extra):
    query = "&".join(f"ids={i}" for i in ids)
    return submit(
        client,
        "/users/pending/resend",
        {"ids": ",".join(map(str, ids)), "back": "/users/pending/", **extra},
        page=f"/users/pending/resend?{query}",
    )


def held_licenses(app) -> int:
    """Licensed members plus pending, unexpired Licensed invitations of Acme."""
    with app.app_context():
        acme = db.session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
        members = db.session.scalar(
            select(func.count(User.id)).where(
                User.account_id == acme, User.user_type == UserType.LICENSED
            )
        )
        pending = db.session.scalar(
            select(func.count(Invitation.id)).where(
                Invitation.account_id == acme,
                Invitation.status == InvitationStatus.PENDING,
                Invitation.expires_at > utcnow(),
                Invitation.user_type == UserType.LICENSED,
            )
        )
        return members + pending


def three_expired_licensed(app) -> list[int]:
    return [
        make_invitation(app, f"p{n}@acme.example", user_type="licensed", expires_in=EXPIRED)
        for n in range(3)
    ]


def test_resending_more_expired_licensed_invitations_than_free_licenses_is_refused_with_ways_out(
    app, auth, client
):
    ids = three_expired_licensed(app)
    licenses_bought(app, 4)  # the owner and the admin hold 2: 2 are free
    auth.sign_in()
    page = client.get(f"/users/pending/resend?ids={ids[0]}&ids={ids[1]}&ids={ids[2]}")
    text, html = text_of(page), page.get_data(as_text=True)
    assert "Not enough free licenses" in text
    assert "3 of these people were invited as Licensed users" in text
    assert "Only 2 licenses are free now." in text
    assert 'id="confirm"' not in html  # no plain Resend: it would go past the licenses
    assert "Resend 3 invitations, these people as Basic users" in text
    assert "choose fewer" in text and "buy more licenses for Acme Corp" in text
    before = [(invitation(app, i).status, invitation(app, i).token_hash) for i in ids]

    refused = resend(client, ids)  # a plain resend posted anyway (an old tab)

    assert refused.status_code == 409
    assert "Not enough free licenses" in text_of(refused)
    assert [(invitation(app, i).status, invitation(app, i).token_hash) for i in ids] == before
    assert held_licenses(app) == 2


def test_with_no_license_free_the_refusal_says_so_in_words_and_links_the_licenses_page(
    app, auth, client
):
    ids = three_expired_licensed(app)
    licenses_bought(app, 2)  # the owner and the admin hold both
    auth.sign_in()
    page = client.get(f"/users/pending/resend?ids={ids[0]}&ids={ids[1]}")
    text, html = text_of(page), page.get_data(as_text=True)
    assert "No licenses are free now." in text
    assert "Only 0" not in text
    assert re.search(r'href="/users/licenses/\?return_to=[^"]+" id="buy-licenses"', html)
    assert "Resend 2 invitations, these people as Basic users" in text


def test_buying_licenses_from_a_refused_resend_leads_back_to_it_with_the_same_choice(
    app, auth, client
):
    app.config["DEMO_MODE"] = True  # the development billing page stands in for payment
    ids = three_expired_licensed(app)
    licenses_bought(app, 4)  # 2 free, 3 needed
    auth.sign_in()
    confirm = f"/users/pending/resend?ids={ids[0]}&ids={ids[1]}&ids={ids[2]}"
    page = client.get(confirm)
    assert "after paying you come back to this page, with the same invitations chosen" in (
        text_of(page)
    )
    buy = unescape(re.search(r'href="([^"]+)" id="buy-licenses"', page.text).group(1))
    licenses = client.get(buy)
    back = unescape(re.search(r'name="return_to" value="([^"]+)"', licenses.text).group(1))
    assert 'id="return"' in licenses.text  # and a way back without buying
    change = client.get("/users/licenses/", query_string={"seats": 5, "return_to": back})
    pay = unescape(re.search(r'href="([^"]+)" id="to-payment"', change.text).group(1))

    paid = submit(client, pay)

    assert paid.status_code == 302
    again = client.get(paid.headers["Location"])
    assert h1_of(again) == "Resend 3 invitations?"
    assert 'id="confirm"' in again.text  # enough licenses now: the plain Resend is back
    assert "Done: your business now has 5 licenses." in text_of(again)


def test_when_one_of_several_needs_a_license_the_button_names_that_one_person(app, auth, client):
    ids = three_expired_licensed(app)
    with app.app_context():
        db.session.execute(
            update(Invitation).where(Invitation.id.in_(ids[1:])).values(user_type=UserType.BASIC)
        )
        db.session.commit()
    licenses_bought(app, 2)  # none free
    auth.sign_in()
    page = client.get("/users/pending/resend?" + "&".join(f"ids={i}" for i in ids))
    assert "Resend 3 invitations, the person above as a Basic user" in text_of(page)


def test_one_click_resends_them_as_basic_users(app, auth, client):
    ids = three_expired_licensed(app)
    licenses_bought(app, 4)
    auth.sign_in()
    done = resend(client, ids, as_basic="yes")
    assert done.status_code == 302
    assert "3 of them were invited as Basic users" in text_of(client.get("/users/pending/"))
    for inv_id in ids:
        after = invitation(app, inv_id)
        assert (after.status, after.user_type) == ("pending", "basic")
    assert held_licenses(app) == 2
    assert len(outbox_rows(app, ids[0])) == 1


def test_expired_licensed_invitations_that_fit_are_resent_licensed(app, auth, client):
    ids = three_expired_licensed(app)
    licenses_bought(app, 5)  # 3 free
    auth.sign_in()
    assert h1_of(client.get(f"/users/pending/resend?ids={ids[0]}")) == "Resend 1 invitation?"
    assert resend(client, ids).status_code == 302
    assert {invitation(app, i).user_type for i in ids} == {"licensed"}
    assert held_licenses(app) == 5


def test_a_pending_licensed_invitation_keeps_its_license_when_resent(app, auth, client):
    holding = make_invitation(app, "p0@acme.example", user_type="licensed")
    licenses_bought(app, 3)  # owner, admin, and this invitation: none free
    auth.sign_in()
    assert resend(client, [holding]).status_code == 302
    assert invitation(app, holding).user_type == "licensed"
    assert held_licenses(app) == 3
