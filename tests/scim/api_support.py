"""What the SCIM api tests share: a business's token, and a client that speaks SCIM."""

import json
from datetime import UTC, datetime

from sqlalchemy import select

from wizard.extensions import db
from wizard.models import Account, User
from wizard.scim.tokens import create_token

SCIM_JSON = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def token_for(app, business: str = "Acme Corp", owner: str = "owner@acme.example") -> str:
    """A new SCIM token of the business, made as its owner makes one."""
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.name == business))
        by = db.session.scalar(select(User).where(User.email == owner))
        plain = create_token(account, by, now=datetime.now(UTC))
        db.session.commit()
        db.session.remove()
    return plain


class Scim:
    """The app's test client with a bearer token, sending and reading application/scim+json."""

    def __init__(self, app, token: str):
        self.client = app.test_client()
        self.token = token

    def request(
        self,
        method: str,
        path: str,
        body=None,
        *,
        raw: bytes | None = None,
        query_string: dict | None = None,
        **headers,
    ):
        sent = {"Authorization": f"Bearer {self.token}", "Content-Type": SCIM_JSON, **headers}
        data = raw if raw is not None else (None if body is None else json.dumps(body))
        response = self.client.open(
            f"/scim/v2{path}", method=method, data=data, headers=sent, query_string=query_string
        )
        assert response.status_code != 500, response.get_data(as_text=True)
        if response.status_code != 204:
            assert response.mimetype == SCIM_JSON, (response.status_code, response.mimetype)
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def new_user(email: str, **more) -> dict:
    """A User as Okta sends it on creation."""
    given, _dot, family = email.split("@")[0].partition(".")
    return {
        "schemas": [USER_SCHEMA],
        "userName": email,
        "name": {"givenName": given.title(), "familyName": (family or "Person").title()},
        "emails": [{"primary": True, "value": email, "type": "work"}],
        "displayName": f"{given.title()} {(family or 'Person').title()}",
        "active": True,
        **more,
    }


def patch_op(*operations: dict) -> dict:
    return {"schemas": [PATCH_SCHEMA], "Operations": list(operations)}


def scim_error(response) -> tuple[int, str | None]:
    body = response.get_json(force=True)
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"], body
    assert body["status"] == str(response.status_code), body
    assert body.get("detail"), body
    return response.status_code, body.get("scimType")
