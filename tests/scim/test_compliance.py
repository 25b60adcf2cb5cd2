"""The independent checker scim2-tester, run against the live server over HTTP.

Its random users get addresses on Acme's verified domain (acme.example): the app refuses any
other domain, which is the rule, not a compliance gap. The client is told so by a model whose
email examples are fresh acme.example addresses; everything else it checks is as published.
"""

import uuid
from typing import Annotated

import httpx2
from pydantic import Field
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import Required, ResourceType, ScimProvider
from scim2_tester import check_server

from tests.helpers import served_in_a_thread
from tests.scim.api_support import token_for
from wizard.scim.resources import User, WorkEmail


class FreshAcmeAddresses(list):
    """An examples list the checker picks from at random: each pick a new acme.example address."""

    def __len__(self):
        return 1

    def __getitem__(self, _index):
        return f"checker-{uuid.uuid4().hex[:12]}@acme.example"


class AcmeEmail(WorkEmail):
    value: Annotated[str | None, Required.true] = Field(None, examples=FreshAcmeAddresses())


class AcmeUser(User):
    emails: Annotated[list[AcmeEmail] | None, Required.true] = None


def test_scim2_tester_finds_no_failure_against_the_live_server(app):
    token = token_for(app)
    with served_in_a_thread(app) as url:
        http = httpx2.Client(
            base_url=f"{url}/scim/v2", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        provider = ScimProvider(
            models=[AcmeUser], resource_types=[ResourceType.from_resource(AcmeUser)]
        )
        with http:
            results = check_server(SyncSCIMClient(http, provider=provider))
    by_status: dict[str, list[str]] = {}
    for result in results:
        by_status.setdefault(result.status.name, []).append(f"{result.title}: {result.reason}")
    print({status: len(titles) for status, titles in by_status.items()})
    failed = {s: t for s, t in by_status.items() if s not in ("SUCCESS", "SKIPPED")}
    assert failed == {}
    assert len(by_status["SUCCESS"]) >= 40, "the checker ran far fewer checks than it has"
