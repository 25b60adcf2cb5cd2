"""Keyboard only: Tab, Shift+Tab, Enter and Space (and typing into fields), with the focus
visible at every stop."""

from tests.browser.pages import (
    assert_focus_visible,
    check_page,
    focused,
    has_text,
    is_field,
    press_and_load,
    press_until,
)
from wizard.demo import DEMO_PASSWORD


def test_an_owner_invites_two_people_and_signs_out_by_keyboard_alone(tab):
    invite_two_people_by_keyboard(tab)


def test_the_same_by_keyboard_with_javascript_switched_off(tab_without_js):
    invite_two_people_by_keyboard(tab_without_js)


def invite_two_people_by_keyboard(tab):
    tab.goto("/sign-in")

    # The first Tab lands on the skip link, which appears when focused.
    tab.keyboard.press("Tab")
    assert assert_focus_visible(tab)["text"] == "Skip to main content"
    press_until(tab, is_field("email"))
    tab.keyboard.type("owner@acme.example")
    press_until(tab, is_field("password"))
    tab.keyboard.type(DEMO_PASSWORD)
    press_until(tab, has_text("Sign in"))
    press_and_load(tab, "Enter")
    check_page(tab, "Users")

    press_until(tab, has_text("Add users"))
    press_and_load(tab, "Enter")
    check_page(tab, "Add existing Pro users to your business account")
    press_until(tab, has_text("Start"))
    press_and_load(tab, "Enter")

    check_page(tab, "Who do you want to invite?")
    press_until(tab, is_field("addresses"))
    tab.keyboard.type("ana.pro@acme.example\nben.pro@acme.example")
    press_until(tab, is_field("default_type-0"))  # nothing is chosen in advance
    tab.keyboard.press("Space")
    assert tab.locator("#default_type-0").is_checked()
    press_until(tab, has_text("Continue"))
    press_and_load(tab, "Enter")

    check_page(tab, "Tell them before the invitation arrives")
    press_until(tab, is_field("confirm_skip"))
    tab.keyboard.press("Space")
    assert tab.locator("#confirm_skip").is_checked()
    press_until(tab, has_text("Skip telling them first"))
    press_and_load(tab, "Enter")

    check_page(tab, "What changes for their licenses")
    press_until(tab, has_text("Continue"))
    press_and_load(tab, "Enter")

    check_page(tab, "Check and send the invitations")
    press_until(tab, has_text("Send 2 invitations"))
    press_and_load(tab, "Space")
    check_page(tab)
    press_until(tab, has_text("Go to the Pending tab"))
    press_and_load(tab, "Enter")
    check_page(tab, "Pending")
    assert "ben.pro@acme.example" in tab.locator("main").inner_text()

    # Back up through the page to the header's Sign out button, and press it with Space.
    press_until(tab, has_text("Sign out"), key="Shift+Tab", limit=80)
    press_and_load(tab, "Space")
    assert tab.url.endswith("/sign-in")
    assert "You are signed out." in tab.locator("main").inner_text()


def test_the_skip_link_moves_focus_to_the_main_content(tab):
    tab.goto("/sign-in")
    tab.keyboard.press("Tab")
    tab.keyboard.press("Enter")

    assert focused(tab)["id"] == "main-content"
    press_until(tab, is_field("email"))


def test_a_sign_in_error_is_fixed_by_keyboard_from_the_error_summary(tab):
    tab.goto("/sign-in")
    press_until(tab, has_text("Sign in"))
    press_and_load(tab, "Enter")

    # The summary's first link goes to the field with the problem.
    press_until(tab, lambda e: e["tag"] == "a" and "email" in e["text"].lower())
    tab.keyboard.press("Enter")
    assert assert_focus_visible(tab)["id"] == "email"
