"""Reading who signed in from what a provider sent: pure rules, no database (issue 19)."""

import pytest

from wizard.models import Role, UserType
from wizard.sso.mapping import claims_from
from wizard.sso.protocol import Received, SsoRefused

DEFAULTS = {"email_attribute": "email", "first_name_attribute": "given_name",
            "last_name_attribute": "family_name"}
ENTRA = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"


def test_the_default_names_read_an_openid_connect_provider():
    claims = claims_from(DEFAULTS, Received("sub-1", {
        "email": ("Ana.Pro@Acme.example",), "given_name": ("Ana",), "family_name": ("Pro",)}))
    assert (claims.email, claims.name) == ("ana.pro@acme.example", "Ana Pro")
    assert claims.user_type is None and claims.role is None


def test_entra_ids_schema_names_work_without_changing_the_defaults():
    claims = claims_from(DEFAULTS, Received("x", {
        ENTRA + "emailaddress": ("ben@acme.example",), ENTRA + "givenname": ("Ben",),
        ENTRA + "surname": ("Berg",)}))
    assert (claims.email, claims.first_name, claims.last_name) == (
        "ben@acme.example", "Ben", "Berg")


def test_ldap_oids_from_saml_providers_work_too():
    claims = claims_from(DEFAULTS, Received("x", {
        "urn:oid:0.9.2342.19200300.100.1.3": ("dora@acme.example",),
        "urn:oid:2.5.4.42": ("Dora",)}))
    assert (claims.email, claims.first_name) == ("dora@acme.example", "Dora")


def test_an_owners_own_attribute_name_wins_over_the_aliases():
    mapping = {**DEFAULTS, "email_attribute": "workMail"}
    claims = claims_from(mapping, Received("x", {
        "email": ("private@home.example",), "workMail": ("gus@acme.example",)}))
    assert claims.email == "gus@acme.example"


def test_a_saml_name_id_that_is_an_address_serves_as_the_email():
    assert claims_from(DEFAULTS, Received("gus@acme.example", {})).email == "gus@acme.example"


def test_without_any_address_the_sign_in_is_refused():
    with pytest.raises(SsoRefused) as refused:
        claims_from(DEFAULTS, Received("opaque-123", {"email": ("not an address",)}))
    assert refused.value.reason == "no_email"


def test_a_group_value_makes_licensed_and_admin_and_its_absence_basic_and_member():
    mapping = {**DEFAULTS, "user_type_attribute": "groups", "licensed_value": "Video Pro",
               "role_attribute": "groups", "admin_value": "IT Admins"}
    both = claims_from(mapping, Received("x", {
        "email": ("a@acme.example",), "groups": ("staff", " video pro ", "IT admins")}))
    assert (both.user_type, both.role) == (UserType.LICENSED, Role.ADMIN)
    neither = claims_from(mapping, Received("x", {
        "email": ("a@acme.example",), "groups": ("staff",)}))
    assert (neither.user_type, neither.role) == (UserType.BASIC, Role.MEMBER)
