"""The development identity provider's pages (blueprint `dev_idp`, /dev/idp/): demo mode only.

Like the development mailbox: only in demo mode and only to a client on this machine
(loopback); a 404 otherwise. It lets a newcomer try the whole SSO journey from `make run`
by choosing one of the demo people. The same engine (`wizard.sso.dev_idp`) is the tests'
identity provider in its own process.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request

from ...common.access import demo_mode_and_this_machine_only
from .. import dev_idp

bp = Blueprint("dev_idp", __name__, url_prefix="/dev/idp")
demo_mode_and_this_machine_only(bp)


def _identity() -> dev_idp.IdpIdentity:
    return dev_idp.development_identity(current_app.instance_path, current_app.config["BASE_URL"])


def _pending() -> dev_idp.PendingRequest:
    source = request.args if request.method == "GET" else request.form
    try:
        return dev_idp.read_request(
            _identity(), source.get("SAMLRequest", ""), source.get("RelayState", "")
        )
    except Exception:  # not a request pysaml2 can read: nothing to answer
        abort(400)


@bp.route("/metadata")
def metadata() -> Response:
    return Response(dev_idp.idp_metadata_xml(_identity()), mimetype="application/samlmetadata+xml")


@bp.route("/sso")
def sign_in():
    pending = _pending()
    return render_template("sso/dev_idp/sign_in.html", pending=pending, people=dev_idp.DEMO_PEOPLE)


@bp.route("/sso", methods=["POST"])
def answer():
    # SAML's HTTP-POST binding: the answer is a page whose form carries the signed response to
    # the app's ACS, so this POST renders instead of redirecting.
    pending = _pending()
    chosen = next((p for p in dev_idp.DEMO_PEOPLE if p.email == request.form.get("email")), None)
    if chosen is None:
        abort(400)
    xml = dev_idp.response_xml(_identity(), pending, chosen)
    return render_template(
        "sso/dev_idp/post_back.html",
        pending=pending,
        person=chosen,
        saml_response=dev_idp.encoded(xml),
    )
