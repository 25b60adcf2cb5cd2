"""Step 4, check and send, and the sent page: everything re-checked, one batch per draft."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.helpers import account_lock_at, csrf_token, submit, text_of
from tests.invite.flow import (
    add_people,
    confirm_licenses,
    draft_of,
    heads_up,
    send,
    start,
    to_check,
)
from tests.invite.test_people import invite_directly
from wizard.accept.tokens import token_for, token_hash
from wizard.extensions import db
from wizard.models import (
    Account,
    AuditEvent,
    Invitation,
    InvitationBatch,
    InvitationStatus,
    OutboxEmail,
    User,
)
from wizard.models.types import utcnow

PEOPLE = "Ana Pro <ana.pro@acme.example>\nben.pro@acme.example\ngus@acme.example"


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_check_page_shows_every_answer_with_a_change_link_and_the_email(auth, client):
    auth.sign_in()
    base = to_check(client, PEOPLE, how="mark")
    page = client.get(f"{base}/check")
    text, html = text_of(page), page.get_data(as_text=True)
    assert (
        "3 people: Ana Pro <ana.pro@acme.example>, ben.pro@acme.example, gus@acme.example" in text
    )
    assert "You told 3 people yourself." in text
    assert "3 Basic." in text and "0 Licensed" not in text
    for step in ("people", "heads-up", "licenses"):
        assert f'href="{base}/{step}"' in html
    # The invitation as Ana will get it: subject and text, and the HTML on its own page.
    assert "Subject: Olivia Owner invited you to join Acme Corp" in text
    assert "Hello Ana Pro," in text and "as a Basic user" in text
    assert "Send 3 invitations" in text
    preview = client.get(f"{base}/check/invitation-email")
    assert preview.mimetype == "text/html"
    assert "sandbox" in preview.headers["Content-Security-Policy"]
    assert "script-src" not in preview.headers["Content-Security-Policy"]
    assert "Join Acme Corp" in preview.get_data(as_text=True)


def test_send_creates_pending_invitations_their_emails_and_audit_events(app, auth, client):
    auth.sign_in()
    base = to_check(client, PEOPLE, how="send")
    before = utcnow()
    # Whatever the posted page claims is ignored: Send works from the draft alone.
    response = submit(
        client,
        f"{base}/send",
        {"email": "evil@x.example", "user_type": "licensed"},
        page=f"{base}/check",
    )
    assert response.location == f"{base}/sent"
    with app.app_context():
        batch = db.session.scalars(select(InvitationBatch)).one()
        invitations = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
        mails = db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.kind == "invitation").order_by(OutboxEmail.id)
        ).all()
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "invited").order_by(AuditEvent.id)
        ).all()
        owner = invitations[0].invited_by_id
        assert batch.size == 3 and batch.draft_id == draft_of(app, base).id
        assert [(i.email, i.name, i.user_type, i.status) for i in invitations] == [
            ("ana.pro@acme.example", "Ana Pro", "basic", InvitationStatus.PENDING),
            ("ben.pro@acme.example", "", "basic", InvitationStatus.PENDING),
            ("gus@acme.example", "", "basic", InvitationStatus.PENDING),
        ]
        for invitation in invitations:
            assert invitation.batch_id == batch.id and invitation.invited_by_id == owner
            assert invitation.token_hash == token_hash(token_for(invitation.token_nonce))
            assert (
                timedelta(days=30) <= invitation.expires_at - before < timedelta(days=30, minutes=5)
            )
            assert invitation.contacted_at is not None
        assert len({i.token_hash for i in invitations}) == 3
        assert [(m.to_address, m.invitation_id, m.locale) for m in mails] == [
            (i.email, i.id, "de" if i.email.startswith("ben") else "en") for i in invitations
        ]
        assert mails[0].context == {
            "business_name": "Acme Corp",
            "inviter_name": "Olivia Owner",
            "inviter_email": "owner@acme.example",
            "invitee_name": "Ana Pro",
            "user_type": "basic",
            "expires_at": invitations[0].expires_at.isoformat(),
        }
        assert [(e.invitation_id, e.subject_email) for e in events] == [
            (i.id, i.email) for i in invitations
        ]
    assert draft_of(app, base).sent_batch_id == batch.id


def test_sending_twice_makes_one_batch_and_shows_the_sent_page(app, auth, client):
    auth.sign_in()
    base = to_check(client, PEOPLE)
    first = send(client, base)
    again = submit(client, f"{base}/send", {}, page="/users/add/")
    assert first.location == again.location == f"{base}/sent"
    assert count(app, InvitationBatch) == 1 and count(app, Invitation) == 3
    # Back to the check page (or any step) after sending: the sent page.
    for step in ("people", "heads-up", "licenses", "check"):
        assert client.get(f"{base}/{step}").location == f"{base}/sent"


def test_clicks_at_the_same_moment_make_one_batch(app, auth, client):
    clicks = 3
    auth.sign_in()
    base = to_check(client, PEOPLE)
    token = csrf_token(client.get(f"{base}/check").get_data(as_text=True))
    cookie = client.get_cookie("session")
    barrier = threading.Barrier(clicks)
    answers = []

    def click():
        other = app.test_client()
        other.set_cookie(cookie.key, cookie.value)
        barrier.wait()
        answers.append(other.post(f"{base}/send", data={"csrf_token": token}).location)

    threads = [threading.Thread(target=click) for _ in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [f"{base}/sent"] * clicks
    assert count(app, InvitationBatch) == 1 and count(app, Invitation) == 3
    assert count(app, OutboxEmail, OutboxEmail.kind == "invitation") == 3


def test_people_invited_since_the_check_send_nothing_and_show_the_problem(app, auth, client):
    auth.sign_in()
    base = to_check(client, PEOPLE)
    invite_directly(app, "gus@acme.example")
    response = send(client, base)
    assert response.location == f"{base}/people"
    page = client.get(response.location)
    assert "Some people were invited or joined since you checked the list." in text_of(page)
    assert "gus@acme.example was already invited and has not answered yet." in text_of(page)
    assert "1 entry needs your attention" in text_of(page)
    assert "The other 2 people are fine and kept." in text_of(page)
    assert count(app, InvitationBatch) == 0 and count(app, Invitation) == 1


def test_after_a_refused_send_step_1_counts_the_problems_and_the_people_kept_alike(
    app, auth, client
):
    auth.sign_in()
    base = start(client)
    assert add_people(client, base, PEOPLE + "\nnot-an-address", leave_out="1").location == (
        f"{base}/heads-up"
    )
    heads_up(client, base)
    confirm_licenses(client, base)
    invite_directly(app, "gus@acme.example")
    page = client.get(send(client, base).location)
    text = text_of(page)
    # The line left out before and the person invited meanwhile; Ana and Ben are fine.
    assert "2 entries need your attention" in text
    assert "The other 2 people are fine and kept." in text
    assert "Line 4" in text and "gus@acme.example was already invited" in text


def test_fewer_free_licenses_than_at_the_check_send_nothing(app, auth, client):
    auth.sign_in()
    base = to_check(client, PEOPLE, default_type="licensed")
    with app.app_context():
        db.session.execute(
            update(Account).where(Account.name == "Acme Corp").values(license_seats=3)
        )
        db.session.commit()
    response = send(client, base)
    assert response.location == f"{base}/licenses"
    assert "There are fewer free licenses than when you checked." in text_of(
        client.get(response.location)
    )
    assert count(app, Invitation) == 0


def test_an_expired_pending_invitation_gives_way_to_the_new_one(app, auth, client):
    old_id = invite_directly(app, "gus@acme.example", days_left=-1)
    auth.sign_in()
    base = to_check(client, "gus@acme.example")
    send(client, base)
    with app.app_context():
        statuses = dict(db.session.execute(select(Invitation.id, Invitation.status)).all())
    assert statuses[old_id] == InvitationStatus.EXPIRED
    assert sorted(statuses.values()) == [InvitationStatus.EXPIRED, InvitationStatus.PENDING]


def test_the_sent_page_counts_says_what_happens_next_and_lists_the_batch(app, auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, "\n".join(f"p{i:02}@acme.example" for i in range(60)))
    heads_up(client, base, "mark")
    confirm_licenses(client, base)
    page = client.get(send(client, base).location)
    text = text_of(page)
    assert "60 invitations are on their way" in text
    assert "60 Basic. All 60 heard from you first." in text and "0 Licensed" not in text
    assert "What happens next" in text
    assert 'href="/users/pending/"' in page.get_data(as_text=True)
    assert "p00@acme.example" in text and "p49@acme.example" in text
    assert "p50@acme.example" not in text and "Showing 1 to 50 of 60" in text
    assert "p59@acme.example" in text_of(client.get(f"{base}/sent?page=2"))


def test_the_sent_page_names_each_status_as_the_pending_tab_does(app, auth, client):
    auth.sign_in()
    base = to_check(client, "ana.pro@acme.example\ngus@acme.example")
    send(client, base)
    with app.app_context():
        db.session.execute(
            update(Invitation)
            .where(Invitation.email == "gus@acme.example")
            .values(status=InvitationStatus.REVOKED)
        )
        db.session.commit()
    text = text_of(client.get(f"{base}/sent"))
    assert "ana.pro@acme.example Basic Pending" in text
    assert "gus@acme.example Basic Revoked" in text
    assert "You can resend or revoke an invitation on the Pending tab." in text
    assert "Waiting for an answer" not in text and "withdr" not in text.lower()


def test_the_check_page_previews_the_email_in_the_first_persons_own_language(
    app, auth, client
):
    with app.app_context():
        db.session.execute(
            update(User).where(User.email == "ana.pro@acme.example").values(locale="de")
        )
        db.session.commit()
    auth.sign_in()
    base = to_check(client, "Ana Pro <ana.pro@acme.example>\nben.pro@acme.example")
    preview = client.get(f"{base}/check").get_data(as_text=True)
    assert "Einladung ansehen:" in preview  # Ana reads German: her email will be German
    assert "Review the invitation:" not in preview
    assert "Check and send the invitations" in preview  # the page stays in the owner's English


@pytest.mark.parametrize("account_locale", ["en", "de"])
def test_outside_the_verified_domains_the_preview_is_in_the_accounts_language_never_the_persons(
    app, auth, client, account_locale
):
    """Chen (partner.example, not verified by Acme) has a German account; Hugo has none.
    Both previews must look the same, or the page tells whether an address has an account."""
    with app.app_context():
        db.session.execute(
            update(User).where(User.email == "chen.pro@partner.example").values(locale="de")
        )
        db.session.execute(
            update(Account).where(Account.name == "Acme Corp").values(default_locale=account_locale)
        )
        db.session.commit()
    auth.sign_in()
    previews = []
    for first in ("chen.pro@partner.example", "hugo@partner.example"):
        base = to_check(client, f"{first}\nben.pro@acme.example")
        previews.append(text_of(client.get(f"{base}/check")))
    german = "Einladung ansehen:"
    for preview in previews:
        assert (german in preview) == (account_locale == "de")
        assert ("Review the invitation:" in preview) == (account_locale == "en")


def test_two_lists_sent_at_the_same_moment_never_take_more_licenses_than_are_free(app):
    """Acme has 8 free licenses; the owner and the admin each check a list of 5 Licensed
    people (each fits alone) and press Send at the same moment: one list is sent, the other
    goes back to the licenses step, and no more than 8 licenses are held."""
    from tests.conftest import DEMO_PASSWORD

    sends = []
    for who, prefix in (("owner@acme.example", "o"), ("admin@acme.example", "a")):
        client = app.test_client()
        submit(client, "/sign-in", {"email": who, "password": DEMO_PASSWORD})
        people = "\n".join(f"{prefix}{n}@acme.example" for n in range(5))
        base = to_check(client, people, default_type="licensed")
        assert 'id="send"' in client.get(f"{base}/check").get_data(as_text=True)
        token = csrf_token(client.get(f"{base}/check").get_data(as_text=True))
        sends.append((client, base, token))
    barrier = threading.Barrier(len(sends))
    answers = {}

    def press(client, base, token):
        barrier.wait()
        answers[base] = client.post(f"{base}/send", data={"csrf_token": token}).location

    threads = [threading.Thread(target=press, args=send_args) for send_args in sends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(location.rsplit("/", 1)[1] for location in answers.values()) == [
        "licenses",
        "sent",
    ]
    assert count(app, InvitationBatch) == 1
    assert count(app, Invitation, Invitation.user_type == "licensed") == 5


def test_send_holds_the_accounts_lock_while_it_gives_out_licenses(app, auth, client, is_postgres):
    """Deterministic where a race is luck: at the moment Send writes its batch, another
    transaction trying to take the account's lock (as a second Send, a resend or an accept
    would) must be refused, so none of them can count the same free license twice."""
    if not is_postgres:
        pytest.skip("row locks are no-ops on SQLite, which has one writer")
    auth.sign_in()
    base = to_check(client, "x1@acme.example", default_type="licensed")
    token = csrf_token(client.get(f"{base}/check").get_data(as_text=True))
    with app.app_context():
        engine = db.engine

    def writing_the_batch(sql: str) -> bool:
        return sql.lstrip().upper().startswith("INSERT INTO INVITATION_BATCH ")

    with account_lock_at(engine, writing_the_batch) as seen:
        answer = client.post(f"{base}/send", data={"csrf_token": token})
    assert answer.location.endswith("/sent")
    assert seen == ["held"]
