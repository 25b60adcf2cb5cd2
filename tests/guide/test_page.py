"""The quick guide page: public, the same words as the PDF, personalised for managers."""

import re
from html import unescape

from tests.guide.conftest import PDF_URL, SECTIONS, TITLE, read_pdf
from tests.helpers import h1_of, text_of, title_of


def headings_of(response) -> list[str]:
    html = re.sub(r"<svg.*?</svg>", "", response.get_data(as_text=True), flags=re.S)
    found = re.findall(r"<h([1-3])[^>]*>(.*?)</h\1>", html, flags=re.S)
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", h))).strip() for _n, h in found]


def test_anyone_can_read_the_guide_page(client):
    page = client.get("/guide/")
    assert page.status_code == 200
    assert h1_of(page) == TITLE
    assert title_of(page).startswith(TITLE)
    ids = re.findall(r'\sid="([^"]+)"', page.get_data(as_text=True))
    assert len(ids) == len(set(ids)), "duplicate ids"


def test_the_page_and_the_pdf_have_the_same_headings(client):
    page = client.get("/guide/")
    pdf = read_pdf(client.get(PDF_URL).data)
    headings = headings_of(page)
    assert [h for h in headings if h in SECTIONS] == list(SECTIONS)
    for heading in headings:
        # Step headings carry their number ("1 Start"), in both.
        assert heading in pdf.text, heading


def test_the_page_offers_the_pdf_and_its_contents(client):
    page = client.get("/guide/")
    html = page.get_data(as_text=True)
    assert f'href="{PDF_URL}?paper=a4"' in html
    assert "Download the quick guide (PDF, A4)" in text_of(page)
    for anchor in ("before-you-start", "wizard-steps", "checklist", "help"):
        assert f'href="#{anchor}"' in html
        assert f'id="{anchor}"' in html


def test_each_wizard_step_has_an_anchor_for_its_help_area_to_link_to(client):
    html = client.get("/guide/").get_data(as_text=True)
    for step in ("start", "who", "contact", "impact", "check", "sent"):
        assert f'id="step-{step}"' in html


def test_an_owner_sees_their_business_and_licenses_on_the_page(auth, client):
    auth.sign_in()
    text = text_of(client.get("/guide/"))
    assert "Prepared for Acme Corp" in text
    assert "Licenses purchased 10" in text
    assert "With your business name and licenses, ready to print." in text


def guide_text(response) -> str:
    """The guide's own words, without the site header (which names the reader's account)."""
    html = response.get_data(as_text=True)
    article = re.search(r"<article[^>]*>(.*)</article>", html, flags=re.S).group(1)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", article)))


def test_a_member_sees_the_generic_page(auth, client):
    auth.sign_in("member@acme.example")
    text = guide_text(client.get("/guide/"))
    assert "Acme Corp" not in text
    assert "download this guide while signed in" in text


def test_the_page_has_no_inline_styles_for_the_content_security_policy(client):
    html = client.get("/guide/").get_data(as_text=True)
    assert "style=" not in html
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
