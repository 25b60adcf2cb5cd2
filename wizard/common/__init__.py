"""What every page needs, whichever capability it belongs to: the layout and its filters,
error pages, security headers and sessions, the base forms, paging, scoping to the signed-in
account, the audit-trail writer, bulk inserts and the language choice.

Imports: the models and extensions only; never a capability package (invite, accept, manage,
domains, guide, delivery, accounts).
"""
