"""The quick guide is one click away at every step of the wizard, on the sent page, and in
the heads-up message, and the wizard's help says what the guide says."""

from tests.helpers import text_of
from tests.invite.flow import add_people, send, start, to_check
from wizard.guide.quick_guide import guide_steps

STEP_KEYS = {"people": "who", "heads-up": "contact", "licenses": "impact", "check": "check"}


def test_each_step_has_a_help_area_with_the_guides_words_and_links(app, auth, client):
    auth.sign_in()
    base = to_check(client, "ana.pro@acme.example")
    with app.test_request_context():
        words = {key: text for key, _name, text in guide_steps()}
    for path, key in STEP_KEYS.items():
        page = client.get(f"{base}/{path}")
        html = page.get_data(as_text=True)
        assert "Help with this step" in text_of(page)
        assert words[key] in text_of(page), path
        assert f'href="/guide/#step-{key}"' in html, path
        assert 'href="/guide/quick-guide.pdf"' in html, path
    # The guide itself has each of those anchors and words.
    guide = client.get("/guide/")
    for key in STEP_KEYS.values():
        assert f'id="step-{key}"' in guide.get_data(as_text=True)
        assert words[key] in text_of(guide)


def test_the_sent_page_and_the_heads_up_message_point_to_the_guide(auth, client):
    auth.sign_in()
    base = start(client)
    add_people(client, base, "ana.pro@acme.example")
    message = client.get(f"{base}/heads-up.txt").get_data(as_text=True)
    assert "What joining means for you, in a short guide: http://invite.test/guide/invitees" in (
        message
    )
    sent = to_check(client, "ben.pro@acme.example")
    send(client, sent)
    page = client.get(f"{sent}/sent").get_data(as_text=True)
    assert 'href="/guide/#how-invitees-accept"' in page
    assert 'href="/guide/quick-guide.pdf"' in page
