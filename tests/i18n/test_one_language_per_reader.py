"""No page or email mixes languages for one reader: a German reader meets no English
sentence of the catalogue, an English reader no German one, on the journeys' pages and in
every kind of email the app can send."""

import re
from datetime import timedelta

from tests.delivery.samples import SAMPLES, email_kinds, render_sample
from tests.helpers import submit
from tests.i18n.reading import (
    DEMO_NAMES,
    english_left_in,
    fold,
    german_left_in,
    problems_of_english,
    short_english_left_in,
    short_german_left_in,
    visible_text,
)
from tests.i18n.test_german_pages import (
    OWNER,
    invitation_id,
    invite,
    problems_of_german,
)
from wizard.delivery.mailer import product_name
from wizard.models import DeliveryStatus, InvitationStatus, UserType


def _data_of(context) -> tuple[str, ...]:
    """What a sample's words are made of that is no catalogue text: names, addresses, a person's
    own message (a heads-up is in its writer's language), recursively."""
    if isinstance(context, str):
        lines = [fold(line) for line in context.splitlines() if line.strip()]
        return (fold(context), *lines) if context.strip() else ()
    if isinstance(context, dict):
        return tuple(v for value in context.values() for v in _data_of(value))
    if isinstance(context, (list, tuple)):
        return tuple(v for value in context for v in _data_of(value))
    return ()


def test_every_kind_of_email_reads_in_one_language_in_english_and_in_german(app):
    """Every sample of every kind (tests/delivery/samples.py), in both languages: no sentence
    and no label or heading of the other language, no date or amount written its way."""
    problems: list[str] = []
    assert email_kinds() <= {sample.kind for sample in SAMPLES}, "a kind has no sample"
    with app.test_request_context("/"):
        for sample in SAMPLES:
            names = _data_of(sample.context) + (product_name(),)
            english = render_sample(sample, "en")
            where = f"{sample.name} (en)"
            problems += [f"{where} subject: {s!r}" for s in german_left_in(english.subject)]
            problems += [f"{where} text: {s!r}" for s in german_left_in(fold(english.text))]
            problems += problems_of_english(f"{where} HTML", english.html, is_page=False)
            for part, words in (("subject", english.subject), ("text", english.text),
                                ("HTML", visible_text(english.html))):
                problems += [f"{where} {part}: German {s!r}"
                             for s in short_german_left_in(fold(words), names)]
            german = render_sample(sample, "de")
            where = f"{sample.name} (de)"
            problems += [f"{where} subject: {s!r}" for s in english_left_in(german.subject)]
            problems += [f"{where} text: {s!r}" for s in english_left_in(fold(german.text))]
            problems += problems_of_german(f"{where} HTML", german.html, is_page=False)
            for part, words in (("subject", german.subject), ("text", german.text),
                                ("HTML", visible_text(german.html))):
                problems += [f"{where} {part}: English {s!r}"
                             for s in short_english_left_in(fold(words), names)]
    assert not problems, "\n".join(problems)


def test_short_labels_of_the_other_language_are_found_and_shared_words_are_not(app):
    """The short-message check finds a planted label and heading, and leaves alone the words
    both languages share and the names of people and businesses."""
    assert short_english_left_in("Lizenzen: 3 | Pending | Status: offen") == ["Pending"]
    assert short_german_left_in("Licenses: 3 | Ausstehend | Name: Ana") == ["Ausstehend"]
    assert short_english_left_in("Guten Tag Olivia Owner, Team Acme", ("Olivia Owner",)) == []
    assert short_english_left_in("no-reply@invite.example, Basis-Benutzer") == []




def read_english(client, url: str, problems: list[str], *, status: int = 200) -> None:
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    html = response.get_data(as_text=True)
    problems += problems_of_english(url, html)
    short = short_german_left_in(visible_text(html), DEMO_NAMES)
    problems += [f"{url}: German {s!r}" for s in short]


def test_the_owner_reading_english_meets_no_german_from_the_wizard_to_the_audit_log(
    app, client, auth
):
    invite(app, "ana.pro@acme.example", delivery=DeliveryStatus.SENT)
    invite(app, "chen.pro@partner.example", delivery=DeliveryStatus.FAILED)
    invite(app, "dora@acme.example", expires_in=timedelta(days=-1), user_type=UserType.BASIC)
    invite(app, "gus@acme.example", status=InvitationStatus.REVOKED)
    assert auth.sign_in(OWNER).status_code == 302
    problems: list[str] = []
    ana = invitation_id(app, "ana.pro@acme.example")
    for url in (
        "/users/", "/users/pending/", "/users/pending/?status=all", f"/users/pending/{ana}",
        f"/users/pending/resend?ids={ana}", f"/users/pending/revoke?ids={ana}",
        "/users/audit-log/", "/users/domains/", "/users/domains/people", "/account/",
        "/account/password", "/guide/", "/guide/invitees", "/users/add/",
    ):
        read_english(client, url, problems)
    started = submit(client, "/users/add/", {"start_over": "1"})
    base = re.match(r"(/users/add/\d+)/", started.location).group(1)
    read_english(client, f"{base}/people", problems)
    everyone = "Emil Pro <emil.pro@acme.example>\nfay.pro@acme.example\nnew.person@example.com"
    people = submit(client, f"{base}/people",
                    {"addresses": everyone, "default_type": "licensed", "check": "1"})
    assert people.status_code == 302, people.status_code
    read_english(client, f"{base}/heads-up", problems)
    to_check = submit(client, f"{base}/heads-up",
                      {"send": "1", "subject": "Hello {name}", "body": "An invitation follows."})
    read_english(client, to_check.location, problems)
    submit(client, f"{base}/heads-up", {"skip": "1", "confirm_skip": "y"})
    read_english(client, f"{base}/licenses", problems)
    submit(client, f"{base}/licenses", {"confirm": "1"})
    read_english(client, f"{base}/check", problems)
    preview = client.get(f"{base}/check/invitation-email").get_data(as_text=True)
    problems += problems_of_english("invitation email preview", preview, is_page=False)
    sent = submit(client, f"{base}/send", {}, page=f"{base}/check")
    assert sent.status_code == 302, sent.status_code
    read_english(client, sent.location, problems)
    assert not problems, "\n".join(problems)


def test_an_invitee_reading_english_meets_no_german_from_the_link_to_joining(app, client, auth):
    ana = invite(app, "ana.pro@acme.example")
    gus = invite(app, "gus@acme.example")
    expired = invite(app, "chen.pro@partner.example", expires_in=timedelta(days=-1))
    revoked = invite(app, "fay.pro@acme.example", status=InvitationStatus.REVOKED)
    problems: list[str] = []
    read_english(client, f"/invitation/{ana}", problems)
    read_english(client, f"/invitation/{gus}", problems)
    read_english(client, f"/invitation/{expired}", problems, status=410)
    read_english(client, f"/invitation/{revoked}", problems, status=410)
    assert auth.sign_in("ana.pro@acme.example").status_code == 302
    for url in (f"/invitation/{ana}", f"/invitation/{ana}/refund", f"/invitation/{ana}/decline"):
        read_english(client, url, problems)
    accepted = submit(client, f"/invitation/{ana}/refund",
                      {"method": "refund", "receipt_email": "ana.pro@acme.example"})
    assert accepted.status_code == 302
    read_english(client, accepted.location, problems)
    read_english(client, "/account/", problems)
    assert not problems, "\n".join(problems)
