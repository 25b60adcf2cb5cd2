"""The SAML endpoints of single sign-on (blueprint `sso_saml`): begin, ACS and SP metadata.

pysaml2 proves the response (`wizard.sso.saml`); what it means for the person is decided in
`finish.finish_sign_in`. The ACS is exempt from CSRF because the provider posts it: it is
protected instead by the InResponseTo kept in this browser's session (each request ID is
used once), the signature, and the replay check on the assertion ID.

A real identity provider is on another site, and the session cookie is SameSite=Lax: its
cross-site POST to the ACS arrives without the cookie, so without the request IDs. The ACS
then answers with a page on our own site that posts the same response again (`continue.html`,
by script or its Continue button); that second POST is same-site, carries the cookie, and is
judged as usual. If it still finds no outstanding request, the answer is refused
(unknown_request): the response stays bound to the browser that started the sign-in, so
login CSRF is no easier than before. The page leaves the session untouched, so the browser's
real session cookie (not sent, but still there) is not replaced.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from ...extensions import csrf
from ...models import IdentityProvider
from .. import endpoints, saml
from ..protocol import SsoRefused, SsoSetupError
from ..providers import provider_for_slug
from .finish import TEST_FLAG, finish_sign_in, refuse

bp = Blueprint("sso_saml", __name__)

# Request IDs this browser was given, by ID → the business's slug. A few at most: a person
# who starts again in another tab must not invalidate the first tab's round trip.
OUTSTANDING = "saml_outstanding"
KEEP = 5
# The field the same-site second POST carries, so it is judged instead of posted again.
AGAIN = "same_site"


def _provider(slug: str) -> IdentityProvider:
    provider = provider_for_slug(slug)
    if provider is None or provider.protocol != "saml" or not provider.idp_metadata_xml:
        abort(404)
    if not provider.enabled and session.get(TEST_FLAG) != provider.id:
        abort(404)
    return provider


@bp.route("/sso/<slug>/saml/login")
def begin(slug: str) -> Response:
    provider = _provider(slug)
    try:
        url, request_id = saml.begin(
            provider.idp_metadata_xml,
            endpoints.sp_entity_id(provider),
            endpoints.acs_url(provider),
            relay_state=provider.slug,
        )
    except SsoSetupError as error:
        return refuse(provider, SsoRefused("provider_error", error.message), "saml")
    outstanding = dict(list(session.get(OUTSTANDING, {}).items())[-(KEEP - 1) :])
    outstanding[request_id] = provider.slug
    session[OUTSTANDING] = outstanding
    return redirect(url)


@bp.route("/sso/<slug>/saml/acs", methods=["POST"])
@csrf.exempt
def acs(slug: str) -> Response:
    provider = _provider(slug)
    mine = {rid: s for rid, s in session.get(OUTSTANDING, {}).items() if s == provider.slug}
    saml_response = request.form.get("SAMLResponse", "")
    if not mine and saml_response and not request.form.get(AGAIN):
        return _post_again(provider, saml_response)
    # Whatever happens next, these requests are answered: none can be used again.
    session[OUTSTANDING] = {
        rid: s for rid, s in session.get(OUTSTANDING, {}).items() if s != provider.slug
    }
    try:
        received = saml.finish(
            provider.idp_metadata_xml,
            endpoints.sp_entity_id(provider),
            endpoints.acs_url(provider),
            saml_response,
            mine,
        )
    except SsoRefused as error:
        return refuse(provider, error, "saml")
    return finish_sign_in(provider, received, "saml")


def _post_again(provider: IdentityProvider, saml_response: str) -> Response:
    """The page that posts the response again from our own site, so the session cookie comes.

    It must not touch the session: a new session cookie would replace the one the browser
    holds (with the outstanding request), so the second POST would fail too."""
    page = render_template(
        "sso/continue.html",
        action=url_for("sso_saml.acs", slug=provider.slug),
        saml_response=saml_response,
        relay_state=request.form.get("RelayState", ""),
        again=AGAIN,
        business=provider.account,
    )
    return Response(
        page,
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@bp.route("/sso/<slug>/saml/metadata.xml")
def metadata(slug: str) -> Response:
    provider = provider_for_slug(slug)
    if provider is None or provider.protocol != "saml":
        abort(404)
    xml = saml.sp_metadata_xml(endpoints.sp_entity_id(provider), endpoints.acs_url(provider))
    return Response(
        xml,
        mimetype="application/samlmetadata+xml",
        headers={"Content-Disposition": f'attachment; filename="{provider.slug}-sp-metadata.xml"'},
    )
