"""The daily quota of emails to invitees: a generous cap per account per 24 hours on
invitations, resends and heads-up messages, counted from what was really sent, said before
anything is pressed, and enforced on the server with nothing lost."""

from datetime import timedelta

from sqlalchemy import func, select

from tests.helpers import submit, text_of
from tests.invite.flow import (
    add_people,
    confirm_licenses,
    draft_of,
    heads_up,
    send,
    start,
    to_check,
)
from tests.manage.factories import account_id, make_invitation
from wizard.extensions import db
from wizard.models import AuditEvent, Invitation, OutboxEmail
from wizard.models.types import utcnow

PEOPLE = "ana.pro@acme.example\nben.pro@acme.example\ngus@acme.example"


def sent_earlier(app, count: int, *, ago: timedelta = timedelta(hours=2), account="Acme Corp"):
    """`count` invitations sent `ago` (the audit trail is what the quota counts)."""
    with app.app_context():
        now = utcnow()
        db.session.add_all(
            AuditEvent(
                action="invited",
                account_id=account_id(account),
                actor_id=None,
                subject_email=f"earlier{n}@elsewhere.example",
                created_at=now - ago,
            )
            for n in range(count)
        )
        db.session.commit()


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Invitation)),
            db.session.scalar(select(func.count()).select_from(OutboxEmail)),
        )


def test_within_the_quota_the_batch_is_sent(app, auth, client):
    app.config["INVITATIONS_PER_DAY"] = 5
    sent_earlier(app, 2)
    auth.sign_in()
    base = to_check(client, PEOPLE)
    assert 'id="send"' in client.get(f"{base}/check").get_data(as_text=True)
    assert send(client, base).location.endswith("/sent")
    assert counts(app)[0] == 3


def test_a_batch_over_the_quota_is_explained_before_send_and_refused_with_nothing_lost(
    app, auth, client
):
    app.config["INVITATIONS_PER_DAY"] = 5
    sent_earlier(app, 3)
    auth.sign_in()
    base = to_check(client, PEOPLE)

    page = client.get(f"{base}/check")
    text = text_of(page)
    assert 'id="send"' not in page.get_data(as_text=True)
    assert "More emails than this account can send today" in text
    assert "at most 5 emails in 24 hours" in text
    said = "3 went out in the last 24 hours, so 2 more can go out now. This batch has 3 people."
    assert said in text
    assert "Room for more opens from" in text
    assert f'href="{base}/people"' in page.get_data(as_text=True)

    # Pressing Send anyway (an old tab, a crafted request): a clear page, status 429.
    before = counts(app)
    refused = send(client, base)
    assert refused.status_code == 429
    assert "More emails than this account can send today" in text_of(refused)
    assert counts(app) == before
    draft = draft_of(app, base)
    assert draft.sent_batch_id is None
    assert len(draft.data["people"]["people"]) == 3  # every answer is kept


def test_sends_older_than_a_day_no_longer_count(app, auth, client):
    app.config["INVITATIONS_PER_DAY"] = 3
    sent_earlier(app, 3, ago=timedelta(hours=24, minutes=5))
    sent_earlier(app, 3, account="Globex")  # another business's sends are its own
    auth.sign_in()
    base = to_check(client, PEOPLE)
    assert send(client, base).location.endswith("/sent")


def test_a_resend_over_the_quota_says_so_with_a_429_and_changes_nothing(app, auth, client):
    app.config["INVITATIONS_PER_DAY"] = 2
    ids = [make_invitation(app, f"late{n}@acme.example") for n in range(3)]
    auth.sign_in()
    query = "&".join(f"ids={i}" for i in ids)
    page = client.get(f"/users/pending/resend?{query}")
    assert "so 2 more can go out now. You chose 3 invitations." in text_of(page)
    assert 'id="confirm"' not in page.get_data(as_text=True)
    with app.app_context():
        before = sorted(db.session.execute(select(Invitation.id, Invitation.token_hash)).all())
    refused = submit(client, "/users/pending/resend",
                     {"ids": ",".join(map(str, ids)), "back": "/users/pending/"},
                     page=f"/users/pending/resend?{query}")
    assert refused.status_code == 429
    assert "More emails than this account can send today" in text_of(refused)
    with app.app_context():
        after = sorted(db.session.execute(select(Invitation.id, Invitation.token_hash)).all())
        assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 0
    assert after == before
    # Two of them fit, and count from then on.
    ok = submit(client, "/users/pending/resend",
                {"ids": f"{ids[0]},{ids[1]}", "back": "/users/pending/"},
                page=f"/users/pending/resend?ids={ids[0]}&ids={ids[1]}")
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "resent")
        ) == 2


def test_heads_up_messages_count_and_one_over_the_quota_is_refused_with_the_message_kept(
    app, auth, client
):
    app.config["INVITATIONS_PER_DAY"] = 5
    sent_earlier(app, 3)
    auth.sign_in()
    base = start(client)
    add_people(client, base, PEOPLE)
    page = client.get(f"{base}/heads-up")
    assert "The message would go to 3 people." in text_of(page)
    assert 'id="send"' not in page.get_data(as_text=True)

    # Pressing Send from an older tab: the message is kept, and the check page says why it
    # cannot go today and offers no Send; a Send posted anyway is refused with 429.
    check = submit(client, f"{base}/heads-up", {
        "send": "1", "subject": "News from {business}", "body": "Hello {name}, my own words."})
    assert check.location == f"{base}/heads-up/check"
    page = client.get(check.location)
    assert "More emails than this account can send today" in text_of(page)
    assert ", my own words." in text_of(page)
    assert 'id="send"' not in page.get_data(as_text=True)
    refused = submit(client, check.location, {}, page=f"{base}/heads-up")
    assert refused.status_code == 429
    assert "More emails than this account can send today" in text_of(refused)
    assert counts(app) == (0, 0)
    assert not any(p.get("contacted_at") for p in draft_of(app, base).data["people"]["people"])

    # Telling them yourself sends nothing, so it is not limited.
    assert submit(client, f"{base}/heads-up", {
        "mark": "1", "subject": "News", "body": "Hello"}).location.endswith("/licenses")


def test_heads_up_messages_sent_from_the_app_use_up_the_quota_for_invitations(app, auth, client):
    app.config["INVITATIONS_PER_DAY"] = 5
    auth.sign_in()
    base = start(client)
    add_people(client, base, PEOPLE)
    assert heads_up(client, base, "send").location.endswith("/licenses")  # 3 emails
    confirm_licenses(client, base)
    page = client.get(f"{base}/check")
    assert "3 went out in the last 24 hours, so 2 more can go out now." in text_of(page)
    assert send(client, base).status_code == 429


def test_the_quota_never_has_less_than_no_room_and_a_batch_may_fill_it_exactly():
    from wizard.invite.quota import Quota

    assert Quota(limit=5, used=7, oldest_counted=None).remaining == 0
    assert not Quota(limit=5, used=7, oldest_counted=None).allows(1)
    assert Quota(limit=5, used=2, oldest_counted=None).allows(3)
    assert not Quota(limit=5, used=2, oldest_counted=None).allows(4)
    assert Quota(limit=5, used=0, oldest_counted=None).frees_up_at is None
    oldest = utcnow()
    assert Quota(limit=5, used=1, oldest_counted=oldest).frees_up_at == oldest + timedelta(hours=24)


def test_the_count_is_the_accounts_invitations_resends_and_heads_ups_from_the_app_in_24_hours(
    app,
):
    from wizard.invite.quota import invitation_quota

    now = utcnow()
    with app.app_context():
        acme = account_id("Acme Corp")

        def event(action, ago, details=None, account=acme):
            db.session.add(AuditEvent(action=action, account_id=account, actor_id=None,
                                      subject_email="x@example.com", details=details or {},
                                      created_at=now - ago))

        event("invited", timedelta(hours=23, minutes=59))
        event("resent", timedelta(hours=1))
        event("contacted", timedelta(hours=1), {"how": "app"})
        event("contacted", timedelta(hours=1), {"how": "personally"})  # not sent by the app
        event("revoked", timedelta(hours=1))
        event("invited", timedelta(hours=24))  # exactly a day ago: out of the window
        event("invited", timedelta(hours=1), account=account_id("Globex"))
        db.session.commit()
        app.config["INVITATIONS_PER_DAY"] = 10
        quota = invitation_quota(acme, now)
    assert (quota.limit, quota.used, quota.remaining) == (10, 3, 7)
    assert quota.oldest_counted.replace(tzinfo=None) == (
        now - timedelta(hours=23, minutes=59)
    ).replace(tzinfo=None)
