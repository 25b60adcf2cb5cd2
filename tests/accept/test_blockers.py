"""What stops a person joining: each has a page that says what to do, and nothing changes."""

import pytest
from sqlalchemy import select

from tests.accept.factory import invite, snapshot, subscription_of, user
from tests.helpers import h1_of, submit, text_of
from wizard.accept import acceptance
from wizard.accept.acceptance import Outcome
from wizard.accept.link import Blocker
from wizard.extensions import db
from wizard.models import Account, OtherUser, Role, User


def try_everything(client, token, email):
    """Every way of saying yes, as the invitee."""
    submit(client, f"/invitation/{token}/accept", page=f"/invitation/{token}")
    submit(client, f"/invitation/{token}/refund", {"method": "refund", "receipt_email": email},
           page=f"/invitation/{token}")


@pytest.mark.parametrize(
    ("email", "heading", "says"),
    [
        ("emil.pro@acme.example", "Pay your outstanding balance first",
         "Your account has an outstanding balance of $15.99."),
        ("fay.pro@acme.example", "Remove the other users from your account first",
         "Your account still has 2 other users."),
        ("member@acme.example", "You are already a member of Acme Corp",
         "There is nothing to accept"),
        ("owner@globex.example", "You are already in another business account",
         "belongs to the business account Globex"),
    ],
)
def test_each_blocker_has_a_page_that_says_what_to_do_and_nothing_changes(
    app, client, auth, email, heading, says
):
    token = invite(app, email)
    with app.app_context():
        before = snapshot(token)
    auth.sign_in(email)
    page = client.get(f"/invitation/{token}")
    assert h1_of(page) == heading
    assert says in text_of(page)
    try_everything(client, token, email)
    with app.app_context():
        after = snapshot(token)
        # Only what the owner is shown changed: when they opened it (and what blocked them).
        assert after[:3] + after[4:] == before[:3] + before[4:]


def test_add_ons_must_be_removed_first(app, client, auth, ana_link):
    with app.app_context():
        subscription_of("ana.pro@acme.example").add_ons = 1
        db.session.commit()
    auth.sign_in("ana.pro@acme.example")
    page = client.get(f"/invitation/{ana_link}")
    assert h1_of(page) == "Cancel the add-ons on your plan first"
    assert "Your plan still has 1 add-on" in text_of(page)
    assert "Cancel each add-on on your plan." in text_of(page)


def test_a_member_of_another_business_is_told_to_ask_its_owner(app, client, auth):
    with app.app_context():
        globex = db.session.execute(select(Account).where(Account.name == "Globex")).scalar_one()
        hans = User(email="hans@globex.example", name="Hans", account_id=globex.id,
                    role=Role.MEMBER, password_hash=user("owner@globex.example").password_hash)
        db.session.add(hans)
        db.session.commit()
    token = invite(app, "hans@globex.example")
    auth.sign_in("hans@globex.example")
    page = client.get(f"/invitation/{token}")
    text = text_of(page).replace("( ", "(").replace(" )", ")")  # the address is a link
    assert "Ask the owner of Globex, Gloria Globex (owner@globex.example), to remove you" in text
    # One click writes to the owner.
    assert (
        '<a href="mailto:owner@globex.example">owner@globex.example</a>'
        in page.get_data(as_text=True)
    )


def test_every_blocker_is_listed_so_there_are_no_surprises_later(app, client, auth):
    with app.app_context():
        emil = user("emil.pro@acme.example")
        db.session.add(OtherUser(account_id=emil.account_id, email="eva@example.org", name="Eva"))
        db.session.commit()
    token = invite(app, "emil.pro@acme.example")
    auth.sign_in("emil.pro@acme.example")
    page = client.get(f"/invitation/{token}")
    assert h1_of(page) == "Pay your outstanding balance first"
    assert "After that, there is more to do" in text_of(page)
    assert "Remove the other users from your account." in text_of(page)


def test_the_service_refuses_a_blocked_acceptance_even_without_the_page(app):
    token = invite(app, "emil.pro@acme.example")
    with app.app_context():
        emil = user("emil.pro@acme.example")
        result = acceptance.accept_invitation(
            token, emil.id, method="refund", receipt_email=emil.email
        )
        assert result.outcome == Outcome.BLOCKED
        assert result.blockers == (Blocker.OUTSTANDING_BALANCE,)
        assert user("emil.pro@acme.example").account_id == emil.account_id
