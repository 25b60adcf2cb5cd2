"""Invitation link tokens: only the app's secret key makes a working link, and only the exact
link opens it.

The database holds each invitation's nonce: whoever can read it (a backup, a leaked dump) must
still not be able to build a working link without the secret key. Tokens are looked up by
their SHA-256 hash, so a link is matched exactly, never after case-folding.
"""

import base64
import hashlib
import hmac

import pytest

from tests.accept.factory import invitation_for, snapshot
from tests.helpers import h1_of, text_of

EXPIRED = "This invitation link has expired"


def _b64(digest: bytes) -> str:
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _hmac(key: bytes, nonce: str) -> str:
    return _b64(hmac.new(key, b"invitation-link:" + nonce.encode(), hashlib.sha256).digest())


def _nonce(app, token: str) -> str:
    with app.app_context():
        return invitation_for(token).token_nonce


def assert_closed(page):
    assert page.status_code == 410
    assert h1_of(page) == EXPIRED
    assert "Acme" not in text_of(page)


def test_the_genuine_link_opens_the_invitation(client, ana_link):
    page = client.get(f"/invitation/{ana_link}")
    assert page.status_code == 200
    assert h1_of(page) == "Join Acme Corp"


@pytest.mark.parametrize(
    "forge",
    [
        lambda nonce: _hmac(b"", nonce),
        lambda nonce: _hmac(b"another secret key", nonce),
        lambda nonce: _b64(hashlib.sha256(b"invitation-link:" + nonce.encode()).digest()),
        lambda nonce: _b64(hashlib.sha256(nonce.encode()).digest()),
        lambda nonce: nonce,
    ],
    ids=["empty-key", "another-key", "plain-hash", "hash-of-nonce", "the-nonce-itself"],
)
def test_a_link_built_from_the_database_without_the_secret_key_does_not_open(
    app, client, ana_link, forge
):
    forged = forge(_nonce(app, ana_link))
    assert forged != ana_link
    assert_closed(client.get(f"/invitation/{forged}"))


@pytest.mark.parametrize(
    "change", [str.swapcase, str.upper, str.lower], ids=["swapped", "upper", "lower"]
)
def test_a_link_differing_only_in_letter_case_does_not_open(client, ana_link, change):
    assert change(ana_link) != ana_link  # 43 characters of base64: letters of both cases
    assert_closed(client.get(f"/invitation/{change(ana_link)}"))


def test_a_link_differing_in_case_cannot_decline_either(app, client, ana_link):
    with app.app_context():
        before = snapshot(ana_link)
    client.post(f"/invitation/{ana_link.swapcase()}/decline", data={"message": "no"})
    with app.app_context():
        assert snapshot(ana_link) == before
