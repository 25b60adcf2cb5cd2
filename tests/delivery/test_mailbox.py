"""The development mailbox: without a mail server, email lands in /dev/mailbox/."""

import re

import pytest

from tests.helpers import h1_of, text_of, title_of
from wizard.delivery import deliver_due
from wizard.delivery.outbox import queue_email
from wizard.extensions import db

from .conftest import seeded_app
from .factories import acme, invite, outbox


@pytest.fixture
def app(database_url, tmp_path):
    """Demo mode without MAIL_SERVER: what `make run` gives."""
    app = seeded_app(database_url, tmp_path, DEMO_MODE=True)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def only_entry(client) -> str:
    page = client.get("/dev/mailbox/").get_data(as_text=True)
    [entry] = re.findall(r'href="/dev/mailbox/(\d{20}-[0-9a-f]{6})"', page)
    return entry


def test_without_a_mail_server_email_lands_in_the_mailbox_list(app, ctx, client):
    invite("ana.pro@acme.example", name="Ana Pro")

    report = deliver_due()

    assert report.sent == 1
    page = client.get("/dev/mailbox/")
    assert page.status_code == 200
    assert h1_of(page) == "Development mailbox"
    assert title_of(page).startswith("Development mailbox")
    text = text_of(page)
    assert "1 email" in text
    assert "Olivia Owner invited you to join Acme Corp" in text
    assert "Ana Pro ana.pro@acme.example" in text


def test_an_email_shows_its_text_with_working_links_and_its_html_in_a_sandbox(app, ctx, client):
    _invitation, token = invite("ana.pro@acme.example")
    deliver_due()
    entry = only_entry(client)

    page = client.get(f"/dev/mailbox/{entry}")

    assert h1_of(page) == "Olivia Owner invited you to join Acme Corp"
    assert title_of(page).startswith("Olivia Owner invited you to join Acme Corp")
    html = page.get_data(as_text=True)
    link = f"http://invite.test/invitation/{token}"
    assert f'<a href="{link}" target="_blank" rel="noreferrer">{link}</a>' in html
    frame = re.search(r"<iframe[^>]*>", html).group(0)
    assert f'src="/dev/mailbox/{entry}/html"' in frame
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in frame
    assert "Reply to" in text_of(page) and "owner@acme.example" in text_of(page)

    email_html = client.get(f"/dev/mailbox/{entry}/html")

    assert email_html.status_code == 200
    policy = email_html.headers["Content-Security-Policy"]
    assert policy.startswith("sandbox allow-popups allow-popups-to-escape-sandbox;")
    assert "allow-scripts" not in policy and "allow-same-origin" not in policy
    assert "default-src 'none'" in policy
    assert email_html.headers["X-Frame-Options"] == "SAMEORIGIN"
    body = email_html.get_data(as_text=True)
    assert '<base target="_blank">' in body
    assert f'href="{link}"' in body


def test_script_in_a_message_is_shown_as_text_and_could_not_run_anyway(app, ctx, client):
    queue_email(
        "heads_up",
        "ana.pro@acme.example",
        account_id=acme().id,
        context={
            "subject": "<script>alert(1)</script>",
            "body": "<img src=x onerror=alert(1)>",
            "business_name": "Acme",
            "sender_name": "Olivia",
            "sender_email": "owner@acme.example",
        },
    )
    db.session.commit()
    deliver_due()
    entry = only_entry(client)

    page = client.get(f"/dev/mailbox/{entry}").get_data(as_text=True)
    framed = client.get(f"/dev/mailbox/{entry}/html").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page and "<img src=x" not in framed
    assert "&lt;img src=x onerror=alert(1)&gt;" in framed


def test_emails_waiting_in_the_outbox_are_counted(app, ctx, client):
    invite("ana.pro@acme.example")
    invite("ben.pro@acme.example")

    text = text_of(client.get("/dev/mailbox/"))

    assert "2 emails are waiting to be delivered." in text
    assert "flask --app wizard send-mail" in text
    assert "No emails yet" in text


def test_newest_email_comes_first(app, ctx, client):
    invite("ana.pro@acme.example", name="Ana Pro")
    deliver_due()
    invite("ben.pro@acme.example", name="Ben Pro")
    deliver_due()

    text = text_of(client.get("/dev/mailbox/"))

    assert text.index("ben.pro@acme.example") < text.index("ana.pro@acme.example")
    assert len(outbox()) == 2


@pytest.mark.parametrize(
    "path",
    ["00000000000000000000-abcdef", "..%2f..%2fsecret_key", "secret_key", "1-x"],
)
def test_an_unknown_or_made_up_message_is_a_404(app, client, path):
    assert client.get(f"/dev/mailbox/{path}").status_code == 404
    assert client.get(f"/dev/mailbox/{path}/html").status_code == 404


def test_the_mailbox_is_a_404_outside_demo_mode_even_in_debug_mode(database_url, tmp_path):
    app = seeded_app(database_url, tmp_path, DEMO_MODE=False)
    with app.app_context():
        invite("ana.pro@acme.example")
        deliver_due()
        db.session.remove()
    client = app.test_client()
    [name] = [p.stem for p in (tmp_path / "mailbox").glob("*.eml")]

    for debug in (False, True):
        app.debug = debug
        for path in ("/dev/mailbox/", f"/dev/mailbox/{name}", f"/dev/mailbox/{name}/html"):
            assert client.get(path).status_code == 404, (debug, path)

    app.debug = False
    app.config["DEMO_MODE"] = True
    assert client.get("/dev/mailbox/").status_code == 200
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("remote_addr", "status"),
    [("127.0.0.1", 200), ("127.3.4.5", 200), ("::1", 200), ("203.0.113.9", 404), ("10.0.0.2", 404),
     # No address to judge (a proxy on a Unix socket): not known to be this machine, so closed.
     ("unknown", 404)],
)
def test_in_demo_mode_the_mailbox_answers_only_this_machine(app, client, remote_addr, status):
    environ = {"REMOTE_ADDR": remote_addr}
    assert client.get("/dev/mailbox/", environ_base=environ).status_code == status
