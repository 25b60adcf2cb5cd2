"""The `scim` blueprint: bearer-token authentication, SCIM error bodies, and JSON in and out.

Token-authenticated and cookie-free, so exempt from CSRF (a forged browser request carries no
token). Every request first finds the business its token belongs to (`g.scim_account`); every
query after that is scoped to it. Whatever goes wrong answers as RFC 7644 §3.12 says: a SCIM
error body with the status and scimType, never an HTML page and never a 500 for bad input.
"""

from __future__ import annotations

import hmac
import json
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, request
from pydantic import ValidationError
from scim2_models import Error, SCIMException
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from ...common.forms import CONTROL_CHARACTERS
from ...extensions import csrf, db
from .. import tokens
from ..provisioning import ScimProblem
from ..resources import SCIM_JSON

bp = Blueprint("scim", __name__, url_prefix="/scim/v2")
csrf.exempt(bp)

MAX_REQUEST_BYTES = 64 * 1024  # a User is a few hundred bytes; the biggest Entra sends is ~4 KB
JSON_TYPES = ("application/scim+json", "application/json")


def now() -> datetime:
    return datetime.now(UTC)


def scim_response(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(
        json.dumps(body, ensure_ascii=False, default=str), status=status, mimetype=SCIM_JSON
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(status: int, detail: str, scim_type: str | None = None) -> Response:
    error = Error(status=status, scim_type=scim_type or None, detail=detail)
    headers = {"WWW-Authenticate": 'Bearer realm="SCIM"'} if status == 401 else None
    return scim_response(error.model_dump(), status, headers)


def _bearer_token() -> str | None:
    scheme, _space, value = request.headers.get("Authorization", "").partition(" ")
    if not hmac.compare_digest(scheme.lower().encode(), b"bearer") or not value.strip():
        return None
    return value.strip()


@bp.before_request
def authenticate():
    # Size first: nothing of a 10 MB body is read, whoever sends it.
    request.max_content_length = MAX_REQUEST_BYTES
    if (request.content_length or 0) > MAX_REQUEST_BYTES:
        return error_response(413, f"A request is at most {MAX_REQUEST_BYTES} bytes.")
    token = _bearer_token()
    account = tokens.account_for_token(token, now=now()) if token else None
    if account is None:
        # Unknown, revoked or missing: one answer for all, so nothing is learned.
        return error_response(401, "Authentication is required: send a valid bearer token.")
    g.scim_account = account
    if _has_control_characters([part for pair in request.args.items(multi=True) for part in pair]):
        return error_response(400, NO_CONTROL_CHARACTERS, "invalidValue")
    return None


@bp.after_request
def never_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def read_json() -> dict:
    """The request body as a JSON object; a SCIM 400 for anything else."""
    mimetype = (request.mimetype or "").lower()
    if mimetype and mimetype not in JSON_TYPES:
        raise ScimProblem(400, "invalidSyntax", "Send the body as application/scim+json.")
    try:
        body = json.loads(request.get_data(cache=True) or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScimProblem(400, "invalidSyntax", f"The body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ScimProblem(400, "invalidSyntax", "The body must be a JSON object.")
    if _has_control_characters(body):
        raise ScimProblem(400, "invalidValue", NO_CONTROL_CHARACTERS)
    return body


# The control characters forms drop (common.forms) are refused here, as a SCIM 400.
NO_CONTROL_CHARACTERS = "Values must not contain control characters such as U+0000."


def _has_control_characters(value) -> bool:
    if isinstance(value, str):
        return bool(CONTROL_CHARACTERS.search(value))
    if isinstance(value, dict):
        return any(map(_has_control_characters, (*value.keys(), *value.values())))
    if isinstance(value, list):
        return any(map(_has_control_characters, value))
    return False


@bp.errorhandler(ScimProblem)
def problem(exc: ScimProblem):
    db.session.rollback()
    return error_response(exc.status, exc.detail, exc.scim_type)


@bp.errorhandler(SCIMException)
def scim_exception(exc: SCIMException):
    db.session.rollback()
    return error_response(exc.status, exc.detail, exc.scim_type or None)


@bp.errorhandler(ValidationError)
def invalid(exc: ValidationError):
    db.session.rollback()
    first = Error.from_validation_errors(exc)[0]
    return error_response(400, first.detail or "The request is not valid.", first.scim_type)


@bp.errorhandler(IntegrityError)
def conflict(_exc: IntegrityError):
    # Two requests for the same userName at once: the database's unique index decides.
    db.session.rollback()
    return error_response(409, "A user with this userName already exists.", "uniqueness")


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    db.session.rollback()
    code = exc.code or 500
    if code == 413:
        return error_response(413, f"A request is at most {MAX_REQUEST_BYTES} bytes.")
    return error_response(code, exc.description or exc.name)


@bp.errorhandler(Exception)
def unexpected(exc: Exception):
    db.session.rollback()
    current_app.logger.exception("SCIM request failed", exc_info=exc)
    return error_response(500, "The request could not be completed. Try again later.")


@bp.route("/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str):
    known = {"users", "serviceproviderconfig", "resourcetypes", "schemas"}
    if rest.split("/")[0].lower() in known:
        return error_response(405, f"{request.method} is not supported here.")
    return error_response(404, f"There is no SCIM endpoint /{rest}.")
