"""The owner is warned before sending (issue 20): on the licenses and check steps, emil and fay
(on the verified domain acme.example) are flagged with what they will be asked to do, in
English and German, with no axe violations."""

from tests.browser.pages import check_page, sign_in


def test_the_owner_sees_who_will_be_blocked_before_sending(tab, server):
    sign_in(tab, "owner@acme.example")
    tab.goto("/users/add/")
    tab.locator("#start, #start-over").first.click()
    tab.get_by_label("Email addresses").fill("emil.pro@acme.example\nfay.pro@acme.example")
    tab.get_by_role("radio", name="Basic", exact=True).check()
    tab.locator("#continue").click()
    tab.get_by_label("I understand that people will get the invitation").check()
    tab.locator("#skip").click()
    check_page(tab, "What changes for their licenses", screenshot="43-licenses-step-blocked")
    warning = tab.locator("#blocked-warning").inner_text()
    assert "2 people will be blocked when they accept" in warning
    assert "they will be asked to pay it first" in warning
    assert "they will be asked to remove them first" in warning
    tab.locator("#confirm").click()
    check_page(tab, "Check and send the invitations", screenshot="44-check-step-blocked")
    assert "emil.pro@acme.example (outstanding balance)" in tab.locator("#answers").inner_text()
    tab.get_by_role("button", name="Deutsch", exact=True).click()
    check_page(tab, screenshot="44-check-step-blocked-de")
    assert "Wird blockiert" in tab.locator("#answers").inner_text()
    tab.locator("#change-blocked").click()
    check_page(tab, screenshot="43-licenses-step-blocked-de")
    german = tab.locator("#blocked-warning").inner_text()
    assert "2 Personen werden beim Annehmen blockiert" in german
    tab.get_by_role("button", name="English", exact=True).click()
