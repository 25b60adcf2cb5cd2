"""The wizard's first steps: start, who, tell them first (the heads-up) and licenses."""

from flask import Response, current_app, flash, g, redirect, render_template, request
from flask import url_for as flask_url_for
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ...common.access import keeps_input_on_csrf_error, manager_required
from ...common.forms import EmptyForm
from ...common.ids import as_number
from ...manage.seats import seat_count
from ...models import WizardDraft
from ...models.types import utcnow
from ...sso.members import sso_link
from .. import batches, contact, drafts
from ..forms import (
    HeadsUpForm,
    LicensesForm,
    MakeBasicForm,
    PeopleForm,
    StartForm,
    UserTypeForm,
    people_error,
)
from ..licenses import confirm_licenses, license_review, make_extra_people_basic, set_user_type
from ..people import entry_from_dict, keep_people_input, people_input, ready_count, save_people
from ..quota import HeadsUpCapExceeded, QuotaExceeded, invitation_quota
from .navigation import bp, next_url, render_step, requested_page, step_url, wizard_step
from .sending import invitation_subject

# --- start ---------------------------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
@manager_required
@keeps_input_on_csrf_error
def start():
    form = StartForm()
    if form.validate_on_submit():
        draft = drafts.start_draft(
            current_user.account_id, current_user.id, start_over=bool(form.start_over.data)
        )
        return redirect(next_url(draft))
    return render_template(
        "invite/start.html",
        form=form,
        open_draft=drafts.open_draft(current_user.account_id, current_user.id),
        drafts_of_others=drafts.drafts_of_others(current_user.account_id, current_user.id),
        seats=seat_count(current_user.account),
        user_types=drafts.user_types,
    )


# --- step 1: who ---------------------------------------------------------------------------


@bp.route("/<id:draft_id>/people", methods=["GET", "POST"])
@manager_required
@keeps_input_on_csrf_error
@wizard_step("people")
def people(draft: WizardDraft):
    stored = people_input(draft.data)
    form = PeopleForm(
        data={"addresses": stored.get("text", ""), "default_type": stored.get("default_type")}
        if request.method == "GET" and stored
        else None
    )
    # The problems on the page are those of the list in the box: after a POST that checked
    # nothing (an empty box, too many people, no user type), an earlier list's are not shown.
    checked = request.method == "GET"
    if form.validate_on_submit():
        outcome = save_people(
            draft,
            **form.given(),
            leave_out_problems=bool(form.leave_out.data),
            own_email=current_user.email,
            max_people=current_app.config["MAX_BATCH_SIZE"],
        )
        if outcome.saved:
            return redirect(next_url(draft))
        if outcome.error:
            form[outcome.field].errors.append(
                people_error(
                    outcome.error, count=outcome.count, limit=current_app.config["MAX_BATCH_SIZE"]
                )
            )
        checked = not outcome.error
        stored = people_input(draft.data)
    elif request.method == "POST" and not _anything_given(form):
        # Say everything that is missing at once, not one thing per try.
        form.addresses.errors.append(people_error("empty", count=0, limit=0))
    elif request.method == "POST" and not form.csrf_token.errors:  # expired: nothing saved
        keep_people_input(draft, **form.given())  # another field was refused: keep the rest
        stored = people_input(draft.data)
    problems = [entry_from_dict(d) for d in stored.get("problems", [])] if checked else []
    if problems and not form.addresses.errors and not drafts.completed_steps(draft.data)["people"]:
        form.addresses.errors = [_problems_message(len(problems), ready_count(stored))]
    return render_step(
        draft,
        "people",
        form=form,
        problems=problems,
        ready=ready_count(stored),
        stored=stored,
        people_count=len(drafts.user_types(draft.data)),
    )


def _anything_given(form) -> bool:
    upload = request.files.get(form.csv_file.name)
    return bool((form.addresses.data or "").strip() or (upload and upload.filename))


def _problems_message(count: int, ready: int) -> str:
    """The error above the box: with nobody ready, leaving the problems out is no way on."""
    if not ready:
        return _("None of the entries can be invited yet: fix them or add others.")
    return ngettext(
        "%(num)d entry has a problem. Fix it in the list, or continue without it.",
        "%(num)d entries have problems. Fix them in the list, or continue without them.",
        count,
    )


# --- step 2: tell them first --------------------------------------------------------------


# The check page lists this many recipients by name; the rest as a count.
HEADS_UP_RECIPIENTS_SHOWN = 50


def _sso_link() -> str:
    """The business's single sign-on link for the message, looked up once per request."""
    if "sso_link" not in g:
        g.sso_link = sso_link(current_user.account_id)
    return g.sso_link


def _default_message(locale: str | None = None, user_type: str | None = None) -> dict[str, str]:
    """The pre-filled heads-up in `locale` (default: the page's language), in the words for
    `user_type` (None: those true for both, as in the box). It says what to look out for:
    the invitation's own subject line, as that reader will see it."""
    locale = locale or str(get_locale())
    with force_locale(locale):
        return contact.default_heads_up(
            current_user.account.name,
            current_user.display_name,
            current_app.config["INVITATION_VALID_DAYS"],
            invitation_subject(locale),
            # The public guide for invitees, from BASE_URL like every link in an email.
            current_app.config["BASE_URL"].rstrip("/") + flask_url_for("guide.invitees"),
            _sso_link(),
            user_type=user_type,
        )


def _messages(people, message, shown_default):
    """(person, subject, body) as each person reads it (see contact.messages_for)."""
    account = current_user.account
    return contact.messages_for(
        people,
        subject=message["subject"],
        body=message["body"],
        business=account.name,
        locales=batches.locales_of([p.email for p in people], account.default_locale),
        default_in=_default_message,
        shown_default=shown_default,
    )


def _contacted_message(action: str, count: int) -> str:
    if action == "send":
        return ngettext(
            "The message is on its way to %(num)d person.",
            "The message is on its way to %(num)d people.",
            count,
        )
    return ngettext(
        "%(num)d person is marked as contacted.", "%(num)d people are marked as contacted.", count
    )


@bp.route("/<id:draft_id>/heads-up", methods=["GET", "POST"])
@manager_required
@keeps_input_on_csrf_error
@wizard_step("heads_up")
def heads_up(draft: WizardDraft):
    shown_default = _default_message()
    message = contact.heads_up_message(draft.data, shown_default)
    form = HeadsUpForm(data=message if request.method == "GET" else None)
    over_quota = over_cap = None
    if form.validate_on_submit():
        try:
            count = contact.answer_heads_up(
                draft,
                # "send" keeps the message and shows the check page: sending is done there.
                action="save" if form.action == "send" else form.action,
                account=current_user.account,
                sender=current_user._get_current_object(),
                subject=form.subject.data or "",
                body=form.body.data or "",
                default_in=_default_message,
                shown_default=shown_default,
            )
        except QuotaExceeded as refused:  # said on the page below, the message kept as typed
            over_quota = refused.quota
        except HeadsUpCapExceeded as refused:
            over_cap = refused.cap
        else:
            if form.action == "save":
                flash(_("Your message is saved."), "success")
                return redirect(step_url(draft, "heads_up") + "#send-it-yourself")
            if form.action == "send":  # saved: first a look at what goes to whom
                return redirect(flask_url_for("wizard.heads_up_check", draft_id=draft.id))
            if count:  # 0 after a double click: the first click did the work and said so
                flash(_contacted_message(form.action, count), "success")
            return redirect(next_url(draft))
    people = drafts.people_of(draft.data)
    waiting = [p for p in people if not p.contacted_at]
    (first, example_subject, example_body) = _messages(
        [(waiting or people)[0]], message, shown_default
    )[0]
    page = render_step(
        draft,
        "heads_up",
        form=form,
        people=people,
        waiting=waiting,
        heads_up=drafts.answers(draft.data, "heads_up"),
        unchanged=contact.is_unchanged(message["subject"], message["body"], shown_default),
        example=first,
        example_subject=example_subject,
        example_body=example_body,
        quota=over_quota or invitation_quota(current_user.account_id, utcnow()),
        cap=over_cap or contact.heads_up_cap(current_user.account_id, [p.email for p in waiting]),
    )
    return (page, 429) if over_quota or over_cap else page


@bp.route("/<id:draft_id>/heads-up/check", methods=["GET", "POST"])
@manager_required
@wizard_step("heads_up")
def heads_up_check(draft: WizardDraft):
    """Who gets what, before the heads-up goes: the first person's message, everyone it goes
    to, and Send or Change. Sending happens only from here."""
    shown_default = _default_message()
    message = contact.heads_up_message(draft.data, shown_default)
    waiting = [p for p in drafts.people_of(draft.data) if not p.contacted_at]
    if not waiting:
        return redirect(next_url(draft))
    form = EmptyForm()
    over_quota = over_cap = None
    if form.validate_on_submit():
        try:
            count = contact.answer_heads_up(
                draft,
                action="send",
                account=current_user.account,
                sender=current_user._get_current_object(),
                subject=message["subject"],
                body=message["body"],
                default_in=_default_message,
                shown_default=shown_default,
            )
        except QuotaExceeded as refused:
            over_quota = refused.quota
        except HeadsUpCapExceeded as refused:
            over_cap = refused.cap
        else:
            if count:  # 0 after a double click: the first click did the work and said so
                flash(_contacted_message("send", count), "success")
            return redirect(next_url(draft))
    (first, example_subject, example_body) = _messages(waiting[:1], message, shown_default)[0]
    page = render_step(
        draft,
        "heads_up",
        template="invite/heads_up_check.html",
        back_url=step_url(draft, "heads_up"),
        form=form,
        waiting=waiting,
        shown=waiting[:HEADS_UP_RECIPIENTS_SHOWN],
        example=first,
        example_subject=example_subject,
        example_body=example_body,
        unchanged=contact.is_unchanged(message["subject"], message["body"], shown_default),
        quota=over_quota or invitation_quota(current_user.account_id, utcnow()),
        cap=over_cap or contact.heads_up_cap(current_user.account_id, [p.email for p in waiting]),
    )
    return (page, 429) if over_quota or over_cap else page


@bp.route("/<id:draft_id>/heads-up.txt")
@manager_required
@wizard_step("heads_up")
def heads_up_download(draft: WizardDraft):
    shown_default = _default_message()
    message = contact.heads_up_message(draft.data, shown_default)
    people = drafts.people_of(draft.data)
    text = render_template(
        "invite/heads_up_messages.txt",
        messages=_messages(people, message, shown_default),
        count=len(people),
    )
    return Response(
        text,
        mimetype="text/plain",
        headers={"Content-Disposition": 'attachment; filename="heads-up-messages.txt"'},
    )


# --- step 3: licenses ----------------------------------------------------------------------


def too_few_licenses(seats) -> str:
    """Why Continue was refused, with the numbers: how many are free ("no licenses" rather
    than "only 0"), how many are asked for, and how many must become Basic."""
    if not seats.free_now:
        return ngettext(
            "You are inviting one person as Licensed, but no licenses are free. Make them "
            "Basic, or buy more licenses.",
            "You are inviting %(num)d people as Licensed, but no licenses are free. Make them "
            "Basic, or buy more licenses.",
            seats.batch,
        )
    return ngettext(
        "You are inviting %(licensed)d people as Licensed, but only %(num)d license is free. "
        "Make %(extra)d of them Basic, or buy more licenses.",
        "You are inviting %(licensed)d people as Licensed, but only %(num)d licenses are free. "
        "Make %(extra)d of them Basic, or buy more licenses.",
        seats.free_now,
        licensed=seats.batch,
        extra=seats.over_by,
    )


@bp.route("/<id:draft_id>/licenses", methods=["GET", "POST"])
@manager_required
@keeps_input_on_csrf_error
@wizard_step("licenses")
def licenses(draft: WizardDraft):
    form = LicensesForm()
    review = license_review(draft, current_user.account)
    if form.validate_on_submit():
        if confirm_licenses(draft, review.seats):
            return redirect(next_url(draft))
        form.confirm.errors = [too_few_licenses(review.seats)]
    pagination = drafts.paginate(len(review.people), requested_page())
    return render_step(
        draft,
        "licenses",
        form=form,
        review=review,
        pagination=pagination,
        rows=list(
            zip(
                review.people[pagination.start : pagination.end],
                review.impacts[pagination.start : pagination.end],
                strict=True,
            )
        ),
        page_url=lambda n: step_url(draft, "licenses", page=n) + "#people",
    )


@bp.route("/<id:draft_id>/licenses/user-type", methods=["POST"])
@manager_required
@wizard_step("licenses")
def change_user_type(draft: WizardDraft):
    form = UserTypeForm()
    if form.validate_on_submit() and set_user_type(draft, form.email, form.user_type):
        flash(
            _(
                "%(email)s will join as %(type)s.",
                email=form.email,
                type=_("Licensed") if form.user_type == "licensed" else _("Basic"),
            ),
            "success",
        )
    page = request.args.get("page", type=as_number)
    return redirect(step_url(draft, "licenses", page=page) + "#people")


@bp.route("/<id:draft_id>/licenses/make-basic", methods=["POST"])
@manager_required
@wizard_step("licenses")
def make_basic(draft: WizardDraft):
    form = MakeBasicForm()
    if form.validate_on_submit():
        changed = make_extra_people_basic(draft, current_user.account)
        flash(
            ngettext(
                "%(num)d person will now join as Basic.",
                "%(num)d people will now join as Basic.",
                changed,
            ),
            "success",
        )
    return redirect(step_url(draft, "licenses"))
