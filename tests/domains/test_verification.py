"""Adding, verifying and removing domains against a real DNS server on 127.0.0.1."""

import re
import threading
from html import unescape

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.domains.helpers import DOMAINS, add_domain, check, domain_row, flashes
from tests.helpers import h1_of, submit, text_of, title_of
from wizard.domains import verification
from wizard.extensions import db
from wizard.models import Account, AuditEvent, VerifiedDomain
from wizard.models.types import utcnow


def test_owner_adds_a_domain_and_is_shown_the_txt_record_to_add(auth, client, app):
    auth.sign_in()
    response = add_domain(client, "  NewCo.Example ")
    assert response.status_code == 302
    row = domain_row(app, "newco.example")
    assert row is not None and row.verified_at is None
    assert row.verification_code.startswith("invite-wizard-verify=")
    assert response.headers["Location"].endswith(f"#domain-{row.id}")

    page = client.get(DOMAINS)
    text = text_of(page)
    assert "newco.example is added. Add its TXT record at your DNS provider" in text
    assert "Waiting for verification" in text
    assert "TXT" in text and row.verification_code in text
    assert "DNS changes can take up to 48 hours" in text
    assert "Check the record now" in text


def test_a_txt_record_with_the_code_verifies_the_domain(auth, client, app, dns):
    auth.sign_in()
    add_domain(client, "newco.example")
    row = domain_row(app, "newco.example")
    dns.set_txt("newco.example", "v=spf1 -all", row.verification_code)

    response = check(client, row.id, follow_redirects=True)

    assert "newco.example is verified." in " ".join(flashes(response))
    assert domain_row(app, "newco.example").verified_at is not None
    assert "newco.example" in dns.resolver.queries
    with app.app_context():
        actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert "domain_added" in actions and "domain_verified" in actions


def test_without_the_record_it_says_what_to_add_and_that_dns_takes_time(auth, client, app, dns):
    auth.sign_in()
    add_domain(client, "newco.example")
    row = domain_row(app, "newco.example")

    message = " ".join(flashes(check(client, row.id, follow_redirects=True)))

    assert "newco.example is not verified yet: we did not find its TXT record." in message
    assert f"Add a TXT record with the value {row.verification_code}" in message
    assert "DNS changes can take up to 48 hours" in message
    assert "check again later" in message
    assert domain_row(app, "newco.example").verified_at is None


def test_a_record_with_another_code_is_named_and_does_not_verify(auth, client, app, dns):
    auth.sign_in()
    add_domain(client, "newco.example")
    row = domain_row(app, "newco.example")
    dns.set_txt("newco.example", "invite-wizard-verify=from-last-year")

    message = " ".join(flashes(check(client, row.id, follow_redirects=True)))

    assert "its TXT record has the value invite-wizard-verify=from-last-year" in message
    assert f"needs to be {row.verification_code}" in message
    assert domain_row(app, "newco.example").verified_at is None


def test_when_dns_cannot_be_reached_it_says_to_try_again_later(auth, client, app, dns_down):
    auth.sign_in()
    add_domain(client, "newco.example")
    row = domain_row(app, "newco.example")

    response = check(client, row.id, follow_redirects=True)

    assert response.status_code == 200
    assert (
        "We could not reach DNS to check newco.example, so nothing has changed. "
        "Try again later." in flashes(response)
    )
    assert domain_row(app, "newco.example").verified_at is None


@pytest.mark.parametrize(
    ("typed", "service"),
    [("gmail.com", "gmail.com"), ("someone@WEB.DE", "web.de"), ("t-online.de", "t-online.de")],
)
def test_a_public_mail_domain_is_refused_with_the_reason_and_the_input_kept(
    auth, client, app, typed, service
):
    auth.sign_in()
    response = add_domain(client, typed)
    assert response.status_code == 200
    assert title_of(response).startswith("Error: Your company's domains")
    text = text_of(response)
    assert "There is a problem" in text
    assert f"{service} is a public email service that anyone can sign up for" in text
    assert f'value="{typed}"' in unescape(response.get_data(as_text=True))
    assert domain_row(app, service) is None


def test_something_that_is_not_a_domain_says_how_to_write_one(auth, client):
    auth.sign_in()
    text = text_of(add_domain(client, "acme corp"))
    assert "Enter a domain like yourcompany.com: the part of your company's email addresses" in text
    text = text_of(add_domain(client, ""))
    assert "Enter your company's email domain, like yourcompany.com" in text


def test_a_domain_verified_by_another_business_is_refused(auth, client, app):
    auth.sign_in("owner@globex.example")
    response = add_domain(client, "acme.example")
    assert response.status_code == 200
    text = text_of(response)
    assert "acme.example is already verified by another business account" in text
    assert "Acme" not in text.replace("acme.example", "")
    assert domain_row(app, "acme.example", business="Globex") is None


def test_the_same_domain_twice_is_refused(auth, client, app):
    auth.sign_in()
    assert "acme.example is already on your list of domains" in text_of(
        add_domain(client, "ACME.example")
    )


def test_a_domain_proved_by_another_business_first_cannot_be_verified_too(auth, client, app, dns):
    auth.sign_in("owner@globex.example")
    add_domain(client, "shared.example")
    auth.sign_out()
    auth.sign_in()
    add_domain(client, "shared.example")
    acme_row = domain_row(app, "shared.example")
    globex_row = domain_row(app, "shared.example", business="Globex")
    dns.set_txt("shared.example", acme_row.verification_code, globex_row.verification_code)
    check(client, acme_row.id)

    auth.sign_out()
    auth.sign_in("owner@globex.example")
    message = " ".join(flashes(check(client, globex_row.id, follow_redirects=True)))

    assert "shared.example is already verified by another business account" in message
    assert domain_row(app, "shared.example", business="Globex").verified_at is None


def test_two_businesses_checking_the_same_domain_at_once_leave_exactly_one_verifier(
    auth, client, app, dns, is_postgres, monkeypatch
):
    """Both checks find nobody else verified, then both write: the database keeps one."""
    if not is_postgres:
        pytest.skip("SQLite has one writer at a time: only PostgreSQL can race here")
    rows = {}
    for owner, business in (
        ("owner@globex.example", "Globex"),
        ("owner@acme.example", "Acme Corp"),
    ):
        auth.sign_in(owner)
        add_domain(client, "shared.example")
        auth.sign_out()
        rows[business] = domain_row(app, "shared.example", business=business)
    dns.set_txt("shared.example", *(row.verification_code for row in rows.values()))

    barrier = threading.Barrier(2, timeout=10)
    real_check = verification._verified_elsewhere

    def both_checked_before_either_writes(*args):
        found = real_check(*args)
        barrier.wait()
        return found

    monkeypatch.setattr(verification, "_verified_elsewhere", both_checked_before_either_writes)
    results = {}

    def check_as(business):
        with app.app_context():
            row = db.session.get(VerifiedDomain, rows[business].id)
            settings = verification.DnsSettings.from_config(dns.address, 2)
            results[business] = verification.verify_domain(row, settings, actor_id=None).outcome
            db.session.remove()

    threads = [threading.Thread(target=check_as, args=(b,)) for b in rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results.values()) == sorted(
        [verification.Outcome.VERIFIED, verification.Outcome.TAKEN]
    ), results
    verified = [
        b for b in rows if domain_row(app, "shared.example", business=b).verified_at is not None
    ]
    assert len(verified) == 1


def test_the_database_itself_refuses_a_second_verifier_of_a_domain(app):
    with app.app_context():
        accounts = db.session.scalars(select(Account).order_by(Account.id)).all()[:2]
        for account in accounts:
            db.session.add(
                VerifiedDomain(
                    account_id=account.id,
                    domain="twice.example",
                    verification_code="code",
                    verified_at=utcnow(),
                )
            )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_an_internationalised_domain_is_stored_as_punycode_and_shown_in_unicode(
    auth, client, app, dns
):
    auth.sign_in()
    add_domain(client, "Bücher.example")
    row = domain_row(app, "xn--bcher-kva.example")
    assert row is not None
    assert "bücher.example" in text_of(client.get(DOMAINS))
    dns.set_txt("xn--bcher-kva.example", row.verification_code)
    message = " ".join(flashes(check(client, row.id, follow_redirects=True)))
    assert "bücher.example is verified." in message


def test_removing_a_domain_asks_first_then_removes_it(auth, client, app):
    auth.sign_in()
    row = domain_row(app, "acme.example")
    confirm = client.get(f"/users/domains/{row.id}/remove")
    assert h1_of(confirm) == "Remove acme.example?"
    assert "Invitations you have already sent stay as they are" in text_of(confirm)

    response = submit(client, f"/users/domains/{row.id}/remove", follow_redirects=True)

    assert "acme.example is removed." in flashes(response)
    assert domain_row(app, "acme.example") is None
    assert "You have not added a domain yet." in text_of(response)


def test_an_admin_manages_domains_too(auth, client, app):
    auth.sign_in("admin@acme.example")
    assert add_domain(client, "newco.example").status_code == 302
    assert domain_row(app, "newco.example") is not None


@pytest.mark.parametrize("email", ["member@acme.example", "ana.pro@acme.example"])
def test_members_and_individuals_get_no_domain_pages(auth, client, email):
    auth.sign_in(email)
    for path in (DOMAINS, "/users/domains/people"):
        response = client.get(path)
        assert response.status_code == 403
        assert "acme.example" not in text_of(response).replace(email, "")


def test_another_accounts_domain_is_a_404_whatever_is_tried(auth, client, app):
    acme_id = domain_row(app, "acme.example").id
    auth.sign_in("owner@globex.example")
    assert client.get(f"/users/domains/{acme_id}/remove").status_code == 404
    assert submit(client, f"/users/domains/{acme_id}/remove", page=DOMAINS).status_code == 404
    assert check(client, acme_id).status_code == 404
    assert domain_row(app, "acme.example") is not None
    assert "acme.example" not in text_of(client.get(DOMAINS))


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(DOMAINS)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_an_expired_form_keeps_the_domain_typed(auth, client):
    auth.sign_in()
    response = client.post(DOMAINS, data={"domain": "newco.example", "csrf_token": "stale"})
    assert response.status_code == 200
    assert 'value="newco.example"' in response.get_data(as_text=True)
    assert "This form had expired" in text_of(response)


@pytest.mark.parametrize("path", [DOMAINS, "/users/domains/people", "remove"])
def test_domain_pages_have_one_h1_a_matching_title_and_unique_ids(auth, client, app, path):
    auth.sign_in()
    add_domain(client, "newco.example")
    if path == "remove":
        path = f"/users/domains/{domain_row(app, 'acme.example').id}/remove"
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert title_of(page).startswith(h1_of(page))
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert 'style="' not in html
