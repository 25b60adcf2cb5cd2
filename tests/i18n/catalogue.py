"""What the German tests share: the strings marked for translation, and the German catalogue."""

import re
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "wizard" / "translations"
GERMAN_PO = TRANSLATIONS / "de" / "LC_MESSAGES" / "messages.po"

# The same keywords as `make extract`.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "_l": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
}

# A %-directive as Python and Jinja format them: %(name)s, %(num)d, %s, %%.
DIRECTIVE = re.compile(r"%(?:\([A-Za-z_][A-Za-z_0-9]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
NAMED = re.compile(r"%\([A-Za-z_][A-Za-z_0-9]*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


@lru_cache(maxsize=1)
def extracted() -> dict[str | tuple[str, str], list[str]]:
    """Every marked string, as `make extract` finds it, with where it is used (file:line)."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str | tuple[str, str], list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            message = (message[0], message[1])
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


@lru_cache(maxsize=1)
def german() -> Catalog:
    with open(GERMAN_PO, "rb") as po:
        return read_po(po, locale="de")


def singular(msgid: str | tuple) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def forms(message: Message) -> tuple[str, ...]:
    """The translation's forms: one, or one per plural form."""
    return tuple(message.string) if isinstance(message.string, (tuple, list)) else (message.string,)


def is_translated(message: Message | None) -> bool:
    return message is not None and not message.fuzzy and all(forms(message))


def source_pairs() -> list[tuple[str, str]]:
    """(English, German) for every translated string: singulars, plurals and every form."""
    pairs = []
    for message in german():
        if not message.id or not is_translated(message):
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        for source in english:
            for translation in forms(message):
                pairs.append((source, translation))
    return pairs
