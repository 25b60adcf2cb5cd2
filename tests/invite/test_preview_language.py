"""The check step's email preview says which language the person gets it in, can be shown in
the other language with a plain link (no JavaScript), and is marked with its own language."""

import re

from tests.helpers import text_of
from tests.i18n.test_german_pages import sign_in_in_german
from tests.invite.flow import to_check


def _preview_lang(html: str) -> set[str]:
    """The lang attributes on the preview's subject and text."""
    preview = re.search(r'<div class="email-preview" id="email-preview">(.*?)</div>', html, re.S)
    assert preview, "no email preview"
    return set(re.findall(r'<span lang="(\w+)">', preview[1]))


def test_an_english_page_says_a_german_reader_gets_german_and_shows_it_in_english_too(
    auth, client
):
    auth.sign_in()
    base = to_check(client, "ben.pro@acme.example\nana.pro@acme.example")
    page = client.get(f"{base}/check")
    html, text = page.get_data(as_text=True), text_of(page)
    assert "ben.pro@acme.example gets it in German." in text
    assert "Guten Tag," in text and _preview_lang(html) == {"de"}
    assert "(ein persönlicher Link für jede Person)" in text  # the stand-in link, too
    link = re.search(r'<a href="([^"]+)" id="preview-in-en" hreflang="en">([^<]+)</a>', html)
    assert link and link[2] == "Show it in English" and "?lang=en" in link[1]
    assert 'href="' + base + '/check/invitation-email?lang=de"' in html

    english = client.get(link[1].replace("&amp;", "&").split("#")[0])
    html, text = english.get_data(as_text=True), text_of(english)
    assert "Shown here in English. ben.pro@acme.example gets it in German." in text
    assert "Hello," in text and "Guten Tag" not in text and _preview_lang(html) == {"en"}
    assert "(a personal link for each person)" in text
    assert 'id="preview-in-de" hreflang="de">Show it in German</a>' in html
    email = client.get(f"{base}/check/invitation-email?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in email and "Join Acme Corp" in email


def test_a_german_page_names_the_language_in_german(auth, client):
    sign_in_in_german(auth, client, "owner@acme.example")
    base = to_check(client, "ana.pro@acme.example")
    page = client.get(f"{base}/check")
    html, text = page.get_data(as_text=True), text_of(page)
    assert "ana.pro@acme.example erhält sie auf Englisch." in text
    assert _preview_lang(html) == {"en"} and "Hello," in text
    assert 'hreflang="de">Auf Deutsch anzeigen</a>' in html
    german = text_of(client.get(f"{base}/check?lang=de"))
    assert "Hier auf Deutsch angezeigt. ana.pro@acme.example erhält sie auf Englisch." in german


def test_off_the_verified_domains_the_preview_does_not_claim_the_persons_language(auth, client):
    auth.sign_in()
    base = to_check(client, "someone@elsewhere.example")
    text = text_of(client.get(f"{base}/check"))
    assert "Shown in English, the language of your business account." in text
    assert "someone@elsewhere.example gets it in" not in text


def test_a_language_the_app_does_not_speak_is_not_offered(auth, client):
    auth.sign_in()
    base = to_check(client, "ben.pro@acme.example")
    page = client.get(f"{base}/check?lang=xx")
    assert page.status_code == 200 and _preview_lang(page.get_data(as_text=True)) == {"de"}
