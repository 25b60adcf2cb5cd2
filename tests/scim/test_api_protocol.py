"""The /scim/v2/ protocol: tokens, tenants, errors for bad input, ETags and discovery."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.scim.api_support import Scim, new_user, patch_op, scim_error, token_for
from wizard.extensions import db
from wizard.models import Account, ScimIdentity, ScimToken, User
from wizard.scim import tokens


@pytest.fixture
def acme(app):
    return Scim(app, token_for(app))


def _identities(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ScimIdentity))


def test_a_missing_wrong_or_revoked_token_is_one_401_that_says_nothing_more(app, acme):
    gus = acme.post("/Users", new_user("gus@acme.example")).get_json()
    for token in ("", "scim_" + "x" * 43, "Basic b3duZXI6cGFzcw==", acme.token + "x"):
        for path in ("/Users", f"/Users/{gus['id']}", "/Users/nobody", "/Schemas", "/nowhere"):
            response = Scim(app, token).get(path)
            assert scim_error(response) == (401, None)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            assert "gus" not in response.get_data(as_text=True)
    with app.app_context():
        token_row = db.session.scalars(select(ScimToken)).one()
        account = db.session.get(Account, token_row.account_id)
        tokens.revoke_token(account, token_row.id, now=datetime.now(UTC))
        db.session.commit()
    assert scim_error(acme.get(f"/Users/{gus['id']}")) == (401, None)


def test_another_business_token_never_reads_or_changes_acmes_people(app, acme):
    gus = acme.post("/Users", new_user("gus@acme.example")).get_json()
    before = acme.get(f"/Users/{gus['id']}").get_json()
    globex = Scim(app, token_for(app, "Globex", "owner@globex.example"))
    user = f"/Users/{gus['id']}"
    sweep = [
        globex.get(user),
        globex.put(user, new_user("gus@acme.example", active=False)),
        globex.patch(user, patch_op({"op": "replace", "path": "active", "value": False})),
        globex.delete(user),
    ]
    assert [scim_error(response)[0] for response in sweep] == [404, 404, 404, 404]
    for listing in (
        globex.get("/Users"),
        globex.get('/Users?filter=userName eq "gus@acme.example"'),
        globex.post("/.search", {"filter": 'emails.value co "acme"'}),
        globex.post("/Users/.search", {"filter": "userName pr"}),
    ):
        assert listing.get_json()["totalResults"] == 0
        assert listing.get_json()["Resources"] == []
    # Globex creating the same userName makes its own identity, and Acme's is untouched.
    assert acme.get(user).get_json() == before
    assert acme.get("/Users").get_json()["totalResults"] == 1


@pytest.mark.parametrize(
    ("raw", "scim_type"),
    [
        (
            b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": ',
            "invalidSyntax",
        ),
        (b"\xff\xfe not even text", "invalidSyntax"),
        (b'["a list"]', "invalidSyntax"),
        (json.dumps({**new_user("gus@acme.example"), "favouriteColour": "red"}).encode(), None),
        (json.dumps(new_user("gus@acme.example", userName="g" * 10_000)).encode(), "invalidValue"),
        (
            json.dumps({**new_user("gus@acme.example"), "displayName": "d" * 10_000}).encode(),
            "invalidValue",
        ),
        (json.dumps({**new_user("gus@acme.example"), "active": "perhaps"}).encode(), None),
        (json.dumps({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]}).encode(), None),
    ],
)
def test_bad_bodies_get_a_scim_400_and_nothing_is_created(app, acme, raw, scim_type):
    response = acme.post("/Users", raw=raw)
    status, received_type = scim_error(response)
    assert status == 400
    if scim_type:
        assert received_type == scim_type
    assert _identities(app) == 0


@pytest.mark.parametrize(
    "bad_filter",
    [
        'userName eq "unclosed',
        "userName eq",
        "((((",
        'title eq "boss"',
        "userName gt true",
        'active co "t"',
        'urn:example:other:schema:thing eq "x"',
        'meta.created gt "yesterday"',
        "userName eq " + '"' + "u" * 10_000 + '"',
    ],
)
def test_bad_filters_get_a_scim_400_invalid_filter(acme, bad_filter):
    response = acme.get("/Users", query_string={"filter": bad_filter})
    assert scim_error(response) == (400, "invalidFilter")


def test_bad_paging_and_unknown_routes_get_scim_errors(acme):
    assert scim_error(acme.get("/Users?startIndex=abc"))[0] == 400
    assert scim_error(acme.get("/Users?count=ten"))[0] == 400
    assert scim_error(acme.get("/Groups")) == (404, None)
    assert scim_error(acme.get("/")) == (404, None)
    assert scim_error(acme.get("/Users/not-an-id")) == (404, None)
    assert scim_error(acme.put("/Users", new_user("gus@acme.example")))[0] == 405
    # startIndex below 1 is 1, a negative count none (RFC 7644 §3.4.2.4).
    assert acme.get("/Users?startIndex=-4&count=-1").get_json()["itemsPerPage"] == 0
    # Past the end, however far (more than a 64-bit integer holds), is an empty page.
    for start in (10**3, 2**63, 10**30):
        page = acme.get(f"/Users?startIndex={start}&count={10**30}")
        assert page.status_code == 200, start
        assert page.get_json()["itemsPerPage"] == 0


def test_a_body_over_the_cap_is_a_scim_413_and_never_read(app, acme):
    huge = json.dumps({**new_user("gus@acme.example"), "title": "t" * 200_000})
    response = acme.post("/Users", raw=huge.encode())
    assert scim_error(response) == (413, None)
    assert _identities(app) == 0


def test_patch_that_breaks_the_schema_or_targets_nothing_is_a_400(app, acme):
    gus = acme.post("/Users", new_user("gus@acme.example")).get_json()
    user = f"/Users/{gus['id']}"
    for body in (
        patch_op({"op": "explode", "path": "active", "value": False}),
        patch_op({"op": "replace", "path": "favouriteColour", "value": "red"}),
        patch_op({"op": "replace", "path": "userName[", "value": "x"}),
        patch_op({"op": "replace", "path": "displayName", "value": "d" * 10_000}),
        patch_op({"op": "remove", "path": "userName"}),
        {"Operations": "not a list"},
    ):
        assert scim_error(acme.patch(user, body))[0] == 400, body
    assert acme.get(user).get_json() == {**gus}


def test_an_etag_comes_with_every_user_and_a_stale_if_match_is_412(app, acme):
    created = acme.post("/Users", new_user("gus@acme.example"))
    gus = created.get_json()
    assert created.status_code == 201
    assert created.headers["Location"] == gus["meta"]["location"]
    etag = created.headers["ETag"]
    assert etag == gus["meta"]["version"]
    user = f"/Users/{gus['id']}"
    rename = patch_op({"op": "replace", "path": "displayName", "value": "Gus N."})
    changed = acme.patch(user, rename, **{"If-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    stale = acme.patch(
        user, patch_op({"op": "replace", "path": "displayName", "value": "G"}), **{"If-Match": etag}
    )
    assert scim_error(stale) == (412, None)
    assert scim_error(acme.delete(user, **{"If-Match": etag})) == (412, None)
    assert acme.get(user).get_json()["displayName"] == "Gus N."
    assert acme.delete(user, **{"If-Match": changed.headers["ETag"]}).status_code == 204


def test_discovery_publishes_only_what_the_app_keeps(acme):
    config = acme.get("/ServiceProviderConfig").get_json()
    assert config["patch"]["supported"] is True
    assert config["filter"] == {"supported": True, "maxResults": 200}
    assert config["etag"]["supported"] is True
    assert config["bulk"]["supported"] is False
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    kinds = acme.get("/ResourceTypes").get_json()
    assert [kind["endpoint"] for kind in kinds["Resources"]] == ["/Users"]
    schema = acme.get("/Schemas/urn:ietf:params:scim:schemas:core:2.0:User").get_json()
    names = {attribute["name"] for attribute in schema["attributes"]}
    assert names == {"userName", "name", "displayName", "userType", "active", "emails"}
    assert scim_error(acme.get("/Schemas/urn:nothing")) == (404, None)


def test_a_created_user_reads_back_and_the_business_gains_the_member(app, acme):
    created = acme.post("/Users", new_user("gus@acme.example", externalId="okta-00u1"))
    gus = created.get_json()
    assert gus["userName"] == "gus@acme.example"
    assert gus["externalId"] == "okta-00u1"
    assert gus["emails"] == [{"value": "gus@acme.example", "type": "work"}]
    assert gus["active"] is True
    assert gus["meta"]["resourceType"] == "User"
    with app.app_context():
        member = db.session.scalar(select(User).where(User.email == "gus@acme.example"))
        assert member is not None and member.account.name == "Acme Corp"
    again = acme.post("/Users", new_user("GUS@acme.example"))
    assert scim_error(again) == (409, "uniqueness")


@pytest.mark.parametrize("field", ["userName", "displayName", "externalId"])
def test_a_nul_character_in_a_value_is_never_a_500(app, acme, field):
    """PostgreSQL cannot store a NUL; an identity provider that sends one gets an answer."""
    user = new_user("gus@acme.example")
    user[field] = user.get(field, "gus") + "\u0000"
    response = acme.post("/Users", user)
    assert scim_error(response) == (400, "invalidValue")
    assert _identities(app) == 0


def test_a_nul_character_in_a_filter_is_a_scim_400_never_a_500(acme):
    response = acme.get("/Users", query_string={"filter": 'userName eq "gus\u0000@acme.example"'})
    assert scim_error(response) == (400, "invalidValue")
