"""What a failed "Test the connection" means, in the owner's words, and what to change.

The settings page used to show the refusal's code as it is ("reason: wrong_issuer"), the same
in every language, and one code, `provider_error`, also stood for "this installation cannot
use the protocol", which nothing on the other side can fix.
"""

from __future__ import annotations

from flask_babel import gettext as _

# A test that could not start: this installation lacks the protocol's part (SAML needs pysaml2
# and xmlsec1 on the server). Not a refusal of an answer, so not one of protocol.REFUSALS.
NOT_INSTALLED = "not_installed"


def test_failure_advice(reason: str, protocol: str) -> str:
    """One or two sentences: what went wrong with the identity provider's answer, and what to
    check or change before testing again."""
    saml = protocol == "saml"
    if reason == NOT_INSTALLED:
        return _(
            "This installation of the app cannot use %(protocol)s yet: a part it needs is not "
            "installed on its server. Ask whoever runs this app for you to install it, or "
            "choose the other protocol if your identity provider offers it.",
            protocol="SAML 2.0" if saml else "OpenID Connect",
        )
    advice = {
        "unsigned": lambda: _(
            "The answer was not signed. In your identity provider's settings for this app, "
            "turn on signing of the response or the assertion, then test again."
        ),
        "bad_signature": lambda: _(
            "The answer's signature does not match the certificate saved here. Give us your "
            "identity provider's current metadata again (above), then test again."
        )
        if saml
        else _(
            "The answer's signature does not match your identity provider's published keys. "
            "Check the issuer address above, then test again."
        ),
        "wrapped": lambda: _(
            "The answer held an unsigned part beside the signed one, which is how forged "
            "answers look, so it was refused. Set your identity provider to sign the "
            "assertion, then test again."
        ),
        "wrong_audience": lambda: _(
            "The answer was meant for another app. In your identity provider, set the "
            "audience to this app's Entity ID shown on this page, then test again."
        )
        if saml
        else _(
            "The answer was meant for another app. Check that the client ID saved here is the "
            "one your identity provider shows for this app, then test again."
        ),
        "wrong_destination": lambda: _(
            "The answer was addressed to another page. In your identity provider, set the ACS "
            "URL (reply URL) to the one shown on this page, then test again."
        ),
        "expired": lambda: _(
            "The answer had already expired when it arrived. Test again; if it happens again, "
            "ask your IT team to check the clock of your identity provider's server."
        ),
        "not_yet_valid": lambda: _(
            "The answer was dated in the future. Ask your IT team to check the clock of your "
            "identity provider's server, then test again."
        ),
        "replayed": lambda: _(
            "The same answer arrived twice, for example after going back in the browser. "
            "Test again."
        ),
        "unknown_request": lambda: _(
            "The answer did not belong to a test started here, for example from an old tab or "
            "started at your identity provider. Test again from this page."
        ),
        "wrong_state": lambda: _(
            "The sign-in came back to another browser or an old tab. Test again from this "
            "page, in the same browser tab."
        ),
        "wrong_issuer": lambda: _(
            "The answer came from another identity provider than the one saved here. Give us "
            "the metadata of the identity provider you use (above), then test again."
        )
        if saml
        else _(
            "The answer came from another identity provider than the one saved here. Check "
            "the issuer address above against the one your provider names, then test again."
        ),
        "unsupported_algorithm": lambda: _(
            "Your identity provider signs with SHA-1, which this app refuses because such "
            "signatures can be forged. In the provider's settings for this app, choose "
            "RSA-SHA256 as the signature algorithm and SHA-256 as the digest algorithm, then "
            "test again."
        )
        if saml
        else _(
            "Your identity provider signed with an algorithm this app does not accept, or not "
            "at all. In its settings for this app, choose RS256 for the ID token, then test "
            "again."
        ),
        "unknown_key": lambda: _(
            "The answer was signed with a key your identity provider does not publish. If it "
            "has just changed its keys, wait a few minutes and test again."
        ),
        "no_email": lambda: _(
            "No email address was found. Set the email box above to the name of the attribute "
            "that holds it."
        ),
    }
    advice["wrong_nonce"] = advice["wrong_state"]
    if reason in advice:
        return advice[reason]()
    return _(
        "Your identity provider answered with an error, or could not be reached. Check the "
        "addresses saved above and that your provider is working, then test again."
    )


def sso_refusal_in_words(reason: str) -> str:
    """A refused single sign-on, as the audit log names it: a few words per reason (the
    protocol's REFUSALS and the business's own rules, joining.Refusal)."""
    words = {
        "unsigned": _("the answer was not signed"),
        "bad_signature": _("the signature did not match the provider's key"),
        "wrapped": _("an unsigned part beside the signed one"),
        "wrong_audience": _("the answer was meant for another app"),
        "wrong_destination": _("the answer was addressed to another page"),
        "expired": _("the answer had expired"),
        "not_yet_valid": _("the answer was dated in the future"),
        "replayed": _("the same answer arrived twice"),
        "unknown_request": _("the answer belonged to no sign-in started here"),
        "wrong_state": _("the sign-in came back to another browser or tab"),
        "wrong_nonce": _("the sign-in came back to another browser or tab"),
        "wrong_issuer": _("the answer came from another identity provider"),
        "unsupported_algorithm": _("a signing algorithm this app refuses"),
        "unknown_key": _("signed with a key the provider does not publish"),
        "no_email": _("no email address was sent"),
        "provider_error": _("the identity provider answered with an error"),
        "turned_off": _("single sign-on was turned off"),
        "outside_domains": _("the address is not on a verified domain"),
        "deactivated": _("the member is deactivated"),
        "not_invited": _("only invited people may join, and there was no invitation"),
    }
    return words.get(reason, reason)
