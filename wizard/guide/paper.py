"""The paper a printed guide is laid out for: US Letter where people print on it, else A4.

Pure rules, no request: the view passes what the reader asked for and their browser's
languages (Accept-Language, best first).
"""

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

A4, LETTER = "a4", "letter"

# What each choice is called, and its CSS page size for WeasyPrint.
PAPER_NAMES = {A4: _l("A4"), LETTER: _l("US Letter")}
CSS_PAGE_SIZE = {A4: "A4", LETTER: "letter"}

# Regions whose everyday paper is US Letter (Unicode CLDR, supplemental measurement data):
# the United States and Canada, and Mexico, Central America, the Philippines and a few others.
LETTER_REGIONS = frozenset(
    {"US", "CA", "MX", "PH", "PR", "BZ", "CL", "CO", "CR", "GT", "NI", "PA", "SV", "VE"}
)


def region_of(tag: str) -> str | None:
    """The region of a language tag (en-US, fr_CA, zh-Hant-TW): its two-letter subtag."""
    for subtag in tag.replace("_", "-").split("-")[1:]:
        if len(subtag) == 2 and subtag.isalpha():
            return subtag.upper()
    return None


def paper_for(chosen: str | None, languages: Iterable[str]) -> str:
    """The reader's choice if it is one of ours; else Letter when the first of their
    languages that names a region is in a Letter region; else A4."""
    if chosen in PAPER_NAMES:
        return chosen
    for tag in languages:
        region = region_of(tag)
        if region:
            return LETTER if region in LETTER_REGIONS else A4
    return A4


def other_paper(paper: str) -> str:
    """The choice the reader did not get, offered beside the download."""
    return A4 if paper == LETTER else LETTER
