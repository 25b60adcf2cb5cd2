"""The owner's wizard: the server-side draft and its steps, address parsing, the license
impact, the daily quota and sending a batch. Its blueprint is `wizard` (URLs under /users/add).

Imports: models, common, and other capabilities' service modules (never their views or forms).
addresses.py and impact.py are pure rules: no database, no request.
"""
