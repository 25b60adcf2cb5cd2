"""The owner's things and the heads-up cap, in a real browser, in English and German: the
page an admin sees on the owner's list, the owner's row on the Users page, and the heads-up
page over the cap for addresses outside the verified domains."""

import pytest

from tests.browser.pages import check_page, sign_in, switch_to_german

HEADINGS = {
    "en": ("This list belongs to Olivia Owner", "Tell them before the invitation arrives"),
    "de": (
        "Diese Liste gehört Olivia Owner",
        "Informieren Sie die Personen, bevor die Einladung ankommt",
    ),
}


def _language(page, lang: str) -> None:
    if lang == "de":
        switch_to_german(page)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_an_admin_meets_the_owners_list_and_the_owner_meets_the_heads_up_cap(tab, server, lang):
    server.app.config["HEADS_UP_OUTSIDE_DOMAINS_PER_DAY"] = 1
    sign_in(tab, "owner@acme.example")
    _language(tab, lang)
    tab.goto("/users/add/")
    tab.locator("main form button[name=start]").first.click()
    tab.locator("#addresses").fill("chen.pro@partner.example\nzoe@elsewhere.example")
    tab.locator("input[name=default_type][value=basic]").check()
    tab.locator("main button[name=check]").click()
    tab.wait_for_load_state()
    assert tab.url.endswith("/heads-up"), (tab.url, tab.locator("main").inner_text()[:600])
    draft = tab.url.rsplit("/", 1)[0]
    check_page(tab, HEADINGS[lang][1], screenshot=f"51-heads-up-cap-{lang}")
    assert tab.locator("#over-heads-up-cap").is_visible()
    tab.context.clear_cookies()

    sign_in(tab, "admin@acme.example")
    _language(tab, lang)
    tab.goto(f"{draft}/licenses")
    check_page(tab, HEADINGS[lang][0], screenshot=f"50-draft-by-another-{lang}")
    tab.goto("/users/")
    check_page(tab, screenshot=f"52-users-owners-row-{lang}")
    tab.context.clear_cookies()
