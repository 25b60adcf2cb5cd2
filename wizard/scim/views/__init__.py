"""The SCIM 2.0 protocol (RFC 7644) under /scim/v2/, on one blueprint (`bp`, named "scim")."""

from . import discovery, users  # noqa: F401  (routes register on import)
from .blueprint import bp

__all__ = ["bp"]
