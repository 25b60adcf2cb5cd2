"""The short guide for invitees: a public page, the last page of the PDF and a PDF of its own,
linked from the heads-up, the invitation email and the invitation page."""

from tests.guide.conftest import read_pdf
from tests.helpers import h1_of, text_of, title_of
from tests.invite.flow import add_people, start, textarea
from wizard.delivery.mailer import render_email
from wizard.guide.quick_guide import INVITEES, render_guide_pdf

WHAT_IT_SAYS = (
    "What the invitation is",
    "What happens to your money",
    "a refund to your original payment method, or a credit to the business account",
    "What moves with you",
    "Reports do not move.",
    "How to accept",
    "If something stops you",
    "An outstanding balance on your own account",
)


def test_the_invitee_guide_is_a_public_page_that_says_what_happens_to_their_money(client):
    page = client.get("/guide/invitees")
    assert page.status_code == 200
    assert h1_of(page) == "You are invited to join a business account"
    assert title_of(page).startswith(h1_of(page))
    text = text_of(page)
    for words in WHAT_IT_SAYS:
        assert words in text
    assert "wizard" not in text.lower().replace("business invite wizard", "")


def test_the_invitee_guide_downloads_as_a_pdf_of_its_own(client):
    response = client.get("/guide/invitees.pdf")
    assert response.mimetype == "application/pdf"
    assert 'filename="joining-a-business-account.pdf"' in response.headers["Content-Disposition"]
    pdf = read_pdf(response.data)
    assert len(pdf.reader.pages) == 1
    for words in WHAT_IT_SAYS:
        assert words in pdf.text
    assert "Checklist" not in pdf.text


def test_the_whole_guide_ends_with_the_invitee_guide_on_a_page_of_its_own(generic_pdf):
    last = " ".join((generic_pdf.reader.pages[-1].extract_text() or "").split())
    assert last.upper().startswith("SHORT GUIDE FOR PEOPLE WHO ARE INVITED")
    assert "Checklist" not in last
    for words in WHAT_IT_SAYS:
        assert words in generic_pdf.text


def test_the_german_invitee_guide_is_german(bare_app):
    with bare_app.app_context():
        pdf = read_pdf(render_guide_pdf("de", None, INVITEES))
    assert "Sie sind eingeladen, einem Geschäftskonto beizutreten" in pdf.text
    assert "What happens to your money" not in pdf.text


def test_the_heads_up_links_to_the_invitee_guide_not_the_owners_guide(auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, "ana.pro@acme.example")
    body = textarea(client.get(f"{base}/heads-up"), "body")
    assert "/guide/invitees" in body
    assert "#how-invitees-accept" not in body


def test_the_invitation_email_and_page_link_to_the_invitee_guide(app, client):
    from tests.accept.factory import invite

    with app.app_context():
        email = render_email(
            "invitation", locale="en", preview=True,
            context={"business_name": "Acme Corp", "inviter_name": "Olivia Owner",
                     "inviter_email": "owner@acme.example", "user_type": "basic",
                     "invitee_name": "", "expires_at": "2027-01-01T00:00:00+00:00"},
        )
    assert "/guide/invitees" in email.text and "/guide/invitees" in email.html
    token = invite(app)
    page = client.get(f"/invitation/{token}").get_data(as_text=True)
    assert 'href="/guide/invitees"' in page
