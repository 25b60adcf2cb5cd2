"""The foundation's pages in a real browser: each accessible (axe, WCAG 2.2 A/AA), with one
h1, and (checked at the end of the run) valid HTML; their error states too."""

from tests.browser.pages import check_page, sign_in, sign_out


def test_sign_in_page_is_accessible(tab):
    tab.goto("/sign-in")
    check_page(tab, "Sign in", screenshot="00-sign-in")
    assert tab.get_by_label("Email address").is_visible()
    assert tab.get_by_label("Password").is_visible()


def test_sign_in_with_nothing_typed_says_what_to_fix_and_links_to_the_fields(tab):
    tab.goto("/sign-in")
    tab.locator("main").get_by_role("button", name="Sign in").click()

    check_page(tab, "Sign in", screenshot="00-sign-in-error")
    assert tab.title().startswith("Error: Sign in")
    summary = tab.locator(".error-summary")
    assert "There is a problem" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert tab.evaluate("document.activeElement.id") == "email"


def test_a_wrong_password_keeps_the_address_and_says_so(tab):
    sign_in(tab, "owner@acme.example", "not-the-password")

    check_page(tab, "Sign in")
    assert tab.get_by_label("Email address").input_value() == "owner@acme.example"
    assert "The email address or password is not right" in tab.locator("main").inner_text()


def test_owner_lands_on_an_accessible_users_page(tab):
    sign_in(tab, "owner@acme.example")

    check_page(tab, "Users")
    assert tab.url.endswith("/users/")
    table = tab.get_by_role("table")
    assert "member@acme.example" in table.inner_text()
    assert tab.get_by_role("link", name="Add users").is_visible()


def test_add_users_opens_the_wizard(tab):
    sign_in(tab, "owner@acme.example")
    tab.get_by_role("link", name="Add users").click()

    check_page(tab)
    assert "/users/add/" in tab.url


def test_an_individual_sees_their_plan_on_an_accessible_page(tab):
    sign_in(tab, "ana.pro@acme.example")

    check_page(tab, "My account", screenshot="30-my-account")
    text = tab.locator("main").inner_text()
    assert "Pro, paid monthly" in text
    assert "Visa •••• 4242" in text


def test_a_member_sees_their_membership_on_an_accessible_page(tab):
    sign_in(tab, "member@acme.example")

    check_page(tab, "My account")
    text = tab.locator("main").inner_text()
    assert "Acme Corp" in text
    # Named, with a way to write to them: not "ask an owner or admin" of nobody in particular.
    assert ("To invite people, ask its owner, Olivia Owner, at owner@acme.example, or one of "
            "its admins.") in text
    assert tab.locator('#ask-the-owner a[href="mailto:owner@acme.example"]').count() == 1


def test_a_member_who_opens_users_is_told_why_not(tab):
    sign_in(tab, "member@acme.example")
    tab.goto("/users/")

    check_page(tab, "Only owners and admins can manage users", screenshot="31-not-allowed")
    tab.get_by_role("link", name="Go to your account").click()
    assert tab.url.endswith("/account/")


def test_an_admin_on_an_owner_only_page_is_told_whom_to_ask(tab):
    sign_in(tab, "admin@acme.example")
    tab.goto("/users/ownership")

    check_page(tab, "Only the owner can do this", screenshot="31-owner-only")
    assert tab.locator('main a[href="mailto:owner@acme.example"]').count() == 1
    tab.get_by_role("link", name="Go to the Users page").click()
    assert tab.url.endswith("/users/")


def test_revoking_a_scim_token_asks_first_on_an_accessible_page(tab):
    sign_in(tab, "owner@acme.example")
    tab.goto("/users/single-sign-on/scim/")
    tab.locator("main form[action$='/tokens'] button").click()
    tab.locator("a[id^='revoke-']").first.click()

    check_page(tab, screenshot="34-scim-revoke-token")
    assert "This cannot be undone." in tab.locator("main").inner_text()
    tab.locator("#confirm").click()
    assert "The token is revoked" in tab.locator("main").inner_text()


def test_an_individual_who_opens_users_is_told_they_need_a_business_account(tab):
    sign_in(tab, "ana.pro@acme.example")
    tab.goto("/users/")

    check_page(tab, "You need a business account for this")


def test_an_unknown_address_shows_an_accessible_not_found_page(tab):
    response = tab.goto("/no-such-page")

    assert response.status == 404
    check_page(tab, "Page not found", screenshot="32-not-found")
    tab.get_by_role("link", name="Go to the start page").click()
    assert tab.url.endswith("/sign-in")


def test_signing_out_says_so_and_the_users_page_asks_to_sign_in_again(tab):
    sign_in(tab, "owner@acme.example")
    sign_out(tab)

    check_page(tab, "Sign in")
    assert "You are signed out." in tab.locator("main").inner_text()
    tab.goto("/users/")
    assert "/sign-in" in tab.url
    check_page(tab, "Sign in")


def test_the_quick_guide_opens_from_the_wizard_start(tab):
    sign_in(tab, "owner@acme.example")
    tab.goto("/users/add/")
    tab.get_by_role("link", name="Read the quick guide").click()

    check_page(tab, "Adding existing Pro users to your business account")


def test_nothing_a_page_asks_for_is_missing_the_icon_included(tab):
    missing = []
    tab.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    sign_in(tab, "owner@acme.example")
    tab.goto("/users/pending/")
    # Headless Chromium does not fetch icons by itself: ask for what the layout links.
    icon = tab.evaluate("document.querySelector('link[rel=icon]').href")
    assert tab.request.get(icon).status == 200
    assert missing == []
