"""The seat sentence in words: how many licenses are bought, in use, held by pending invitations
and free, as the Users page and the wizard say it. A part that is zero is left out ("10 licenses
purchased: 3 in use and 7 free"), one part that covers everything says "all" ("10 licenses
purchased, all in use"), and "none free" is said in words, never "0 free"."""

from babel.lists import format_list
from flask_babel import format_decimal, get_locale, get_translations
from flask_babel import gettext as _


def ngettext(singular: str, plural: str, n: int, **variables) -> str:
    """Flask-Babel's ngettext, with the number as the reader writes it (1.000 in German)."""
    return get_translations().ungettext(singular, plural, n) % {"num": format_decimal(n),
                                                                **variables}


def _in_use(n: int) -> str:
    return ngettext("%(num)s in use", "%(num)s in use", n)


def _pending(n: int) -> str:
    return ngettext("%(num)s held by a pending invitation", "%(num)s held by pending invitations",
                    n)


def _whole(kind: str, n: int) -> str:
    """Every license bought is in one state."""
    if kind == "in_use":
        return ngettext("%(num)s license purchased, in use.",
                        "%(num)s licenses purchased, all in use.", n)
    if kind == "pending":
        return ngettext("%(num)s license purchased, held by a pending invitation.",
                        "%(num)s licenses purchased, all held by pending invitations.", n)
    return ngettext("%(num)s license purchased, free.", "%(num)s licenses purchased, all free.",
                    n)


def _purchased(n: int, parts: list[str]) -> str:
    return ngettext(
        "%(num)s license purchased: %(parts)s.",
        "%(num)s licenses purchased: %(parts)s.",
        n,
        parts=format_list(parts, locale=get_locale()),
    )


def seat_summary(purchased: int, in_use: int, pending: int, free: int) -> str:
    """The Users page's sentence: "10 licenses purchased: 3 in use, 2 held by pending
    invitations, and 5 free." Zero parts are left out; no free license is said in words."""
    if not purchased:
        if in_use:
            return _("No licenses purchased, but %(in_use)s.", in_use=_in_use(in_use))
        return _("No licenses purchased.")
    counts = {"in_use": in_use, "pending": pending, "free": free}
    for kind, n in counts.items():
        if n == purchased and sum(counts.values()) == n:
            return _whole(kind, n)
    parts = []
    if in_use:
        parts.append(_in_use(in_use))
    if pending:
        parts.append(_pending(pending))
    if free:
        parts.append(ngettext("%(num)s free", "%(num)s free", free))
    sentence = _purchased(purchased, parts)
    if free:
        return sentence
    # Not inside an f-string: pybabel cannot see a call there, and `make extract` would drop it.
    none_free = _("None is free.")
    return f"{sentence} {none_free}"


def batch_summary(purchased: int, in_use: int, pending: int, batch: int) -> str:
    """The wizard's sentence beside the seat bar: "4 licenses purchased: 2 in use and 2 for this
    batch." Zero parts are left out."""
    if not purchased:
        return _("No licenses purchased.")
    parts = []
    if in_use:
        parts.append(_in_use(in_use))
    if pending:
        parts.append(_pending(pending))
    if batch:
        parts.append(ngettext("%(num)s for this batch", "%(num)s for this batch", batch))
    if not parts:
        return _whole("free", purchased)
    return _purchased(purchased, parts)
