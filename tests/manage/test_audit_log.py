"""The audit log page: who did what and when, filtered by person and action, in pages."""

import re
from datetime import timedelta
from html import unescape

from tests.helpers import count_statements, h1_of, submit, text_of, title_of
from tests.manage.factories import account_id, make_invitation, user_id
from wizard.common import audit
from wizard.extensions import db
from wizard.models.types import utcnow


def record(
    app,
    action,
    *,
    actor="owner@acme.example",
    subject=None,
    account="Acme Corp",
    ago=timedelta(0),
    **details,
):
    with app.app_context():
        audit.record(
            action,
            account_id=account_id(account),
            actor_id=user_id(actor) if actor else None,
            subject_email=subject,
            details=details,
        ).created_at = utcnow() - ago
        db.session.commit()


def rows(response) -> list[str]:
    body = response.get_data(as_text=True).split("<tbody>")[-1].split("</tbody>")[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip()
        for r in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    ]


def test_the_log_lists_who_did_what_newest_first(app, auth, client):
    record(app, "invited", subject="gus@acme.example", ago=timedelta(days=2), user_type="basic")
    record(
        app,
        "license_assigned",
        actor="admin@acme.example",
        subject="member@acme.example",
        ago=timedelta(days=1),
    )
    record(app, "declined", actor=None, subject="gus@acme.example", message="No thanks")
    auth.sign_in()
    page = client.get("/users/audit-log/")
    assert h1_of(page) == "Audit log"
    assert title_of(page).startswith("Audit log")
    listed = rows(page)
    assert len(listed) == 3
    assert "System Declined Message: “No thanks” gus@acme.example" in listed[0]
    assert "Adam Admin admin@acme.example License assigned member@acme.example" in listed[1]
    assert "Olivia Owner owner@acme.example Invited User type: Basic. gus@acme.example" in listed[2]


def test_the_log_is_filtered_by_person_and_by_action(app, auth, client):
    record(
        app,
        "resent",
        subject="gus@acme.example",
        expires_at=(utcnow() + timedelta(days=30)).isoformat(),
    )
    record(app, "revoked", actor="admin@acme.example", subject="dora@acme.example")
    record(app, "license_removed", actor="admin@acme.example", subject="member@acme.example")
    auth.sign_in()
    by_admin = rows(client.get("/users/audit-log/?person=ADAM"))
    assert len(by_admin) == 2 and all("Adam Admin" in r for r in by_admin)
    about_gus = rows(client.get("/users/audit-log/?person=gus@"))
    assert len(about_gus) == 1 and "Invitation resent New link valid until" in about_gus[0]
    revoked = rows(client.get("/users/audit-log/?action=revoked"))
    assert len(revoked) == 1 and "dora@acme.example" in revoked[0]
    both = rows(client.get("/users/audit-log/?action=license_removed&person=admin"))
    assert len(both) == 1
    page = client.get("/users/audit-log/?action=revoked")
    assert '<option selected value="revoked">Invitation revoked</option>' in page.get_data(
        as_text=True
    ) or 'value="revoked" selected' in page.get_data(as_text=True)
    assert "No events match what you chose." in text_of(
        client.get("/users/audit-log/?action=no_such_thing")
    )


def test_actions_taken_in_the_app_appear_in_the_log_with_a_link_to_the_history(app, auth, client):
    inv = make_invitation(app, "gus@acme.example")
    auth.sign_in()
    submit(
        client, "/users/pending/revoke", {"ids": str(inv)}, page=f"/users/pending/revoke?ids={inv}"
    )
    html = client.get("/users/audit-log/").get_data(as_text=True)
    assert "Invitation revoked" in html
    assert f'href="/users/pending/{inv}">gus@acme.example</a>' in html


def test_the_log_pages_in_fifties_and_costs_the_same_statements_at_any_size(app, auth, client):
    for n in range(3):
        record(app, "invited", subject=f"p{n}@example.com")
    auth.sign_in()
    with app.app_context():
        engine = db.engine
    client.get("/users/audit-log/")
    with count_statements(engine) as few:
        client.get("/users/audit-log/")
    with app.app_context():
        for n in range(60):
            audit.record(
                "invited",
                account_id=account_id(),
                actor_id=user_id("owner@acme.example"),
                subject_email=f"q{n}@example.com",
            )
        db.session.commit()
    with count_statements(engine) as many:
        first = client.get("/users/audit-log/")
    assert many["n"] == few["n"]
    assert len(rows(first)) == 50
    assert "Showing 1 to 50 of 63" in text_of(first)
    assert len(rows(client.get("/users/audit-log/?page=2"))) == 13


def test_a_business_sees_only_its_own_log(app, auth, client):
    record(app, "revoked", subject="secret@acme.example")
    record(
        app,
        "revoked",
        actor="owner@globex.example",
        subject="theirs@globex.example",
        account="Globex",
    )
    auth.sign_in("owner@globex.example")
    text = text_of(client.get("/users/audit-log/"))
    assert "theirs@globex.example" in text and "secret@acme.example" not in text
    csv_text = client.get("/users/audit-log/export.csv").get_data(as_text=True)
    assert "theirs@globex.example" in csv_text and "secret@acme.example" not in csv_text


def test_a_member_cannot_read_the_log(app, auth, client):
    record(app, "revoked", subject="secret@acme.example")
    auth.sign_in("member@acme.example")
    for path in ("/users/audit-log/", "/users/audit-log/export.csv"):
        response = client.get(path)
        assert response.status_code == 403
        assert "secret@acme.example" not in response.get_data(as_text=True)


def test_the_log_page_has_unique_ids(app, auth, client):
    record(app, "revoked", subject="a@example.com")
    auth.sign_in()
    html = client.get("/users/audit-log/").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_single_sign_on_and_scim_lines_say_what_happened_in_words_not_codes(app, auth, client):
    from wizard.sso.joining import Refusal
    from wizard.sso.protocol import REFUSALS

    reasons = [*REFUSALS, *(str(r) for r in Refusal)]
    for reason in reasons:
        record(app, "sso_refused", actor=None, subject="gus@acme.example", reason=reason)
    record(app, "scim_updated", actor=None, subject="gus@acme.example",
           changed=["userName", "externalId", "name", "email", "userType"])
    record(app, "scim_token_revoked", hint="h5ok")
    auth.sign_in()
    listed = [unescape(line) for line in rows(client.get("/users/audit-log/"))]
    codes = [line for line in listed if re.search(r"[a-z]+_[a-z]+|[a-z][A-Z]", line)]
    assert codes == []
    assert any("Token ending in h5ok." in line for line in listed)
    assert any("Changed: user name, the provider's own id, name, email address, user type."
               in line for line in listed)
    assert any("Reason: the answer came from another identity provider." in line
               for line in listed)
    assert len({line for line in listed if "Single sign-on refused" in line}) == len(reasons) - 1
