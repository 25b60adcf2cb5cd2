"""Request sequences as Okta and Microsoft Entra ID send them, from their documentation."""

import pytest
from sqlalchemy import select

from tests.helpers import count_statements
from tests.scim.api_support import USER_SCHEMA, Scim, new_user, patch_op, token_for
from wizard.extensions import db
from wizard.models import Invitation, User

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


@pytest.fixture
def acme(app):
    return Scim(app, token_for(app))


def _member(app, email: str) -> User | None:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def test_okta_create_deactivate_reactivate(app, acme):
    # Okta first looks the person up by userName, then creates them.
    lookup = acme.get('/Users?filter=userName eq "gus@acme.example"&startIndex=1&count=100')
    assert lookup.get_json()["totalResults"] == 0
    okta_body = new_user("gus@acme.example", locale="en-US", groups=[])
    okta_body["password"] = "1mz050nq"  # Okta sends one when password sync is on: not kept
    created = acme.post("/Users", okta_body)
    assert created.status_code == 201
    gus = created.get_json()
    assert "password" not in gus
    user = f"/Users/{gus['id']}"
    assert _member(app, "gus@acme.example").deactivated_at is None

    off = acme.patch(user, patch_op({"op": "replace", "value": {"active": False}}))
    assert off.get_json()["active"] is False
    assert _member(app, "gus@acme.example").deactivated_at is not None
    assert acme.get(user).get_json()["active"] is False

    on = acme.patch(user, patch_op({"op": "replace", "value": {"active": True}}))
    assert on.get_json()["active"] is True
    assert _member(app, "gus@acme.example").deactivated_at is None
    found = acme.get('/Users?filter=userName eq "gus@acme.example"').get_json()
    assert [person["id"] for person in found["Resources"]] == [gus["id"]]


def test_entra_id_create_with_string_booleans_email_change_and_delete(app, acme):
    # Entra ID probes with a filter on a userName that it cases as the directory does.
    probe = acme.get("/Users", query_string={"filter": 'userName eq "Gus.New@ACME.example"'})
    assert probe.get_json()["totalResults"] == 0
    entra_body = {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "externalId": "8f1c2d3e-entra",
        "userName": "Gus.New@acme.example",
        "active": True,
        "displayName": "Gus New",
        "emails": [{"primary": True, "type": "work", "value": "Gus.New@acme.example"}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Gus New", "familyName": "New", "givenName": "Gus"},
        "roles": [],
        "title": "Engineer",
        ENTERPRISE: {"employeeNumber": "701984", "department": "Research"},
    }
    gus = acme.post("/Users", entra_body).get_json()
    user = f"/Users/{gus['id']}"
    assert gus["userName"] == "Gus.New@acme.example"
    assert gus["emails"][0]["value"] == "gus.new@acme.example"
    # Lookups by userName and by email are case-insensitive.
    for wanted in (
        'userName eq "gus.new@acme.EXAMPLE"',
        'emails[type eq "work" and value eq "GUS.NEW@acme.example"]',
        'emails.value eq "Gus.New@Acme.Example"',
        'externalId eq "8f1c2d3e-entra"',
    ):
        found = acme.get("/Users", query_string={"filter": wanted}).get_json()
        assert found["totalResults"] == 1, wanted

    off = acme.patch(user, patch_op({"op": "Replace", "path": "active", "value": "False"}))
    assert off.status_code == 200
    assert off.get_json()["active"] is False
    assert _member(app, "gus.new@acme.example").deactivated_at is not None

    changes = patch_op(
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "gus@acme.example"},
        {"op": "Add", "path": "displayName", "value": "Gus N."},
        {"op": "Replace", "path": "active", "value": "True"},
        {"op": "Add", "path": f"{ENTERPRISE}:department", "value": "Sales"},
    )
    changed = acme.patch(user, changes).get_json()
    assert changed["emails"][0]["value"] == "gus@acme.example"
    assert changed["displayName"] == "Gus N."
    assert changed["active"] is True
    member = _member(app, "gus@acme.example")
    assert member is not None and member.deactivated_at is None

    # An address outside the verified domains is refused, and nothing changes.
    outside = acme.patch(
        user,
        patch_op(
            {
                "op": "Replace",
                "path": 'emails[type eq "work"].value',
                "value": "gus@elsewhere.example",
            }
        ),
    )
    assert outside.status_code == 400
    assert outside.get_json()["scimType"] == "invalidValue"
    assert acme.get(user).get_json()["emails"][0]["value"] == "gus@acme.example"

    assert acme.delete(user).status_code == 204
    assert acme.get(user).status_code == 404
    assert _member(app, "gus@acme.example").account.name != "Acme Corp"


def test_a_pro_user_is_invited_and_reads_inactive_until_they_accept(app, acme):
    ana = acme.post("/Users", new_user("ana.pro@acme.example")).get_json()
    assert ana["active"] is False
    with app.app_context():
        invitation = db.session.scalar(
            select(Invitation).where(Invitation.email == "ana.pro@acme.example")
        )
        assert invitation is not None and invitation.status.value == "pending"
    # Her own account is untouched until she chooses her refund details.
    assert _member(app, "ana.pro@acme.example").account.name != "Acme Corp"
    listed = acme.get('/Users?filter=emails.value eq "ANA.PRO@acme.example"').get_json()
    assert [person["active"] for person in listed["Resources"]] == [False]


def test_listing_pages_through_everyone_in_a_fixed_number_of_queries(app, acme):
    for n in range(12):
        assert acme.post("/Users", new_user(f"person{n:02}@acme.example")).status_code == 201
    first = acme.get("/Users?startIndex=1&count=5").get_json()
    assert (first["totalResults"], first["startIndex"], first["itemsPerPage"]) == (12, 1, 5)
    rest = acme.get("/Users?startIndex=6&count=100").get_json()
    names = [p["userName"] for p in first["Resources"] + rest["Resources"]]
    assert names == [f"person{n:02}@acme.example" for n in range(12)]
    with app.app_context():
        engine = db.engine
    # Each request in its own app context, as a server runs them.
    with count_statements(engine) as small:
        acme.get("/Users?count=2")
    with count_statements(engine) as large:
        acme.get("/Users?count=12")
    assert large["n"] == small["n"]


def test_a_filter_on_active_matches_what_the_resources_read(app, acme):
    """A pending invitee reads active false, whatever the provider asked for, and a filter on
    active finds people by what their resource reads (a query, not a loop)."""
    ana = acme.post("/Users", new_user("ana.pro@acme.example")).get_json()  # invited, pending
    gus = acme.post("/Users", new_user("gus@acme.example")).get_json()
    ida = acme.post("/Users", new_user("ida@acme.example")).get_json()
    off = patch_op({"op": "replace", "path": "active", "value": False})
    assert acme.patch(f"/Users/{ida['id']}", off).status_code == 200

    def found(wanted: str) -> dict:
        listed = acme.get("/Users", query_string={"filter": wanted}).get_json()["Resources"]
        return {person["userName"]: person["active"] for person in listed}

    assert found('active eq true and userName ew "@acme.example"') == {gus["userName"]: True}
    assert found("active eq false") == {ana["userName"]: False, ida["userName"]: False}
    assert found("active ne true") == found("active eq false")
    assert found("not (active eq false)") == found("active eq true")


def test_entra_ids_default_patches_on_attributes_not_kept_are_accepted(app, acme):
    """Entra ID's default mapping PATCHes phone numbers, addresses and the enterprise manager
    with filtered paths; the app keeps none of them, so they succeed and change nothing,
    while the operations beside them still apply."""
    gus = acme.post("/Users", new_user("gus@acme.example")).get_json()
    user = f"/Users/{gus['id']}"
    enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    answer = acme.patch(user, patch_op(
        {"op": "Add", "path": 'phoneNumbers[type eq "work"].value', "value": "+1 555 0100"},
        {"op": "Add", "path": 'addresses[type eq "work"].formatted', "value": "1 Main St"},
        {"op": "Add", "path": f"{enterprise}:manager", "value": "a-manager-id"},
        {"op": "Add", "path": f"{enterprise}:department", "value": "Sales"},
        {"op": "Replace", "path": "displayName", "value": "Gus Entra"},
    ))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["displayName"] == "Gus Entra"
    only_ignored = patch_op({"op": "Add", "path": "title", "value": "Boss"})
    assert acme.patch(user, only_ignored).get_json()["displayName"] == "Gus Entra"
    assert _member(app, "gus@acme.example").name == "Gus Entra"
