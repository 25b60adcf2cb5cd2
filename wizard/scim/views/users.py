"""/scim/v2/Users: create, read, list (filter and paging), replace, PATCH and delete.

The protocol is here; what each operation means for the business (a member, an invitation,
deactivation, leaving) is provisioning's. Each write is one transaction: committed when the
operation succeeds, rolled back when it raises (blueprint.problem).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, g, request
from pydantic import ValidationError
from scim2_models import (
    Context,
    InvalidValueException,
    ListResponse,
    NotFoundException,
    PatchOp,
    PreconditionFailedException,
    ResponseParameters,
    SearchRequest,
)
from sqlalchemy import func, select

from ...extensions import db
from ...models import ScimIdentity
from .. import provisioning
from ..filters import where
from ..resources import (
    MAX_RESULTS,
    Incoming,
    User,
    as_incoming,
    fields_from,
    meta_version,
    to_resource,
    without_ops_on_what_is_not_kept,
)
from .blueprint import bp, now, read_json, scim_response

# Longest values the app keeps (the columns' sizes): longer is a 400, never a database error.
LIMITS = {
    "user_name": 254,
    "email": 254,
    "external_id": 254,
    "given_name": 200,
    "family_name": 200,
    "display_name": 200,
    "user_type": 64,
}


def _location(identity: ScimIdentity) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/scim/v2/Users/{identity.id}"


def _body(identity: ScimIdentity, parameters: ResponseParameters | None = None) -> dict:
    resource = to_resource(
        identity, active=provisioning.is_member_active(identity), location=_location(identity)
    )
    return resource.model_dump(
        scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=parameters
    )


def _answer(identity: ScimIdentity, status: int = 200) -> Any:
    headers = {"ETag": meta_version(identity)}
    if status == 201:
        headers["Location"] = _location(identity)
    return scim_response(_body(identity, _response_parameters(request.args)), status, headers)


def _response_parameters(params: Mapping[str, Any]) -> ResponseParameters | None:
    wanted = {key: params[key] for key in ("attributes", "excludedAttributes") if params.get(key)}
    if not wanted:
        return None
    try:
        return ResponseParameters[User].model_validate(wanted)
    except ValidationError as exc:
        raise InvalidValueException(detail=f"attributes: {exc.errors()[0]['msg']}") from None


def _fields(incoming: Any, keep_active: bool | None = None) -> provisioning.ScimFields:
    fields = fields_from(incoming, keep_active=keep_active)
    if not fields.user_name:
        raise InvalidValueException(detail="userName is required.")
    for name, limit in LIMITS.items():
        value = getattr(fields, name) or ""
        if len(value) > limit:
            raise InvalidValueException(detail=f"{name} is at most {limit} characters.")
    return fields


def _read_user(context: Context) -> Any:
    """The request's User, checked against the full standard schema and its extension."""
    return Incoming.model_validate(read_json(), scim_ctx=context)


def _identity(scim_id: str) -> ScimIdentity:
    identity = provisioning.find_identity(g.scim_account, scim_id)
    if identity is None:
        raise NotFoundException(detail=f"There is no user {scim_id}.")
    return identity


def _check_version(identity: ScimIdentity) -> None:
    """If-Match (RFC 7644 §3.14): the change applies only to the version the client read."""
    wanted = request.headers.get("If-Match")
    if not wanted:
        return
    current = str(identity.version)
    tags = [tag.strip().removeprefix("W/").strip('"') for tag in wanted.split(",")]
    if "*" not in tags and current not in tags:
        raise PreconditionFailedException(
            detail="The user changed since it was read: read it again, then retry."
        )


@bp.post("/Users")
def create_user():
    fields = _fields(_read_user(Context.RESOURCE_CREATION_REQUEST))
    identity = provisioning.create_identity(g.scim_account, fields, now=now())
    db.session.commit()
    return _answer(identity, 201)


@bp.get("/Users/<scim_id>")
def get_user(scim_id: str):
    return _answer(_identity(scim_id))


def _search(params: Mapping[str, Any]) -> SearchRequest:
    paging = {
        key: params[key] for key in ("startIndex", "count") if params.get(key) not in (None, "")
    }
    try:
        return SearchRequest.model_validate(paging)
    except ValidationError:
        raise InvalidValueException(detail="startIndex and count are whole numbers.") from None


def _list(params: Mapping[str, Any]):
    """One page of the business's identities that match the filter, oldest first."""
    search = _search(params)
    query = provisioning.identities(g.scim_account)
    if filter_text := params.get("filter"):
        if not isinstance(filter_text, str):
            raise InvalidValueException(detail="filter is a string.")
        query = query.where(where(filter_text))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    start = max(search.start_index or 1, 1)
    count = min(MAX_RESULTS if search.count is None else search.count, MAX_RESULTS)
    page = db.session.scalars(
        # Past the last result there is nothing to read: an offset past what the database's
        # 64-bit integer holds (startIndex=10**30) would make the driver raise instead.
        query.order_by(ScimIdentity.created_at, ScimIdentity.id)
        .offset(min(start - 1, total))
        .limit(count)
    ).all()
    parameters = _response_parameters(params)
    listing = ListResponse[User](total_results=total, start_index=start, items_per_page=len(page))
    body = listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE)
    body["Resources"] = [_body(identity, parameters) for identity in page]
    return scim_response(body)


@bp.get("/Users")
def list_users():
    return _list(request.args)


@bp.post("/Users/.search")
@bp.post("/.search")
def search_users():
    """RFC 7644 §3.4.3: the same query in a POSTed SearchRequest (Users is the only type)."""
    return _list(read_json())


@bp.put("/Users/<scim_id>")
def replace_user(scim_id: str):
    identity = _identity(scim_id)
    _check_version(identity)
    fields = _fields(_read_user(Context.RESOURCE_REPLACEMENT_REQUEST), identity.active)
    identity = provisioning.replace_identity(g.scim_account, identity, fields, now=now())
    db.session.commit()
    return _answer(identity)


@bp.patch("/Users/<scim_id>")
def patch_user(scim_id: str):
    identity = _identity(scim_id)
    _check_version(identity)
    body = without_ops_on_what_is_not_kept(read_json())
    if body is None:  # every operation was on an attribute the app does not keep
        return _answer(identity)
    operations = PatchOp[Incoming].model_validate(body, scim_ctx=Context.RESOURCE_PATCH_REQUEST)
    # Applied to what the provider last asked for (`active` as it was sent, not as it reads
    # while an invitation is pending), then saved as a replacement.
    current = as_incoming(identity, active=identity.active)
    operations.patch(current)
    fields = _fields(current, identity.active)
    identity = provisioning.replace_identity(g.scim_account, identity, fields, now=now())
    db.session.commit()
    return _answer(identity)


@bp.delete("/Users/<scim_id>")
def delete_user(scim_id: str):
    identity = _identity(scim_id)
    _check_version(identity)
    provisioning.delete_identity(g.scim_account, identity, now=now())
    db.session.commit()
    return "", 204
