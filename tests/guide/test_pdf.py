"""The quick guide as a PDF: what is in it, who gets which copy, and how it is cached."""

import pytest
from flask_babel import format_date
from sqlalchemy import select, update

from tests.guide.conftest import PDF_URL, SECTIONS, TITLE, read_pdf
from wizard.extensions import db
from wizard.guide.quick_guide import quick_guide_pdf
from wizard.models import Account
from wizard.models.types import utcnow


def test_the_download_is_the_guide_as_a_two_to_four_page_pdf(download):
    response, pdf = download()
    assert 2 <= len(pdf.reader.pages) <= 4
    assert len(response.data) < 300 * 1024
    for heading in (TITLE, *SECTIONS):
        assert heading in pdf.text


def test_the_guide_has_every_step_choice_and_rule(generic_pdf):
    text = generic_pdf.text
    for step in ("Start", "Who to invite", "Tell them first", "Licenses", "Check and send", "Sent"):
        assert step in text
    assert "A refund to the original payment method" in text
    assert "A credit to the business account" in text
    assert "An outstanding balance on their own account" in text
    assert "Membership of another business account" in text
    assert "A link older than 30 days" in text
    assert "Reports (usage and meeting reports)" in text
    assert "40 minutes when 3 or more join" in text


def test_the_guide_is_real_text_small_and_on_a4(generic_pdf):
    assert len(generic_pdf.data) < 300 * 1024
    assert len(generic_pdf.text) > 5000  # words, not pictures of words
    for page in generic_pdf.reader.pages:
        size = (round(float(page.mediabox.width)), round(float(page.mediabox.height)))
        assert size == (595, 842)
    assert "Page 1 of " in generic_pdf.text


def test_the_guide_is_tagged_for_screen_readers_with_a_title_and_a_language(generic_pdf):
    catalog = generic_pdf.catalog
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert generic_pdf.reader.metadata.title == TITLE
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()


def test_links_in_the_guide_point_to_the_configured_address(generic_pdf):
    assert "http://invite.test/users/add/" in generic_pdf.text
    assert "http://invite.test/guide/" in generic_pdf.text
    links = {
        annotation.get_object()["/A"]["/URI"]
        for page in generic_pdf.reader.pages
        for annotation in page.get("/Annots", [])
    }
    assert "http://invite.test/users/pending/" in links


@pytest.mark.parametrize("email", ["owner@acme.example", "admin@acme.example"])
def test_an_owner_or_admin_gets_a_copy_prepared_for_their_business(app, auth, download, email):
    auth.sign_in(email)
    response, pdf = download()
    with app.test_request_context():
        today = format_date(utcnow().date(), "long")
    assert f"Prepared for Acme Corp on {today}" in pdf.text
    assert "Licenses purchased 10" in pdf.text
    assert "Free to give now 8" in pdf.text
    assert "A credit to Acme Corp" in pdf.text
    assert pdf.reader.metadata.author == "Acme Corp"
    assert 2 <= len(pdf.reader.pages) <= 4
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="adding-pro-users-to-acme-corp.pdf"'
    )
    assert "private" in response.cache_control
    assert "public" not in response.cache_control


@pytest.mark.parametrize("email", [None, "member@acme.example", "ana.pro@acme.example"])
def test_members_individuals_and_visitors_get_the_generic_guide(auth, download, email):
    if email:
        auth.sign_in(email)
    response, pdf = download()
    assert "Acme Corp" not in pdf.text
    assert "Prepared for" not in pdf.text
    assert "download this guide while signed in" in pdf.text
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="adding-pro-users-to-your-business-account.pdf"'
    )
    assert "public" in response.cache_control


def test_globex_owner_gets_globex_and_nothing_of_acme(auth, download):
    auth.sign_in("owner@acme.example")
    download()  # Acme's copy is now in the cache
    auth.sign_out()
    auth.sign_in("owner@globex.example")
    response, pdf = download()
    assert "Prepared for Globex" in pdf.text
    assert "Acme" not in pdf.text


def test_a_second_download_is_the_same_file_and_with_the_etag_it_is_not_sent_again(client):
    first = client.get(PDF_URL)
    etag = first.headers["ETag"]
    second = client.get(PDF_URL)
    assert second.data == first.data
    assert second.headers["ETag"] == etag
    again = client.get(PDF_URL, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert "no-cache" in first.cache_control
    assert {"Cookie", "Accept-Language"} <= set(first.vary)


def test_the_personalised_copy_has_its_own_etag(auth, client):
    generic = client.get(PDF_URL).headers["ETag"]
    auth.sign_in()
    personal = client.get(PDF_URL, headers={"If-None-Match": generic})
    assert personal.status_code == 200
    assert personal.headers["ETag"] != generic


def test_buying_licenses_gives_a_new_copy_with_the_new_figures(app, auth, download):
    auth.sign_in()
    first, _pdf = download()
    with app.app_context():
        db.session.execute(
            update(Account).where(Account.name == "Acme Corp").values(license_seats=25)
        )
        db.session.commit()
    second, pdf = download(headers={"If-None-Match": first.headers["ETag"]})
    assert second.headers["ETag"] != first.headers["ETag"]
    assert "Licenses purchased 25" in pdf.text
    assert "Free to give now 23" in pdf.text


def test_a_business_name_in_any_script_gives_a_readable_file_name(app, auth, download):
    with app.app_context():
        db.session.execute(
            update(Account).where(Account.name == "Acme Corp").values(name="Müller & Söhne <GmbH>")
        )
        db.session.commit()
    auth.sign_in()
    response, pdf = download()
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="adding-pro-users-to-muller-sohne-gmbh.pdf"; '
        "filename*=UTF-8''adding-pro-users-to-m%C3%BCller-s%C3%B6hne-gmbh.pdf"
    )
    assert "Prepared for Müller & Söhne <GmbH>" in pdf.text


def test_a_german_reader_gets_a_pdf_in_their_language_and_its_own_etag(client):
    english = client.get(PDF_URL, headers={"Accept-Language": "en"})
    german = client.get(PDF_URL, headers={"Accept-Language": "de"})
    pdf = read_pdf(german.data)
    assert pdf.catalog["/Lang"] == "de"
    assert "Seite 1 von" in pdf.text  # the page numbers in the margin are translated too
    assert 2 <= len(pdf.reader.pages) <= 4
    assert german.headers["ETag"] != english.headers["ETag"]


def test_a_worker_can_attach_the_owners_copy_to_an_email_without_a_request(app):
    with app.app_context():
        acme = db.session.execute(select(Account).where(Account.name == "Acme Corp")).scalar_one()
        guide = quick_guide_pdf("en", acme)
        assert quick_guide_pdf("en", acme) is guide  # cached
    assert guide.filename == "adding-pro-users-to-acme-corp.pdf"
    assert guide.personalised
    assert "Prepared for Acme Corp" in read_pdf(guide.data).text
