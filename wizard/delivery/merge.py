"""Mail merge: an invitation is rendered once per batch and personalised for each person.

The invitations of one batch differ only in the invitee's name and link, yet rendering the
three templates costs more than sending the message. So the worker renders each form once,
with placeholders for those two values, and fills them in per person: the name escaped in
the HTML, as it is in the text. A form is made at the second email that needs it (the first
may well be alone of its kind); that email is also rendered in full and compared with the
filled-in form, and if they differ (a template that transforms the name, say) the form is
never used and every email of it is rendered in full.

Templates of the merged kinds must therefore print `invitee_name` and `invitation_url` as
they are, or test them for being empty; nothing else.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from flask import current_app
from markupsafe import escape

from .mailer import SUBJECT_SETTINGS, RenderedEmail, email_values, render_email, render_values

MERGED_KINDS = frozenset({"invitation", "reminder"})
PERSONAL = ("invitee_name", "invitation_url")
PLACEHOLDERS = {name: f"\x00{name}\x00" for name in PERSONAL}
FORMS_KEPT = 256
_NOT_MERGEABLE = RenderedEmail("", "", "")
_SEEN_ONCE = RenderedEmail("", "", "")


class _Forms:
    """The most recently used forms, for one app."""

    def __init__(self):
        self._forms: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            form = self._forms.get(key)
            if form is not None:
                self._forms.move_to_end(key)
            return form

    def put(self, key, form: RenderedEmail) -> None:
        with self._lock:
            self._forms[key] = form
            while len(self._forms) > FORMS_KEPT:
                self._forms.popitem(last=False)


def _fill(form: RenderedEmail, personal: dict[str, str]) -> RenderedEmail:
    text, html, subject = form.text, form.html, form.subject
    for name, value in personal.items():
        text = text.replace(PLACEHOLDERS[name], value)
        html = html.replace(PLACEHOLDERS[name], str(escape(value)))
        subject = subject.replace(PLACEHOLDERS[name], value)
    return RenderedEmail(subject=" ".join(subject.split()), text=text, html=html)


def render_merged(
    kind: str, *, locale: str, context: dict[str, Any], invitation, plan: str | None = None
) -> RenderedEmail:
    """The same email as render_email(), from a cached form where the kind allows it."""
    if kind not in MERGED_KINDS:
        return render_email(kind, locale=locale, context=context, invitation=invitation, plan=plan)
    values = email_values(kind, locale=locale, context=context, invitation=invitation, plan=plan)
    personal = {name: str(values.get(name) or "") for name in PERSONAL}
    shared = tuple(
        sorted((k, repr(v)) for k, v in values.items() if k not in PERSONAL and not callable(v))
    )
    key = (
        kind,
        locale,
        shared,
        tuple(bool(v) for v in personal.values()),  # a template may test them for being empty
        current_app.config.get(SUBJECT_SETTINGS.get(kind, ""), None),
    )
    forms = current_app.extensions.setdefault("email_forms", _Forms())
    form = forms.get(key)
    if form is None or form is _NOT_MERGEABLE:
        # A form pays off from its second email on (a reminder's date is often its own).
        if form is None:
            forms.put(key, _SEEN_ONCE)
        return render_values(kind, locale=locale, context=context, values=values)
    if form is _SEEN_ONCE:
        direct = render_values(kind, locale=locale, context=context, values=values)
        blanks = {name: PLACEHOLDERS[name] if personal[name] else "" for name in PERSONAL}
        form = render_values(kind, locale=locale, context=context, values={**values, **blanks})
        forms.put(key, form if _fill(form, personal) == direct else _NOT_MERGEABLE)
        return direct
    return _fill(form, personal)
