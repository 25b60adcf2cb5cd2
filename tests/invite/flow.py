"""Walking the wizard as an owner would, for the tests."""

import re
from html import unescape

from sqlalchemy import select

from tests.helpers import submit
from wizard.extensions import db
from wizard.models import WizardDraft


def start(client, *, start_over=True) -> str:
    """Start a new draft; returns its base URL, like /users/add/3."""
    response = submit(client, "/users/add/", {"start_over" if start_over else "start": "1"})
    assert response.status_code == 302, response.status_code
    return re.match(r"(/users/add/\d+)/", response.location).group(1)


def add_people(client, base, text="", default_type="basic", **fields):
    return submit(
        client,
        f"{base}/people",
        {"addresses": text, "default_type": default_type, "check": "1", **fields},
    )


def heads_up(client, base, action="skip", *, confirm=True, **fields):
    """Answer step 2. "send" shows the check page first; with `confirm`, press Send there."""
    data = {action: "1", **fields}
    if action == "skip":
        data.setdefault("confirm_skip", "y")
    else:
        data.setdefault("subject", "A heads-up from {business}")
        data.setdefault("body", "Hello {name},\n\nAn invitation to {business} is on its way.")
    response = submit(client, f"{base}/heads-up", data)
    check = f"{base}/heads-up/check"
    if action == "send" and confirm and response.location == check:
        return submit(client, check, {}, page=check)
    return response


def confirm_licenses(client, base):
    return submit(client, f"{base}/licenses", {"confirm": "1"})


def send(client, base):
    return submit(client, f"{base}/send", {}, page=f"{base}/check")


def to_check(client, text, default_type="basic", how="skip") -> str:
    """A draft with these people, ready to send."""
    base = start(client)
    assert add_people(client, base, text, default_type).location.endswith("/heads-up")
    assert heads_up(client, base, how).location.endswith("/licenses")
    assert confirm_licenses(client, base).location.endswith("/check")
    return base


def draft_of(app, base) -> WizardDraft:
    with app.app_context():
        draft_id = int(base.rsplit("/", 1)[1])
        draft = db.session.execute(
            select(WizardDraft).where(WizardDraft.id == draft_id)
        ).scalar_one()
        db.session.expunge(draft)
        return draft


def textarea(page, field_id="addresses") -> str:
    """What a textarea on the page holds, as the browser shows it."""
    html = page.get_data(as_text=True)
    match = re.search(rf'<textarea[^>]*id="{field_id}"[^>]*>(.*?)</textarea>', html, flags=re.S)
    assert match, f"no textarea #{field_id}"
    return unescape(match.group(1)).removeprefix("\r\n").removeprefix("\n")
