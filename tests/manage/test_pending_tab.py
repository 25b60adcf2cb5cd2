"""The Pending tab: every invitation with its status and delivery, counts, search, filters,
sorting and pages, the sending progress, and who may see it."""

import re
from datetime import timedelta

import pytest

from tests.helpers import count_statements, h1_of, submit, text_of, title_of
from tests.manage.factories import make_batch, make_email, make_invitation
from wizard.extensions import db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)")


def rows_of(response) -> list[str]:
    """The addresses in the table, in the order shown."""
    html = response.get_data(as_text=True)
    return re.findall(r'class="pending-table__email">([^<]+)<', html)


def test_owner_sees_each_invitation_with_its_status_delivery_and_who_invited(app, auth, client):
    ana = make_invitation(app, "ana.pro@acme.example", name="Ana Pro", contacted=True)
    make_email(app, ana, status="failed", attempts=5, error="550 5.1.1 Mailbox unavailable")
    make_invitation(app, "gus@acme.example", invited_by="admin@acme.example", user_type="licensed")
    auth.sign_in()
    page = client.get("/users/pending/")
    text = text_of(page)
    assert h1_of(page) == "Pending"
    assert title_of(page).startswith("Pending")
    assert "ana.pro@acme.example Ana Pro Pending" in text
    assert "Not delivered" in text and "550 5.1.1 Mailbox unavailable" in text
    assert "5 attempts" in text
    assert "Yes," in text  # told in advance
    assert "gus@acme.example Pending" in text
    assert "No email" in text  # nothing in the outbox for gus
    assert "Licensed Adam Admin" in text


def test_a_pending_invitation_past_its_date_shows_as_expired_and_can_only_be_resent(
    app, auth, client
):
    make_invitation(app, "dora@acme.example", expires_in=timedelta(minutes=-1))
    auth.sign_in()
    html = client.get("/users/pending/").get_data(as_text=True)
    text = text_of(client.get("/users/pending/"))
    assert "dora@acme.example Expired" in text
    assert "Resend to dora@acme.example" in text
    assert "Revoke the invitation to dora@acme.example" not in text
    assert "/users/pending/revoke?ids=" not in html


def test_counts_per_status_count_expiry_by_time(app, auth, client):
    for n, status in enumerate(["pending", "pending", "accepted", "declined", "revoked"]):
        make_invitation(app, f"p{n}@example.com", status=status)
    make_invitation(app, "late@example.com", expires_in=timedelta(days=-3))
    make_invitation(app, "stored@example.com", status="expired", expires_in=timedelta(days=-9))
    auth.sign_in()
    text = text_of(client.get("/users/pending/"))
    assert (
        "4 Not accepted yet 2 Pending 2 Expired 1 Accepted 1 Declined 1 Revoked 7 All" in text
    )


def test_the_tab_lists_who_has_not_accepted_yet_and_the_others_are_one_filter_away(
    app, auth, client
):
    make_invitation(app, "waiting@example.com")
    make_invitation(app, "late@example.com", expires_in=timedelta(days=-3))
    for status in ("accepted", "declined", "revoked"):
        make_invitation(app, f"{status}@example.com", status=status)
    auth.sign_in()
    page = client.get("/users/pending/")
    assert sorted(rows_of(page)) == ["late@example.com", "waiting@example.com"]
    assert h1_of(page) == "Pending"  # as the tab is called
    assert 'aria-current="page">Pending</a>' in page.get_data(as_text=True)
    assert sorted(rows_of(client.get("/users/pending/?status=all"))) == [
        "accepted@example.com", "declined@example.com", "late@example.com",
        "revoked@example.com", "waiting@example.com",
    ]
    assert rows_of(client.get("/users/pending/?status=declined")) == ["declined@example.com"]


def test_when_nobody_is_waiting_the_page_says_so_and_offers_everyone(app, auth, client):
    make_invitation(app, "yes@example.com", status="accepted")
    auth.sign_in()
    text = text_of(client.get("/users/pending/"))
    assert "Nobody is waiting: every invitation was accepted, declined or revoked." in text
    assert "Show all invitations" in text


def test_status_filter_shows_only_that_effective_status(app, auth, client):
    make_invitation(app, "fresh@example.com")
    make_invitation(app, "late@example.com", expires_in=timedelta(days=-3))
    make_invitation(app, "yes@example.com", status="accepted")
    auth.sign_in()
    assert rows_of(client.get("/users/pending/?status=pending")) == ["fresh@example.com"]
    assert rows_of(client.get("/users/pending/?status=expired")) == ["late@example.com"]
    assert rows_of(client.get("/users/pending/?status=accepted")) == ["yes@example.com"]


def test_delivery_filter_uses_the_latest_email_of_each_invitation(app, auth, client):
    bounced = make_invitation(app, "bounced@example.com")
    make_email(app, bounced, status="failed", error="550 no such user")
    recovered = make_invitation(app, "recovered@example.com")
    make_email(app, recovered, status="failed", error="451 try later")
    make_email(app, recovered, status="sent")  # resent, and this one arrived
    waiting = make_invitation(app, "waiting@example.com")
    make_email(app, waiting, status="queued", attempts=0)
    make_invitation(app, "silent@example.com")
    auth.sign_in()
    assert rows_of(client.get("/users/pending/?delivery=failed")) == ["bounced@example.com"]
    assert rows_of(client.get("/users/pending/?delivery=sent")) == ["recovered@example.com"]
    assert rows_of(client.get("/users/pending/?delivery=queued")) == ["waiting@example.com"]
    assert rows_of(client.get("/users/pending/?delivery=none")) == ["silent@example.com"]


def test_search_finds_addresses_and_names_case_insensitively(app, auth, client):
    make_invitation(app, "ana.pro@acme.example", name="Ana Pro")
    make_invitation(app, "ben.pro@acme.example", name="Ben Pro")
    make_invitation(app, "percent_sign@example.com")
    auth.sign_in()
    assert rows_of(client.get("/users/pending/?q=ANA")) == ["ana.pro@acme.example"]
    assert rows_of(client.get("/users/pending/?q=ben+pro")) == ["ben.pro@acme.example"]
    # LIKE's wildcards are searched for literally
    assert rows_of(client.get("/users/pending/?q=%25")) == []
    assert rows_of(client.get("/users/pending/?q=t_s")) == ["percent_sign@example.com"]


def test_sorting_by_address_and_by_expiry(app, auth, client):
    make_invitation(app, "b@example.com", expires_in=timedelta(days=3))
    make_invitation(app, "c@example.com", expires_in=timedelta(days=1))
    make_invitation(app, "a@example.com", expires_in=timedelta(days=2))
    auth.sign_in()
    assert rows_of(client.get("/users/pending/?sort=email")) == [
        "a@example.com",
        "b@example.com",
        "c@example.com",
    ]
    assert rows_of(client.get("/users/pending/?sort=expires")) == [
        "c@example.com",
        "a@example.com",
        "b@example.com",
    ]


def test_pages_of_fifty_keep_the_filters_in_their_links(app, auth, client):
    for n in range(53):
        make_invitation(app, f"person{n:02d}@example.com")
    auth.sign_in()
    first = client.get("/users/pending/?sort=email&status=pending")
    assert len(rows_of(first)) == 50
    assert "Showing 1 to 50 of 53" in text_of(first)
    html = first.get_data(as_text=True)
    next_link = re.search(r'<a class="pagination__link" rel="next" href="([^"]+)"', html).group(1)
    assert "sort=email" in next_link and "status=pending" in next_link and "page=2" in next_link
    second = client.get(next_link.replace("&amp;", "&"))
    assert rows_of(second) == [
        "person50@example.com",
        "person51@example.com",
        "person52@example.com",
    ]
    assert "Page 2 of 2" in text_of(second)
    # A page past the end shows the last one, not an error
    assert rows_of(client.get("/users/pending/?sort=email&page=99")) == rows_of(second)


def test_a_search_counts_its_matches_and_an_old_page_number_shows_the_last_page(app, auth, client):
    for n in range(55):
        make_invitation(app, f"match{n:02d}@example.com")
    make_invitation(app, "other@example.com")
    auth.sign_in()
    first = client.get("/users/pending/?q=match&sort=email")
    assert "Showing 1 to 50 of 55" in text_of(first)
    past_the_end = client.get("/users/pending/?q=match&sort=email&page=7")
    assert "Showing 51 to 55 of 55" in text_of(past_the_end)
    assert rows_of(past_the_end)[-1] == "match54@example.com"
    nothing = client.get("/users/pending/?q=nobody&page=3")
    assert "No invitations match what you chose." in text_of(nothing)


def test_odd_filter_values_show_the_whole_list_instead_of_an_error(app, auth, client):
    make_invitation(app, "a@example.com")
    auth.sign_in()
    for query in (
        "status=nonsense",
        "delivery=%00",
        "sort=drop+table",
        "page=-4",
        "page=x",
        "q=" + "x" * 300,
    ):
        response = client.get(f"/users/pending/?{query}")
        assert response.status_code == 200, query
        assert rows_of(response) == ["a@example.com"], query


def test_nobody_invited_yet_points_to_add_users(auth, client):
    auth.sign_in()
    page = client.get("/users/pending/")
    assert "Nobody has been invited yet." in text_of(page)
    assert 'href="/users/add/"' in page.get_data(as_text=True)


# The Pending tab is a fixed number of statements whatever the number of invitations: the
# signed-in user; the count per status (the filter tabs, one statement); the page of ids; those
# invitations; their emails' delivery; the emails still queued or retrying (one count); the
# batches still going out; and their progress (waiting and failed invitations per batch, one
# statement). A statement more is a query per row or per batch creeping in.
PENDING_PAGE_STATEMENTS = 8


def test_statements_per_page_do_not_grow_with_the_number_of_invitations(app, auth, client):
    def add(count: int, start: int) -> None:
        batch = make_batch(app, count)
        for n in range(start, start + count):
            inv = make_invitation(app, f"n{n}@example.com", batch_id=batch)
            make_email(app, inv, status="queued" if n % 3 else "sent", attempts=0)

    add(3, 0)
    auth.sign_in()
    client.get("/users/pending/")
    with app.app_context():
        engine = db.engine
    with count_statements(engine) as few:
        client.get("/users/pending/")
    add(60, 100)
    with count_statements(engine) as many:
        page = client.get("/users/pending/")
    assert len(rows_of(page)) == 50
    assert many["n"] == few["n"] == PENDING_PAGE_STATEMENTS


def test_a_batch_going_out_shows_its_progress_and_the_page_refreshes_itself(app, auth, client):
    batch = make_batch(app, 4)
    for n in range(4):
        inv = make_invitation(app, f"b{n}@example.com", batch_id=batch)
        make_email(app, inv, status="sent" if n < 3 else "queued", attempts=int(n < 3))
    auth.sign_in()
    page = client.get("/users/pending/")
    html = page.get_data(as_text=True)
    assert re.search(r'<progress[^>]*max="4" value="3"', html)
    assert "3 of 4 sent" in text_of(page)
    assert "1 email is waiting to go out. This page updates itself every 15 seconds." in text_of(
        page
    )
    assert page.headers["Refresh"] == "15"  # a browser reloads it, no JavaScript needed
    assert not INLINE_SCRIPT.search(html)
    stop = re.search(r'href="([^"]*live=off[^"]*)"', html).group(1).replace("&amp;", "&")
    assert "Refresh" not in client.get(stop).headers


def resend(client, inv: int):
    page = f"/users/pending/resend?ids={inv}"
    return submit(client, "/users/pending/resend", {"ids": str(inv)}, page=page)


def test_a_resend_of_a_delivered_invitation_does_not_put_its_batch_back_on_its_way(
    app, auth, client
):
    batch = make_batch(app, 2)
    invs = [make_invitation(app, f"d{n}@example.com", batch_id=batch) for n in range(2)]
    for inv in invs:
        make_email(app, inv, status="sent")
    auth.sign_in()
    assert resend(client, invs[0]).status_code == 302
    page = client.get("/users/pending/")
    # One email is waiting (the resend), but the batch arrived in full: no "1 of 2 sent".
    assert "1 email is waiting to go out" in text_of(page)
    assert "<progress" not in page.get_data(as_text=True)


def test_a_resend_of_an_invitation_that_failed_counts_as_on_its_way_in_its_batch(app, auth, client):
    batch = make_batch(app, 3)
    sent, waiting, failed = (
        make_invitation(app, f"{n}@example.com", batch_id=batch) for n in ("s", "w", "f")
    )
    make_email(app, sent, status="sent")
    make_email(app, waiting, status="queued", attempts=0)
    make_email(app, failed, status="failed", attempts=5, error="550 no such user")
    auth.sign_in()
    before = client.get("/users/pending/")
    assert "1 of 3 sent" in text_of(before)
    assert "1 email could not be delivered" in text_of(before)
    assert resend(client, failed).status_code == 302
    after = client.get("/users/pending/")
    assert "1 of 3 sent" in text_of(after)
    assert "could not be delivered" not in text_of(after)  # on its way again
    assert re.search(r'<progress[^>]*max="3" value="1"', after.get_data(as_text=True))


def test_a_failed_email_delivered_by_a_later_resend_counts_as_sent(app, auth, client):
    batch = make_batch(app, 2)
    first, second = (make_invitation(app, f"{n}@example.com", batch_id=batch) for n in "ab")
    make_email(app, first, status="failed", attempts=5, error="451 try later")
    make_email(app, first, status="sent")  # the resend that arrived
    make_email(app, second, status="queued", attempts=0)
    auth.sign_in()
    page = client.get("/users/pending/")
    assert "1 of 2 sent" in text_of(page)
    assert "could not be delivered" not in text_of(page)


def test_an_invitation_counts_once_in_its_batch_however_many_emails_it_has(app, auth, client):
    """Progress is by invitation: two failed attempts of one address are one failure, and two
    emails on their way to one address (two resends racing) are one invitation waiting."""
    batch = make_batch(app, 4)
    bounced, twice, sent, last = (
        make_invitation(app, f"{n}@example.com", batch_id=batch) for n in ("b", "t", "s", "l")
    )
    make_email(app, bounced, status="failed", attempts=5, error="550 no such user")
    make_email(app, bounced, status="failed", attempts=5, error="550 no such user")
    make_email(app, twice, status="queued", attempts=0)
    make_email(app, twice, status="retrying", attempts=1, error="451 try later")
    make_email(app, sent, status="sent")
    make_email(app, last, status="sent")
    auth.sign_in()
    page = client.get("/users/pending/")
    assert "2 of 4 sent" in text_of(page)
    assert "1 email could not be delivered" in text_of(page)
    assert "2 emails are waiting to go out" in text_of(page)  # emails, as the worker sees them
    assert re.search(r'<progress[^>]*max="4" value="2"', page.get_data(as_text=True))


def test_a_filtered_list_refreshes_only_when_asked_so_typing_is_not_lost(app, auth, client):
    inv = make_invitation(app, "b@example.com", batch_id=make_batch(app, 1))
    make_email(app, inv, status="queued", attempts=0)
    auth.sign_in()
    page = client.get("/users/pending/?status=pending")
    assert "<progress" in page.get_data(as_text=True)
    assert "Refresh" not in page.headers
    start = re.search(r'href="([^"]*live=on[^"]*)"', page.get_data(as_text=True)).group(1)
    start = start.replace("&amp;", "&")
    assert "status=pending" in start
    assert client.get(start).headers["Refresh"] == "15"


def test_nothing_going_out_means_no_progress_and_no_refresh(app, auth, client):
    inv = make_invitation(app, "done@example.com", batch_id=make_batch(app, 1))
    make_email(app, inv, status="sent")
    auth.sign_in()
    page = client.get("/users/pending/")
    assert "<progress" not in page.get_data(as_text=True)
    assert "Refresh" not in page.headers


def test_the_page_has_one_h1_unique_ids_and_no_inline_script_or_style(app, auth, client):
    for n in range(3):
        make_invitation(app, f"p{n}@example.com")
    auth.sign_in()
    html = client.get("/users/pending/").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert not INLINE_SCRIPT.search(html) and 'style="' not in html


def test_a_member_cannot_see_the_pending_tab(app, auth, client):
    make_invitation(app, "secret@example.com")
    auth.sign_in("member@acme.example")
    response = client.get("/users/pending/")
    assert response.status_code == 403
    assert "secret@example.com" not in response.get_data(as_text=True)


def test_another_business_sees_none_of_acmes_invitations(app, auth, client):
    make_invitation(app, "secret@example.com")
    make_invitation(app, "theirs@example.com", account="Globex", invited_by="owner@globex.example")
    auth.sign_in("owner@globex.example")
    page = client.get("/users/pending/")
    assert rows_of(page) == ["theirs@example.com"]
    assert "1 All" in text_of(page)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_owner_turns_automatic_reminders_on_and_off(app, auth, client, enabled):
    from sqlalchemy import select

    from wizard.models import Account

    with app.app_context():
        acme = db.session.scalar(select(Account).where(Account.name == "Acme Corp"))
        acme.reminders_enabled = not enabled
        db.session.commit()
    auth.sign_in()
    response = submit(
        client,
        "/users/pending/reminders",
        {"enabled": "on" if enabled else "off", "back": "/users/pending/?status=pending"},
        page="/users/pending/",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/users/pending/?status=pending"
    with app.app_context():
        acme = db.session.scalar(select(Account).where(Account.name == "Acme Corp"))
        assert acme.reminders_enabled is enabled
    text = text_of(client.get("/users/pending/"))
    assert ("Automatic reminders are on." in text) is enabled
    assert ("Automatic reminders are off." in text) is not enabled


def test_an_admin_sees_the_reminder_setting_but_only_the_owner_switches_it(app, auth, client):
    from sqlalchemy import select

    from wizard.models import Account

    auth.sign_in("admin@acme.example")
    page = client.get("/users/pending/")
    assert "Automatic reminders are on." in text_of(page)
    assert "Turn off reminders" not in text_of(page)
    submit(client, "/users/pending/reminders", {"enabled": "off"}, page="/users/")
    assert "Only the account's owner can turn reminders on or off." in text_of(
        client.get("/users/pending/")
    )
    with app.app_context():
        acme = db.session.scalar(select(Account).where(Account.name == "Acme Corp"))
        assert acme.reminders_enabled is True


def test_reminders_cannot_be_switched_by_a_member_or_without_the_form(app, auth, client):
    from sqlalchemy import select

    from wizard.models import Account

    auth.sign_in("member@acme.example")
    # A valid form token, so that it is the role check that answers, not the CSRF check.
    response = submit(client, "/users/pending/reminders", {"enabled": "off"}, page="/account/")
    assert response.status_code == 403
    assert "Only owners and admins can manage users" in text_of(response)
    with app.app_context():
        acme = db.session.scalar(select(Account).where(Account.name == "Acme Corp"))
        assert acme.reminders_enabled is True
    auth.sign_out()
    auth.sign_in()
    client.post("/users/pending/reminders", data={"enabled": "off"})  # no CSRF token
    with app.app_context():
        acme = db.session.scalar(select(Account).where(Account.name == "Acme Corp"))
        assert acme.reminders_enabled is True
