"""My account and changing the password, in a real browser: accessible in every state, by
keyboard, and with JavaScript switched off; the other browser is signed out afterwards."""

from tests.browser.pages import check_page, shoot, sign_in

NEW = "tidy orange lantern"


def _type_into(page, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).focus()
    page.keyboard.type(text)


def _enter(page) -> None:
    """Enter on the focused link or field, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_member_changes_the_password_by_keyboard_and_the_other_browser_is_signed_out(
    tab, second_tab
):
    sign_in(second_tab, "member@acme.example")  # the same person, on another computer
    check_page(second_tab, "My account")
    sign_in(tab, "member@acme.example")
    tab.get_by_role("link", name="Change your password").focus()
    _enter(tab)
    check_page(tab, "Change your password", screenshot="32-change-password")

    # A common password: refused with a reason, the error summary leads to the field.
    _type_into(tab, "Current password", "correct-horse-battery")
    _type_into(tab, "New password", "sunshine")
    _type_into(tab, "New password again", "sunshine")
    _enter(tab)
    check_page(tab, "Change your password", screenshot="32-change-password-error")
    assert tab.title().startswith("Error: Change your password")
    summary = tab.locator(".error-summary")
    assert "This is one of the most common passwords" in summary.inner_text()
    summary.get_by_role("link").first.focus()
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "new_password"

    _type_into(tab, "Current password", "correct-horse-battery")
    _type_into(tab, "New password", NEW)
    _type_into(tab, "New password again", NEW)
    _enter(tab)
    check_page(tab, "My account")
    assert "Your password is changed" in tab.locator("main").inner_text()

    second_tab.reload()
    check_page(second_tab, "Sign in")  # signed out there
    sign_in(second_tab, "member@acme.example", NEW)
    check_page(second_tab, "My account")


def test_changing_the_password_works_without_javascript(tab_without_js):
    sign_in(tab_without_js, "owner@acme.example")
    tab_without_js.locator("header").get_by_role("link", name="My account:").click()
    check_page(tab_without_js, "My account")
    tab_without_js.get_by_role("link", name="Change your password").click()
    check_page(tab_without_js, "Change your password")
    tab_without_js.get_by_label("Current password").fill("correct-horse-battery")
    tab_without_js.get_by_label("New password", exact=True).fill(NEW)
    tab_without_js.get_by_label("New password again").fill(NEW + "x")
    tab_without_js.locator("main").get_by_role("button", name="Change password").click()
    check_page(tab_without_js, "Change your password")
    assert "The two new passwords are not the same" in tab_without_js.locator("main").inner_text()
    shoot(tab_without_js, "32-change-password-mismatch")


def test_a_batch_over_the_daily_quota_is_explained_on_the_check_page(tab, server):
    server.app.config["INVITATIONS_PER_DAY"] = 2
    try:
        sign_in(tab, "owner@acme.example")
        tab.goto("/users/add/")
        tab.locator("#start, #start-over").first.click()
        tab.get_by_label("Email addresses").fill(
            "ana.pro@acme.example\nben.pro@acme.example\ngus@acme.example"
        )
        tab.get_by_role("radio", name="Basic", exact=True).check()
        tab.locator("#continue").click()
        tab.get_by_label("I understand that people will get the invitation").check()
        tab.locator("#skip").click()
        tab.locator("#confirm").click()
        check_page(tab, "Check and send the invitations", screenshot="33-wizard-over-quota")
        notice = tab.locator("#over-quota").inner_text()
        assert "at most 2 emails in 24 hours" in notice
        assert tab.locator("#send").count() == 0
        tab.locator("#quota-change-people").click()
        check_page(tab, "Who do you want to invite?")
        assert "gus@acme.example" in tab.get_by_label("Email addresses").input_value()
    finally:
        server.app.config["INVITATIONS_PER_DAY"] = 50000
