"""Single sign-on's pages, on one blueprint (`bp`, named "sso")."""

from . import finish, pages, settings  # noqa: F401  (routes register on import)
from .blueprint import bp

__all__ = ["bp"]
