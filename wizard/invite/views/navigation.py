"""The wizard's blueprint and how its steps are walked: the step a URL may open, the next
step's URL, and rendering a step's page with the steps shown around it.
"""

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, flash, redirect, render_template, request
from flask import url_for as flask_url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from ...common.ids import as_number
from ...common.scoping import get_scoped_or_404
from ...guide.quick_guide import GUIDE_KEY_OF_STEP, guide_steps
from ...models import WizardDraft
from .. import drafts
from ..drafts import STEPS, Step
from ..impact import seat_bar

bp = Blueprint("wizard", __name__, url_prefix="/users/add")

STEP_BY_NAME = {step.name: step for step in STEPS}


@bp.context_processor
def wizard_helpers() -> dict:
    return {"number": format_decimal, "seat_segments": seat_bar}


def step_url(draft: WizardDraft, name: str, **kw) -> str:
    return flask_url_for(STEP_BY_NAME[name].endpoint, draft_id=draft.id, **kw)


def next_url(draft: WizardDraft) -> str:
    """After saving a step: the first step that still needs an answer."""
    return step_url(draft, drafts.first_incomplete_step(draft.data))


def wizard_step(name: str) -> Callable:
    """Load the signed-in account's draft (another account's is a 404); a sent draft shows
    its sent page; someone else's draft says whose it is; a step not reached yet sends the
    owner to the first incomplete one."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(draft_id: int, **kw):
            draft = get_scoped_or_404(WizardDraft, draft_id)
            if not drafts.is_author(draft, current_user.id):
                return someone_elses_draft(draft)
            if draft.sent_batch_id is not None:
                return redirect(flask_url_for("wizard.sent", draft_id=draft.id))
            if not drafts.can_open(draft.data, name):
                flash(_("Answer this step first. Everything you entered so far is kept."), "info")
                return redirect(next_url(draft))
            return view(draft, **kw)

        return wrapped

    return decorator


def someone_elses_draft(draft: WizardDraft):
    """Another person's list: it exists, whose it is and when it last changed; only they may
    change or send it (403, nothing changed)."""
    return render_template(
        "invite/someone_elses_draft.html",
        draft=draft,
        people=len(drafts.user_types(draft.data)),
    ), 403


def render_step(draft: WizardDraft, step: str, template: str = "", **context) -> str:
    """A step's page (invite/<step>.html, or `template`: a page within the step)."""
    current: Step = STEP_BY_NAME[step]
    previous = drafts.previous_step(step)
    values = {
        "draft": draft,
        "step": current,
        "steps": STEPS,
        "step_number": drafts.STEP_NAMES.index(step) + 1,
        "done": drafts.completed_steps(draft.data),
        "back_url": step_url(draft, previous.name) if previous else flask_url_for("wizard.start"),
        "next_step_url": next_url(draft),
        "step_url": lambda name: step_url(draft, name),
        "step_help": _guide_help(GUIDE_KEY_OF_STEP[step]),
    }
    return render_template(template or f"invite/{step}.html", **{**values, **context})


def _guide_help(key: str) -> dict[str, str]:
    """The help area of a step: the guide's own words for it, and links into the guide."""
    text = next(text for k, _name, text in guide_steps() if k == key)
    return {"key": key, "text": text}


def requested_page() -> int:
    """The page number asked for in the query string (1 when none)."""
    return request.args.get("page", 1, type=as_number)
