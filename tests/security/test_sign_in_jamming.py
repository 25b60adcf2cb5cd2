"""Sign-in cannot be jammed: failures are counted per address and client network, so
guessing from elsewhere never locks the person out of their own network; a backstop across
all networks only slows guessing; and the person is told by email, once."""

import pytest
from sqlalchemy import select

from tests.conftest import make_app, reset_database, seed
from tests.helpers import csrf_token, text_of
from wizard.accounts.attempts import network_of
from wizard.delivery.mailer import render_email
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db
from wizard.models import OutboxEmail

HOME = "198.51.100.20"  # the owner's office
ATTACKER = "203.0.113."  # a /24 somewhere else


def sign_in(client, email, password, ip):
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    form = {"csrf_token": token, "email": email, "password": password}
    return client.post("/sign-in", data=form, environ_base={"REMOTE_ADDR": ip})


@pytest.fixture
def limited_app(database_url, tmp_path, request):
    """The demo on a clean database with the limits of `request.param` (or the defaults)."""
    app = make_app(database_url, tmp_path, **getattr(request, "param", {}))
    with app.app_context():
        reset_database()
        seed(app)
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def alerts(app) -> list[OutboxEmail]:
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.kind == "sign_in_attempts")
        ).all()
        db.session.expunge_all()
        return rows


def test_a_network_is_its_slash_24_or_slash_64():
    assert network_of("203.0.113.77") == "203.0.113.0/24"
    assert network_of("::ffff:203.0.113.77") == "203.0.113.0/24"
    assert network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert network_of(None) == "unknown"


def test_failures_from_another_network_do_not_keep_the_owner_out(limited_app):
    client = limited_app.test_client()
    limit = int(limited_app.config["SIGN_IN_LIMIT_PER_ADDRESS"].split()[0])
    for n in range(limit):  # from ten addresses of one network: the per-IP limit never bites
        assert sign_in(client, "owner@acme.example", "guess", f"{ATTACKER}{n}").status_code == 200
    refused = sign_in(client, "owner@acme.example", DEMO_PASSWORD, f"{ATTACKER}99")
    assert refused.status_code == 429 and "Too many attempts" in text_of(refused)
    client.delete_cookie("session")
    assert sign_in(client, "owner@acme.example", DEMO_PASSWORD, HOME).status_code == 302


@pytest.mark.parametrize(
    "limited_app",
    [
        {
            "SIGN_IN_LIMIT_PER_ADDRESS": "3 per 15 minutes",
            "SIGN_IN_LIMIT_PER_ADDRESS_ALL_NETWORKS": "5 per 15 minutes",
        }
    ],
    indirect=True,
)
def test_past_the_backstop_networks_that_failed_wait_and_a_clean_one_gets_in(limited_app):
    client = limited_app.test_client()
    for network, tries in (("192.0.2.", 2), ("203.0.113.", 2), ("100.64.0.", 1)):
        for n in range(tries):
            assert (
                sign_in(client, "owner@acme.example", "guess", f"{network}{n}").status_code == 200
            )
    # Five failures across networks: each that failed now waits, even with the right password.
    assert sign_in(client, "owner@acme.example", DEMO_PASSWORD, "192.0.2.50").status_code == 429
    assert sign_in(client, "owner@acme.example", "guess", "100.64.0.9").status_code == 429
    assert sign_in(client, "owner@acme.example", DEMO_PASSWORD, HOME).status_code == 302


@pytest.mark.parametrize("limited_app", [{"SIGN_IN_ALERT_AFTER": 3}], indirect=True)
def test_the_person_is_told_once_in_their_language_and_nobody_for_an_unknown_address(
    limited_app,
):
    client = limited_app.test_client()
    for n in range(8):
        sign_in(client, "ben.pro@acme.example", "guess", f"{ATTACKER}{n % 3}")
        sign_in(client, "nobody@acme.example", "guess", f"{ATTACKER}{n % 3}")
    sent = alerts(limited_app)
    assert [(m.to_address, m.locale) for m in sent] == [("ben.pro@acme.example", "de")]
    with limited_app.test_request_context():
        german = render_email("sign_in_attempts", locale="de", context=sent[0].context)
        english = render_email("sign_in_attempts", locale="en", context=sent[0].context)
    assert german.subject == "Jemand hat versucht, sich mit Ihrem Konto anzumelden"
    assert "3 fehlgeschlagene Anmeldeversuche" in german.text
    assert "attempts from other places never lock you out" in english.text
    assert "Change your password" in english.text


def test_failed_sign_ins_in_the_default_settings_tell_nobody_before_twenty(limited_app):
    client = limited_app.test_client()
    for n in range(19):
        sign_in(client, "owner@acme.example", "guess", f"10.{n}.0.1")
    assert alerts(limited_app) == []
    sign_in(client, "owner@acme.example", "guess", "10.99.0.1")
    assert len(alerts(limited_app)) == 1
