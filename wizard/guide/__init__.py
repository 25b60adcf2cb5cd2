"""The printable quick guide: one Jinja source rendered as a page and as a tagged PDF.

Imports: models, common, and other capabilities' service modules (never their views or forms).
"""
