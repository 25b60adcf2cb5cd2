"""The Pending tab's pages by keyboard and without JavaScript: Next and Previous links carry
cursors, and the position is said in words (English and German screenshots)."""

from sqlalchemy import update

from tests.browser.pages import check_page, shoot, sign_in
from tests.manage.factories import make_invitation
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db
from wizard.models import User


def many_invitations(server, count: int = 60) -> None:
    for n in range(count):
        make_invitation(server.app, f"person{n:02d}@example.com", name=f"Person {n:02d}")


def test_next_and_previous_pages_by_keyboard_without_javascript(tab_without_js, tab, server):
    many_invitations(server)
    page = tab_without_js
    sign_in(page, "owner@acme.example")
    page.goto("/users/pending/?sort=email")
    assert "Showing 1 to 50 of 60" in page.locator("main").inner_text()
    page.get_by_role("link", name="Next page").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**after=**")
    main = page.locator("main").inner_text()
    assert "Showing 51 to 60 of 60" in main and "Page 2 of 2" in main
    assert "person59@example.com" in main and "person00@example.com" not in main
    page.get_by_role("link", name="Previous page").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=email")
    assert "person00@example.com" in page.locator("main").inner_text()

    sign_in(tab, "owner@acme.example")
    tab.goto("/users/pending/?sort=email")
    tab.get_by_role("link", name="Next page").click()
    check_page(tab, "Pending", screenshot="54-pending-second-page")


def test_the_second_page_in_german(chromium, server):
    many_invitations(server)
    with server.app.app_context():  # the owner reads German
        db.session.execute(
            update(User).where(User.email == "owner@acme.example").values(locale="de")
        )
        db.session.commit()
    context = chromium.new_context(base_url=server.url, locale="de-DE")
    page = context.new_page()
    page.goto("/sign-in")
    page.locator("main input[type=email]").fill("owner@acme.example")
    page.locator("main input[type=password]").fill(DEMO_PASSWORD)
    page.locator("main input[type=password]").press("Enter")
    page.goto("/users/pending/?sort=email")
    page.locator("a[rel=next]").click()
    page.wait_for_url("**after=**")
    main = page.locator("main").inner_text()
    assert "person59@example.com" in main and "51 bis 60 von 60" in main, main
    shoot(page, "54-pending-second-page-de")
    context.close()
