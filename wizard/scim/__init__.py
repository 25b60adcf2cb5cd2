"""SCIM 2.0 provisioning: a business's identity provider adds, changes and removes its people.

What each operation means here (a member made at once, an invitation for someone who already
has an account of their own, deactivation, leaving the business) is decided in
`provisioning.py`; the bearer tokens are `tokens.py`; the HTTP protocol (RFC 7644) is the
`/scim/v2/` blueprint beside them.

Imports: models, common, and other capabilities' service modules (manage's seats and roles,
accept's tokens and link, delivery's outbox); never their views or forms.
"""
