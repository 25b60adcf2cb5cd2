"""A batch of 1,000 people goes through the wizard in a real browser, from a CSV upload, and
the invitations start arriving at the SMTP server while the Pending tab shows the progress."""


from tests.browser.journeys import body, click, csv_file, deliver, open_the_wizard
from tests.browser.pages import check_page

PEOPLE = 1000
SAMPLE = 25


def text_of(tab) -> str:
    return tab.locator("main").inner_text()


def test_a_thousand_people_from_a_csv_file_go_through_every_step(tab, server):
    rows = "".join(f"person{n:04d}@bulk.example,Person {n}\n" for n in range(1, PEOPLE + 1))
    open_the_wizard(tab)

    tab.get_by_label("Or upload a CSV file").set_input_files(
        csv_file("thousand.csv", ("email,name\n" + rows).encode())
    )
    tab.get_by_role("radio", name="Licensed", exact=True).check()
    click(tab, "Continue")
    check_page(tab, "Tell them before the invitation arrives")
    tab.get_by_label("I understand that people will get the invitation").check()
    click(tab, "Skip telling them first")

    # 1,000 Licensed people do not fit in 8 free licenses: Continue is refused, with a way out.
    check_page(tab, "What changes for their licenses")
    text = text_of(tab)
    assert "Not enough licenses" in text
    assert "Showing 1 to 50 of 1,000" in text
    click(tab, "Continue")
    check_page(tab, "What changes for their licenses")
    assert "only 8 licenses are free" in tab.locator(".error-summary").inner_text()
    tab.locator("#make-basic").click()
    check_page(tab, "What changes for their licenses")
    assert "1,000 people in this batch: 8 Licensed, 992 Basic" in text_of(tab)
    click(tab, "Continue")
    check_page(tab, "Check and send the invitations")
    assert tab.locator("#send").inner_text() == "Send 1,000 invitations"
    tab.locator("#send").click()
    check_page(tab, "1,000 invitations are on their way")

    # One worker pass with a limit, as a worker that is still busy: the Pending tab shows
    # how far the batch has got. (All 1,000 take about a minute here: too slow for a test.)
    report = deliver(server, limit=SAMPLE)
    arrived = {m["To"] for m in server.inbox.messages if "/invitation/" in body(m)}
    assert 0 < len(arrived) == report.sent <= SAMPLE
    tab.goto("/users/pending/")
    check_page(tab, "Pending")
    assert "1,000" in tab.locator(".status-counts").inner_text()
    assert f"{report.sent} of 1,000 sent" in text_of(tab)
