"""A wizard draft belongs to whoever started it: the others of the account see that it
exists, whose it is and when it last changed, but cannot change it, contact its people or
send it; so the inviter of every invitation is the person who wrote the list."""

import pytest
from sqlalchemy import func, select

from tests.helpers import csrf_token, h1_of, text_of
from tests.invite.flow import add_people, heads_up, start, to_check
from wizard.extensions import db
from wizard.invite.batches import send_batch
from wizard.invite.contact import contact_people
from wizard.invite.drafts import NotYourDraft
from wizard.models import Account, Invitation, OutboxEmail, User, WizardDraft


def _owners_list(auth, client):
    """The owner's list of two people, ready to send; then the admin signs in."""
    auth.sign_in()
    base = to_check(client, "ana.pro@acme.example\ngus@acme.example")
    auth.sign_out()
    auth.sign_in("admin@acme.example")
    return base


def test_the_admin_sees_whose_list_it_is_and_when_it_changed_but_cannot_open_it(app, auth, client):
    base = _owners_list(auth, client)
    start_page = text_of(client.get("/users/add/"))
    assert "Lists others are working on" in start_page
    assert "Olivia Owner's list : 2 people, last changed" in start_page
    for step in ("people", "heads-up", "licenses", "check", "check/invitation-email"):
        page = client.get(f"{base}/{step}")
        assert page.status_code == 403, step
        assert h1_of(page) == "This list belongs to Olivia Owner"
        text = text_of(page)
        assert "It has 2 people in it. Last changed" in text
        assert "Only Olivia Owner can change this list or send its invitations" in text
        assert "Start your own list" in text


@pytest.mark.parametrize(
    "path, form",
    [
        ("people", {"addresses": "dora@acme.example", "default_type": "basic", "check": "1"}),
        ("heads-up", {"skip": "1", "confirm_skip": "y"}),
        ("heads-up/check", {}),
        ("licenses", {"confirm": "1"}),
        ("licenses/make-basic", {}),
        ("send", {}),
    ],
)
def test_the_admin_can_neither_change_nor_send_the_owners_list(app, auth, client, path, form):
    base = _owners_list(auth, client)
    before = {**_draft(app, base), "invitations": _count(app, Invitation)}
    token = csrf_token(client.get("/users/add/").get_data(as_text=True))
    response = client.post(f"{base}/{path}", data={"csrf_token": token, **form})
    assert response.status_code == 403
    assert h1_of(response) == "This list belongs to Olivia Owner"
    assert {**_draft(app, base), "invitations": _count(app, Invitation)} == before


def test_the_service_refuses_to_send_or_contact_for_someone_elses_list(app, auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, "ana.pro@acme.example")
    draft_id = int(base.rsplit("/", 1)[1])
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.name == "Acme Corp"))
        admin = db.session.scalar(select(User).where(User.email == "admin@acme.example"))
        with pytest.raises(NotYourDraft):
            contact_people(
                draft_id, account=account, sender=admin, how="app", subject="s", body="b"
            )
        assert db.session.scalar(select(func.count(OutboxEmail.id))) == 0
        heads_up_done = db.session.get(WizardDraft, draft_id).data.get("heads_up")
    assert heads_up_done is None
    heads_up(client, base, "skip")
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.name == "Acme Corp"))
        admin = db.session.scalar(select(User).where(User.email == "admin@acme.example"))
        outcome = send_batch(
            draft_id, account=account, inviter=admin, valid_days=30, max_people=9999
        )
        assert outcome.reason == "not_author" and outcome.batch_id is None
        assert db.session.scalar(select(func.count(Invitation.id))) == 0


def test_each_person_has_a_list_of_their_own_and_sends_it_as_the_inviter(app, auth, client):
    owners = _owners_list(auth, client)
    admins = start(client)
    assert admins != owners
    add_people(client, admins, "dora@acme.example")
    assert text_of(client.get(f"{admins}/people")).count("dora@acme.example") >= 1
    heads_up(client, admins, "skip")
    from tests.invite.flow import confirm_licenses, send

    confirm_licenses(client, admins)
    assert send(client, admins).location == f"{admins}/sent"
    with app.app_context():
        inviter = db.session.scalar(
            select(User.email)
            .join(Invitation, Invitation.invited_by_id == User.id)
            .where(Invitation.email == "dora@acme.example")
        )
    assert inviter == "admin@acme.example"
    assert _draft(app, owners)["sent"] is None  # the owner's list is untouched, still theirs


def _draft(app, base) -> dict:
    with app.app_context():
        draft = db.session.get(WizardDraft, int(base.rsplit("/", 1)[1]))
        return {"data": draft.data, "sent": draft.sent_batch_id, "by": draft.created_by_id}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))
