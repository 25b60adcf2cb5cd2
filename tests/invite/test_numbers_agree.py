"""Numbers that appear twice agree with each other and with the database: the seat picture's
legend and the sentence beside it; the guide's steps and the wizard's declared steps."""

import re

import pytest

from tests.invite.flow import start
from tests.invite.test_licenses import at_licenses, set_seats
from wizard.extensions import db
from wizard.invite.drafts import STEPS
from wizard.manage.seats import seat_count
from wizard.models import Account


def legend_and_sentence(page) -> tuple[dict[str, int], dict[str, int]]:
    html = page.get_data(as_text=True)
    legend_html = re.search(r'<ul class="seat-bar__legend">(.*?)</ul>', html, re.S).group(1)
    legend = {}
    for kind, words in re.findall(
        r'seat-bar__swatch--(\w+)"></span>(.*?)</li>', legend_html, re.S
    ):
        legend[kind] = int(re.search(r"\d+", words).group())
    caption = re.sub(r"\s+", " ", re.search(r"<figcaption[^>]*>(.*?)</figcaption>", html, re.S)
                     .group(1))
    # A part that is zero is left out of the sentence ("4 licenses purchased: 2 in use and 4
    # for this batch"), so a part not named counts 0.
    head = re.match(r"\s*(\d+) licenses? purchased: (.*?)\.", caption)
    sentence = {"purchased": int(head.group(1))}
    for kind, words in (("in_use", r"in use"), ("pending", r"held by (?:a )?pending invitations?"),
                        ("batch", r"for this batch")):
        part = re.search(rf"(\d+) {words}", head.group(2))
        sentence[kind] = int(part.group(1)) if part else 0
    assert not re.search(r"(?<![\d,])0 ", caption), f"a zero in numbers: {caption}"
    over = re.search(r"that is (\d+) more than you have", caption)
    sentence["over"] = int(over.group(1)) if over else 0
    return legend, sentence


@pytest.mark.parametrize(("seats", "licensed"), [(10, 3), (5, 6)])
def test_the_seat_legend_and_sentence_tell_the_same_numbers_as_the_database(
    app, auth, client, seats, licensed
):
    set_seats(app, seats)
    auth.sign_in()
    people = "\n".join(f"p{i}@acme.example" for i in range(licensed))
    base = at_licenses(client, people, "licensed")
    legend, sentence = legend_and_sentence(client.get(f"{base}/licenses"))
    with app.app_context():
        account = db.session.query(Account).filter_by(name="Acme Corp").one()
        in_db = seat_count(account)
    assert sentence["purchased"] == seats
    assert sentence["in_use"] == legend.get("in_use", 0) == in_db.in_use
    assert sentence["pending"] == legend.get("pending", 0) == in_db.pending
    assert sentence["batch"] == licensed
    # The legend splits the batch into what fits and what does not; together, the sentence's.
    assert legend.get("batch", 0) + legend.get("over", 0) == sentence["batch"]
    assert legend.get("over", 0) == sentence["over"]


def test_the_guide_counts_and_numbers_the_steps_the_wizard_declares(app, client):
    html = client.get("/guide/").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert {int(n) for n in re.findall(r"\b(\d+) steps\b", text)} == {len(STEPS)}
    numbers = [int(n) for n in re.findall(r'class="guide-step__number">(\d+)<', html)]
    assert numbers == list(range(1, len(STEPS) + 1))
    # The guide's numbered steps are the wizard's, by name and in order.
    names = re.findall(r'class="guide-step__number">\d+</span> ([^<]+)</h3>', html)
    with app.test_request_context():
        assert names == [str(step.title) for step in STEPS]


def test_the_wizard_says_step_n_of_the_declared_count(auth, client):
    auth.sign_in()
    base = start(client)
    page = client.get(f"{base}/people").get_data(as_text=True)
    assert f"Step 1 of {len(STEPS)}" in page
