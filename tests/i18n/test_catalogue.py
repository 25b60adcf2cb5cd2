"""German is complete: every marked string has a German translation that keeps its placeholders."""

import re

from tests.i18n.catalogue import DIRECTIVE, NAMED, extracted, forms, german, is_translated, singular

SHOWN = 15


def test_every_marked_string_has_a_german_translation_that_is_not_fuzzy():
    catalogue = german()
    missing = []
    for msgid, places in sorted(extracted().items(), key=lambda item: item[1][0]):
        message = catalogue.get(singular(msgid))
        if not is_translated(message):
            state = "fuzzy" if message is not None and message.fuzzy else "missing"
            missing.append(f"{places[0]} {singular(msgid)!r} ({state})")
    assert not missing, (
        f"{len(missing)} strings lack German (run `make extract`, then translate them in "
        "wizard/translations/de/LC_MESSAGES/messages.po):\n  " + "\n  ".join(missing[:SHOWN])
    )


def test_every_german_string_is_still_marked_in_the_code_so_make_extract_loses_nothing():
    """The other direction: a German entry extraction cannot find is either dead (its English
    changed or went) or hidden from pybabel (a `_()` inside an f-string), and `make extract`
    (--ignore-obsolete) would drop it; a hidden one would then show in English."""
    marked = {
        (message[0], message[1]) if isinstance(message, tuple) else message
        for message in extracted()
    }

    def key(msgid):
        return tuple(msgid) if isinstance(msgid, (tuple, list)) else msgid

    stale = [singular(m.id) for m in german() if m.id and key(m.id) not in marked]
    assert not stale, (
        f"{len(stale)} German entries match no marked string (if the code still shows one, "
        "take its _() out of the f-string; else run `make extract`):\n  "
        + "\n  ".join(repr(s) for s in stale[:SHOWN])
    )


def test_plural_strings_have_both_german_forms():
    catalogue = german()
    assert catalogue.num_plurals == 2
    wrong = [
        singular(message.id)
        for message in catalogue
        if isinstance(message.id, tuple) and len(forms(message)) != 2
    ]
    assert not wrong, "plural strings without two German forms: " + "; ".join(wrong[:SHOWN])


def test_german_translations_keep_every_placeholder_exactly():
    broken = []
    for message in german():
        if not message.id or not is_translated(message):
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set().union(*(NAMED.findall(source) for source in sources))
        for index, translation in enumerate(forms(message)):
            found = set(NAMED.findall(translation))
            if index == 0 and len(sources) == 2:
                # The singular may say "die letzte Person" instead of "1 Person".
                found |= expected & {"%(num)d", "%(num)s"}
            if found != expected:
                lost, invented = sorted(expected - found), sorted(found - expected)
                broken.append(f"{singular(message.id)!r}: lost {lost}, unknown {invented}")
    assert not broken, "German placeholders differ:\n  " + "\n  ".join(broken[:SHOWN])


def test_german_translations_have_no_stray_percent_sign():
    # Templates always %-format a translation, so a lone % (say "50 %") would crash the page.
    stray = []
    for message in german():
        if not message.id or not is_translated(message):
            continue
        for translation in forms(message):
            if DIRECTIVE.sub("", translation).count("%"):
                stray.append(repr(translation))
    assert not stray, "a lone % in German, write %% instead: " + "; ".join(stray[:SHOWN])


def test_german_uses_one_kind_of_quotation_marks():
    # „…“ throughout; straight or English quotes in German text look careless.
    english_quotes = []
    for message in german():
        if not message.id or not is_translated(message):
            continue
        for translation in forms(message):
            prose = DIRECTIVE.sub("", translation)
            prose = prose if "<" not in prose else ""  # HTML attributes need straight quotes
            if any(mark in prose for mark in ('"', "”", "»", "«")):
                english_quotes.append(repr(translation))
    assert not english_quotes, "German quotes are „…“: " + "; ".join(english_quotes[:SHOWN])


# One German word for each of the product's terms: a reader who meets "Basis" on one page and
# "Basic" on the next wonders whether they are two things.
ONE_TERM = {
    r"\bBasic\b": "Basis (the user type, as the product names it)",
    r"[Bb]estätigte[nr]? Domäne|Domäne[n]?, die .* bestätigt": "verifizierte Domäne",
    # The blockers link to My account's sections: both name a business account one way.
    r"Unternehmenskonto": "Geschäftskonto (a business account)",
    r"Zahlungsmittel": "Zahlungsmethode (the original payment method)",
    r"(?<![Rr]ück)\bErstattung\b": "Rückerstattung (a refund)",
}


def test_german_uses_one_word_for_each_term():
    mixed = []
    for message in german():
        if not message.id or not is_translated(message):
            continue
        for translation in forms(message):
            for wrong, right in ONE_TERM.items():
                if re.search(wrong, translation):
                    mixed.append(f"{translation!r}: say {right}")
    assert not mixed, "German mixes terms: " + "; ".join(mixed[:SHOWN])


def test_german_says_tarif_for_a_plan_and_abonnement_for_a_subscription():
    # "Your Pro plan ends" on one page and "the add-ons of your plan" on the next must not read
    # as two things: a plan is a Tarif (as on My account), a subscription an Abonnement.
    mixed = []
    for message in german():
        english = singular(message.id) if message.id else ""
        if not re.search(r"\bplans?\b", english) or "subscription" in english:
            continue
        mixed += [t for t in forms(message) if is_translated(message) and "Abonnement" in t]
    assert not mixed, "A plan called Abonnement: " + "; ".join(mixed[:SHOWN])
