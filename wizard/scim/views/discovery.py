"""ServiceProviderConfig, ResourceTypes and Schemas (RFC 7644 §4): what this service offers."""

from __future__ import annotations

from flask import current_app, request
from scim2_models import InvalidFilterException, NotFoundException

from ..resources import dump, provider
from .blueprint import bp, scim_response

LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


def _provider():
    base = current_app.config["BASE_URL"].rstrip("/")
    return provider(), f"{base}/scim/v2"


def _with_location(resource, location: str) -> dict:
    body = dump(resource)
    meta = body.setdefault("meta", {})
    meta["location"] = location
    meta.setdefault("resourceType", type(resource).__name__)
    return body


def _listing(bodies: list[dict]) -> dict:
    return {
        "schemas": [LIST_RESPONSE],
        "totalResults": len(bodies),
        "startIndex": 1,
        "itemsPerPage": len(bodies),
        "Resources": bodies,
    }


@bp.get("/ServiceProviderConfig")
def service_provider_config():
    service, base = _provider()
    return scim_response(_with_location(service.config, f"{base}/ServiceProviderConfig"))


def _resource_types(base: str, service) -> dict[str, dict]:
    return {
        kind.id: _with_location(kind, f"{base}/ResourceTypes/{kind.id}")
        for kind in service.resource_types
    }


def _schemas(base: str, service) -> dict[str, dict]:
    return {
        str(schema.id): _with_location(schema, f"{base}/Schemas/{schema.id}")
        for schema in service.schemas
    }


@bp.get("/ResourceTypes")
def resource_types():
    service, base = _provider()
    if request.args.get("filter"):
        raise_forbidden_filter()
    return scim_response(_listing(list(_resource_types(base, service).values())))


@bp.get("/ResourceTypes/<name>")
def resource_type(name: str):
    service, base = _provider()
    found = _resource_types(base, service).get(name)
    if found is None:
        raise NotFoundException(detail=f"There is no resource type {name}.")
    return scim_response(found)


@bp.get("/Schemas")
def schemas():
    service, base = _provider()
    if request.args.get("filter"):
        raise_forbidden_filter()
    return scim_response(_listing(list(_schemas(base, service).values())))


@bp.get("/Schemas/<path:schema_id>")
def schema(schema_id: str):
    service, base = _provider()
    found = _schemas(base, service).get(schema_id)
    if found is None:
        raise NotFoundException(detail=f"There is no schema {schema_id}.")
    return scim_response(found)


def raise_forbidden_filter():
    # RFC 7644 §4: the discovery endpoints take no filter.
    raise InvalidFilterException(detail="The discovery endpoints take no filter.")
