"""US Letter for readers in the US and Canada, A4 elsewhere, and the choice on the page."""

import re

import pytest

from tests.guide.conftest import read_pdf
from tests.helpers import text_of
from wizard.guide.paper import A4, LETTER, paper_for, region_of

A4_POINTS, LETTER_POINTS = (595, 842), (612, 792)


def page_sizes(data: bytes) -> set[tuple[int, int]]:
    reader = read_pdf(data).reader
    return {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}


@pytest.mark.parametrize(
    ("languages", "paper"),
    [
        (["en-US", "en"], LETTER),
        (["en-CA"], LETTER),
        (["fr-CA", "fr", "en"], LETTER),
        (["en_US"], LETTER),
        (["es-MX"], LETTER),
        (["en-GB", "en-US"], A4),  # the first region named decides
        (["de-DE", "de", "en-US"], A4),
        (["en", "en-US"], LETTER),  # "en" names no region: the next one does
        (["de-CH"], A4),
        (["zh-Hant-TW"], A4),
        (["en"], A4),
        ([], A4),
    ],
)
def test_the_paper_follows_the_first_region_the_browser_names(languages, paper):
    assert paper_for(None, languages) == paper


def test_the_readers_own_choice_wins_and_anything_else_is_ignored():
    assert paper_for("a4", ["en-US"]) == A4
    assert paper_for("letter", ["de-DE"]) == LETTER
    assert paper_for("legal", ["en-US"]) == LETTER
    assert paper_for("", ["de-DE"]) == A4


def test_a_region_is_the_two_letter_subtag():
    assert region_of("en-us") == "US"
    assert region_of("zh-Hant-TW") == "TW"
    assert region_of("sr-Latn") is None
    assert region_of("en") is None


@pytest.mark.parametrize("url", ["/guide/quick-guide.pdf", "/guide/invitees.pdf"])
def test_a_reader_in_the_us_or_canada_gets_us_letter_and_everyone_else_a4(client, url):
    for language, size in (
        ("en-US,en;q=0.9", LETTER_POINTS),
        ("en-CA", LETTER_POINTS),
        ("en-GB,en;q=0.9", A4_POINTS),
        ("de-DE,de;q=0.9", A4_POINTS),
        ("en", A4_POINTS),
    ):
        response = client.get(url, headers={"Accept-Language": language})
        assert response.status_code == 200
        assert page_sizes(response.data) == {size}, language
        assert "Accept-Language" in response.headers["Vary"]


def test_the_choice_in_the_link_wins_over_the_browsers_region(client):
    us = {"Accept-Language": "en-US"}
    a4 = client.get("/guide/quick-guide.pdf?paper=a4", headers=us)
    letter = client.get("/guide/quick-guide.pdf?paper=letter")
    assert page_sizes(a4.data) == {A4_POINTS}
    assert page_sizes(letter.data) == {LETTER_POINTS}
    assert a4.headers["ETag"] != letter.headers["ETag"]
    assert "-us-letter.pdf" in letter.headers["Content-Disposition"]
    assert "letter" not in a4.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("page", "download", "other"),
    [
        ("/guide/", "download-guide", "download-guide-other-paper"),
        ("/guide/invitees", "download-invitee-guide", "download-invitee-guide-other-paper"),
    ],
)
def test_the_guide_pages_offer_the_readers_paper_first_and_the_other_beside_it(
    client, page, download, other
):
    us = client.get(page, headers={"Accept-Language": "en-US"})
    html = us.get_data(as_text=True)
    assert f'paper=letter" id="{download}"' in html
    assert f'paper=a4" id="{other}"' in html
    assert "(PDF, US Letter)" in text_of(us)
    assert "Download it on A4 paper instead" in text_of(us)
    uk = client.get(page, headers={"Accept-Language": "en-GB"})
    assert "(PDF, A4)" in text_of(uk)
    assert "Download it on US Letter paper instead" in text_of(uk)


def test_the_letter_guide_keeps_everything_the_a4_guide_says(client):
    a4 = read_pdf(client.get("/guide/quick-guide.pdf?paper=a4").data)
    letter = read_pdf(client.get("/guide/quick-guide.pdf?paper=letter").data)
    assert len(letter.reader.pages) == len(a4.reader.pages)
    # The same words (lines and columns break in other places on other paper).
    words = re.compile(r"[^\W\d_]{3,}")
    assert sorted(words.findall(letter.text)) == sorted(words.findall(a4.text))


@pytest.mark.parametrize("language", ["en-US", "de-DE"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_invitees_guide_fits_on_one_sheet_of_either_paper(client, language, paper):
    response = client.get(
        f"/guide/invitees.pdf?paper={paper}", headers={"Accept-Language": language}
    )
    assert len(read_pdf(response.data).reader.pages) == 1
