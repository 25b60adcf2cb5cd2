"""The invitee's side: the invitation link and its tokens, its states and blockers, the
refund (proration) and the exactly-once acceptance. Its blueprint is `invite` (URLs under
/invitation).

Imports: models, common, and other capabilities' service modules (never their views or forms).
proration.py is a pure rule: no database, no request.
"""
