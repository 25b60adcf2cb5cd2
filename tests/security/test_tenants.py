"""Every route that takes an object id refuses another account's objects with a 404.

The test walks `app.url_map`, so a new route with an id is covered the day it is added
(and fails here until this test knows how to make a Globex object for its id).
"""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from tests.helpers import csrf_token
from wizard.accept import tokens
from wizard.common.ids import IdConverter
from wizard.extensions import db
from wizard.models import (
    Account,
    Invitation,
    OtherUser,
    ScimToken,
    User,
    UserType,
    VerifiedDomain,
    WizardDraft,
)
from wizard.models.types import utcnow


def _globex_objects() -> dict[str, int]:
    """One object of each kind that belongs to Globex, by the URL argument naming it."""
    globex_owner = db.session.execute(
        select(User).where(User.email == "owner@globex.example")
    ).scalar_one()
    account_id = globex_owner.account_id
    draft = WizardDraft(account_id=account_id, created_by_id=globex_owner.id, data={})
    invitation = Invitation(
        account_id=account_id,
        email="someone@globex.example",
        name="Someone",
        user_type=UserType.BASIC,
        invited_by_id=globex_owner.id,
        expires_at=utcnow() + timedelta(days=30),
    )
    tokens.issue(invitation)
    domain = VerifiedDomain(
        account_id=account_id, domain="globex.example", verification_code="code"
    )
    scim_token = ScimToken(account_id=account_id, token_hash="1" * 64, hint="1111")
    db.session.add_all([draft, invitation, domain, scim_token])
    db.session.commit()
    return {
        "token_id": scim_token.id,
        "user_id": globex_owner.id,
        "draft_id": draft.id,
        "invitation_id": invitation.id,
        "domain_id": domain.id,
        # Globex is a business: another individual's other user stands in (Fay's Finn).
        "other_user_id": db.session.scalar(select(OtherUser.id).where(OtherUser.name == "Finn")),
    }


def _snapshot() -> dict[str, list]:
    """Every row of every table, to show that nothing changed."""
    return {
        table.name: sorted(map(repr, db.session.execute(table.select()).all()))
        for table in db.metadata.sorted_tables
    }


def _id_routes(app):
    for rule in app.url_map.iter_rules():
        int_args = [
            name
            for name, conv in rule._converters.items()
            if isinstance(conv, IntegerConverter)
        ]
        if int_args:
            yield rule, int_args


def test_every_id_route_answers_404_for_another_accounts_object_and_changes_nothing(
    app, auth, client
):
    with app.app_context():
        globex = _globex_objects()
        before = _snapshot()
    auth.sign_in("owner@acme.example")
    token = csrf_token(client.get("/users/").get_data(as_text=True))
    checked = []
    for rule, args in _id_routes(app):
        unknown = [name for name in args if name not in globex]
        assert not unknown, f"{rule.rule}: teach this test to make a Globex object for {unknown}"
        url = rule.build({name: globex[name] for name in args}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
            checked.append(f"{method} {rule.rule}")
    with app.app_context():
        assert _snapshot() == before
        # The Globex objects are still Globex's.
        assert db.session.get(Account, db.session.get(User, globex["user_id"]).account_id).name == (
            "Globex"
        )
    assert len(checked) >= 10, checked


@pytest.mark.parametrize("email", ["member@acme.example", "ana.pro@acme.example"])
def test_people_who_are_not_owners_or_admins_change_nothing_on_id_routes(app, auth, client, email):
    with app.app_context():
        globex = _globex_objects()
        acme_owner = db.session.execute(
            select(User).where(User.email == "owner@acme.example")
        ).scalar_one()
        own = {**globex, "user_id": acme_owner.id}
        before = _snapshot()
    auth.sign_in(email)
    token = csrf_token(client.get("/account/").get_data(as_text=True))
    for rule, args in _id_routes(app):
        url = rule.build({name: own[name] for name in args}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS", "GET"}):
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code in (403, 404), f"{method} {url}: {response.status_code}"
    with app.app_context():
        assert _snapshot() == before


def test_every_route_takes_its_ids_through_the_one_bounded_converter(app):
    plain = [
        rule.rule
        for rule, args in _id_routes(app)
        for name in args
        if not isinstance(rule._converters[name], IdConverter)
    ]
    assert not plain, f"use <id:...> for ids: {plain}"


@pytest.mark.parametrize("bad_id", [2**31, 2**63, 10**30, -1, 0, "00", "1e3"])
@pytest.mark.parametrize("signed_in_as", ["owner@acme.example", None])
def test_huge_negative_and_zero_ids_are_a_404_on_every_route_never_a_500(
    app, auth, client, bad_id, signed_in_as
):
    if signed_in_as:
        auth.sign_in(signed_in_as)
    page = "/account/" if signed_in_as else "/sign-in"
    token = csrf_token(client.get(page).get_data(as_text=True))
    checked = 0
    for rule, args in _id_routes(app):
        # Build with a valid id, then put the bad one in its place (the converter would
        # refuse to build it).
        url = rule.build({name: 7 for name in args}, append_unknown=False)[1]
        url = url.replace("/7", f"/{bad_id}")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
            checked += 1
    assert checked >= 10


def _numbers_read_from_requests() -> tuple[set[str], list[str]]:
    """The names the app reads as numbers from a request (`.get(name, type=as_number)` or
    `id_or_none(....get(name))`), and every place that reads one with plain `type=int`, which
    has no upper bound."""
    names, unbounded = set(), []
    for path in sorted((Path(__file__).resolve().parents[2] / "wizard").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Name) and node.func.id == "id_or_none":
                read = node.args[0]
                if isinstance(read, ast.Call) and isinstance(read.args[0], ast.Constant):
                    names.add(read.args[0].value)
            for keyword in node.keywords:
                if keyword.arg == "type" and isinstance(keyword.value, ast.Name):
                    if keyword.value.id == "int":
                        unbounded.append(f"{path.name}:{node.lineno}")
                    elif keyword.value.id == "as_number" and isinstance(node.args[0], ast.Constant):
                        names.add(node.args[0].value)
    return names, unbounded


def test_numbers_in_query_strings_are_read_with_the_bounded_reader():
    names, unbounded = _numbers_read_from_requests()
    assert unbounded == [], "read numbers with type=as_number (wizard/common/ids.py)"
    assert {"page", "after", "before", "seats", "account", "admin"} <= names


@pytest.mark.parametrize("huge", [2**31, 2**63, 10**30])
def test_a_number_too_big_for_the_database_in_the_address_bar_is_never_a_500(
    app, auth, client, huge
):
    """Every page without an id in its path, and the wizard's pages with the signed-in owner's
    own draft, each with each number the app reads from the query string set far too big."""
    with app.app_context():
        owner = db.session.execute(
            select(User).where(User.email == "owner@acme.example")
        ).scalar_one()
        draft = WizardDraft(account_id=owner.account_id, created_by_id=owner.id, data={})
        db.session.add(draft)
        db.session.commit()
        account_id, draft_id = owner.account_id, draft.id
    auth.sign_in("owner@acme.example")
    names, _ = _numbers_read_from_requests()
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if not rule.arguments:
            pages.append(rule.rule)
        elif rule.arguments == {"draft_id"}:
            pages.append(rule.build({"draft_id": draft_id}, append_unknown=False)[1])
    for url in pages:
        for name in sorted(names):
            query = {name: huge, "account": account_id} if name != "account" else {name: huge}
            response = client.get(url, query_string=query)
            response.get_data()  # a streamed CSV export is only made while it is read
            response.close()
            assert response.status_code != 500, f"{url}?{name}={huge}"
    assert len(pages) >= 30, pages


def test_scoping_without_anyone_signed_in_is_a_404_even_behind_a_forgotten_guard(app):
    """Every scoped view is behind login_required; should one ever not be, the scope itself
    answers 404 (nothing to confirm), never another account's rows."""
    from werkzeug.exceptions import NotFound

    from wizard.common.scoping import current_account_id

    with app.test_request_context("/users/"):
        with pytest.raises(NotFound):
            current_account_id()
