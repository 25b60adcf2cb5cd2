"""Column helpers shared by the model modules."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from sqlalchemy import DateTime, Numeric, String, TypeDecorator
from sqlalchemy.orm import mapped_column


class UTCDateTime(TypeDecorator):
    """A timestamp that is always stored and returned as an aware UTC datetime.

    SQLite forgets time zones; this keeps comparisons with `utcnow()` honest on both databases.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


Money = Annotated[Decimal, mapped_column(Numeric(12, 2))]
Email = Annotated[str, mapped_column(String(254))]
Timestamp = Annotated[datetime, mapped_column(UTCDateTime())]


def enum_column(enum_cls, **kw):
    """Store an Enum by its value, as a plain string with a CHECK constraint."""
    from sqlalchemy import Enum

    return mapped_column(
        Enum(
            enum_cls,
            native_enum=False,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
            length=20,
            name=f"{enum_cls.__name__.lower()}_enum",
            create_constraint=True,
        ),
        **kw,
    )
