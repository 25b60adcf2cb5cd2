"""Signing in on the way to an invitation: which invitation, so the page can say so."""

from __future__ import annotations

from ..accept.link import Link, LinkState, look_up

INVITATION_PATH = "/invitation/"


def invitation_behind(next_path: str | None) -> Link | None:
    """The pending invitation a sign-in's `next` leads to (/invitation/<token>), if any."""
    if not next_path or not next_path.startswith(INVITATION_PATH):
        return None
    token = next_path[len(INVITATION_PATH) :].split("/", 1)[0].split("?", 1)[0]
    link = look_up(token) if token else None
    return link if link is not None and link.state == LinkState.OK else None
