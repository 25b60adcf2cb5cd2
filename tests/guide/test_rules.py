"""The guide's small rules, without a client: file names, headers, CSS, rendering anywhere."""

from datetime import date

from tests.guide.conftest import TITLE, read_pdf
from wizard.guide.quick_guide import (
    Personalisation,
    attachment_disposition,
    css_content,
    guide_filename,
    render_guide_pdf,
    slugify,
)


def test_slugify_keeps_letters_of_any_script_and_joins_words_with_hyphens():
    assert slugify("Adding Pro users to Acme Corp") == "adding-pro-users-to-acme-corp"
    assert slugify("  Müller & Söhne (Köln)  ") == "müller-söhne-köln"
    assert slugify("株式会社 テスト") == "株式会社-テスト"
    assert slugify("***") == ""


def test_an_ascii_file_name_is_quoted_and_nothing_more():
    assert attachment_disposition("adding-pro-users-to-acme-corp.pdf") == (
        'attachment; filename="adding-pro-users-to-acme-corp.pdf"'
    )


def test_a_unicode_file_name_gets_an_ascii_fallback_and_filename_star():
    assert attachment_disposition("guide-株式会社.pdf") == (
        'attachment; filename="guide.pdf"; '
        "filename*=UTF-8''guide-%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE.pdf"
    )
    assert attachment_disposition("株式会社.pdf").startswith(
        'attachment; filename="quick-guide.pdf"'
    )


def test_a_file_name_cannot_break_out_of_its_quotes():
    header = attachment_disposition('a"b\\c;d\r\n.pdf')
    assert header.startswith("attachment; filename=\"a-b-c-d.pdf\"; filename*=UTF-8''")
    assert "\r" not in header and "\n" not in header


def test_a_translated_page_number_becomes_css_counters():
    assert css_content("Page %(page)s of %(pages)s", page="page", pages="pages") == (
        '"Page " counter(page) " of " counter(pages)'
    )
    assert css_content('Seite %(page)s "von" %(pages)s', page="page", pages="pages") == (
        '"Seite " counter(page) " \\"von\\" " counter(pages)'
    )


def test_file_names_say_what_the_guide_is_and_for_whom(bare_app):
    me = Personalisation("Acme Corp", 10, 8, date(2026, 11, 26))
    with bare_app.test_request_context():
        assert guide_filename(None) == "adding-pro-users-to-your-business-account.pdf"
        assert guide_filename(me) == "adding-pro-users-to-acme-corp.pdf"


def test_the_guide_renders_without_a_request_so_a_worker_can_attach_it(bare_app):
    me = Personalisation("Acme Corp", 10, 8, date(2026, 11, 26))
    with bare_app.app_context():
        pdf = read_pdf(render_guide_pdf("en", me))
    assert "Prepared for Acme Corp on November 26, 2026" in pdf.text
    assert pdf.reader.metadata.title == TITLE


def test_a_business_without_licenses_gets_no_empty_seat_picture(bare_app):
    me = Personalisation("Tiny Ltd", 0, 0, date(2026, 11, 26))
    with bare_app.app_context():
        pdf = read_pdf(render_guide_pdf("en", me))
    assert "Licenses purchased 0" in pdf.text


def test_the_same_guide_renders_to_the_same_bytes_so_every_instance_agrees_on_the_etag(bare_app):
    with bare_app.app_context():
        assert render_guide_pdf("en", None) == render_guide_pdf("en", None)
