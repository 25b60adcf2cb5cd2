"""Counts read naturally in English and German: every plural sentence the pages use, rendered
with 0, 1, 2 and 5, puts the right form of its noun after the number ("1 license", "2 licenses",
"1 Lizenz", "2 Lizenzen"); and where a page can show 0, it says so in words ("No licenses are
free now"), never "Only 0 licenses"."""

import re
from datetime import timedelta

import pytest
from babel.support import NullTranslations, Translations
from sqlalchemy import update

from tests.helpers import text_of
from tests.i18n.catalogue import TRANSLATIONS, extracted
from tests.i18n.conftest import choose_german
from tests.i18n.counts import ZERO, wrong_form
from tests.manage.factories import make_invitation
from wizard.extensions import db
from wizard.models import Account

COUNTS = (0, 1, 2, 5)

class Values(dict):
    """Placeholders besides the count: 7, which is none of the counts tried."""

    def __missing__(self, key):
        return 7


def _on_pages(locations: list[str]) -> bool:
    """Used by a page (emails, and the delivery code that writes them, are read elsewhere)."""
    return any(
        not (where.startswith("templates/email/") or where.startswith("wizard/delivery/"))
        for where in locations
    )


def plural_sentences() -> list[tuple[str, str]]:
    found = [
        message for message, where in extracted().items()
        if isinstance(message, tuple) and _on_pages(where)
    ]
    return sorted(found)


@pytest.fixture(scope="module")
def catalogues():
    with open(TRANSLATIONS / "de" / "LC_MESSAGES" / "messages.mo", "rb"):
        pass  # compiled by tests/i18n/conftest.py
    return {"en": NullTranslations(), "de": Translations.load(str(TRANSLATIONS), ["de"])}


def test_there_are_plural_sentences_to_read():
    assert len(plural_sentences()) > 50


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_plural_sentence_on_the_pages_agrees_with_its_number(lang, catalogues):
    problems = []
    for singular, plural in plural_sentences():
        for n in COUNTS:
            template = catalogues[lang].ungettext(singular, plural, n)
            text = template % Values(num=n)
            for wrong in wrong_form(text, n, lang):
                problems.append(f"{lang}, {n}: {wrong!r} in {text!r}")
    assert not problems, "Counts that do not agree with their noun:\n" + "\n".join(problems)


# --- Zero, on the pages that can show it --------------------------------------------------

def _no_license_free(app) -> None:
    """Acme's owner and admin hold both licenses it has bought."""
    with app.app_context():
        db.session.execute(
            update(Account).where(Account.name == "Acme Corp").values(license_seats=2)
        )
        db.session.commit()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_where_no_license_is_free_the_pages_say_so_in_words(lang, app, auth, client):
    expired = [
        make_invitation(app, f"p{n}@acme.example", user_type="licensed",
                        expires_in=timedelta(days=-3))
        for n in range(2)
    ]
    _no_license_free(app)
    auth.sign_in()
    if lang == "de":
        choose_german(client, "/users/")
    pages = {
        "/users/add/": ("No licenses are free for Licensed users.",
                        "Für lizenzierte Benutzer ist keine Lizenz frei."),
        f"/users/pending/resend?ids={expired[0]}&ids={expired[1]}": (
            "No licenses are free now.", "Jetzt ist keine Lizenz frei."),
        "/users/": None,
        "/users/licenses/": None,
        "/users/pending/?status=all": None,
    }
    for path, says in pages.items():
        text = text_of(client.get(path))
        assert not ZERO[lang].findall(text), f"{path} ({lang}): {ZERO[lang].findall(text)}"
        if says:
            assert says[lang == "de"] in text, f"{path} ({lang}) does not say {says}:\n{text}"


# --- The seat sentence, with every part 0, 1 or many ---------------------------------------

@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_seat_sentence_leaves_out_what_is_zero_and_agrees_with_every_number(lang, app):
    from flask_babel import force_locale

    from wizard.common.seat_words import batch_summary, seat_summary

    problems, said = [], {}
    with app.test_request_context(), force_locale(lang):
        for in_use in COUNTS:
            for pending in COUNTS:
                for free in COUNTS:
                    purchased = in_use + pending + free
                    said[(in_use, pending, free)] = users = seat_summary(
                        purchased, in_use, pending, free)
                    wizard = batch_summary(purchased + free, in_use, pending, free)
                    for text in (users, wizard):
                        if re.search(r"(?<![\d.,])0(?![\d.,])", text):
                            problems.append(f"a zero in numbers: {text!r}")
                        for n in COUNTS[1:]:
                            problems += [f"{n}: {w!r} in {text!r}"
                                         for w in wrong_form(text, n, lang)]
    assert not problems, "\n".join(problems)
    # What the Users page says, as an owner reads it, for a few of them.
    expected = {
        "en": {
            (2, 0, 5): "7 licenses purchased: 2 in use and 5 free.",
            (2, 1, 5): "8 licenses purchased: 2 in use, 1 held by a pending invitation, "
                       "and 5 free.",
            (5, 5, 0): "10 licenses purchased: 5 in use and 5 held by pending invitations. "
                       "None is free.",
            (5, 0, 0): "5 licenses purchased, all in use.",
            (1, 0, 0): "1 license purchased, in use.",
            (0, 0, 2): "2 licenses purchased, all free.",
            (0, 1, 0): "1 license purchased, held by a pending invitation.",
        },
        "de": {
            (2, 0, 5): "7 Lizenzen gekauft: 2 belegt und 5 frei.",
            (2, 1, 5): "8 Lizenzen gekauft: 2 belegt, 1 für eine ausstehende Einladung "
                       "reserviert und 5 frei.",
            (5, 2, 0): "7 Lizenzen gekauft: 5 belegt und 2 für ausstehende Einladungen "
                       "reserviert. Keine ist frei.",
            (5, 0, 0): "5 Lizenzen gekauft, alle belegt.",
            (1, 0, 0): "1 Lizenz gekauft, belegt.",
        },
    }
    for counts, sentence in expected[lang].items():
        assert said[counts] == sentence, f"{counts}: {said[counts]!r}"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_users_page_and_the_wizard_leave_zero_out_of_the_seat_sentence(
    lang, app, auth, client
):
    auth.sign_in()
    if lang == "de":
        choose_german(client, "/users/")
    users = text_of(client.get("/users/"))
    assert {"en": "10 licenses purchased: 2 in use and 8 free.",
            "de": "10 Lizenzen gekauft: 2 belegt und 8 frei."}[lang] in users
    assert not re.search(r"(?<![\d.,])0 ", users), users
