"""One rendering function for every email: links from BASE_URL, configurable subjects."""

from wizard.delivery.mailer import absolute_url, render_email

CONTEXT = {
    "business_name": "Acme Corp",
    "inviter_name": "Olivia Owner",
    "inviter_email": "owner@acme.example",
    "invitee_name": "",
    "user_type": "basic",
    "expires_at": "2026-12-26T10:00:00+00:00",
}


def test_a_preview_shows_a_sample_link_and_no_working_one(app, ctx):
    email = render_email("invitation", locale="en", context=CONTEXT, preview=True)

    assert "(a personal link for each person)" in email.text
    assert "/invitation/" in email.html
    assert "Hello," in email.text  # no name: a greeting without one
    assert "December 26, 2026" in email.text


def test_pages_of_the_app_are_linked_from_base_url(app, ctx):
    assert absolute_url("pending.index") == "http://invite.test/users/pending/"


def test_a_configured_subject_may_use_placeholders_and_keeps_unknown_ones(app, ctx):
    app.config["MAIL_INVITATION_SUBJECT"] = "%(business_name)s: %(nonsense)s 100%"

    email = render_email("invitation", locale="en", context=CONTEXT, preview=True)

    assert email.subject == "%(business_name)s: %(nonsense)s 100%"  # a stray %: as written
    app.config["MAIL_INVITATION_SUBJECT"] = "%(business_name)s: %(nonsense)s"
    email = render_email("invitation", locale="en", context=CONTEXT, preview=True)
    assert email.subject == "Acme Corp: %(nonsense)s"


def test_the_subject_is_always_one_line(app, ctx):
    context = {**CONTEXT, "business_name": "Acme\r\nBcc: x@evil.example"}

    email = render_email("invitation", locale="en", context=context, preview=True)

    assert "\r" not in email.subject and "\n" not in email.subject
