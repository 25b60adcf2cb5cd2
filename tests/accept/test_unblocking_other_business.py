"""The "member of another business" blocker, followed from its message to the page that
resolves it and back to a successful acceptance, for a member and for the other owner."""

import re

from sqlalchemy import select

from tests.accept.factory import invite
from tests.helpers import h1_of, signed_in, submit, text_of
from wizard.extensions import db
from wizard.models import Invitation, InvitationStatus, User


def _id(app, email) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def _accept(app, client, token):
    page = client.get(f"/invitation/{token}")
    assert h1_of(page) == "Join Acme Corp"
    done = submit(client, f"/invitation/{token}/accept", page=f"/invitation/{token}",
                  follow_redirects=True)
    assert "You are now a member of Acme Corp." in text_of(done)
    with app.app_context():
        assert db.session.scalar(select(Invitation.status)) == InvitationStatus.ACCEPTED


def test_the_other_businesss_owner_hands_over_is_removed_and_then_accepts(app):
    token = invite(app, "owner@globex.example")
    gloria = signed_in(app, "owner@globex.example")
    blocked = gloria.get(f"/invitation/{token}")
    assert h1_of(blocked) == "You are already in another business account"
    assert "Hand ownership over to an admin of Globex first" in text_of(blocked)
    link = re.search(r'href="([^"]+)" id="hand-over"', blocked.get_data(as_text=True)).group(1)

    page = gloria.get(link)
    assert h1_of(page) == "Hand over ownership of Globex"
    gustav_id = _id(app, "admin@globex.example")
    submit(gloria, link, {"admin": str(gustav_id)})
    gustav = signed_in(app, "admin@globex.example")
    submit(gustav, "/users/ownership/answer", {"answer": "accept"})

    still = gloria.get(f"/invitation/{token}")  # now an admin of Globex: ask the new owner
    assert "Ask the owner of Globex, Gustav Globex (admin@globex.example), to remove you" in (
        text_of(still).replace("( ", "(").replace(" )", ")"))  # the address is a mailto link
    gloria_id = _id(app, "owner@globex.example")
    submit(gustav, f"/users/{gloria_id}/remove")

    _accept(app, gloria, token)


def test_a_member_of_another_business_is_removed_by_its_owner_and_then_accepts(app):
    token = invite(app, "admin@globex.example")
    gustav = signed_in(app, "admin@globex.example")
    blocked = gustav.get(f"/invitation/{token}")
    said = text_of(blocked).replace("( ", "(").replace(" )", ")")  # the address is a link
    assert '<a href="mailto:owner@globex.example">' in blocked.get_data(as_text=True)
    assert "Ask the owner of Globex, Gloria Globex (owner@globex.example), to remove you" in said
    assert "they choose Remove next to your name" in said
    gloria = signed_in(app, "owner@globex.example")
    users = gloria.get("/users/").get_data(as_text=True)
    gustav_id = _id(app, "admin@globex.example")
    assert f'href="/users/{gustav_id}/remove"' in users
    submit(gloria, f"/users/{gustav_id}/remove")

    _accept(app, gustav, token)
