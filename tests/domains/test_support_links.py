"""'If your company owns this domain, contact our support team' names how to reach it
(SUPPORT_URL, SUPPORT_EMAIL) when they are configured (issue 20: no dead ends)."""

import re

import pytest

from tests.domains.helpers import add_domain, check, domain_row
from tests.helpers import text_of


@pytest.fixture
def support(app):
    app.config.update(
        SUPPORT_URL="https://help.example.com/", SUPPORT_EMAIL="help@platform.example"
    )


def test_adding_a_domain_another_business_verified_links_to_support(app, auth, client, support):
    auth.sign_in("owner@globex.example")
    page = add_domain(client, "acme.example")
    assert "contact our support team" in text_of(page)
    notice = re.search(r'<p class="notice" id="contact-support">(.*?)</p>', page.text, re.S)
    assert 'href="https://help.example.com/"' in notice.group(1)
    assert 'href="mailto:help@platform.example"' in notice.group(1)


def test_without_support_settings_no_empty_notice_is_shown(app, auth, client):
    auth.sign_in("owner@globex.example")
    assert 'id="contact-support"' not in add_domain(client, "acme.example").text


def test_verifying_a_domain_another_business_proved_first_links_to_support(
    app, auth, client, dns, support
):
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
    page = check(client, globex_row.id, follow_redirects=True)
    flash = re.search(r'<div class="flash flash--error"[^>]*>(.*?)</div>', page.text, re.S)
    assert "contact our support team." in flash.group(1)
    assert 'href="https://help.example.com/"' in flash.group(1)
