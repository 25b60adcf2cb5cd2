"""The SAML endpoints of single sign-on (blueprint `sso_saml`): begin, ACS and SP metadata.

pysaml2 proves the response (`wizard.sso.saml`); what it means for the person is decided in
`finish.finish_sign_in`. The ACS is exempt from CSRF because the provider posts it: it is
protected instead by the InResponseTo kept in this browser's session (each request ID is
used once), the signature, and the replay check on the assertion ID.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request, session

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
    # Whatever happens next, these requests are answered: none can be used again.
    session[OUTSTANDING] = {
        rid: s for rid, s in session.get(OUTSTANDING, {}).items() if s != provider.slug
    }
    try:
        received = saml.finish(
            provider.idp_metadata_xml,
            endpoints.sp_entity_id(provider),
            endpoints.acs_url(provider),
            request.form.get("SAMLResponse", ""),
            mine,
        )
    except SsoRefused as error:
        return refuse(provider, error, "saml")
    return finish_sign_in(provider, received, "saml")


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
