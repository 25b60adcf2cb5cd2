"""The wizard's last steps: check (every answer, and the invitation email as the invitee will
see it), Send, and what was sent.
"""

from dataclasses import dataclass
from datetime import timedelta

from babel import Locale
from flask import Response, current_app, flash, redirect, render_template, request
from flask import url_for as flask_url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...common.access import manager_required
from ...common.layout import with_link
from ...common.scoping import get_scoped_or_404
from ...delivery.mailer import render_email
from ...models import WizardDraft
from ...models.types import utcnow
from .. import batches, drafts
from ..forms import (
    SendForm,
)
from ..licenses import license_review, preview_locale
from ..quota import invitation_quota
from .navigation import (
    bp,
    next_url,
    render_step,
    requested_page,
    someone_elses_draft,
    step_url,
    wizard_step,
)


@dataclass(frozen=True)
class PreviewLanguage:
    """Which language the preview is in, which the person gets, and the others to show it in."""

    shown: str  # the preview's language code, for its lang attribute
    theirs: str  # the language the person gets it in (on a verified domain: their own)
    known: bool  # False off the verified domains: their own account may choose another
    others: list[tuple[str, str]]  # (code, name in the page's language) to switch to

    @property
    def shown_name(self) -> str:
        return language_name(self.shown)

    @property
    def their_name(self) -> str:
        return language_name(self.theirs)


def language_name(code: str) -> str:
    """A language's name in the page's language ("German", "Englisch")."""
    return Locale.parse(code).get_display_name(get_locale()) or code


def preview_language(person: drafts.Person) -> PreviewLanguage:
    """The person's language, or the one asked for with ?lang= (any the app speaks)."""
    languages = current_app.config["LANGUAGES"]
    theirs, known = preview_locale(current_user.account, person.email)
    asked = request.args.get("lang", "")
    shown = asked if asked in languages else theirs
    others = [(code, language_name(code)) for code in languages if code != shown]
    return PreviewLanguage(shown, theirs, known, others)


def invitation_preview(person: drafts.Person, locale: str | None = None):
    """The invitation as `person` will get it; in their language only on a verified domain
    (or in `locale`, when the owner asks to read it in another language)."""
    expires_at = utcnow().replace(microsecond=0) + _valid_for()
    return render_email(
        "invitation",
        locale=locale or preview_locale(current_user.account, person.email)[0],
        context=batches.invitation_context(current_user.account, current_user, person, expires_at),
        preview=True,
    )


def invitation_subject(locale: str) -> str:
    """The subject line of the invitation as a reader of `locale` will see it."""
    nobody = drafts.Person(email="", name="", user_type="basic", source="text", line=0)
    return render_email(
        "invitation",
        locale=locale,
        context=batches.invitation_context(
            current_user.account, current_user, nobody, utcnow() + _valid_for()
        ),
        preview=True,
    ).subject


def _valid_for() -> timedelta:
    return timedelta(days=current_app.config["INVITATION_VALID_DAYS"])


@bp.route("/<id:draft_id>/check", methods=["GET"])
@manager_required
@wizard_step("check")
def check(draft: WizardDraft):
    review = license_review(draft, current_user.account)
    language = preview_language(review.people[0])
    return render_step(
        draft,
        "check",
        form=SendForm(formdata=None),
        review=review,
        people_answers=drafts.answers(draft.data, "people"),
        heads_up=drafts.answers(draft.data, "heads_up"),
        overrides=len(drafts.answers(draft.data, "licenses").get("overrides", {})),
        email=invitation_preview(review.people[0], language.shown),
        language=language,
        expires_at=utcnow() + _valid_for(),
        quota=invitation_quota(current_user.account_id, utcnow()),
    )


@bp.route("/<id:draft_id>/check/invitation-email", methods=["GET"])
@manager_required
@wizard_step("check")
def invitation_email(draft: WizardDraft):
    """The HTML invitation as its own page: email HTML needs inline styles, so it gets a CSP
    that allows styles but no scripts, forms or framing."""
    person = drafts.people_of(draft.data)[0]
    email = invitation_preview(person, preview_language(person).shown)
    response = Response(email.html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"
    )
    return response


def _not_sent_message(reason: str | None) -> str:
    if reason == "people_changed":
        return _(
            "Some people were invited or joined since you checked the list. Nothing was "
            "sent: check the list and continue."
        )
    if reason == "seats":
        return with_link(_(
            "There are fewer free licenses than when you checked. Nothing was sent: make "
            "some people Basic, or buy more licenses."
        ), _("Licenses"), flask_url_for("licenses.index"))
    if reason == "too_many":
        return _("The list is longer than one batch can be. Nothing was sent.")
    return _("Answer this step first. Nothing was sent.")


@bp.route("/<id:draft_id>/send", methods=["POST"])
@manager_required
def send(draft_id: int):
    # CSRFProtect has checked the token, as for every POST; nothing else in the form counts.
    draft = get_scoped_or_404(WizardDraft, draft_id)
    outcome = batches.send_batch(
        draft.id,
        account=current_user.account,
        inviter=current_user._get_current_object(),
        valid_days=current_app.config["INVITATION_VALID_DAYS"],
        max_people=current_app.config["MAX_BATCH_SIZE"],
    )
    if outcome.batch_id is not None:
        return redirect(flask_url_for("wizard.sent", draft_id=draft.id))
    if outcome.reason == "quota":  # the check page says how many are left and when
        return check(draft_id=draft.id), 429
    if outcome.reason == "not_author":
        return someone_elses_draft(draft)
    flash(_not_sent_message(outcome.reason), "warning")
    return redirect(step_url(draft, outcome.step or "people"))


# --- sent ----------------------------------------------------------------------------------


@bp.route("/<id:draft_id>/sent")
@manager_required
def sent(draft_id: int):
    draft = get_scoped_or_404(WizardDraft, draft_id)
    if draft.sent_batch_id is None:
        return redirect(next_url(draft))
    summary = batches.batch_summary(draft.sent_batch_id, current_user.account_id, requested_page())
    return render_template(
        "invite/sent.html",
        draft=draft,
        summary=summary,
        now=utcnow(),
        page_url=lambda n: flask_url_for("wizard.sent", draft_id=draft.id, page=n) + "#people",
    )
