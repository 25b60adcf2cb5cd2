"""Mail merge renders exactly what render_email() renders, person by person."""

from datetime import timedelta

import pytest
from jinja2 import ChoiceLoader, DictLoader

from wizard.delivery.mailer import render_email
from wizard.delivery.merge import render_merged
from wizard.extensions import db
from wizard.models import Invitation
from wizard.models.types import utcnow

from .factories import invite, outbox

NAMES = ["Ana Pro", "Zoë <b>Müller</b> & Co", "", "Ben\r\nBcc: x@evil.example", 'O\'Brien "Bo"']


def emails_both_ways():
    invitations = {i.id: i for i in db.session.query(Invitation)}
    for email in outbox():
        invitation = invitations[email.invitation_id]
        args = {"locale": email.locale, "context": email.context, "invitation": invitation}
        yield render_merged(email.kind, **args), render_email(email.kind, **args)


def test_every_person_gets_exactly_the_email_rendered_for_them(app, ctx):
    expires_at = utcnow() + timedelta(days=30)  # one batch: one date
    for n, name in enumerate(NAMES * 3):
        invite(f"p{n}@example.net", name=name, expires_at=expires_at, commit=False)
    db.session.commit()

    pairs = list(emails_both_ways())

    assert len(pairs) == 15
    for merged, direct in pairs:
        assert merged == direct
    assert len({merged.html for merged, _ in pairs}) == 15  # each has its own link
    forms = app.extensions["email_forms"]._forms.values()
    assert any("\x00invitation_url\x00" in form.html for form in forms)  # it did merge


def test_a_template_that_changes_the_name_is_rendered_in_full_for_everyone(app, ctx):
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader(
                {
                    "email/invitation_subject.txt": "Hi {{ invitee_name[:3] }}",
                    "email/invitation.txt": "Dear {{ invitee_name|upper }} {{ invitation_url }}",
                    "email/invitation.html": "<p>{{ invitee_name|title }}</p>",
                }
            ),
            app.jinja_env.loader,
        ]
    )
    expires_at = utcnow() + timedelta(days=30)
    for n, name in enumerate(["ana pro", "ben pro", "chen pro"]):
        invite(f"p{n}@example.net", name=name, expires_at=expires_at, commit=False)
    db.session.commit()

    pairs = list(emails_both_ways())

    assert [merged.subject for merged, _ in pairs] == ["Hi ana", "Hi ben", "Hi che"]
    for merged, direct in pairs:
        assert merged == direct


@pytest.mark.parametrize("kind", ["heads_up"])
def test_other_kinds_are_always_rendered_in_full(app, ctx, kind):
    context = {
        "subject": "Hello",
        "body": "Hi",
        "business_name": "Acme",
        "sender_name": "Olivia",
        "sender_email": "owner@acme.example",
    }
    merged = render_merged(kind, locale="en", context=context, invitation=None)
    assert merged == render_email(kind, locale="en", context=context)
