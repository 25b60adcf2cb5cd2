"""What the owner sees of single sign-on elsewhere: Users, Pending, the wizard, the guide."""

from tests.guide.conftest import PDF_URL, read_pdf
from tests.helpers import text_of
from tests.invite.flow import add_people, start
from tests.sso.conftest import make_provider, said
from tests.sso.conftest import provider as provider_by_id
from wizard.sso.joining import complete_sign_in


def arrive(app, provider_id, email):
    with app.app_context():
        return complete_sign_in(provider_by_id(provider_id), said(email), protocol="saml")


def test_a_member_who_joined_via_sso_is_marked_on_the_users_page(app, client, auth, acme_sso):
    arrive(app, acme_sso, "gus@acme.example")
    auth.sign_in()
    rows = [line for line in client.get("/users/").get_data(as_text=True).split("<tr>")
            if "gus@acme.example" in line or "member@acme.example" in line]
    assert len(rows) == 2
    assert "Joined via single sign-on" in next(r for r in rows if "gus@" in r)
    assert "Joined via single sign-on" not in next(r for r in rows if "member@" in r)


def test_a_pro_user_choosing_refund_details_is_on_the_pending_tab(app, client, auth, acme_sso):
    arrive(app, acme_sso, "ana.pro@acme.example")
    auth.sign_in()
    page = text_of(client.get("/users/pending/"))
    assert "ana.pro@acme.example" in page
    assert "Started single sign-on choosing refund details" in page


def test_the_audit_log_says_joined_via_single_sign_on(app, client, auth, acme_sso):
    arrive(app, acme_sso, "gus@acme.example")
    auth.sign_in()
    assert "Joined via single sign-on" in text_of(client.get("/users/audit-log/"))


def test_the_sign_in_page_offers_single_sign_on(client):
    assert 'href="/sso"' in client.get("/sign-in").get_data(as_text=True)


def test_the_wizards_start_links_to_the_settings(client, auth):
    auth.sign_in()
    assert 'href="/users/single-sign-on"' in client.get("/users/add/").get_data(as_text=True)


def test_the_heads_up_mentions_the_sso_link_only_while_it_is_on(app, client, auth):
    auth.sign_in()
    base = start(client)
    add_people(client, base, "gus@acme.example")
    assert "/sso/acme" not in text_of(client.get(f"{base}/heads-up"))
    make_provider(app)
    message = text_of(client.get(f"{base}/heads-up"))
    assert "sign in with your work address through our company sign-in (single sign-on) at " \
        "http://invite.test/sso/acme" in message


def test_the_pdf_guide_mentions_the_sso_link_while_it_is_on(app, client, auth):
    auth.sign_in()
    assert "single sign-on" not in read_pdf(client.get(PDF_URL).data).text
    make_provider(app)
    text = read_pdf(client.get(PDF_URL).data).text
    assert "Acme Corp also uses single sign-on" in text
    # The invitees' page is set tight (one page on A4 and Letter): the link may wrap after "//".
    assert "http://invite.test/sso/acme" in text.replace("// ", "//")
