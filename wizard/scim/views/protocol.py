"""The /scim/v2/ blueprint with all its routes registered (`bp`, named "scim")."""

from . import discovery, users  # noqa: F401  (routes register on import)
from .blueprint import bp

__all__ = ["bp"]
