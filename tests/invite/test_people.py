"""Step 1, who: pasted addresses and CSV files, every problem with its line and a fix."""

import io
from datetime import timedelta

from tests.helpers import h1_of, submit, text_of, title_of
from tests.invite.flow import add_people, draft_of, start, textarea
from wizard.extensions import db
from wizard.models import Account, Invitation, InvitationStatus, UserType
from wizard.models.types import utcnow


def invite_directly(app, email, *, days_left=30):
    """An invitation made elsewhere (another batch, the Pending tab)."""
    with app.app_context():
        acme = db.session.query(Account).filter_by(name="Acme Corp").one()
        owner_id = db.session.execute(
            db.text("SELECT id FROM user_account WHERE email = 'owner@acme.example'")
        ).scalar_one()
        invitation = Invitation(
            account_id=acme.id,
            email=email,
            user_type=UserType.BASIC,
            status=InvitationStatus.PENDING,
            invited_by_id=owner_id,
            token_nonce="n" + email,
            token_hash="h" + email,
            expires_at=utcnow() + timedelta(days=days_left),
        )
        db.session.add(invitation)
        db.session.commit()
        return invitation.id


def upload(client, base, content: bytes, filename="people.csv", **fields):
    return submit(
        client,
        f"{base}/people",
        {
            "addresses": "",
            "default_type": "basic",
            "check": "1",
            "csv_file": (io.BytesIO(content), filename),
            **fields,
        },
        content_type="multipart/form-data",
    )


def test_pasted_addresses_with_names_are_saved_with_the_type_for_everyone(app, auth, client):
    auth.sign_in()
    base = start(client)
    response = add_people(
        client,
        base,
        'Ana Pro <Ana.Pro@ACME.example>;  gus@acme.example ,\n"Pro, Chen" '
        "<chen.pro@partner.example>",
        default_type="licensed",
    )
    assert response.location == f"{base}/heads-up"
    saved = draft_of(app, base).data["people"]
    assert saved["default_type"] == "licensed"
    assert [(p["email"], p["name"]) for p in saved["people"]] == [
        ("ana.pro@acme.example", "Ana Pro"),
        ("gus@acme.example", ""),
        ("chen.pro@partner.example", "Pro, Chen"),
    ]


def test_each_problem_is_listed_with_its_line_and_a_fix_and_what_was_typed_is_kept(
    app, auth, client
):
    invite_directly(app, "pending@acme.example")
    auth.sign_in()
    base = start(client)
    typed = (
        "ana.pro@acme.example\nbad@acme\nANA.PRO@acme.example\nmember@acme.example\n"
        "pending@acme.example\nowner@acme.example\n=1+2 <gus@acme.example>\ndora@acme.example"
    )
    page = add_people(client, base, typed)
    text = text_of(page)
    assert page.status_code == 200
    assert title_of(page).startswith("Error: Who do you want to invite?")
    assert "6 entries have problems." in text
    assert "The other 2 people are fine and kept." in text
    for line, fix in [
        (2, "The end of the address is missing, like .com."),
        (3, "ana.pro@acme.example is already in the list, on line 1. Remove one of them."),
        (4, "member@acme.example is already a member of Acme Corp."),
        (5, "pending@acme.example was already invited and has not answered yet."),
        (6, "owner@acme.example is your own address."),
        (7, "The name starts with =, which spreadsheet programs treat as a formula."),
    ]:
        assert f"Line {line} " in text and fix in text
    assert textarea(page) == typed
    assert client.get(f"{base}/heads-up").location == f"{base}/people"
    # Coming back later shows the same problems and the same text.
    again = client.get(f"{base}/people")
    assert "6 entries need your attention" in text_of(again) and "Line 7" in text_of(again)


def test_continuing_without_the_problem_lines_keeps_the_valid_people(app, auth, client):
    auth.sign_in()
    base = start(client)
    response = add_people(
        client, base, "gus@acme.example\nnot-an-address\ndora@acme.example", leave_out="1"
    )
    assert response.location == f"{base}/heads-up"
    saved = draft_of(app, base).data["people"]
    assert [p["email"] for p in saved["people"]] == ["gus@acme.example", "dora@acme.example"]
    assert saved["left_out"] == 1
    assert "1 entry was left out" in text_of(client.get(f"{base}/people"))


def test_a_csv_file_with_bom_semicolons_and_user_types_adds_people_with_their_types(
    app, auth, client
):
    auth.sign_in()
    base = start(client)
    content = (
        "\ufeffE-Mail;Name;User type\nana.pro@acme.example;Ana Pro;Licensed\n"
        "gus@acme.example;Gus;\nbad;;\nben.pro@acme.example;Ben;Gold\n"
    )
    page = upload(client, base, content.encode())
    text = text_of(page)
    assert "people.csv, row 4" in text and "There is no @ in it." in text
    assert "people.csv, row 5" in text and "“Gold” is not a user type." in text
    assert "Uploaded file: people.csv (4 rows)" in text
    # Without choosing the file again, the typed addresses join the uploaded ones.
    response = add_people(client, base, "dora@acme.example", leave_out="1")
    assert response.location == f"{base}/heads-up"
    people = draft_of(app, base).data["people"]["people"]
    assert [(p["email"], p["type"], p["source"]) for p in people] == [
        ("dora@acme.example", None, "text"),
        ("ana.pro@acme.example", "licensed", "csv"),
        ("gus@acme.example", None, "csv"),
    ]
    # Removing the file leaves only what is typed.
    add_people(client, base, "dora@acme.example", remove_file="y")
    assert [p["email"] for p in draft_of(app, base).data["people"]["people"]] == [
        "dora@acme.example"
    ]


def test_a_file_uploaded_before_choosing_the_user_type_is_kept_and_used_after_choosing(
    app, auth, client
):
    auth.sign_in()
    base = start(client)
    content = b"email,name\nana.pro@acme.example,Ana Pro\ngus@acme.example,Gus\n"
    page = upload(client, base, content, addresses="dora@acme.example", default_type="")
    text = text_of(page)
    assert "Choose Basic or Licensed for the people you add" in text
    assert "Uploaded file: people.csv (2 rows)" in text
    assert textarea(page) == "dora@acme.example"
    # Kept in the draft too: it is there when the page is opened again.
    assert "Uploaded file: people.csv (2 rows)" in text_of(client.get(f"{base}/people"))
    # Choosing the type is enough: the file need not be chosen again.
    assert add_people(client, base, "dora@acme.example").location == f"{base}/heads-up"
    assert [p["email"] for p in draft_of(app, base).data["people"]["people"]] == [
        "dora@acme.example",
        "ana.pro@acme.example",
        "gus@acme.example",
    ]


def test_a_file_that_makes_the_list_too_long_is_kept_so_the_typed_part_can_be_cut(
    app, auth, client
):
    app.config["MAX_BATCH_SIZE"] = 3
    auth.sign_in()
    base = start(client)
    content = b"ana.pro@acme.example\ngus@acme.example\n"
    page = upload(client, base, content, addresses="dora@acme.example, ben.pro@acme.example")
    text = text_of(page)
    assert "Your list has 4 people. You can invite up to 3 at a time" in text
    assert "Uploaded file: people.csv (2 rows)" in text
    assert add_people(client, base, "dora@acme.example").location == f"{base}/heads-up"
    assert len(draft_of(app, base).data["people"]["people"]) == 3


def test_files_that_cannot_be_used_are_refused_with_a_fix_and_the_typed_text_kept(
    app, auth, client
):
    app.config["MAX_UPLOAD_BYTES"] = 1000
    auth.sign_in()
    base = start(client)
    for content, filename, message in [
        (b"a@acme.example\n" * 100, "big.csv", "The file is bigger than 0 MB."),
        (b"PK\x03\x04\x14\x00", "people.xlsx", "This is a spreadsheet file, not a CSV file."),
        (b"ana@acme.example\n", "people.pdf", "Choose a CSV file: its name ends in .csv or .txt."),
        (b"\x89PNG\r\n\x1a\n", "photo.csv", "The file is not a text file."),
        ("jürgen@acme.example".encode("latin-1"), "old.csv", "The file is not saved as UTF-8"),
        (b"name;phone\nAna;123\n", "phones.csv", "There is no column of email addresses"),
        (b"\n", "empty.csv", "The file is empty."),
    ]:
        page = upload(client, base, content, filename, addresses="gus@acme.example, typed")
        assert page.status_code == 200, filename
        assert title_of(page).startswith("Error:"), filename
        assert message in text_of(page), filename
        assert textarea(page) == "gus@acme.example, typed", filename


def test_an_empty_list_or_one_over_the_batch_limit_is_refused_with_what_to_do(app, auth, client):
    auth.sign_in()
    base = start(client)
    page = add_people(client, base, "  \n ,; \n")
    assert h1_of(page) == "Who do you want to invite?"
    assert "Enter at least one email address, or choose a CSV file" in text_of(page)

    app.config["MAX_BATCH_SIZE"] = 3
    page = add_people(client, base, "a@x.example, b@x.example, c@x.example, d@x.example")
    assert "Your list has 4 people. You can invite up to 3 at a time" in text_of(page)
    assert textarea(page) == "a@x.example, b@x.example, c@x.example, d@x.example"
    assert "people" not in draft_of(app, base).data


def test_an_expired_form_keeps_what_was_typed(app, auth, client):
    auth.sign_in()
    base = start(client)
    page = client.post(
        f"{base}/people",
        data={
            "csrf_token": "stale",
            "addresses": "gus@acme.example\nBen <ben@acme.example>",
            "default_type": "licensed",
            "check": "1",
        },
    )
    assert page.status_code == 200
    assert "This form had expired, so nothing was saved." in text_of(page)
    assert textarea(page) == "gus@acme.example\nBen <ben@acme.example>"
    assert draft_of(app, base).data == {}
