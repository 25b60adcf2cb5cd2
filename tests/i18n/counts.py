"""Numbers and their nouns, as a reader checks them: "1 licenses", "2 Lizenz" and "Only 0
licenses" read wrong; shared by the catalogue's count test and the page-by-page read-through."""

import re

# A noun's singular and plural, as they follow a number. German nouns whose forms are the same
# (Benutzer, Mitglieder's "Mitglied") are listed only where the forms differ.
NOUNS = {
    "en": [
        ("license", "licenses"), ("person", "people"), ("invitation", "invitations"),
        ("day", "days"), ("user", "users"), ("entry", "entries"), ("email", "emails"),
        ("member", "members"), ("add-on", "add-ons"), ("attempt", "attempts"),
        ("step", "steps"), ("domain", "domains"), ("address", "addresses"),
        ("answer", "answers"), ("message", "messages"), ("page", "pages"),
    ],
    "de": [
        ("Lizenz", "Lizenzen"), ("Person", "Personen"), ("Einladung", "Einladungen"),
        ("Tag", "Tage"), ("Tag", "Tagen"), ("Eintrag", "Einträge"), ("E-Mail", "E-Mails"),
        ("Mitglied", "Mitglieder"), ("Add-on", "Add-ons"), ("Versuch", "Versuche"),
        ("Versuch", "Versuchen"), ("Schritt", "Schritte"), ("Schritt", "Schritten"),
        ("Domäne", "Domänen"), ("Adresse", "Adressen"), ("Antwort", "Antworten"),
        ("Nachricht", "Nachrichten"), ("Seite", "Seiten"),
    ],
}
# One adjective may stand between the number and its noun ("1 pending invitation",
# "2 lizenzierte Benutzer"); a word that starts a new phrase ("1 of these people") may not.
NOT_AN_ADJECTIVE = (
    r"(?!(?:of|von|der|die|das|den|dem|davon|dieser|these|the|aus|in|more|weitere)\b)"
)
WORD = r"[\w-]+"


def wrong_form(text: str, n: int, lang: str) -> list[str]:
    wrong = [plural if n == 1 else singular for singular, plural in NOUNS[lang]]
    # A German plural that is also another noun's singular is not "wrong" for 1 (Tage ≠ Tag).
    if n != 1:
        plurals = {plural for _, plural in NOUNS[lang]}
        wrong = [w for w in wrong if w not in plurals]
    found = []
    for noun in set(wrong):
        pattern = rf"(?<![\d.,]){n} (?:{NOT_AN_ADJECTIVE}{WORD} )?{re.escape(noun)}(?![\w@-]|\.\w)"
        found += re.findall(pattern, text)
    return found



# "0 licenses", "Only 0": a page that can show no licenses, people or invitations says so in words.
ZERO = {
    "en": re.compile(r"(?<![\d.,])0 (?:[\w-]+ )?(?:licen[cs]es?|people|persons?|invitations?)\b"
                     r"|\bOnly 0\b", re.I),
    "de": re.compile(r"(?<![\d.,])0 (?:[\w-]+ )?(?:Lizenz(?:en)?|Personen?|Einladung(?:en)?)\b"
                     r"|\bnur 0\b", re.I),
}




def count_problems(text: str, lang: str) -> list[str]:
    """Every "1 <plural>", "2 <singular>" and "0 <noun>" in a page's text."""
    found = [f"zero in numbers: {m!r}" for m in ZERO[lang].findall(text)]
    for n in range(1, 10):
        found += [f"wrong form: {m!r}" for m in wrong_form(text, n, lang)]
    return found
