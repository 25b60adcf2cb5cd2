"""The pages issue 20 added read in German too, with no axe violations: the password reset,
the owner's licenses and handover pages, and an individual's account with its other users."""

from tests.browser.pages import check_page, sign_in, sign_out


def german(tab) -> None:
    tab.get_by_role("button", name="Deutsch", exact=True).click()


def english(tab) -> None:
    tab.get_by_role("button", name="English", exact=True).click()


def test_the_new_pages_read_in_german(tab, server):
    sign_in(tab, "owner@acme.example")
    german(tab)
    tab.goto("/users/licenses/")
    check_page(tab, "Lizenzen", screenshot="50-licenses-de")
    tab.goto("/users/ownership")
    assert "Acme Corp" in check_page(tab, screenshot="51-hand-over-ownership-de")
    english(tab)
    sign_out(tab)
    sign_in(tab, "fay.pro@acme.example")
    german(tab)
    tab.goto("/account/")
    assert "Finn" in tab.locator("main").inner_text()
    check_page(tab, screenshot="52-account-other-users-de")
    english(tab)
    sign_out(tab)
    tab.goto("/forgot-password")
    german(tab)
    check_page(tab, "Passwort vergessen?", screenshot="49-forgot-password-de")
    english(tab)
