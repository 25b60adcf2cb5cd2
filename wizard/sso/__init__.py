"""Single sign-on: people on a business's verified domains sign in through its identity provider.

One provider per business, SAML 2.0 or OpenID Connect. The protocols (`saml.py`, `oidc.py`)
only prove who the provider says signed in and hand back what it said (`protocol.Received`);
what that means for the person (a new member, an existing Pro user who chooses refund
details first, a member signing in, a refusal) is decided once, in `joining.py`, whichever
protocol brought them. The security work (XML signatures, JWTs) is pysaml2's and Authlib's.

Imports: models, common, and other capabilities' service modules (accept's acceptance for an
existing Pro user; never their views or forms). protocol.py is pure: no database, no request.
"""

import warnings

# pysaml2 7.5 names cryptography's CFB mode when it is imported, and cryptography 44+ warns
# about that on stderr: a line on every `flask` command that no operator can act on.
warnings.filterwarnings("ignore", message="CFB has been moved", module=r"saml2\.")
