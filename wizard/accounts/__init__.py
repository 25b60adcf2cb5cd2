"""A person's own account: signing in and out, passwords, their account pages, the language
switch and the front door.

Imports: models, common, and other capabilities' service modules (never their views or forms).
"""
