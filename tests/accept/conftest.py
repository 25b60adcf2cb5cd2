"""Fixtures for the invitee's side: links to pending invitations from Acme's owner."""

import pytest

from tests.accept.factory import invite
from wizard.models import UserType


@pytest.fixture
def ana_link(app):
    """Ana: Pro monthly, 15.99 USD, 20 of 30 days left, Visa •••• 4242, invited as Licensed."""
    return invite(app, "ana.pro@acme.example")


@pytest.fixture
def gus_link(app):
    """Gus has no account: accepting creates one."""
    return invite(app, "gus@acme.example", user_type=UserType.BASIC)


@pytest.fixture
def dora_link(app):
    """Dora is on the free Basic plan: nothing to refund."""
    return invite(app, "dora@acme.example", user_type=UserType.BASIC)
