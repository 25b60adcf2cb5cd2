"""The one place that scopes queries to the signed-in user's account.

Views never query a tenant's table without going through here: another account's object is
a 404, never a 403 that would confirm it exists.
"""

from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from ..extensions import db

M = TypeVar("M")


def current_account_id() -> int:
    if not current_user.is_authenticated:
        abort(404)
    return current_user.account_id


def scoped(model: type[M]) -> Select[tuple[M]]:
    """SELECT model WHERE model.account_id = the signed-in user's account."""
    return select(model).where(model.account_id == current_account_id())  # type: ignore[attr-defined]


def get_scoped_or_404(model: type[M], ident: Any) -> M:
    """Load one object of the signed-in account, or answer 404 (also for other accounts')."""
    obj = db.session.execute(scoped(model).where(model.id == ident)).scalar_one_or_none()  # type: ignore[attr-defined]
    if obj is None:
        abort(404)
    return obj
