"""The pure rules of domains: what counts as a domain, which are public, which TXT matches."""

import pytest

from wizard.domains.discovery import DiscoveredPerson, mailbox_line
from wizard.domains.verification import (
    VERIFICATION_PREFIX,
    DnsSettings,
    DomainProblem,
    DomainRefused,
    Outcome,
    checked_domain,
    display_domain,
    match_txt,
    new_verification_code,
    normalise_domain,
    public_mail_domain,
)
from wizard.invite.addresses import parse_text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("acme.example", "acme.example"),
        ("  Acme.Example. ", "acme.example"),
        ("@acme.example", "acme.example"),
        ("olivia@acme.example", "acme.example"),
        ("https://www.acme.example/about?x=1", "www.acme.example"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("BÜCHER.example", "xn--bcher-kva.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("sales.eu.acme.example", "sales.eu.acme.example"),
    ],
)
def test_what_people_paste_is_stored_as_the_lower_case_punycode_domain(typed, stored):
    assert normalise_domain(typed) == stored


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", DomainProblem.EMPTY),
        ("   ", DomainProblem.EMPTY),
        ("localhost", DomainProblem.NOT_A_DOMAIN),
        ("acme", DomainProblem.NOT_A_DOMAIN),
        ("acme..example", DomainProblem.NOT_A_DOMAIN),
        ("-acme.example", DomainProblem.NOT_A_DOMAIN),
        ("acme_corp.example", DomainProblem.NOT_A_DOMAIN),
        ("acme.example:443", DomainProblem.NOT_A_DOMAIN),
        ("acme.123", DomainProblem.NOT_A_DOMAIN),
        ("a" * 64 + ".example", DomainProblem.NOT_A_DOMAIN),
        ("<script>.example", DomainProblem.NOT_A_DOMAIN),
        ("192.0.2.10", DomainProblem.IP_ADDRESS),
        ("[2001:db8::1]", DomainProblem.IP_ADDRESS),
    ],
)
def test_things_that_are_not_domains_are_refused_with_the_reason(typed, problem):
    with pytest.raises(DomainRefused) as refused:
        normalise_domain(typed)
    assert refused.value.problem == problem


def test_the_unicode_form_is_shown_for_an_internationalised_domain():
    assert display_domain("xn--bcher-kva.example") == "bücher.example"
    assert display_domain("acme.example") == "acme.example"


@pytest.mark.parametrize(
    "domain",
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "aol.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "t-online.de",
        "proton.me",
        "protonmail.com",
        "GMAIL.COM",
        "mail.gmail.com",
        "someone@web.de",
    ],
)
def test_public_mail_domains_and_their_subdomains_are_refused(domain):
    with pytest.raises(DomainRefused) as refused:
        checked_domain(domain)
    assert refused.value.problem == DomainProblem.PUBLIC_MAIL


def test_a_company_domain_that_merely_contains_a_public_name_is_fine():
    assert public_mail_domain("gmail.com.acme.example") is None
    assert public_mail_domain("notgmail.com") is None
    assert checked_domain("web.de.acme.example") == "web.de.acme.example"


def test_verification_codes_are_random_and_carry_the_prefix():
    first, second = new_verification_code(), new_verification_code()
    assert first.startswith(VERIFICATION_PREFIX) and second.startswith(VERIFICATION_PREFIX)
    assert first != second
    assert len(first) <= 100


def test_the_expected_txt_value_among_others_verifies():
    code = "invite-wizard-verify=abc"
    assert match_txt(code, ["v=spf1 -all", code]).outcome == Outcome.VERIFIED
    assert match_txt(code, [f' "{code}" ']).outcome == Outcome.VERIFIED


def test_another_code_of_ours_is_a_wrong_value_and_is_named():
    result = match_txt("invite-wizard-verify=abc", ["invite-wizard-verify=old"])
    assert result.outcome == Outcome.WRONG_VALUE
    assert result.other_codes == ("invite-wizard-verify=old",)


def test_no_code_of_ours_means_not_found():
    assert match_txt("invite-wizard-verify=abc", ["v=spf1 -all"]).outcome == Outcome.NOT_FOUND
    assert match_txt("invite-wizard-verify=abc", []).outcome == Outcome.NOT_FOUND


@pytest.mark.parametrize(
    ("config", "servers"),
    [
        (None, ()),
        ("", ()),
        ("127.0.0.1:5353", (("127.0.0.1", 5353),)),
        ("10.0.0.2", (("10.0.0.2", 53),)),
        ("[::1]:5300, 10.0.0.2", (("::1", 5300), ("10.0.0.2", 53))),
        ("::1", (("::1", 53),)),
    ],
)
def test_the_resolver_setting_reads_hosts_and_ports(config, servers):
    settings = DnsSettings.from_config(config, "1.5")
    assert settings.nameservers == servers
    assert settings.timeout == 1.5


@pytest.mark.parametrize(
    "name", ["Ana Pro", "Doe, Jane", 'Ana "AP" Pro', "Zoë O'Neil", "Semi; Colon", "Back\\slash", ""]
)
def test_a_discovered_person_is_written_the_way_the_who_step_reads_it(name):
    person = DiscoveredPerson(
        email="x@acme.example",
        name=name,
        domain="acme.example",
        billing_period=None,
        invited_at=None,
    )
    [entry] = parse_text(mailbox_line(person))
    assert (entry.email, entry.name, entry.user_type, entry.problem) == (
        "x@acme.example",
        name,
        None,
        None,
    )
    [entry] = parse_text(mailbox_line(person, "licensed"))
    assert (entry.email, entry.name, entry.user_type, entry.problem) == (
        "x@acme.example",
        name,
        "licensed",
        None,
    )
