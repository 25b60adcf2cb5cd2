"""Reading a page or an email as a German reader would, and spotting what is still English."""

import re
from functools import lru_cache
from html import unescape

from tests.i18n.catalogue import DIRECTIVE, forms, german, is_translated

# Text a reader meets outside the page body: a screen reader reads these too.
_SPOKEN_ATTRIBUTES = re.compile(r'\s(?:aria-label|alt|title|placeholder)="([^"]*)"')
_TAG = re.compile(r"<[^>]+>")
_HIDDEN = re.compile(r"<(script|style)[^>]*>.*?</\1>", flags=re.S)

GERMAN_MONTHS = (
    "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
)
GERMAN_LONG_DATE = re.compile(rf"\b\d{{1,2}}\. (?:{GERMAN_MONTHS}) \d{{4}}\b")  # 26. November 2026
GERMAN_SHORT_DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")  # 26.11.2026
GERMAN_MONEY = re.compile(r"\b\d{1,3}(?:\.\d{3})*,\d{2}\s\$")  # 1.234,56 $
ENGLISH_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}, \d{4}\b"
)
ENGLISH_MONEY = re.compile(r"\$\s?\d")


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def visible_text(html: str) -> str:
    """What a reader sees or hears: the text, the title, and labels spoken for icons and links."""
    html = _HIDDEN.sub(" ", html)
    spoken = " | ".join(unescape(value) for value in _SPOKEN_ATTRIBUTES.findall(html))
    return fold(unescape(_TAG.sub(" ", html)) + " | " + spoken)


def _fragments(source: str) -> list[str]:
    """The stretches of an English string between its placeholders, as a page shows them."""
    plain = fold(unescape(_TAG.sub(" ", source)))
    pieces = (piece.strip(" .,:;()–-") for piece in DIRECTIVE.split(plain))
    return [piece for piece in pieces if len(piece.split()) >= 3]


@lru_cache(maxsize=1)
def english_sources() -> tuple[str, ...]:
    """English strings of three words or more whose German differs: seeing one is a leftover.

    A stretch that a German translation keeps as it is (a product name, a command) is no sign.
    """
    catalogue = german()
    all_german = " ".join(
        fold(form) for message in catalogue if message.id for form in forms(message) if form
    )
    found = set()
    for message in catalogue:
        if not message.id or not is_translated(message):
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        for source in sources:
            if all(source == form for form in forms(message)):
                continue
            found.update(piece for piece in _fragments(source) if piece not in all_german)
    return tuple(sorted(found, key=len, reverse=True))


def _left_in(text: str, sources: tuple[str, ...]) -> list[str]:
    """Which of `sources` show in `text` (longest first, none counted inside a longer one)."""
    left: list[str] = []
    for source in sources:
        if source in text and not any(source in longer for longer in left):
            left.append(source)
    return left


def english_left_in(text: str) -> list[str]:
    """The English strings still showing in a German text."""
    return _left_in(text, english_sources())


# --- short messages: button labels, table headings, page names ----------------------------

# The demo's people and businesses: their names are no sign of a language.
DEMO_NAMES = ("Olivia Owner", "Adam Admin", "Mia Member", "Ana Pro", "Ben Pro", "Dora Basic",
              "Emil Pro", "Fay Pro", "Finn Helper", "Flora Helper", "Gus", "Acme Corp", "Globex",
              "Deutsch")  # the language switch names each language in itself

_EDGES = " .,:;!?()…–-"
_URL = re.compile(r"https?://\S+")
_WORDS_ONLY = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)?")


def _short(source: str) -> str | None:
    """A message of one or two words (no placeholders, no markup), as a page shows it."""
    if DIRECTIVE.search(source) or "<" in source:
        return None
    plain = fold(unescape(source)).strip(_EDGES)
    return plain if _WORDS_ONLY.fullmatch(plain) else None


def _as_word(words: str) -> str:
    """A regex for `words` standing on their own: not part of a longer word or compound."""
    return rf"(?<![\w-]){re.escape(words)}(?![\w-])"


def _short_sources(pairs, other_text: str) -> tuple[str, ...]:
    """The short messages of one language whose translation differs and that never stand as a
    word of their own in the other language's catalogue (Name, Status, Team are both). A
    placeholder's name (%(pending)d) is no word of either language."""
    other_text = DIRECTIVE.sub(" ", other_text)
    found = set()
    for short, translations in pairs:
        if short in translations or short in found:
            continue
        if not re.search(_as_word(short), other_text):
            found.add(short)
    return tuple(sorted(found, key=len, reverse=True))


def _catalogue_pairs():
    """(English forms, German forms) of every translated message."""
    for message in german():
        if not message.id or not is_translated(message):
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        yield [fold(s) for s in sources], [fold(f) for f in forms(message) if f]


@lru_cache(maxsize=1)
def short_english_sources() -> tuple[str, ...]:
    pairs, all_german = [], []
    for sources, translations in _catalogue_pairs():
        all_german += translations
        shorts = {t.strip(_EDGES) for t in translations}
        pairs += [(short, shorts) for s in sources if (short := _short(s))]
    return _short_sources(pairs, " | ".join(all_german))


@lru_cache(maxsize=1)
def short_german_sources() -> tuple[str, ...]:
    pairs, all_english = [], []
    for sources, translations in _catalogue_pairs():
        all_english += sources
        shorts = {s.strip(_EDGES) for s in sources}
        pairs += [(short, shorts) for t in translations if (short := _short(t))]
    return _short_sources(pairs, " | ".join(all_english))


@lru_cache(maxsize=2)
def _short_pattern(sources: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(_as_word(source) for source in sources))


def _short_left_in(text: str, sources: tuple[str, ...], names: tuple[str, ...]) -> list[str]:
    for name in sorted(names, key=len, reverse=True):  # "Olivia Owner" is a name, not a role
        text = text.replace(name, " ")
    text = _URL.sub(" ", text)  # /users/pending/ is an address, in no language
    return sorted({m[0] for m in _short_pattern(sources).finditer(text)})


def short_english_left_in(text: str, names: tuple[str, ...] = ()) -> list[str]:
    """English messages of one or two words (labels, headings) still showing in a German
    text; `names` are people's and businesses' names, which are no sign of either language."""
    return _short_left_in(text, short_english_sources(), names)


def short_german_left_in(text: str, names: tuple[str, ...] = ()) -> list[str]:
    """German messages of one or two words showing in an English text."""
    return _short_left_in(text, short_german_sources(), names)


def _problems(where: str, html: str, is_page: bool, lang: str, other: str, left_in, date, money):
    """What on a page (or an email's HTML) in `lang` betrays the `other` language."""
    problems = []
    if is_page and not re.search(rf'<html[^>]*\slang="{lang}"', html):
        problems.append(f'{where}: <html lang="{lang}"> missing')
    text = visible_text(html)
    problems += [f"{where}: {other} {source!r}" for source in left_in(text)]
    problems += [f"{where}: {other} date {m!r}" for m in date.findall(text)]
    problems += [f"{where}: {other} money {m!r}" for m in money.findall(text)]
    return problems


def problems_of_german(where: str, html: str, *, is_page: bool = True) -> list[str]:
    """Everything on a German page (or an email's HTML) that betrays another language."""
    return _problems(
        where, html, is_page, "de", "English", english_left_in, ENGLISH_DATE, ENGLISH_MONEY
    )


@lru_cache(maxsize=1)
def german_sources() -> tuple[str, ...]:
    """German translations of three words or more that no English string contains: seeing
    one on an English page or email means it mixes languages."""
    catalogue = german()
    all_english = " ".join(
        fold(source)
        for message in catalogue
        if message.id
        for source in (message.id if isinstance(message.id, tuple) else (message.id,))
    )
    found = set()
    for message in catalogue:
        if not message.id or not is_translated(message):
            continue
        for form in forms(message):
            found.update(piece for piece in _fragments(form) if piece not in all_english)
    return tuple(sorted(found, key=len, reverse=True))


def german_left_in(text: str) -> list[str]:
    """The German strings showing in an English text."""
    return _left_in(text, german_sources())


def problems_of_english(where: str, html: str, *, is_page: bool = True) -> list[str]:
    """Everything on an English page (or an email's HTML) that betrays German."""
    return _problems(
        where, html, is_page, "en", "German", german_left_in, GERMAN_LONG_DATE, GERMAN_MONEY
    )
