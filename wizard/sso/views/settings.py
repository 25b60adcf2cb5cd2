"""The single sign-on page for owners and admins: one identity provider per business."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...common.access import keeps_input_on_csrf_error, manager_required
from ...common.forms import EmptyForm
from ...common.layout import with_link
from .. import configuration as svc
from ..advice import NOT_INSTALLED, test_failure_advice
from ..configuration import SettingsInput, SettingsProblem, Switch
from ..endpoints import sp_values
from ..forms import SettingsForm
from ..testing import record_test_failure, start_test
from .blueprint import bp
from .finish import TEST_FLAG
from .pages import begin_url


def _problem_message(problem: SettingsProblem) -> str:
    if problem.message:
        return problem.message
    return {
        "no_metadata": _("Paste your identity provider's metadata XML, upload its file, or "
                         "give its metadata URL"),
        "no_issuer": _("Enter the issuer URL of your identity provider"),
        "no_client_id": _("Enter the client ID your identity provider gave you"),
        "no_client_secret": _("Enter the client secret your identity provider gave you"),
    }[problem.code]


def _page(form: SettingsForm):
    provider = svc.settings_for(current_user.account)
    return render_template(
        "sso/settings.html",
        form=form,
        provider=provider,
        sp=sp_values(provider),
        test_failure_advice=test_failure_advice,
        has_domain=svc.has_verified_domain(current_user.account_id),
        switch_form=EmptyForm(),
        can_test=provider.id is not None and provider.is_configured,
    )


@bp.route("/users/single-sign-on", methods=["GET", "POST"])
@manager_required
@keeps_input_on_csrf_error
def settings():
    provider = svc.settings_for(current_user.account)
    form = SettingsForm(obj=provider if request.method == "GET" else None)
    if form.validate_on_submit():
        values = SettingsInput(
            protocol=form.protocol.data,
            provisioning=form.provisioning.data,
            metadata_xml=form.metadata_text(),
            metadata_url=form.metadata_url.data or "",
            issuer=form.issuer.data or "",
            client_id=form.client_id.data or "",
            client_secret=form.client_secret.data or "",
            mapping={name: getattr(form, name).data or "" for name in svc.MAPPING_FIELDS},
        )
        try:
            svc.save_settings(current_user.account_id, current_user.id, values)
        except SettingsProblem as problem:
            getattr(form, problem.field).errors.append(_problem_message(problem))
        else:
            flash(_("Your single sign-on settings are saved."), "success")
            return redirect(url_for(".settings"))
    return _page(form)


@bp.route("/users/single-sign-on/switch", methods=["POST"])
@manager_required
def switch():
    form = EmptyForm()
    if form.validate_on_submit():
        result = svc.switch(current_user.account_id, current_user.id,
                            on=request.form.get("on") == "1")
        flash(*{
            Switch.ON: (_("Single sign-on is on. People on your verified domains can sign in "
                          "with it now."), "success"),
            Switch.OFF: (_("Single sign-on is off. Nobody can sign in with it until you turn "
                           "it on again."), "success"),
            Switch.NO_DOMAIN: (with_link(_("Verify a domain first: only addresses on your "
                                           "verified domains can sign in with single sign-on."),
                                         _("Go to your domains"), url_for("domains.index")),
                               "error"),
            Switch.NOT_SET_UP: (_("Save the settings of your identity provider first."),
                                "error"),
        }[result])
    return redirect(url_for(".settings"))


@bp.route("/users/single-sign-on/test", methods=["POST"])
@manager_required
def test_connection():
    form = EmptyForm()
    provider = svc.settings_for(current_user.account)
    if not form.validate_on_submit() or provider.id is None or not provider.is_configured:
        flash(_("Save the settings of your identity provider first."), "error")
        return redirect(url_for(".settings"))
    target = begin_url(provider)
    if target is None:  # this installation lacks the protocol's part: say so on the page
        record_test_failure(provider, NOT_INSTALLED)
        return redirect(url_for(".settings", _anchor="test-result"))
    start_test(provider)
    session[TEST_FLAG] = provider.id
    return redirect(target)
