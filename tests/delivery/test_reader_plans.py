"""The worker looks up what each reader has today once per claimed block, not once per
message: the words of each delivered invitation still fit its reader (Pro keeps the Pro
features, a free account or no account gets them, and only a new account is told it will
choose a password)."""

from sqlalchemy import select

from wizard.accept.link import reader_plan, reader_plans
from wizard.delivery import deliver_due
from wizard.extensions import db
from wizard.models import User

from .factories import invite

READERS = {
    "ana.pro@acme.example": "You keep the Pro features",
    "dora@acme.example": "You get the Pro features",
    "gus@acme.example": "You get the Pro features",
    # In another business account: neither "keep" nor "get", and not "nothing to pay".
    "owner@globex.example": "If you have Pro today, you keep them; if not, you get them.",
}


def test_the_block_lookup_says_what_the_one_by_one_lookup_says(ctx):
    addresses = [
        *db.session.scalars(select(User.email)),
        "nobody@example.net",
        "ANA.PRO@acme.example",
    ]
    plans = reader_plans(addresses)
    assert {a.lower() for a in addresses} == set(plans)
    assert plans == {a.lower(): reader_plan(a) for a in addresses}
    assert {"pro", "free", "other_business", "none"} <= set(plans.values())
    assert plans["owner@globex.example"] == "other_business"


def test_each_delivered_invitation_has_the_words_for_its_reader(ctx, smtp):
    for address in READERS:
        invite(address)
    report = deliver_due()
    assert report.sent == len(READERS)
    texts = {
        m["To"].addresses[0].addr_spec: m.get_body(("plain",)).get_content()
        for m in smtp.inbox.messages
    }
    assert set(texts) == set(READERS)
    for address, words in READERS.items():
        other = "You get the Pro" if "keep" in words else "You keep the Pro"
        assert words in texts[address] and other not in texts[address], address
    assert "You create your account as you accept" in texts["gus@acme.example"]
    assert "You create your account as you accept" not in texts["dora@acme.example"]
    globex = " ".join(texts["owner@globex.example"].split())
    assert "you have to leave it: ask its owner to remove you from it" in globex
    assert "nothing to pay or refund" not in globex
