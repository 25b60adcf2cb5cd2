"""Resend and revoke, single and bulk: every allowed transition, every forbidden one, and
that a refused action changes nothing."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.helpers import account_lock_at, csrf_token, h1_of, submit, text_of, title_of
from tests.manage.factories import (
    audit_actions,
    invitation,
    make_email,
    make_invitation,
    outbox_rows,
)
from wizard.extensions import db
from wizard.models import Account, Invitation


def resend(client, *ids, back="/users/pending/"):
    query = "&".join(f"ids={i}" for i in ids)
    return submit(
        client,
        "/users/pending/resend",
        {"ids": ",".join(str(i) for i in ids), "back": back},
        page=f"/users/pending/resend?{query}",
    )


def revoke(client, *ids, back="/users/pending/"):
    query = "&".join(f"ids={i}" for i in ids)
    return submit(
        client,
        "/users/pending/revoke",
        {"ids": ",".join(str(i) for i in ids), "back": back},
        page=f"/users/pending/revoke?{query}",
    )


def snapshot(app, invitation_id):
    inv = invitation(app, invitation_id)
    return (inv.status, inv.token_hash, inv.expires_at, inv.revoked_at, inv.sent_at)


def flashes(client) -> str:
    return text_of(client.get("/users/pending/"))


# --- Resend ----------------------------------------------------------------------------


def test_resending_a_pending_invitation_kills_the_old_link_and_starts_thirty_days_again(
    app, auth, client
):
    inv = make_invitation(
        app,
        "ana.pro@acme.example",
        name="Ana Pro",
        user_type="licensed",
        invited_by="admin@acme.example",
        expires_in=timedelta(days=2),
    )
    before = invitation(app, inv)
    auth.sign_in()
    response = resend(client, inv, back="/users/pending/?status=pending&sort=email")
    assert response.status_code == 302
    assert response.headers["Location"] == "/users/pending/?status=pending&sort=email"
    after = invitation(app, inv)
    assert after.status == "pending"
    assert after.token_hash != before.token_hash
    assert after.token_nonce != before.token_nonce
    now = datetime.now(UTC)
    assert timedelta(days=29, hours=23) < after.expires_at - now <= timedelta(days=30)
    [(kind, status, locale, context)] = outbox_rows(app, inv)
    assert (kind, status, locale) == ("invitation", "queued", "en")
    assert context == {
        "business_name": "Acme Corp",
        "inviter_name": "Adam Admin",
        "inviter_email": "admin@acme.example",
        "invitee_name": "Ana Pro",
        "user_type": "licensed",
        "expires_at": after.expires_at.isoformat(),
    }
    assert audit_actions(app, inv) == ["resent"]
    assert "The invitation to ana.pro@acme.example was sent again with a new link." in flashes(
        client
    )


def test_a_second_resend_while_the_first_email_waits_to_go_out_sends_nothing(app, auth, client):
    inv = make_invitation(app, "gus@acme.example")
    auth.sign_in()
    resend(client, inv)
    token_hash = invitation(app, inv).token_hash
    page = client.get(f"/users/pending/resend?ids={inv}")
    assert h1_of(page) == "Nothing to resend"
    assert "an invitation email with the newest link is still on its way" in text_of(page)
    # The reason is that one, not the status: it is pending, which may be resent.
    assert "can be resent now. Why, for each one, is below." in text_of(page)
    assert "Only pending and expired invitations can" not in text_of(page)
    resend(client, inv)  # a double click, or an old tab
    assert [row[0] for row in outbox_rows(app, inv)] == ["invitation"]
    assert invitation(app, inv).token_hash == token_hash
    assert audit_actions(app, inv) == ["resent"]


def test_resend_looks_for_an_email_on_its_way_only_under_the_accounts_lock(
    app, auth, client, is_postgres
):
    """Two resends of one invitation at the same moment (two tabs) must not both find no
    email on its way: the look happens while the account's lock is held, so the second
    waits for the first and then finds its email. Deterministic where a race is luck."""
    if not is_postgres:
        pytest.skip("row locks are no-ops on SQLite, which has one writer")
    inv = make_invitation(app, "gus@acme.example")
    auth.sign_in()
    token = csrf_token(client.get(f"/users/pending/resend?ids={inv}").get_data(as_text=True))
    with app.app_context():
        engine = db.engine

    def looking_for_an_email_on_its_way(sql: str) -> bool:
        flat = " ".join(sql.split()).lower()
        return flat.startswith("select outbox_email.invitation_id") and "kind" in flat

    with account_lock_at(engine, looking_for_an_email_on_its_way) as seen:
        answer = client.post("/users/pending/resend", data={"ids": str(inv), "csrf_token": token})
    assert answer.status_code == 302
    assert seen == ["held"]
    assert [row[0] for row in outbox_rows(app, inv)] == ["invitation"]


def test_an_invitation_whose_email_failed_can_be_resent(app, auth, client):
    inv = make_invitation(app, "gus@acme.example")
    make_email(app, inv, status="failed", attempts=8, error="550 no such user")
    auth.sign_in()
    resend(client, inv)
    assert [row[1] for row in outbox_rows(app, inv)] == ["failed", "queued"]


def test_the_resent_email_is_in_the_invitees_language_or_else_the_accounts(app, auth, client):
    with app.app_context():
        acme = db.session.scalar(select(Account).where(Account.name == "Acme Corp"))
        acme.default_locale = "de"
        db.session.commit()
    ben = make_invitation(app, "ben.pro@acme.example")  # his own account is in German
    ana = make_invitation(app, "ana.pro@acme.example")  # hers in English
    gus = make_invitation(app, "gus@acme.example")  # no account: the business's language
    auth.sign_in()
    resend(client, ben, ana, gus)
    assert outbox_rows(app, ben)[0][2] == "de"
    assert outbox_rows(app, ana)[0][2] == "en"
    assert outbox_rows(app, gus)[0][2] == "de"


@pytest.mark.parametrize("stored", ["pending", "expired"])
def test_an_expired_invitation_is_resent_as_pending_again(app, auth, client, stored):
    inv = make_invitation(app, "gus@acme.example", status=stored, expires_in=timedelta(days=-4))
    auth.sign_in()
    confirm = client.get(f"/users/pending/resend?ids={inv}")
    assert "Resend 1 invitation?" in text_of(confirm)
    resend(client, inv)
    after = invitation(app, inv)
    assert after.status == "pending"
    assert after.expires_at > datetime.now(UTC) + timedelta(days=29)
    assert audit_actions(app, inv) == ["resent"]
    assert "gus@acme.example Pending" in text_of(client.get("/users/pending/"))


@pytest.mark.parametrize("status", ["accepted", "declined", "revoked"])
def test_accepted_declined_and_revoked_invitations_are_never_resent(app, auth, client, status):
    inv = make_invitation(app, "gus@acme.example", status=status)
    before = snapshot(app, inv)
    auth.sign_in()
    confirm = client.get(f"/users/pending/resend?ids={inv}")
    assert h1_of(confirm) == "Nothing to resend"
    assert "Only pending and expired invitations can." in text_of(confirm)
    assert 'id="confirm"' not in confirm.get_data(as_text=True)
    response = resend(client, inv)  # posted anyway, as an old tab or a crafted form would
    assert response.status_code == 302
    assert snapshot(app, inv) == before
    assert outbox_rows(app, inv) == []
    assert audit_actions(app, inv) == []
    assert "gus@acme.example" in flashes(client)


def test_an_expired_invitation_is_not_resent_while_a_newer_one_to_the_address_is_pending(
    app, auth, client
):
    old = make_invitation(app, "gus@acme.example", status="expired", expires_in=timedelta(-5))
    new = make_invitation(app, "gus@acme.example")
    before = snapshot(app, old)
    auth.sign_in()
    assert "already has a newer invitation that is pending" in text_of(
        client.get(f"/users/pending/resend?ids={old}")
    )
    resend(client, old)
    assert snapshot(app, old) == before
    assert outbox_rows(app, old) == []
    assert "gus@acme.example already has a newer invitation that is pending." in flashes(client)
    assert invitation(app, new).status == "pending"


def test_two_chosen_invitations_to_one_address_resend_only_the_newest(app, auth, client):
    older = make_invitation(app, "gus@acme.example", status="expired", expires_in=timedelta(-9))
    newer = make_invitation(app, "gus@acme.example", status="expired", expires_in=timedelta(-2))
    auth.sign_in()
    resend(client, older, newer)
    assert invitation(app, newer).status == "pending"
    assert invitation(app, older).status == "expired"
    assert outbox_rows(app, older) == []


def test_someone_who_is_already_a_member_is_not_invited_again(app, auth, client):
    inv = make_invitation(app, "member@acme.example", status="expired", expires_in=timedelta(-2))
    auth.sign_in()
    resend(client, inv)
    assert invitation(app, inv).status == "expired"
    assert "member@acme.example is already a member of this account." in flashes(client)


def test_bulk_resend_does_what_it_can_and_says_what_it_could_not(app, auth, client):
    pending = make_invitation(app, "a@example.com")
    expired = make_invitation(app, "b@example.com", expires_in=timedelta(days=-1))
    accepted = make_invitation(app, "c@example.com", status="accepted")
    auth.sign_in()
    confirm = client.get(f"/users/pending/resend?ids={pending}&ids={expired}&ids={accepted}")
    text = text_of(confirm)
    assert h1_of(confirm) == "Resend 2 invitations?"
    assert "1 invitation stays as it is" in text
    assert "c@example.com has already accepted." in text
    resend(client, pending, expired, accepted)
    text = flashes(client)
    assert "2 invitations were sent again with new links." in text
    assert "c@example.com has already accepted." in text
    assert [row[0] for row in outbox_rows(app, pending)] == ["invitation"]
    assert [row[0] for row in outbox_rows(app, expired)] == ["invitation"]
    assert outbox_rows(app, accepted) == []


# --- Revoke ----------------------------------------------------------------------------


def test_revoking_a_pending_invitation_kills_its_link_for_good(app, auth, client):
    inv = make_invitation(app, "gus@acme.example")
    auth.sign_in()
    confirm = client.get(f"/users/pending/revoke?ids={inv}&back=/users/pending/?q=gus")
    assert h1_of(confirm) == "Revoke 1 invitation?"
    assert title_of(confirm).startswith("Revoke 1 invitation?")
    assert "The link in the email stops working at once." in text_of(confirm)
    response = revoke(client, inv, back="/users/pending/?q=gus")
    assert response.headers["Location"] == "/users/pending/?q=gus"
    after = invitation(app, inv)
    assert after.status == "revoked"
    assert after.revoked_at is not None
    assert audit_actions(app, inv) == ["revoked"]
    assert "The invitation to gus@acme.example was revoked." in flashes(client)
    # Revoked stays revoked: it cannot be resent
    resend(client, inv)
    assert invitation(app, inv).status == "revoked"
    assert outbox_rows(app, inv) == []


@pytest.mark.parametrize(
    ("status", "expires_in"),
    [
        ("accepted", timedelta(days=3)),
        ("declined", timedelta(days=3)),
        ("revoked", timedelta(days=3)),
        ("expired", timedelta(days=-3)),
        ("pending", timedelta(days=-3)),  # expired by time
    ],
)
def test_only_pending_invitations_can_be_revoked(app, auth, client, status, expires_in):
    inv = make_invitation(app, "gus@acme.example", status=status, expires_in=expires_in)
    before = snapshot(app, inv)
    auth.sign_in()
    assert h1_of(client.get(f"/users/pending/revoke?ids={inv}")) == "Nothing to revoke"
    revoke(client, inv)
    assert snapshot(app, inv) == before
    assert audit_actions(app, inv) == []


def test_a_revoke_confirmed_after_the_person_accepted_changes_nothing(app, auth, client):
    inv = make_invitation(app, "gus@acme.example")
    auth.sign_in()
    page = client.get(f"/users/pending/revoke?ids={inv}")
    assert h1_of(page) == "Revoke 1 invitation?"
    with app.app_context():  # the invitee accepts while the owner reads the confirmation
        db.session.get(Invitation, inv).status = "accepted"
        db.session.commit()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    client.post("/users/pending/revoke", data={"csrf_token": token.group(1), "ids": str(inv)})
    after = invitation(app, inv)
    assert after.status == "accepted"
    assert after.revoked_at is None
    assert audit_actions(app, inv) == []
    assert "gus@acme.example has already accepted." in flashes(client)


def test_bulk_revoke_revokes_the_pending_ones_only(app, auth, client):
    a = make_invitation(app, "a@example.com")
    b = make_invitation(app, "b@example.com")
    c = make_invitation(app, "c@example.com", status="declined")
    auth.sign_in()
    revoke(client, a, b, c)
    assert [invitation(app, i).status for i in (a, b, c)] == ["revoked", "revoked", "declined"]
    text = flashes(client)
    assert "2 invitations were revoked." in text
    assert "c@example.com has declined the invitation." in text


def test_the_bulk_form_on_the_list_leads_to_the_confirmation(app, auth, client):
    a = make_invitation(app, "a@example.com")
    b = make_invitation(app, "b@example.com")
    auth.sign_in()
    html = client.get("/users/pending/?sort=email").get_data(as_text=True)
    assert 'formaction="/users/pending/revoke"' in html
    assert 'formaction="/users/pending/resend"' in html
    back = re.search(r'name="back" value="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert back == "/users/pending/?sort=email"
    confirm = client.get("/users/pending/revoke", query_string={"ids": [a, b], "back": back})
    assert h1_of(confirm) == "Revoke 2 invitations?"
    assert 'href="/users/pending/?sort=email" id="cancel"' in confirm.get_data(as_text=True)


# --- Refused: nothing chosen, stale forms, other people and other accounts --------------


def test_choosing_nothing_says_what_to_do(auth, client):
    auth.sign_in()
    response = client.get("/users/pending/resend?back=/users/pending/?status=expired")
    assert response.status_code == 302
    assert response.headers["Location"] == "/users/pending/?status=expired"
    assert "Select at least one invitation first" in flashes(client)


def test_a_back_address_off_the_pending_tab_is_ignored(app, auth, client):
    inv = make_invitation(app, "gus@acme.example")
    auth.sign_in()
    for back in ("https://evil.example/", "//evil.example/users/pending/", "/users/"):
        assert revoke(client, inv, back=back).headers["Location"] == "/users/pending/"


def test_without_a_valid_form_token_nothing_is_done_and_the_page_says_so(app, auth, client):
    inv = make_invitation(app, "gus@acme.example")
    before = snapshot(app, inv)
    auth.sign_in()
    response = client.post("/users/pending/revoke", data={"ids": str(inv), "csrf_token": "x"})
    assert "This form had expired, so nothing was saved." in text_of(response)
    assert title_of(response).startswith("Error: Revoke 1 invitation?")
    assert snapshot(app, inv) == before
    client.post("/users/pending/resend", data={"ids": str(inv)})
    assert snapshot(app, inv) == before
    assert outbox_rows(app, inv) == [] and audit_actions(app, inv) == []


@pytest.mark.parametrize("action", ["resend", "revoke"])
def test_another_accounts_invitation_is_not_found_and_stays_as_it_was(app, auth, client, action):
    theirs = make_invitation(
        app, "gus@acme.example", account="Globex", invited_by="owner@globex.example"
    )
    ours = make_invitation(app, "ana.pro@acme.example")
    before = (snapshot(app, theirs), snapshot(app, ours))
    auth.sign_in()
    assert client.get(f"/users/pending/{action}?ids={theirs}").status_code == 404
    assert client.get(f"/users/pending/{action}?ids={ours}&ids={theirs}").status_code == 404
    assert client.get(f"/users/pending/{theirs}").status_code == 404
    token_page = client.get(f"/users/pending/{action}?ids={ours}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', token_page).group(1)
    for ids in (str(theirs), f"{ours},{theirs}"):
        response = client.post(f"/users/pending/{action}", data={"csrf_token": token, "ids": ids})
        assert response.status_code == 404
    assert (snapshot(app, theirs), snapshot(app, ours)) == before
    assert audit_actions(app) == []
    assert outbox_rows(app, theirs) == [] and outbox_rows(app, ours) == []


@pytest.mark.parametrize("action", ["resend", "revoke"])
def test_a_member_can_neither_resend_nor_revoke(app, auth, client, action):
    inv = make_invitation(app, "gus@acme.example")
    before = snapshot(app, inv)
    auth.sign_in("member@acme.example")
    assert client.get(f"/users/pending/{action}?ids={inv}").status_code == 403
    assert client.get(f"/users/pending/{inv}").status_code == 403
    token_page = client.get("/account/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', token_page).group(1)
    response = client.post(f"/users/pending/{action}", data={"csrf_token": token, "ids": inv})
    assert response.status_code == 403
    assert snapshot(app, inv) == before
    assert audit_actions(app) == []


def test_signed_out_nobody_gets_anywhere(app, client):
    inv = make_invitation(app, "gus@acme.example")
    for path in (
        "/users/pending/",
        f"/users/pending/{inv}",
        f"/users/pending/resend?ids={inv}",
        "/users/pending/export.csv",
        "/users/audit-log/",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


def test_the_confirmation_pages_have_one_h1_a_matching_title_and_unique_ids(app, auth, client):
    a = make_invitation(app, "a@example.com")
    b = make_invitation(app, "b@example.com", status="accepted")
    auth.sign_in()
    for path in (
        f"/users/pending/resend?ids={a}&ids={b}",
        f"/users/pending/revoke?ids={a}",
        f"/users/pending/revoke?ids={b}",
    ):
        page = client.get(path)
        html = page.get_data(as_text=True)
        assert title_of(page).startswith(h1_of(page))
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), path
