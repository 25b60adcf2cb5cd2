"""From discovery into the wizard: the chosen people arrive as if typed into its who step."""

import re
from html import unescape

from sqlalchemy import select

from tests.domains.helpers import PEOPLE, flashes, invite
from tests.helpers import submit, text_of
from wizard.extensions import db
from wizard.invite.drafts import people_of
from wizard.models import Invitation, InvitationStatus, OutboxEmail, WizardDraft


def choose(client, people=(), user_type="basic", everyone=False, **kw):
    data = {"people": list(people), "user_type": user_type}
    if everyone:
        data["everyone"] = "1"
    return submit(client, PEOPLE, data, **kw)


def the_draft(app) -> WizardDraft:
    with app.app_context():
        draft = db.session.execute(select(WizardDraft)).scalar_one()
        db.session.expunge(draft)
        return draft


def test_chosen_people_fill_the_wizard_and_its_next_step_opens(auth, client, app):
    auth.sign_in()
    response = choose(client, ["ana.pro@acme.example", "ben.pro@acme.example"], "licensed")

    draft = the_draft(app)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/users/add/{draft.id}/heads-up"
    people = {p.email: p for p in people_of(draft.data)}
    assert set(people) == {"ana.pro@acme.example", "ben.pro@acme.example"}
    assert {p.user_type for p in people.values()} == {"licensed"}
    assert people["ana.pro@acme.example"].name == "Ana Pro"

    step = client.get(response.headers["Location"])
    assert "2 people are added to your list of people to invite." in flashes(step)
    who = unescape(client.get(f"/users/add/{draft.id}/people").get_data(as_text=True))
    assert "Ana Pro <ana.pro@acme.example>" in who
    assert "Ben Pro <ben.pro@acme.example>" in who


def test_everyone_not_yet_invited_goes_over_as_basic(auth, client, app):
    invite(app, "fay.pro@acme.example")
    auth.sign_in()
    choose(client, everyone=True)
    people = people_of(the_draft(app).data)
    assert [p.email for p in people] == [
        "ana.pro@acme.example",
        "ben.pro@acme.example",
        "dora@acme.example",
        "emil.pro@acme.example",
    ]
    assert {p.user_type for p in people} == {"basic"}


def test_choosing_nobody_says_what_to_do_and_keeps_the_choice_of_type(auth, client, app):
    auth.sign_in()
    response = choose(client, [], "licensed")
    assert response.status_code == 200
    text = text_of(response)
    assert "There is a problem" in text
    assert "Select the people to invite, or choose Continue with everyone not yet invited" in text
    assert re.search(r'<input[^>]* checked[^>]*value="licensed"', response.get_data(as_text=True))
    with app.app_context():
        assert db.session.execute(select(WizardDraft)).first() is None


def test_addresses_the_page_did_not_offer_are_ignored(auth, client, app):
    invite(app, "ana.pro@acme.example")
    auth.sign_in()
    response = choose(
        client,
        [
            "ana.pro@acme.example",  # invited already
            "chen.pro@partner.example",  # not on a verified domain
            "owner@globex.example",  # another business
            "member@acme.example",  # a member already
            "DORA@acme.example",
        ],
    )
    assert response.status_code == 302
    assert [p.email for p in people_of(the_draft(app).data)] == ["dora@acme.example"]


def test_when_only_unofferable_people_are_sent_nothing_happens(auth, client, app):
    auth.sign_in()
    response = choose(client, ["chen.pro@partner.example"])
    assert response.status_code == 200
    assert "Choose again" in text_of(response)
    with app.app_context():
        assert db.session.execute(select(WizardDraft)).first() is None


def test_people_typed_earlier_stay_with_their_own_user_type(auth, client, app):
    auth.sign_in()
    start = submit(client, "/users/add/", {"start": "1"})
    draft_path = start.headers["Location"].rsplit("/", 1)[0]
    submit(
        client,
        f"{draft_path}/people",
        {
            "addresses": "Gus <gus@acme.example>\nana.pro@acme.example",
            "default_type": "basic",
            "check": "1",
        },
    )

    response = choose(client, ["ana.pro@acme.example", "ben.pro@acme.example"], "licensed")

    assert response.status_code == 302
    draft = the_draft(app)
    types = {p.email: p.user_type for p in people_of(draft.data)}
    assert types == {
        "gus@acme.example": "basic",
        "ana.pro@acme.example": "basic",  # was on the list already: left as it was
        "ben.pro@acme.example": "licensed",
    }
    after = client.get(response.headers["Location"])
    assert (
        "1 person is added to your list of people to invite. The others were on it already."
        in flashes(after)
    )


def test_an_entry_with_a_problem_from_before_opens_the_who_step(auth, client, app):
    auth.sign_in()
    start = submit(client, "/users/add/", {"start": "1"})
    draft_path = start.headers["Location"].rsplit("/", 1)[0]
    submit(
        client,
        f"{draft_path}/people",
        {"addresses": "not an address", "default_type": "basic", "check": "1"},
    )

    response = choose(client, ["dora@acme.example"])

    assert response.headers["Location"] == f"{draft_path}/people"
    page = client.get(response.headers["Location"])
    assert "Some entries need your attention first" in " ".join(flashes(page))
    html = unescape(page.get_data(as_text=True))
    assert "not an address" in html and "Dora Basic <dora@acme.example>" in html


def test_a_member_cannot_hand_anyone_over(auth, client, app):
    auth.sign_in("member@acme.example")
    # A valid form token, so that it is the role check that answers, not the CSRF check.
    response = submit(client, PEOPLE, {"people": ["ana.pro@acme.example"], "user_type": "basic"},
                      page="/account/")
    assert response.status_code == 403
    assert "Only owners and admins can manage users" in text_of(response)
    with app.app_context():
        assert db.session.execute(select(WizardDraft)).first() is None


def test_from_discovery_to_a_sent_batch(auth, client, app):
    auth.sign_in()
    step = choose(client, ["ana.pro@acme.example", "dora@acme.example"], "licensed")
    draft_path = step.headers["Location"].rsplit("/", 1)[0]

    step = submit(client, f"{draft_path}/heads-up", {"skip": "1", "confirm_skip": "y"})
    assert step.headers["Location"] == f"{draft_path}/licenses"
    step = submit(client, f"{draft_path}/licenses", {"confirm": "1"})
    assert step.headers["Location"] == f"{draft_path}/check"
    sent = submit(client, f"{draft_path}/send", {"send": "1"}, page=f"{draft_path}/check")
    assert sent.headers["Location"] == f"{draft_path}/sent"

    with app.app_context():
        invitations = db.session.execute(
            select(Invitation.email, Invitation.user_type, Invitation.status).order_by(
                Invitation.email
            )
        ).all()
        assert [(e, str(t), str(s)) for e, t, s in invitations] == [
            ("ana.pro@acme.example", "licensed", InvitationStatus.PENDING.value),
            ("dora@acme.example", "licensed", InvitationStatus.PENDING.value),
        ]
        assert db.session.execute(select(OutboxEmail)).first() is not None
    rows = text_of(client.get(PEOPLE))
    assert "2 are already invited." in rows
