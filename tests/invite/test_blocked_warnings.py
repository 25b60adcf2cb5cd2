"""Warnings before sending (issue 20): where the app may see a person's account (verified
domains), the licenses and check steps say who will be blocked when they accept, and what they
will be asked to do, so the owner is not surprised by a stuck invitation later."""

from decimal import Decimal

from tests.helpers import h1_of, submit, text_of
from tests.invite.flow import add_people, confirm_licenses, heads_up, start
from wizard.invite.impact import CurrentPlan, expected_blockers

EMIL = "emil.pro@acme.example"
FAY = "fay.pro@acme.example"
ANA = "ana.pro@acme.example"


def _licenses_page(client, people):
    base = start(client)
    add_people(client, base, "\n".join(people))
    heads_up(client, base)
    return base, client.get(f"{base}/licenses")


def test_the_licenses_step_warns_that_emil_and_fay_will_be_blocked_and_why(app, auth, client):
    auth.sign_in()
    _base, page = _licenses_page(client, [EMIL, FAY, ANA])
    text = text_of(page)
    assert "2 people will be blocked when they accept" in text
    assert ("Blocked: their own account has an outstanding balance. When they open the "
            "invitation, they will be asked to pay it first.") in text
    assert ("Blocked: their own account still has other users. When they open the invitation, "
            "they will be asked to remove them first.") in text
    assert f"{ANA}: Blocked" not in text  # ana has nothing to sort out


def test_the_warning_links_to_the_heads_up_step_that_exists(app, auth, client):
    auth.sign_in()
    base, page = _licenses_page(client, [EMIL])
    assert f'href="{base}/heads-up" id="blocked-heads-up"' in page.text
    heads_up_page = client.get(f"{base}/heads-up")
    assert heads_up_page.status_code == 200 and h1_of(heads_up_page)


def test_the_check_step_lists_who_will_be_blocked(app, auth, client):
    auth.sign_in()
    base, _page = _licenses_page(client, [EMIL, FAY, ANA])
    confirm_licenses(client, base)
    check = text_of(client.get(f"{base}/check"))
    assert "Will be blocked" in check
    assert f"{EMIL} (outstanding balance)" in check
    assert f"{FAY} (other users on their account)" in check
    assert ANA + " (" not in check


def test_nobody_outside_the_verified_domains_is_flagged(app, auth, client):
    auth.sign_in()
    _base, page = _licenses_page(client, ["chen.pro@partner.example"])
    assert "will be blocked" not in text_of(page)


def test_the_warnings_read_in_german(app, auth, client):
    auth.sign_in()
    submit(client, "/language", {"lang": "de"}, page="/users/")
    _base, page = _licenses_page(client, [EMIL])
    text = text_of(page)
    assert "blockiert" in text and "outstanding balance" not in text


def test_what_blocks_whom_follows_their_account():
    assert expected_blockers(CurrentPlan.OTHER_BUSINESS, owner=True, balance=None,
                             other_users=0, add_ons=0) == ("owns_other_business",)
    assert expected_blockers(CurrentPlan.OTHER_BUSINESS, owner=False, balance=None,
                             other_users=0, add_ons=0) == ("other_business",)
    assert expected_blockers(CurrentPlan.PRO, owner=True, balance=Decimal("15.99"),
                             other_users=2, add_ons=1) == (
        "outstanding_balance", "other_users", "add_ons")
    assert expected_blockers(CurrentPlan.PRO, owner=True, balance=Decimal("0.00"),
                             other_users=0, add_ons=0) == ()
