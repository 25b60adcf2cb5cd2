"""The owner's wizard's pages: one blueprint, `wizard` (URLs under /users/add), made in
navigation.py with how the steps are walked; steps.py has start and steps 1 to 3 (who, tell
them first, licenses), sending.py check, Send and sent.
"""

from . import sending, steps  # noqa: F401 (importing them adds their routes to bp)
from .navigation import bp

__all__ = ["bp"]
