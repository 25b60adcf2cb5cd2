"""The check step's email preview in a browser: it names the language the person gets, shows it
in the other language with a plain link (JavaScript off), and has no axe violations."""

from tests.browser.journeys import click
from tests.browser.pages import check_page, sign_in


def to_the_check_step(tab, address: str) -> None:
    tab.goto("/users/add/")
    click(tab, "Start")
    tab.get_by_label("Email addresses").fill(address)
    tab.locator("main").locator("input[type=radio][value=basic]").check()
    tab.locator("main").locator("button[name=check]").click()
    tab.locator("input[name=confirm_skip]").check()
    tab.locator("#skip").click()
    tab.locator("main").locator("button[name=confirm]").click()
    tab.wait_for_url("**/check")


def test_the_preview_names_the_language_and_switches_without_javascript(tab, tab_without_js):
    sign_in(tab, "owner@acme.example")
    to_the_check_step(tab, "ben.pro@acme.example")
    check_page(tab, screenshot="57-check-preview-language-en")
    said = tab.locator("#preview-language").inner_text()
    assert "ben.pro@acme.example gets it in German." in said
    assert tab.locator("#email-preview pre span[lang=de]").count() == 1
    tab.get_by_role("link", name="Show it in English").click()
    check_page(tab, screenshot="58-check-preview-shown-in-english-en")
    assert "Shown here in English." in tab.locator("#preview-language").inner_text()
    assert tab.locator("#email-preview pre span[lang=en]").count() == 1

    tab.get_by_role("button", name="Deutsch", exact=True).click()
    tab.goto(tab.url.split("?")[0])
    check_page(tab, screenshot="57-check-preview-language-de")
    assert "erhält sie auf Deutsch" in tab.locator("#preview-language").inner_text()
    tab.get_by_role("button", name="English", exact=True).click()

    # Without JavaScript, the link is a link.
    sign_in(tab_without_js, "owner@acme.example")
    tab_without_js.goto(tab.url.split("?")[0])
    tab_without_js.get_by_role("link", name="Show it in English").click()
    assert "?lang=en" in tab_without_js.url
    assert "Hello," in tab_without_js.locator("#email-preview").inner_text()
