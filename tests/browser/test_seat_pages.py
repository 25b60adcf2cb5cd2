"""When licenses run short, in a real browser, in English and German: the resend page that
refuses to bring back expired Licensed invitations, the accepted page of someone who joined
as Basic for lack of a license, and the email that tells the owner."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.browser.journeys import deliver, invitation_link, send_invitations
from tests.browser.pages import check_page, shoot, sign_in, switch_to_german
from tests.manage.factories import make_invitation
from wizard.delivery.mailer import render_email
from wizard.extensions import db
from wizard.models import Account, OutboxEmail, User, UserType


@contextmanager
def no_license_free(server):
    """Licenses bought = Licensed members now; the seats are put back afterwards."""
    with server.app.app_context():
        acme = db.session.scalar(select(Account).where(Account.name == "Acme Corp"))
        bought = acme.license_seats
        acme.license_seats = db.session.scalar(
            select(func.count(User.id)).where(
                User.account_id == acme.id, User.user_type == UserType.LICENSED
            )
        )
        db.session.commit()
    try:
        yield
    finally:
        with server.app.app_context():
            db.session.execute(
                update(Account).where(Account.name == "Acme Corp").values(license_seats=bought)
            )
            db.session.commit()


def german(tab, lang: str) -> None:
    if lang == "de":
        switch_to_german(tab)


def show_rendered(tab, server, kind: str, to: str, lang: str, name: str) -> None:
    """The newest `kind` email to `to`, rendered in `lang` as a mail program shows it."""
    with server.app.app_context():
        row = db.session.scalar(
            select(OutboxEmail)
            .where(OutboxEmail.kind == kind, OutboxEmail.to_address == to)
            .order_by(OutboxEmail.id.desc())
        )
        assert row is not None, f"no {kind} email to {to}"
        html = render_email(kind, locale=lang, context=row.context).html
    page = tab.context.new_page()
    page.set_content(html)
    shoot(page, name)
    page.close()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_someone_joins_as_basic_for_lack_of_a_license_and_everyone_is_told(
    tab, second_tab, server, lang
):
    invitee = f"lia.{lang}@acme.example"
    send_invitations(second_tab, [invitee], user_type="Licensed")
    link = invitation_link(server, invitee)
    with no_license_free(server):
        tab.goto(link)
        german(tab, lang)
        # Told before joining: offered a license, but none is free, so they would join as Basic.
        check_page(tab, screenshot=f"53-no-license-free-{lang}")
        assert tab.locator("#no-free-license").is_visible()
        tab.locator("#name").fill("Lia New")
        tab.locator("#password").fill("a long new password")
        tab.locator("#create-account").click()
        check_page(tab, screenshot=f"53-joined-as-basic-{lang}")
        text = tab.locator("main").inner_text()
        assert ("No license was free" if lang == "en" else "Lizenz") in text
    deliver(server)
    show_rendered(
        tab, server, "joined_without_license", "owner@acme.example", lang, f"55-owner-told-{lang}"
    )


@pytest.mark.parametrize("lang", ["en", "de"])
def test_resending_expired_licensed_invitations_without_free_licenses_says_the_ways_out(
    tab, server, lang
):
    ids = [
        make_invitation(
            server.app,
            f"old{n}.{lang}@acme.example",
            user_type="licensed",
            expires_in=timedelta(days=-3),
        )
        for n in range(2)
    ]
    with no_license_free(server):
        sign_in(tab, "owner@acme.example")
        german(tab, lang)
        tab.goto("/users/pending/resend?" + "&".join(f"ids={i}" for i in ids))
        check_page(tab, screenshot=f"56-resend-seats-short-{lang}")
        assert tab.locator("main").get_by_role("button").count() >= 1
        chosen = tab.locator("#over-seats li").all_inner_texts()
        # Buying licenses from here leads back here: the licenses page offers the way back.
        tab.locator("#buy-licenses").click()
        check_page(tab, screenshot=f"59-licenses-with-a-way-back-{lang}")
        tab.locator("#return").click()
        assert "/users/pending/resend?" in tab.url
        assert tab.locator("#over-seats li").all_inner_texts() == chosen  # the same choice
    tab.context.clear_cookies()
