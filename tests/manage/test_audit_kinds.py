"""Every kind of audit event has words in both languages and a place in the "What happened"
filter; events a person did read as that person, never "System"; every event with a
subject says whom or what it is about."""

import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from tests.accept.factory import invite
from tests.helpers import submit, text_of
from tests.manage.test_audit_log import record, rows
from wizard.common.audit import ACTIONS, check_action
from wizard.manage.audit_trail import action_labels, filterable_actions

WIZARD = Path(__file__).parents[2] / "wizard"


def recorded_in_the_code() -> set[str]:
    """Every action the code writes: record("x", ...) and audit_rows("x", ...) calls."""
    found = set()
    for path in WIZARD.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'(?:record|audit_rows)\(\s*"([a-z_]+)"', source))
        found |= set(re.findall(r'"(reminders_turned_o(?:n|ff))"', source))
    return found


def test_every_action_the_code_records_is_declared():
    assert recorded_in_the_code() <= set(ACTIONS)
    assert "domain_added" in recorded_in_the_code()


def test_an_undeclared_action_cannot_be_recorded():
    with pytest.raises(ValueError, match="Unknown audit action"):
        check_action("domain_renamed")


def test_every_declared_action_has_an_english_and_a_german_label_and_a_filter_entry(app):
    with app.test_request_context():
        english = action_labels()
        with force_locale("de"):
            german = action_labels()
        offered = filterable_actions()
    for action in ACTIONS:
        assert english.get(action), action
        assert german.get(action) and german[action] != english[action], action
        assert action in offered, action


def test_a_domain_added_reads_in_german_and_names_the_domain(app, auth, client):
    record(app, "domain_added", domain="example.org")
    auth.sign_in()
    submit(client, "/language", {"lang": "de"}, page="/users/audit-log/")
    page = client.get("/users/audit-log/")
    assert "Domäne hinzugefügt" in rows(page)[0]
    assert "Domain added" not in text_of(page)
    assert rows(page)[0].endswith("example.org")
    options = client.get("/users/audit-log/?action=domain_added")
    assert re.search(r'<option selected value="domain_added">Domäne hinzugefügt</option>',
                     options.get_data(as_text=True))


def test_a_decline_from_the_link_while_signed_out_names_the_invitee(app, client, auth):
    token = invite(app, "ana.pro@acme.example")
    submit(client, f"/invitation/{token}/decline", {}, page=f"/invitation/{token}/decline")
    auth.sign_in()
    row = rows(client.get("/users/audit-log/"))[0]
    assert "ana.pro@acme.example (invitee)" in row
    assert "System" not in row
    export = client.get("/users/audit-log/export.csv").get_data(as_text=True)
    assert "ana.pro@acme.example (invitee)" in export.splitlines()[1]
