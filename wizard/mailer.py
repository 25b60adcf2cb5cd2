"""Rendering email: one function for every kind of message, text and HTML from templates."""

from dataclasses import dataclass
from typing import Any

from flask import render_template
from flask_babel import force_locale

from .tokens import invitation_url


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(
    kind: str,
    *,
    locale: str,
    context: dict[str, Any],
    invitation=None,
    preview: bool = False,
) -> RenderedEmail:
    """Render templates/email/<kind>_subject.txt, <kind>.txt and <kind>.html in `locale`.

    With an invitation, the template gets its link as `invitation_url`; a preview (the
    wizard's check page) gets a sample link that works nowhere.
    """
    values = dict(context)
    if preview:
        values["invitation_url"] = "https://…/invitation/(a personal link for each person)"
    elif invitation is not None:
        values["invitation_url"] = invitation_url(invitation)
    with force_locale(locale):
        subject = render_template(f"email/{kind}_subject.txt", **values).strip()
        text = render_template(f"email/{kind}.txt", **values)
        html = render_template(f"email/{kind}.html", **values)
    return RenderedEmail(subject=" ".join(subject.split()), text=text, html=html)
