"""Verified domains: adding and verifying a domain by DNS, and discovering the people on it
who have their own accounts, handed over to the wizard.

Imports: models, common, and other capabilities' service modules (never their views or forms).
"""
