"""Domains: verify the company's domains, find the people on them, hand them to the wizard."""

from babel.lists import format_list
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.billing import support
from ..common.access import keeps_input_on_csrf_error, manager_required
from ..common.forms import EmptyForm
from ..common.ids import as_number
from ..common.layout import with_link
from ..common.paging import Page, clamp_page
from ..common.scoping import get_scoped_or_404
from ..invite.drafts import STEPS
from ..manage.seats import seat_count
from ..models import UserType, VerifiedDomain
from .discovery import HandOver, discover_people, hand_over_to_wizard
from .forms import AddDomainForm, InvitePeopleForm, refusal_message
from .verification import (
    DnsSettings,
    DomainProblem,
    DomainRefused,
    Outcome,
    VerificationResult,
    account_domains,
    add_domain,
    display_domain,
    remove_domain,
    verify_domain,
)

bp = Blueprint("domains", __name__, url_prefix="/users/domains")

# Rows of the discovery list per page; "Continue with everyone" covers every page.
PEOPLE_PER_PAGE = 100


def _domain_list(ascii_domains) -> str:
    """ "acme.example and beta.example", in the reader's language."""
    return format_list([display_domain(d) for d in ascii_domains], locale=str(get_locale()))


@bp.context_processor
def domain_helpers():
    return {"domain_name": display_domain, "domain_list": _domain_list}


def _dns_settings() -> DnsSettings:
    config = current_app.config
    return DnsSettings.from_config(config.get("DNS_RESOLVER"), config.get("DNS_TIMEOUT"))


def _with_support(message: str) -> str:
    """The message with a link to the support team, when one is configured."""
    ways = support()
    if ways.url:
        return with_link(message, ways.url, ways.url)
    if ways.email:
        return with_link(message, ways.email, f"mailto:{ways.email}")
    return message


def _verification_message(domain: VerifiedDomain, result: VerificationResult) -> tuple[str, str]:
    """(message, flash category) for the outcome of a check."""
    name, code = display_domain(domain.domain), domain.verification_code
    if result.outcome == Outcome.VERIFIED:
        return _(
            "%(domain)s is verified. You can now find the people on it who have their own "
            "accounts.",
            domain=name,
        ), "success"
    if result.outcome == Outcome.ALREADY_VERIFIED:
        return _("%(domain)s is already verified.", domain=name), "info"
    if result.outcome == Outcome.NOT_FOUND:
        return _(
            "%(domain)s is not verified yet: we did not find its TXT record. Add a TXT record "
            "with the value %(code)s at your DNS provider. DNS changes can take up to 48 hours "
            "to show everywhere, so if you have just added it, check again later.",
            domain=name,
            code=code,
        ), "warning"
    if result.outcome == Outcome.WRONG_VALUE:
        return _(
            "%(domain)s is not verified yet: its TXT record has the value %(found)s, but it "
            "needs to be %(code)s. Copy the value below exactly. DNS changes can take up to 48 "
            "hours to show everywhere.",
            domain=name,
            found=", ".join(result.other_codes),
            code=code,
        ), "warning"
    if result.outcome == Outcome.TAKEN:
        return _with_support(_(
            "%(domain)s is already verified by another business account, so it cannot be "
            "verified here. If your company owns this domain, contact our support team.",
            domain=name,
        )), "error"
    return _(
        "We could not reach DNS to check %(domain)s, so nothing has changed. Try again later.",
        domain=name,
    ), "error"


@bp.route("/", methods=["GET", "POST"])
@keeps_input_on_csrf_error
@manager_required
def index():
    form = AddDomainForm()
    taken = False  # "contact our support team": the page names how
    if form.validate_on_submit():
        try:
            domain = add_domain(current_user.account_id, form.domain.data, actor_id=current_user.id)
        except DomainRefused as refusal:
            form.domain.errors.append(refusal_message(refusal))
            taken = refusal.problem == DomainProblem.TAKEN
        else:
            flash(
                _(
                    "%(domain)s is added. Add its TXT record at your DNS provider, then check it.",
                    domain=display_domain(domain.domain),
                ),
                "success",
            )
            return redirect(url_for(".index", _anchor=f"domain-{domain.id}"))
    return render_template(
        "domains/index.html", form=form, domains=account_domains(current_user.account_id),
        support=support() if taken else None,
    )


@bp.route("/<id:domain_id>/check", methods=["POST"])
@manager_required
def check(domain_id: int):
    domain = get_scoped_or_404(VerifiedDomain, domain_id)
    if EmptyForm().validate_on_submit():
        result = verify_domain(domain, _dns_settings(), actor_id=current_user.id)
        flash(*_verification_message(domain, result))
    return redirect(url_for(".index", _anchor=f"domain-{domain_id}"))


@bp.route("/<id:domain_id>/remove", methods=["GET", "POST"])
@keeps_input_on_csrf_error
@manager_required
def remove(domain_id: int):
    domain = get_scoped_or_404(VerifiedDomain, domain_id)
    form = EmptyForm()
    if form.validate_on_submit():
        name = remove_domain(domain, actor_id=current_user.id)
        flash(_("%(domain)s is removed.", domain=display_domain(name)), "success")
        return redirect(url_for(".index"))
    return render_template("domains/remove.html", form=form, domain=domain)


def _wizard_step_url(draft_id: int, step_name: str) -> str:
    step = next(step for step in STEPS if step.name == step_name)
    return url_for(step.endpoint, draft_id=draft_id)


def _hand_over_message(handed: HandOver) -> str:
    if handed.next_step == "people":
        return _("The people you chose are added. Some entries need your attention first.")
    if handed.added and handed.already_there:
        return ngettext(
            "%(num)d person is added to your list of people to invite. The others were on it "
            "already.",
            "%(num)d people are added to your list of people to invite. The others were on it "
            "already.",
            handed.added,
        )
    if handed.added:
        return ngettext(
            "%(num)d person is added to your list of people to invite.",
            "%(num)d people are added to your list of people to invite.",
            handed.added,
        )
    return _("Everyone you chose is on your list of people to invite already.")


@bp.route("/people", methods=["GET", "POST"])
@keeps_input_on_csrf_error
@manager_required
def people():
    form = InvitePeopleForm()
    if form.validate_on_submit():
        handed = hand_over_to_wizard(
            current_user.account_id,
            current_user.id,
            own_email=current_user.email,
            emails=form.people.data or [],
            everyone=bool(form.everyone.data),
            user_type=UserType(form.user_type.data),
            max_people=current_app.config["MAX_BATCH_SIZE"],
        )
        if handed.next_step:
            flash(_hand_over_message(handed), "success")
            return redirect(_wizard_step_url(handed.draft_id, handed.next_step))
        if handed.error == "too_many":
            form.people.errors.append(
                _(
                    "With the people already on your list that makes %(count)s, more "
                    "than the %(limit)s one invitation can take. Choose fewer people.",
                    count=format_decimal(handed.count),
                    limit=format_decimal(current_app.config["MAX_BATCH_SIZE"]),
                )
            )
        else:
            form.people.errors.append(
                _(
                    "Everyone you selected has been invited since this page was opened. "
                    "Choose again."
                )
            )
    discovery = discover_people(current_user.account_id)
    total = len(discovery.people)
    number = clamp_page(request.args.get("page", type=as_number), total, PEOPLE_PER_PAGE)
    start = (number - 1) * PEOPLE_PER_PAGE
    return render_template(
        "domains/people.html",
        form=form,
        discovery=discovery,
        page=Page(
            discovery.people[start : start + PEOPLE_PER_PAGE], number, PEOPLE_PER_PAGE, total
        ),
        seats=seat_count(current_user.account),
    )
