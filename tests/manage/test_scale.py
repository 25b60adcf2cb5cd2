"""`flask --app wizard seed-scale`: the data for measuring the pages at size (here small)."""

from sqlalchemy import func, select

from tests.helpers import submit, text_of
from wizard.demo import DEMO_PASSWORD
from wizard.extensions import db
from wizard.models import Account, AuditEvent, Invitation, InvitationBatch, OutboxEmail, User


def test_seed_scale_makes_members_invitations_emails_and_a_batch_still_going_out(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-scale", "--members", "30", "--invitations", "250"])
    assert result.exit_code == 0, result.output
    assert "Scale Corp is ready." in result.output
    with app.app_context():
        scale = db.session.scalar(select(Account.id).where(Account.name == "Scale Corp"))

        def count(model):
            return db.session.scalar(select(func.count()).where(model.account_id == scale))

        assert count(User) == 30
        assert count(Invitation) == 250
        assert count(OutboxEmail) == 250
        assert count(AuditEvent) >= 250
        assert count(InvitationBatch) == 1
    again = runner.invoke(args=["seed-scale", "--members", "30", "--invitations", "250"])
    assert "exists already; nothing was changed" in again.output

    submit(client, "/sign-in", {"email": "owner@scale.example", "password": DEMO_PASSWORD})
    page = client.get("/users/pending/")
    text = text_of(page)
    assert "250 All" in text
    assert "of 250 sent" in text  # the newest batch is still going out
    assert "<progress" in page.get_data(as_text=True)
    assert "Showing 1 to 30 of 30" in text_of(client.get("/users/"))
