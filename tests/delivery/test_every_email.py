"""Every kind of email, read as its reader would, in English and German.

The samples (tests/delivery/samples.py) are rendered and written to test-artifacts/emails/;
then each is checked for the kinds of mistake a careful reader finds: an instruction that
names a page without its link, a page called by another name than its title, words that do
not fit the reader, plain text and HTML that say different things, stray blank lines, and a
signature separator that mail clients do not recognise.
"""

import re
from html import unescape
from pathlib import Path

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from tests.delivery.samples import (
    LANGUAGES,
    SAMPLES,
    email_kinds,
    render_sample,
    samples_of,
    write_sample,
)
from tests.i18n.reading import fold, visible_text

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
BASE = "http://invite.test"
URL = re.compile(r"https?://[^\s<>\"')]+")

# The pages emails send people to: endpoint, its template, and its title as the page has it
# (checked against the template below, so an email cannot call a page by another name).
PAGES = {
    "users.index": ("manage/users/index.html", "Users"),
    "pending.index": ("manage/pending/index.html", "Pending"),
    "licenses.index": ("manage/licenses/index.html", "Licenses"),
    "account.overview": ("accounts/overview.html", "My account"),
    "account.change_password": ("accounts/password.html", "Change your password"),
    "recovery.forgot_password": ("accounts/forgot_password.html", "Forgot your password?"),
    "auth.sign_in": ("accounts/sign_in.html", "Sign in"),
    "roles.ownership": ("manage/roles/ownership.html", "Hand over ownership of %(business)s"),
    "wizard.start": ("invite/start.html", "Add existing Pro users to your business account"),
    "guide.invitees": ("guide/invitees.html", "You are invited to join a business account"),
}

# Words that fit only someone who had Pro, or an account, before this email.
HAD_PRO = (
    "You keep the Pro features, paid for by %(business)s: meetings up to 30 hours, cloud "
    "recording, and add-ons such as large meetings and webinars.",
    "What you lose as a Basic user",
    "If you pay for your own Pro plan today, it ends when you join, and you choose what happens "
    "to the unused time: a refund to your original payment method, or a credit to "
    "%(business)s. The invitation page shows the exact amount before you confirm.",
)
# Hedged words for a reader whose plan the app knows: say what is true for them.
HEDGED = {
    "free": "If you have a free account or none yet, there is nothing to pay or refund.",
    "none": "If you have a free account or none yet, there is nothing to pay or refund.",
}
# A member of another business account pays nothing here, but something does change for them:
# they have to leave that account first.
NOTHING_TO_DO = (
    "You have a free account, so there is nothing to pay or refund.",
    "If you have a free account or none yet, there is nothing to pay or refund.",
)
LEAVE_FIRST = (
    "Your account is in another business account today, and a person can be in one business "
    "account at a time. Before you can join %(business)s, you have to leave it: ask its owner "
    "to remove you from it (if you are its owner, hand ownership over to one of its admins "
    "first). The invitation page shows the steps."
)
HAD_AN_ACCOUNT = (
    "You keep signing in as you do today, with the same email address and password.",
    "They sign in as before. You can see them, and change their license, on the Users page.",
)

# Words that fit only someone with a password: an account made by single sign-on or SCIM has
# none (and, out of the business, single sign-on no longer lets them in).
HAD_A_PASSWORD = (
    "You sign in as before, with the same address and password. Your profile, contacts and "
    "settings are yours; meetings you scheduled and cloud recordings you made in %(business)s "
    "stay with %(business)s.",
    "You keep signing in as you do today, with the same email address and password.",
)


@pytest.fixture
def rendered(app):
    """Every sample in every language, as (sample, locale, email); also written to disk."""
    found = []
    with app.test_request_context("/"):
        for sample in SAMPLES:
            for locale in LANGUAGES:
                mail = render_sample(sample, locale)
                write_sample(sample, locale, mail)
                found.append((sample, locale, mail))
    return found


def test_every_kind_of_email_has_a_sample():
    missing = sorted(kind for kind in email_kinds() if not samples_of(kind))
    assert not missing, f"kinds of email without a sample in tests/delivery/samples.py: {missing}"
    unknown = sorted({s.kind for s in SAMPLES} - email_kinds())
    assert not unknown, f"samples of kinds that have no templates: {unknown}"
    names = [s.name for s in SAMPLES]
    assert len(names) == len(set(names)), "two samples of one kind for the same reader"


def test_the_pages_emails_name_are_called_by_their_titles():
    for endpoint, (template, title) in PAGES.items():
        source = (TEMPLATES / template).read_text(encoding="utf-8")
        block = re.search(r"{% block title %}(.*?){% endblock %}", source, re.S)
        assert block and f'_("{title}"' in block[1], f"{endpoint}: its page title is not {title!r}"


def test_plain_text_has_one_blank_line_at_most_and_a_signature_mail_clients_know(rendered):
    problems = []
    for sample, locale, mail in rendered:
        where = f"{sample.name} ({locale})"
        text = mail.text
        if "\n\n\n" in text:
            problems.append(f"{where}: two blank lines in a row")
        if re.search(r"[ \t]+\n", text.replace("\n-- \n", "\n")):
            problems.append(f"{where}: a line ends with spaces")
        lines = text.splitlines()
        if lines.count("-- ") != 1 or "--" in lines:
            problems.append(f"{where}: the signature separator is not one line of '-- '")
            continue
        at = lines.index("-- ")
        if lines[at - 1] != "" or lines[at - 2] == "":
            problems.append(f"{where}: not exactly one blank line before '-- '")
        if lines[at + 1] == "":
            problems.append(f"{where}: a blank line right after '-- '")
        if not text.endswith("\n") or text.endswith("\n\n"):
            problems.append(f"{where}: does not end with exactly one line break")
    assert not problems, "\n".join(problems)


def _links(text: str) -> set[str]:
    return {url.rstrip(".,;:") for url in URL.findall(text)}


def _html_links(html: str) -> set[str]:
    return {unescape(u) for u in re.findall(r'href="(https?://[^"]+)"', html)}


def _words(text: str) -> str:
    """The words of a text, without punctuation or case: a table row and "Label: value"
    read the same."""
    return " ".join(re.findall(r"[\w@$€]+(?:[.'’,][\w]+)*", text.casefold()))


def test_plain_text_and_html_say_the_same(rendered):
    problems = []
    for sample, locale, mail in rendered:
        where = f"{sample.name} ({locale})"
        if _links(mail.text) != _html_links(mail.html):
            problems.append(
                f"{where}: links differ: text only {_links(mail.text) - _html_links(mail.html)},"
                f" HTML only {_html_links(mail.html) - _links(mail.text)}"
            )
        seen = _words(visible_text(mail.html))
        for line in mail.text.splitlines():
            words = _words(URL.sub(" ", line))
            if words and f" {words} " not in f" {seen} ":
                problems.append(f"{where}: only in the plain text: {line!r}")
    assert not problems, "\n".join(problems)


def _page_names(locale: str, sample) -> dict[str, str]:
    with force_locale(locale):
        return {
            endpoint: _(title, business=sample.context.get("business", "Acme Corp"))
            for endpoint, (_template, title) in PAGES.items()
        }


def _named_pages(text: str, names: dict[str, str], locale: str) -> set[str]:
    """The pages an email's words send the reader to (a German page name is in „…“)."""
    named = set()
    for endpoint, name in names.items():
        if locale == "de":
            pattern = rf"„{re.escape(name)}“"
        else:  # a page's title, capitalised inside a sentence
            pattern = rf"(?<=[a-z,] ){re.escape(name)}\b"
        if re.search(pattern, text):
            named.add(endpoint)
    return named


def test_every_page_an_email_names_comes_with_its_link_under_its_own_name(app, rendered):
    problems = []
    with app.test_request_context("/"):
        urls = {}
        for endpoint in PAGES:
            urls[endpoint] = BASE + app.url_map.bind("localhost").build(endpoint)
        for sample, locale, mail in rendered:
            where = f"{sample.name} ({locale})"
            names = _page_names(locale, sample)
            links = _links(mail.text)
            for endpoint in _named_pages(fold(mail.text), names, locale):
                if urls[endpoint] not in links:
                    problems.append(f"{where}: names {names[endpoint]!r} without its link")
            # "Label: link" and "Label:\nlink": a label that names a page (a few words, not a
            # sentence) is the page's title.
            for label, url in re.findall(r"^([^\n:.]{2,60}):\s*\n?(https?://\S+)$", mail.text,
                                         flags=re.M):
                page = next((e for e, u in urls.items() if u == url), None)
                if page and len(label.split()) <= 4 and not names[page].startswith(label.strip()):
                    problems.append(f"{where}: {label!r} links to {names[page]!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_words_fit_the_reader(app, locale):
    problems = []
    with app.test_request_context("/"), force_locale(locale):
        had_pro = [_(words, business="Acme Corp") for words in HAD_PRO]
        had_account = [_(words) for words in HAD_AN_ACCOUNT]
        had_password = [_(words, business="Acme Corp") for words in HAD_A_PASSWORD]
        for sample in SAMPLES:
            text = fold(render_sample(sample, locale).text)
            plan = sample.context.get("reader_plan")
            new = sample.context.get("new_account") or plan == "none"
            if plan in ("free", "none"):
                problems += [f"{sample.name}: {w!r}" for w in had_pro if fold(w) in text]
                if fold(_(HEDGED[plan])) in text:
                    problems.append(f"{sample.name}: hedges what the app knows: {HEDGED[plan]!r}")
            if new:
                problems += [f"{sample.name}: {w!r}" for w in had_account if fold(w) in text]
            if sample.context.get("has_password") is False:
                problems += [f"{sample.name}: {w!r}" for w in had_password if fold(w) in text]
                email = sample.context["email"]
                if f"/forgot-password?email={email}" not in text:
                    problems.append(f"{sample.name}: no link to choose a password for {email}")
            if plan == "other_business":
                problems += [f"{sample.name}: {w!r}" for w in had_pro if fold(w) in text]
                problems += [f"{sample.name}: says nothing changes: {w!r}"
                             for w in NOTHING_TO_DO if fold(_(w)) in text]
                if fold(_(LEAVE_FIRST, business="Acme Corp")) not in text:
                    problems.append(f"{sample.name}: does not say to leave the other account")
    assert not problems, "\n".join(problems)


def test_every_answer_email_says_how_to_change_to_a_summary_or_none(rendered):
    choice = "/account/"  # the account page, where each, daily or none is chosen
    answers = ("invitation_accepted", "invitation_declined")
    missing = [
        f"{sample.name} ({locale})"
        for sample, locale, mail in rendered
        if sample.kind in answers
        and not (f"{BASE}{choice}" in _links(mail.text) and f"{BASE}{choice}" in
                 _html_links(mail.html))
    ]
    assert not missing, f"no way to change how answers are told: {missing}"


@pytest.mark.parametrize(
    ("reader", "locale", "words"),
    [
        ("one-answer", "en", "1 person answered"),
        ("one-answer", "de", "hat 1 Person auf Ihre Einladungen"),
        ("owner", "en", "4 people answered"),
        ("owner", "de", "haben 4 Personen auf Ihre Einladungen"),
    ],
)
def test_the_summary_counts_who_answered(rendered, reader, locale, words):
    [mail] = [m for s, lang, m in rendered
              if s.name == f"responses_summary--{reader}" and lang == locale]
    assert words in mail.text and words in visible_text(mail.html)


def test_the_new_owner_is_addressed_as_you_and_the_old_one_hears_who(rendered):
    subjects = {(s.reader, lang): m.subject for s, lang, m in rendered
                if s.kind == "ownership_transferred"}
    assert subjects[("new-owner", "en")] == "You are now the owner of Acme Corp"
    assert subjects[("new-owner", "de")] == "Sie sind jetzt Inhaber von Acme Corp"
    assert subjects[("old-owner", "en")] == "Adam Admin is now the owner of Acme Corp"
