"""Step 1's words fit the list in the box: nobody ready means no "other 0 people" and no way
on without them; an error that checked nothing hides the problems of an earlier list; and the
user type is the owner's choice, with what it means for a Pro user."""

import re

from tests.helpers import h1_of, submit, text_of
from tests.invite.flow import add_people, draft_of, start


def test_only_bad_or_duplicate_lines_say_none_can_be_invited_and_offer_no_way_around(
    app, auth, client
):
    auth.sign_in()
    base = start(client)
    page = add_people(client, base, "not-an-address\nowner@acme.example")
    text = text_of(page)
    assert "2 entries need your attention" in text
    assert "None of the entries can be invited yet: fix them or add others." in text
    assert "The other 0 people" not in text
    assert "continue without" not in text.lower()
    assert 'id="leave-out"' not in page.get_data(as_text=True)
    # Asking anyway (an old page, a crafted form) keeps them on this step.
    again = add_people(client, base, "not-an-address\nowner@acme.example", leave_out="1")
    assert h1_of(again) == "Who do you want to invite?"
    assert "people" not in (draft_of(app, base).data or {})


def test_with_some_people_ready_the_page_offers_to_go_on_without_the_problems(auth, client):
    auth.sign_in()
    base = start(client)
    text = text_of(add_people(client, base, "ana.pro@acme.example\nnot-an-address"))
    assert "1 other person is fine and kept." in text
    assert "Continue without the entries that have problems" in text


def test_after_clearing_the_box_only_the_current_problem_shows(auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, "not-an-address\nalso bad")
    page = add_people(client, base, "")
    text = text_of(page)
    assert "Enter at least one email address, or choose a CSV file" in text
    assert "need your attention" not in text
    assert 'id="problems"' not in page.get_data(as_text=True)


def test_no_user_type_is_chosen_in_advance_and_not_choosing_says_what_to_do(auth, client):
    auth.sign_in()
    base = start(client)
    page = client.get(f"{base}/people")
    html = page.get_data(as_text=True)
    assert not re.search(r'<input(?=[^>]*name="default_type")[^>]*\schecked[\s>]', html)
    text = text_of(page)
    assert (
        "A Pro user keeps the Pro features. Each Licensed person takes one of your licenses."
        in text
    )
    assert (
        "A Pro user loses the Pro features: meetings with 3 or more people end after 40 "
        "minutes, and there is no cloud recording." in text
    )
    refused = submit(client, f"{base}/people",
                     {"addresses": "ana.pro@acme.example", "check": "1"})
    assert "Choose Basic or Licensed for the people you add" in text_of(refused)
    assert "ana.pro@acme.example" in refused.get_data(as_text=True)  # what was typed is kept


def test_the_domains_page_does_not_choose_the_user_type_either(auth, client):
    auth.sign_in()
    html = client.get("/users/domains/people").get_data(as_text=True)
    assert not re.search(r'<input(?=[^>]*name="user_type")[^>]*\schecked[\s>]', html)
    assert 'name="user_type"' in html
