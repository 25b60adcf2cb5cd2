"""A SCIM filter (RFC 7644 §3.4.2.2) as a SQLAlchemy expression over ScimIdentity's columns.

scim2-models parses the filter into a tree; this walks the tree and builds the WHERE clause,
so a list is one indexed query whatever the number of identities, never a loop in Python.
userName and emails are compared case-insensitively through their lower-cased columns
(user_name_key, email: both indexed per account), externalId exactly (it is caseExact).
`active` is what the resource reads (provisioning.is_member_active), not what the provider
asked for: a member of this business who is not deactivated; an invitee who has not yet
accepted reads false, in the resource and in a filter alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path import (
    CompareOperator,
    Comparison,
    FilterVisitor,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)
from sqlalchemy import ColumnElement, and_, exists, false, func, not_, or_, true

from ..models import ScimIdentity, User

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:user"
MAX_FILTER = 1000  # characters: a longer filter is refused before it is parsed


class _Column:
    """How one attribute maps to a column: lower-cased for the case-insensitive ones."""

    def __init__(self, column, *, folded: bool = False, kind: type = str, nullable: bool = False):
        self.column, self.folded, self.kind, self.nullable = column, folded, kind, nullable


_COLUMNS = {
    "id": _Column(ScimIdentity.id),
    "username": _Column(ScimIdentity.user_name_key, folded=True),
    "externalid": _Column(ScimIdentity.external_id, nullable=True),
    "emails": _Column(ScimIdentity.email, folded=True),
    "emails.value": _Column(ScimIdentity.email, folded=True),
    "name.givenname": _Column(func.lower(ScimIdentity.given_name), folded=True, nullable=True),
    "name.familyname": _Column(func.lower(ScimIdentity.family_name), folded=True, nullable=True),
    "displayname": _Column(func.lower(ScimIdentity.display_name), folded=True, nullable=True),
    "usertype": _Column(func.lower(ScimIdentity.user_type), folded=True, nullable=True),
    "active": _Column(None, kind=bool),  # member_is_active(), built per comparison
    "meta.created": _Column(ScimIdentity.created_at, kind=datetime),
    "meta.lastmodified": _Column(ScimIdentity.updated_at, kind=datetime),
}


def member_is_active() -> ColumnElement[bool]:
    """SQL for what `active` reads: the identity's member belongs to the identity's business
    and is not deactivated (user_id is unique, so this is one index probe per row)."""
    return exists().where(
        User.id == ScimIdentity.user_id,
        User.account_id == ScimIdentity.account_id,
        User.deactivated_at.is_(None),
    )


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class _SqlFilter(FilterVisitor[ColumnElement[bool]]):
    def __init__(self, prefix: str = ""):
        self.prefix = prefix  # "emails." inside emails[...]

    def _column(self, attr_path) -> _Column:
        if attr_path.uri and attr_path.uri.lower() != USER_SCHEMA:
            raise InvalidFilterException(detail=f"No attribute {attr_path} can be filtered on.")
        key = f"{self.prefix}{attr_path.attr}".lower()
        if attr_path.sub_attr:
            key = f"{key}.{attr_path.sub_attr}".lower()
        if key not in _COLUMNS:
            raise InvalidFilterException(detail=f"Filtering on {attr_path} is not supported.")
        return _COLUMNS[key]

    def visit_comparison(self, node: Comparison) -> ColumnElement[bool]:
        target = self._column(node.attr_path)
        value = _value(target, node)
        column, op = target.column, node.op
        if target.kind is bool and op in (CompareOperator.eq, CompareOperator.ne):
            if value is None:  # active always has a value
                return false() if op == CompareOperator.eq else true()
            wanted = value if op == CompareOperator.eq else not value
            return member_is_active() if wanted else not_(member_is_active())
        if op == CompareOperator.eq:
            return column.is_(None) if value is None else column == value
        if op == CompareOperator.ne:
            return column.is_not(None) if value is None else or_(column != value, column.is_(None))
        if op in (CompareOperator.co, CompareOperator.sw, CompareOperator.ew):
            if target.kind is not str:
                raise InvalidFilterException(detail=f"{op.value} needs a text attribute.")
            pattern = _escape_like(value)
            pattern = {"co": f"%{pattern}%", "sw": f"{pattern}%", "ew": f"%{pattern}"}[op.value]
            return column.like(pattern, escape="\\")
        if target.kind is bool:
            raise InvalidFilterException(detail=f"{op.value} cannot compare true and false.")
        return {
            CompareOperator.gt: column > value,
            CompareOperator.ge: column >= value,
            CompareOperator.lt: column < value,
            CompareOperator.le: column <= value,
        }[op]

    def visit_present(self, node: Present) -> ColumnElement[bool]:
        target = self._column(node.attr_path)
        if target.nullable:
            return and_(target.column.is_not(None), target.column != "")
        return true()

    def visit_not(self, node: Not) -> ColumnElement[bool]:
        return not_(self.visit(node.expr))

    def visit_logical_expr(self, node: LogicalExpr) -> ColumnElement[bool]:
        join = and_ if node.op == LogicalOperator.and_ else or_
        return join(*(self.visit(term) for term in node.terms))

    def visit_value_path(self, node: ValuePath) -> ColumnElement[bool]:
        if node.attr_path.attr.lower() != "emails" or node.attr_path.sub_attr:
            raise InvalidFilterException(detail=f"Filtering on {node.attr_path} is not supported.")
        return _EmailEntry().visit(node.val_filter)


class _EmailEntry(_SqlFilter):
    """Inside emails[...]: value is the address; type is always work, primary always true."""

    def __init__(self):
        super().__init__("emails.")

    def visit_comparison(self, node: Comparison) -> ColumnElement[bool]:
        attr = node.attr_path.attr.lower()
        if attr == "type" and node.op == CompareOperator.eq and isinstance(node.value, str):
            return true() if node.value.lower() == "work" else false()
        if attr == "primary" and node.op == CompareOperator.eq and isinstance(node.value, bool):
            return true() if node.value else false()
        return super().visit_comparison(node)

    def visit_present(self, node: Present) -> ColumnElement[bool]:
        if node.attr_path.attr.lower() in ("type", "primary"):
            return true()
        return super().visit_present(node)


def _value(target: _Column, node: Comparison) -> Any:
    value = node.value
    if value is None:
        return None
    if target.kind is bool:
        if not isinstance(value, bool):
            raise InvalidFilterException(detail=f"{node.attr_path} compares with true or false.")
        return value
    if target.kind is datetime:
        try:
            return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise InvalidFilterException(detail=f"{value!r} is not a date and time.") from None
    if not isinstance(value, str):
        raise InvalidFilterException(detail=f"{node.attr_path} compares with text.")
    return value.strip().lower() if target.folded else value


def where(filter_text: str) -> ColumnElement[bool]:
    """The WHERE clause for a filter; raises InvalidFilterException for one the app cannot
    answer (bad syntax, an attribute it does not keep, a value of the wrong kind)."""
    if len(filter_text) > MAX_FILTER:
        raise InvalidFilterException(detail=f"A filter is at most {MAX_FILTER} characters.")
    try:
        tree = ScimFilter(filter_text).ast
    except InvalidFilterException:
        raise
    except (ValueError, TypeError) as exc:
        raise InvalidFilterException(detail=f"The filter cannot be read: {exc}") from None
    return _SqlFilter().visit(tree)
