"""Step 3, licenses: each person's plan where the Privacy rule allows it, and the seats."""

import re
from html import unescape

from sqlalchemy import update

from tests.helpers import submit, text_of, title_of
from tests.invite.flow import add_people, confirm_licenses, draft_of, heads_up, start
from tests.manage.factories import hold_seats_every_way
from wizard.extensions import db
from wizard.models import Account, VerifiedDomain


def row_of(page, email) -> str:
    """The visible text of the people table's row for this address."""
    html = page.get_data(as_text=True)
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        if f">{email}<" in row:
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).replace(email, "").strip()
    raise AssertionError(f"no row for {email}")


def at_licenses(client, text, default_type="basic") -> str:
    base = start(client)
    add_people(client, base, text, default_type)
    heads_up(client, base, "skip")
    return base


def set_seats(app, seats):
    with app.app_context():
        db.session.execute(
            update(Account).where(Account.name == "Acme Corp").values(license_seats=seats)
        )
        db.session.commit()


def test_plans_show_only_on_verified_domains_and_elsewhere_say_what_happens_if_pro(
    app, auth, client
):
    with app.app_context():  # claimed but never verified: still not the owner's to see
        acme = db.session.query(Account).filter_by(name="Acme Corp").one()
        db.session.add(
            VerifiedDomain(
                account_id=acme.id,
                domain="partner.example",
                verification_code="x",
                verified_at=None,
            )
        )
        db.session.commit()
    auth.sign_in()
    base = at_licenses(
        client,
        "ana.pro@acme.example\ndora@acme.example\ngus@acme.example\n"
        "chen.pro@partner.example\nnobody@partner.example",
    )
    page = client.get(f"{base}/licenses")
    assert row_of(page, "ana.pro@acme.example").startswith("Pro (paid) Basic Loses: meetings")
    assert row_of(page, "dora@acme.example").startswith("Free Basic account Basic No change")
    assert row_of(page, "gus@acme.example").startswith("No account yet Basic")
    # Chen pays for Pro, but partner.example is not verified: he reads exactly like a
    # stranger, so the page cannot be used to find out who has an account.
    chen, nobody = row_of(page, "chen.pro@partner.example"), row_of(page, "nobody@partner.example")
    assert chen == nobody
    assert chen.startswith("Not shown Basic If they have Pro today, they lose: meetings up to")
    assert "2 addresses are not on a domain you have verified" in text_of(page)
    assert "1 person pays for Pro today and joins as Basic" in text_of(page)
    assert "Basic users can be given a license later" in text_of(page)


def test_licensed_people_beyond_the_free_seats_block_until_one_click_makes_them_basic(
    app, auth, client
):
    set_seats(app, 4)  # 2 in use: 2 free
    auth.sign_in()
    base = at_licenses(
        client, "a@acme.example\nb@acme.example\nc@acme.example\nd@acme.example", "licensed"
    )
    page = client.get(f"{base}/licenses")
    assert "<svg" in page.get_data(as_text=True)  # the picture, and the same in words:
    assert (
        "4 licenses purchased: 2 in use and 4 for this batch."
        " 2 of them fit in your free licenses; that is 2 more than you have."
    ) in text_of(page)
    assert "Not enough licenses" in text_of(page)
    assert "We suggest those who lose least: c@acme.example, d@acme.example." in text_of(page)
    blocked = confirm_licenses(client, base)
    assert title_of(blocked).startswith("Error: What changes for their licenses")
    assert "You are inviting 4 people as Licensed. Only 2 licenses are free." in text_of(
        blocked
    )
    assert client.get(f"{base}/check").location == f"{base}/licenses"

    made_basic = submit(client, f"{base}/licenses/make-basic", {}, page=f"{base}/licenses")
    assert made_basic.location == f"{base}/licenses"
    after = text_of(client.get(made_basic.location))
    assert "2 people will now join as Basic." in after
    assert ("4 licenses purchased: 2 in use and 2 for this batch. None is free after this batch."
            in after)
    assert confirm_licenses(client, base).location == f"{base}/check"
    assert "4 licenses purchased; none free after this batch." in text_of(
        client.get(f"{base}/check"))
    overrides = draft_of(app, base).data["licenses"]["overrides"]
    assert overrides == {"c@acme.example": "basic", "d@acme.example": "basic"}


def test_buying_licenses_from_this_step_leads_back_to_it_with_the_list_kept(app, auth, client):
    app.config["DEMO_MODE"] = True  # the development billing page stands in for payment
    set_seats(app, 2)  # 2 in use: none free
    auth.sign_in()
    base = at_licenses(client, "a@acme.example", "licensed")
    page = client.get(f"{base}/licenses")
    assert "after paying you come back to this page, and your list is kept" in text_of(page)
    buy = unescape(re.search(r'href="([^"]+)" id="buy-licenses"', page.text).group(1))
    back = unescape(re.search(r'name="return_to" value="([^"]+)"', client.get(buy).text).group(1))
    assert back == f"{base}/licenses"
    change = client.get("/users/licenses/", query_string={"seats": 3, "return_to": back})
    pay = unescape(re.search(r'href="([^"]+)" id="to-payment"', change.text).group(1))

    paid = submit(client, pay)

    assert paid.location == f"{base}/licenses"
    again = text_of(client.get(paid.location))
    assert "a@acme.example" in again
    assert "buy more licenses" not in again  # one free now: nothing blocks


def test_one_persons_user_type_can_be_changed_and_needs_confirming_again(app, auth, client):
    auth.sign_in()
    base = at_licenses(client, "ana.pro@acme.example, gus@acme.example")
    assert confirm_licenses(client, base).location == f"{base}/check"
    changed = submit(
        client,
        f"{base}/licenses/user-type",
        {"change": "ana.pro@acme.example licensed"},
        page=f"{base}/licenses",
    )
    assert changed.location.startswith(f"{base}/licenses")
    page = client.get(f"{base}/licenses")
    assert "ana.pro@acme.example will join as Licensed." in text_of(page)
    assert row_of(page, "ana.pro@acme.example").startswith("Pro (paid) Licensed Keeps the Pro")
    assert client.get(f"{base}/check").location == f"{base}/licenses"
    # Someone not in the batch cannot be slipped in.
    submit(
        client,
        f"{base}/licenses/user-type",
        {"change": "evil@x.example licensed"},
        page=f"{base}/licenses",
    )
    assert "evil@x.example" not in str(draft_of(app, base).data)


def test_a_long_list_has_a_summary_on_top_and_pages_of_people(auth, client):
    auth.sign_in()
    base = at_licenses(client, "\n".join(f"person{i:03}@acme.example" for i in range(120)))
    first = client.get(f"{base}/licenses")
    assert "120 people in this batch: 120 Basic." in text_of(first)
    assert "Showing 1 to 50 of 120" in text_of(first)
    assert ">person049@acme.example<" in first.get_data(as_text=True)
    assert ">person050@acme.example<" not in first.get_data(as_text=True)
    last = client.get(f"{base}/licenses?page=3")
    assert "Showing 101 to 120 of 120" in text_of(last)
    assert ">person119@acme.example<" in last.get_data(as_text=True)


def test_the_seat_picture_counts_only_pending_licensed_invitations_still_in_date(
    app, auth, client
):
    hold_seats_every_way(app)
    auth.sign_in()
    base = at_licenses(client, "a@acme.example\nb@acme.example", "licensed")
    assert (
        "10 licenses purchased: 2 in use, 1 held by a pending invitation, and 2 for this batch."
    ) in text_of(client.get(f"{base}/licenses"))
