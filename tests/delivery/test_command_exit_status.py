"""`flask send-mail` tells systemd and cron when mail did not go out: a non-zero exit when
the server cannot be reached or errors kept every due email back; a broken installation
(a missing template) keeps the email queued instead of failing it."""

import pytest

from wizard.models import DeliveryStatus

from .factories import invite, outbox


def send_mail(app):
    return app.test_cli_runner().invoke(args=["send-mail"])


def test_a_pass_that_sends_what_was_due_exits_zero(app, smtp):
    with app.app_context():
        invite("ana.pro@acme.example")
    result = send_mail(app)
    assert result.exit_code == 0, result.output
    assert "Sent 1," in result.output and len(smtp.inbox.envelopes) == 1


def test_nothing_due_is_not_an_error(app):
    result = send_mail(app)
    assert result.exit_code == 0 and "Sent 0," in result.output


def test_an_unreachable_mail_server_exits_non_zero_and_keeps_the_email(app, smtp):
    with app.app_context():
        invite("ana.pro@acme.example")
    smtp.stop()
    result = send_mail(app)
    assert result.exit_code == 1
    assert "Mail was not delivered: could not connect to the mail server" in result.output
    with app.app_context():
        (email,) = outbox()
        assert email.status == DeliveryStatus.QUEUED and email.attempts == 0


def test_a_pass_whose_every_email_was_refused_exits_non_zero(app, smtp):
    with app.app_context():
        invite("ana.pro@acme.example")
    smtp.inbox.replies.append("451 4.3.0 Try again later")
    result = send_mail(app)
    assert result.exit_code == 1
    assert "none of the 1 due emails could be sent" in result.output


@pytest.mark.parametrize("missing", ["email/invitation.txt"])
def test_a_missing_template_stops_the_pass_and_leaves_the_email_queued(
    app, smtp, monkeypatch, missing
):
    from jinja2 import TemplateNotFound

    loader = app.jinja_env.loader
    real = loader.get_source

    def without(environment, name):
        if name == missing:
            raise TemplateNotFound(name)
        return real(environment, name)

    monkeypatch.setattr(loader, "get_source", without)
    with app.app_context():
        invite("ana.pro@acme.example")
    result = send_mail(app)
    assert result.exit_code == 1 and "TemplateNotFound" in result.output
    with app.app_context():
        (email,) = outbox()
        assert email.status == DeliveryStatus.QUEUED and email.attempts == 0
    assert smtp.inbox.envelopes == []
