"""The invitee's side: the emailed link, signing in as the invited address, refund details.

A GET never accepts or declines anything: mail scanners open every link. Only a GET by the
invitee, signed in, records that they opened it (and what blocked them) for the owner.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..accounts.address import AddressProblem, request_address_change
from ..accounts.billing import add_ons_cancel_url, balance_payment_url, support
from ..common.access import keeps_input_on_csrf_error
from ..common.forms import EmptyForm
from ..common.layout import money
from ..common.security import start_session
from ..domains.verification import verified_domain_names
from ..models.types import utcnow
from . import acceptance as svc
from .acceptance import Outcome
from .forms import ChangeAddressForm, CreateAccountForm, DeclineForm, RefundForm
from .joining import missed_license, user_type_on_joining
from .link import InvitationPage, LinkState, invitation_page, owner_of

bp = Blueprint("invite", __name__, url_prefix="/invitation")

# One template per way a link can be closed; unknown links get the expired page, same status.
CLOSED_PAGES = {
    LinkState.EXPIRED: ("accept/expired.html", 410),
    LinkState.UNKNOWN: ("accept/expired.html", 410),
    LinkState.REVOKED: ("accept/revoked.html", 410),
    LinkState.ACCEPTED: ("accept/accepted.html", 200),
    LinkState.DECLINED: ("accept/declined.html", 200),
}


@bp.after_request
def keep_the_link_private(response):
    # The token is in the address: never send it onwards, never keep the page in a cache.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _viewer_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _context(page: InvitationPage, token: str) -> dict:
    link = page.link
    owes = page.subscription is not None and page.subscription.outstanding_balance > 0
    has_add_ons = page.subscription is not None and page.subscription.add_ons > 0
    here = url_for(".show", token=token)
    # What they would join as if they accepted now (read without the lock: only for words;
    # acceptance checks again under it). A Licensed invitation with no license free is Basic.
    joins_as = (
        user_type_on_joining(link.invitation, link.business)
        if link.state == LinkState.OK
        else None
    )
    no_free_license = joins_as is not None and missed_license(link.invitation, joins_as)
    return {
        # Paying (or cancelling) comes back here, where "Try again" is.
        "pay_url": balance_payment_url(page.subscription, here) if owes else None,
        "add_ons_url": add_ons_cancel_url(page.subscription, here) if has_add_ons else None,
        "support": support(),
        "joins_as": joins_as,
        "no_free_license": no_free_license,
        # Whom an invitee who cannot pay here, or who needs a license, writes to.
        "business_owner": (
            owner_of(link.business.id) if page.blockers or no_free_license else None
        ),
        "page": page,
        "link": link,
        "invitation": link.invitation,
        "business": link.business,
        "inviter": link.inviter,
        "token": token,
    }


def _render(page: InvitationPage, token: str, form=None):
    """The page for a link in any state, for whoever is looking."""
    link = page.link
    context = _context(page, token)
    if link.state != LinkState.OK:
        template, status = CLOSED_PAGES[link.state]
        return render_template(template, **context), status
    if page.viewer is not None and not page.is_invitee:
        return render_template("accept/wrong_account.html", **context), 403
    if page.blockers:
        return render_template(f"accept/blocked_{page.blockers[0]}.html", **context)
    if page.viewer is None and not page.has_account and form is None:
        form = CreateAccountForm()
    return render_template("accept/show.html", form=form, **context)


def _page(token: str) -> InvitationPage:
    return invitation_page(token, _viewer_id(), utcnow())


@bp.route("/<token>")
def show(token: str):
    page = _page(token)
    response = _render(page, token)  # first: recording commits, which expires the objects
    if page.is_invitee and page.link.state == LinkState.OK:
        svc.record_seen(page.link.invitation.id, page.blockers, utcnow())
    return response


@bp.route("/<token>/create-account", methods=["POST"])
@keeps_input_on_csrf_error
def create_account(token: str):
    page = _page(token)
    form = CreateAccountForm()
    if page.link.invitation is not None:
        form.account_email = page.link.invitation.email
    if current_user.is_authenticated or not form.validate_on_submit():
        return _render(page, token, form=form)
    result = svc.accept_with_new_account(
        token,
        name=form.name.data,
        password=form.password.data,
        locale=str(get_locale() or "en"),
        now=utcnow(),
    )
    if result.outcome == Outcome.DONE:
        start_session()
        login_user(result.user)
        flash(_("Your account is ready and you are now in %(business)s.",
                business=result.link.business.name), "success")
    elif result.outcome == Outcome.HAS_ACCOUNT and result.link.state == LinkState.OK:
        flash(_("There is already an account for this address. Sign in to continue."), "info")
    return redirect(url_for(".show", token=token))


@bp.route("/<token>/refund", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def refund(token: str):
    page = _page(token)
    if not page.is_invitee or page.blockers or not page.is_paid:
        return redirect(url_for(".show", token=token))
    quote = page.quote
    amount = money(quote.amount, quote.currency)
    form = RefundForm(
        receipt_email=page.viewer.email,
        refund_label=_("Refund %(amount)s to %(card)s", amount=amount,
                       card=quote.payment_method_label),
        credit_label=_("Transfer %(amount)s as credit to %(business)s", amount=amount,
                       business=page.link.business.name),
        business=page.link.business.name,
    )
    if form.validate_on_submit():
        result = svc.accept_invitation(
            token,
            page.viewer.id,
            method=form.method.data,
            receipt_email=form.receipt_email.data,
            now=utcnow(),
        )
        _flash_accepted(result)
        return redirect(url_for(".show", token=token))
    return render_template("accept/refund.html", form=form, quote=quote, **_context(page, token))


@bp.route("/<token>/accept", methods=["POST"])
def accept(token: str):
    form = EmptyForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        result = svc.accept_invitation(token, current_user.id, now=utcnow())
        if result.outcome == Outcome.NEEDS_REFUND_DETAILS:
            return redirect(url_for(".refund", token=token))
        _flash_accepted(result)
    return redirect(url_for(".show", token=token))


def _flash_accepted(result: svc.Result) -> None:
    if result.outcome == Outcome.DONE:
        flash(_("You are now a member of %(business)s.", business=result.link.business.name),
              "success")


@bp.route("/<token>/decline", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def decline(token: str):
    page = _page(token)
    if page.link.state != LinkState.OK or (page.viewer is not None and not page.is_invitee):
        return _render(page, token)
    form = DeclineForm()
    if form.validate_on_submit():
        result = svc.decline_invitation(
            token, _viewer_id(), message=form.message.data or "", now=utcnow()
        )
        if result.outcome == Outcome.DONE:
            flash(_("You declined the invitation. %(name)s has been told.",
                    name=result.link.inviter.display_name), "success")
        return redirect(url_for(".show", token=token))
    return render_template("accept/decline.html", form=form, **_context(page, token))


@bp.route("/<token>/change-address", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def change_address(token: str):
    """Instead of joining: give one's own account another address (confirmed from it)."""
    page = _page(token)
    if not page.is_invitee:
        return redirect(url_for(".show", token=token))
    form = ChangeAddressForm()
    if form.validate_on_submit():
        problem = request_address_change(
            page.viewer.id, form.new_email.data, invitation_id=page.link.invitation.id,
            now=utcnow(),
        )
        if problem is None:
            flash(_("We have sent a link to %(email)s. Open it to confirm the new address; "
                    "until then, nothing changes.", email=form.new_email.data.lower()),
                  "success")
            return redirect(url_for(".show", token=token))
        form.new_email.errors.append(
            _("There is already an account for this address. Choose another one.")
            if problem == AddressProblem.TAKEN
            else _("This is the address your account has now. Choose another one.")
        )
    # "an address of Acme Corp" only when its domain is one of the business's verified domains.
    host = page.viewer.email.rpartition("@")[2].lower()
    of_business = host in verified_domain_names(page.link.business.id)
    return render_template("accept/change_address.html", form=form, of_business=of_business,
                           **_context(page, token))


@bp.route("/<token>/ask-again", methods=["POST"])
def ask_again(token: str):
    form = EmptyForm()
    if form.validate_on_submit():
        result = svc.request_resend(token, now=utcnow())
        if result.outcome in (Outcome.DONE, Outcome.ALREADY_REQUESTED):
            flash(_("We have asked %(name)s to send you a new invitation. The new link will "
                    "come by email.", name=result.link.inviter.display_name), "success")
    return redirect(url_for(".show", token=token))


@bp.route("/<token>/sign-out", methods=["POST"])
def sign_out(token: str):
    form = EmptyForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        svc.end_sessions(current_user.id)
        logout_user()
        flash(_("You are signed out. Sign in with the invited address to continue."), "info")
    return redirect(url_for(".show", token=token))
