"""What an attacker does to a valid signed SAML response after the identity provider signed it.

Each function takes the SAMLResponse form field (base64) and returns a forged one. The edits are
textual on purpose: an attacker does not re-serialise XML politely, and pysaml2 must refuse
whatever arrives.
"""

from __future__ import annotations

import base64
import re

MALLORY = "mallory@acme.example"
_ASSERTION = re.compile(r"<ns1:Assertion\b.*?</ns1:Assertion>", re.S)
_SIGNATURE = re.compile(r"<ns2:Signature\b.*?</ns2:Signature>", re.S)


def decoded(saml_response: str) -> str:
    return base64.b64decode(saml_response).decode()


def encoded(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()


def assertion_id(saml_response: str) -> str:
    return re.search(r'<ns1:Assertion\b[^>]*\bID="([^"]+)"', decoded(saml_response)).group(1)


def not_on_or_after(saml_response: str) -> str:
    return re.search(r'<ns1:Conditions\b[^>]*NotOnOrAfter="([^"]+)"', decoded(saml_response)).group(
        1
    )


def altered(saml_response: str, email: str) -> str:
    """The signed response with the signed-in address changed to Mallory's."""
    return encoded(decoded(saml_response).replace(email, MALLORY))


def unsigned_copy(signed_assertion: str, email: str) -> str:
    """The attacker's own assertion: the signed one without its signature, a new ID, Mallory."""
    evil = _SIGNATURE.sub("", signed_assertion, count=1).replace(email, MALLORY)
    return re.sub(r'\bID="[^"]+"', 'ID="id-evil-assertion"', evil, count=1)


def beside(saml_response: str, email: str) -> str:
    """Signature wrapping: Mallory's unsigned assertion placed before the signed one."""
    xml = decoded(saml_response)
    signed = _ASSERTION.search(xml).group(0)
    return encoded(xml.replace(signed, unsigned_copy(signed, email) + signed, 1))


def around(saml_response: str, email: str) -> str:
    """Signature wrapping: Mallory's unsigned assertion with the signed one tucked inside it."""
    xml = decoded(saml_response)
    signed = _ASSERTION.search(xml).group(0)
    evil = unsigned_copy(signed, email).replace(
        "</ns1:Conditions>", f"</ns1:Conditions><ns1:Advice>{signed}</ns1:Advice>", 1
    )
    return encoded(xml.replace(signed, evil, 1))


def without_signatures(saml_response: str) -> str:
    """Every signature stripped: what is left claims the same things, unsigned."""
    return encoded(_SIGNATURE.sub("", decoded(saml_response)))
