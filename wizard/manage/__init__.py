"""After sending: the Users page and licenses, the Pending tab (resend, revoke, history),
the audit log and the CSV exports.

Imports: models, common, and other capabilities' service modules (never their views or forms).
"""
