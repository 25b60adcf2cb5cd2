"""The inviter hears of answers: an email each (the default), a daily summary, or nothing."""

import re
from datetime import timedelta

from sqlalchemy import select, update

from tests.accept.factory import invitation_for, invite, user
from tests.helpers import submit, text_of
from wizard.accept import acceptance
from wizard.delivery.mailer import render_email
from wizard.delivery.responses import queue_daily_summaries
from wizard.extensions import db
from wizard.models import Account, OutboxEmail, ResponseNotices, UserType
from wizard.models.types import utcnow


def mails(kind):
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.kind == kind)))


def choose(app, email, choice):
    with app.app_context():
        user(email).response_notices = choice
        db.session.commit()


def test_the_inviter_gets_an_email_when_someone_accepts(app):
    token = invite(app, "dora@acme.example")
    with app.app_context():
        acceptance.accept_invitation(token, user("dora@acme.example").id)
        (mail,) = mails("invitation_accepted")
        assert mail.to_address == "owner@acme.example"
        rendered = render_email(mail.kind, locale=mail.locale, context=mail.context)
        assert rendered.subject == "Dora Basic joined Acme Corp" or "dora@acme.example" in (
            rendered.subject
        )
        assert "accepted your invitation and is now a member of Acme Corp, as a Licensed user" in (
            rendered.text
        )
        assert "Users" in rendered.html


def test_a_german_inviter_reads_it_in_german(app):
    with app.app_context():
        user("owner@acme.example").locale = "de"
        db.session.commit()
    token = invite(app, "dora@acme.example")
    with app.app_context():
        acceptance.accept_invitation(token, user("dora@acme.example").id)
        (mail,) = mails("invitation_accepted")
        rendered = render_email(mail.kind, locale=mail.locale, context=mail.context)
        assert "hat Ihre Einladung angenommen" in rendered.text


def test_no_email_and_daily_summary_send_nothing_per_answer(app):
    choose(app, "owner@acme.example", ResponseNotices.DAILY)
    accepted = invite(app, "dora@acme.example")
    declined = invite(app, "ana.pro@acme.example")
    with app.app_context():
        acceptance.accept_invitation(accepted, user("dora@acme.example").id)
        acceptance.decline_invitation(declined, None, message="Not now")
        assert mails("invitation_accepted") == [] and mails("invitation_declined") == []


def test_the_daily_summary_lists_yesterdays_answers_once(app):
    choose(app, "owner@acme.example", ResponseNotices.DAILY)
    yesterday = utcnow() - timedelta(days=1)
    accepted = invite(app, "dora@acme.example", now=yesterday)
    declined = invite(app, "ana.pro@acme.example", now=yesterday)
    with app.app_context():
        acceptance.accept_invitation(accepted, user("dora@acme.example").id, now=yesterday)
        acceptance.decline_invitation(declined, None, message="Not now", now=yesterday)
        assert queue_daily_summaries() == 1
        assert queue_daily_summaries() == 0  # once a day, however many passes
        (mail,) = mails("responses_summary")
        assert mail.to_address == "owner@acme.example"
        text = render_email(mail.kind, locale=mail.locale, context=mail.context).text
        assert "1 accepted:" in text and "- dora@acme.example, Licensed" in text
        assert "1 declined:" in text and "- ana.pro@acme.example: “Not now”" in text


def test_the_daily_summary_says_basic_for_someone_who_joined_when_no_license_was_free(app):
    choose(app, "owner@acme.example", ResponseNotices.DAILY)
    yesterday = utcnow() - timedelta(days=1)
    offered_license = invite(app, "dora@acme.example", now=yesterday)
    with app.app_context():
        db.session.execute(  # the owner's and the admin's: none free
            update(Account).where(Account.name == "Acme Corp").values(license_seats=2)
        )
        db.session.commit()
        acceptance.accept_invitation(offered_license, user("dora@acme.example").id,
                                     now=yesterday)
        assert user("dora@acme.example").user_type == UserType.BASIC
        assert queue_daily_summaries() == 1
        (mail,) = mails("responses_summary")
        text = render_email(mail.kind, locale=mail.locale, context=mail.context).text
        assert "- dora@acme.example, Basic" in text and "Licensed" not in text


def test_the_setting_is_saved_from_my_account(app, client, auth):
    auth.sign_in()
    page = client.get("/account/")
    assert "When someone accepts or declines your invitation" in text_of(page)
    each = re.search(r'<input[^>]*value="each"[^>]*>', page.text).group(0)
    assert "checked" in each
    submit(client, "/account/notifications", {"response_notices": "none"}, page="/account/")
    with app.app_context():
        assert user("owner@acme.example").response_notices == ResponseNotices.NONE
    token = invite(app, "dora@acme.example")
    with app.app_context():
        acceptance.accept_invitation(token, user("dora@acme.example").id)
        assert mails("invitation_accepted") == []
        assert invitation_for(token).status == "accepted"


def test_an_individual_has_no_notification_setting(app, client, auth):
    auth.sign_in("dora@acme.example")
    assert "When someone accepts or declines" not in text_of(client.get("/account/"))
    response = submit(client, "/account/notifications", {"response_notices": "none"},
                      page="/account/")
    assert response.status_code == 403
