"""A real SAML identity provider in its own process, for the tests: pysaml2's Server, its own key.

Run as `python -m tests.sso.saml_idp PORT FOLDER`: it makes its key pair with openssl in FOLDER
and serves, on 127.0.0.1:PORT,
- GET  /metadata  the IdP metadata (entity ID, sign-in URL, signing certificate);
- GET  /sso       the HTTP-Redirect sign-in: a form asking who signs in;
- POST /sso       the answer: a page whose form posts the signed SAMLResponse to the SP's ACS.
The app's development IdP runs the same engine (`wizard.sso.dev_idp`). A `scenario` field
makes it sign a response that is wrong in one way a misbehaving or hostile provider could
produce (expired, another audience...), so the app's refusals are tested against real
signatures; what an attacker does to a response after signing is done by the tests themselves.

The `saml_idp` fixture starts it and stops it by its pid.
"""

from __future__ import annotations

import html
import re
import socket
import subprocess  # nosec B404: starts the IdP process the tests talk to
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

IDP_ENTITY_ID_PATH = "/metadata"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------- the process


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _scenarios() -> dict[str, Callable]:
    """Edits made to a response BEFORE the identity provider signs it."""
    now = datetime.now(UTC)
    evil = "https://evil.example/sso/acs"

    def confirmations(response):
        for assertion in response.assertion:
            for confirmation in assertion.subject.subject_confirmation:
                yield confirmation.subject_confirmation_data

    def expired(response):
        past = _stamp(now - timedelta(minutes=20))
        for assertion in response.assertion:
            assertion.conditions.not_before = _stamp(now - timedelta(minutes=25))
            assertion.conditions.not_on_or_after = past
        for data in confirmations(response):
            data.not_on_or_after = past

    def not_yet_valid(response):
        for assertion in response.assertion:
            assertion.conditions.not_before = _stamp(now + timedelta(minutes=20))
            assertion.conditions.not_on_or_after = _stamp(now + timedelta(minutes=30))

    def wrong_audience(response):
        for assertion in response.assertion:
            assertion.conditions.audience_restriction[0].audience[
                0
            ].text = "https://evil.example/sp"

    def wrong_recipient(response):
        for data in confirmations(response):
            data.recipient = evil

    def wrong_destination(response):
        response.destination = evil

    def other_request(response):
        response.in_response_to = "id-never-issued-by-the-app"
        for data in confirmations(response):
            data.in_response_to = "id-never-issued-by-the-app"

    return {
        f.__name__: f
        for f in (
            expired,
            not_yet_valid,
            wrong_audience,
            wrong_recipient,
            wrong_destination,
            other_request,
        )
    }


# Signed as a provider still set to SHA-1 signs: the signature, the digests, or both.
_SHA1_SIGNATURE = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
_SHA1_DIGEST = "http://www.w3.org/2000/09/xmldsig#sha1"
SHA1 = {
    "sha1": {"sign_alg": _SHA1_SIGNATURE, "digest_alg": _SHA1_DIGEST},
    "sha1_signature": {"sign_alg": _SHA1_SIGNATURE},
    "sha1_digest": {"digest_alg": _SHA1_DIGEST},
}


def _signed_after(
    identity, request, person, edit: Callable, *, sign_alg: str = "", digest_alg: str = ""
) -> str:
    """A response edited by `edit`, then signed (response and assertion) with the IdP's key,
    with SHA-256 unless other algorithms are named (as an old provider still signs: SHA-1)."""
    from saml2 import class_name
    from saml2.samlp import response_from_string
    from saml2.server import Server
    from saml2.sigver import pre_signature_part, signed_instance_factory
    from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

    from wizard.sso import dev_idp

    xml = dev_idp.response_xml(identity, request, person, sign_response=False, sign_assertion=False)
    response = response_from_string(xml)
    edit(response)
    server = Server(config=dev_idp._config(identity))
    assertion = response.assertion[0]
    for element, position in ((assertion, 2), (response, 1)):
        element.signature = pre_signature_part(
            element.id,
            server.sec.my_cert,
            position,
            sign_alg=sign_alg or SIG_RSA_SHA256,
            digest_alg=digest_alg or DIGEST_SHA256,
        )
    to_sign = [(class_name(assertion), assertion.id), (class_name(response), response.id)]
    return str(signed_instance_factory(response, server.sec, to_sign))


_LOGIN = """<!doctype html><title>Test IdP</title><form method="post" action="/sso">
<input type="hidden" name="SAMLRequest" value="{request}">
<input type="hidden" name="RelayState" value="{relay}">
<input name="email"><input name="first_name"><input name="last_name">
<input name="scenario" value=""><button>Sign in</button></form>"""

_POST_BACK = """<!doctype html><title>Test IdP</title><form method="post" action="{acs}">
<input type="hidden" name="SAMLResponse" value="{response}">
<input type="hidden" name="RelayState" value="{relay}"><button>Continue</button></form>"""


def key_pair(folder: Path, name: str) -> tuple[Path, Path]:
    """A new RSA key and its self-signed certificate, made by openssl: (NAME.key, NAME.crt)."""
    key, cert = folder / f"{name}.key", folder / f"{name}.crt"
    subprocess.run(  # nosec B603 B607: a fixed command line with our own file names
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30"]
        + ["-subj", f"/CN={name}", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return key, cert


def serve(port: int, folder: Path) -> None:
    """The identity provider's WSGI app on 127.0.0.1:port, until killed."""
    from werkzeug.serving import make_server
    from werkzeug.wrappers import Request, Response

    from wizard.sso import dev_idp

    key, cert = key_pair(folder, "idp")
    base = f"http://127.0.0.1:{port}"
    identity = dev_idp.IdpIdentity(base + IDP_ENTITY_ID_PATH, base + "/sso", str(key), str(cert))
    metadata = dev_idp.idp_metadata_xml(identity)

    @Request.application
    def app(request: Request) -> Response:
        if request.path == "/metadata":
            return Response(metadata, mimetype="application/samlmetadata+xml")
        if request.path != "/sso":
            return Response("not found", status=404)
        source = request.args if request.method == "GET" else request.form
        relay = source.get("RelayState", "")
        if request.method == "GET":
            page = _LOGIN.format(
                request=html.escape(source["SAMLRequest"]), relay=html.escape(relay)
            )
            return Response(page, mimetype="text/html")
        pending = dev_idp.read_request(identity, source["SAMLRequest"], relay)
        person = dev_idp.Person(
            source["email"], source.get("first_name", ""), source.get("last_name", "")
        )
        scenario = source.get("scenario", "")
        if scenario == "unsigned":
            xml = dev_idp.response_xml(
                identity, pending, person, sign_response=False, sign_assertion=False
            )
        elif scenario in ("assertion_only", "response_only"):
            xml = dev_idp.response_xml(
                identity,
                pending,
                person,
                sign_response=scenario == "response_only",
                sign_assertion=scenario == "assertion_only",
            )
        elif scenario in SHA1:
            xml = _signed_after(identity, pending, person, lambda response: None, **SHA1[scenario])
        elif scenario:
            xml = _signed_after(identity, pending, person, _scenarios()[scenario])
        else:
            xml = dev_idp.response_xml(identity, pending, person)
        page = _POST_BACK.format(
            acs=html.escape(pending.acs_url),
            response=dev_idp.encoded(xml),
            relay=html.escape(relay),
        )
        return Response(page, mimetype="text/html")

    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


# ---------------------------------------------------------------- the fixture


@dataclass(frozen=True)
class SamlIdp:
    """The running identity provider, as the tests see it."""

    base_url: str

    @property
    def metadata_url(self) -> str:
        return self.base_url + "/metadata"

    @property
    def entity_id(self) -> str:
        return self.base_url + IDP_ENTITY_ID_PATH

    def metadata(self) -> str:
        return requests.get(self.metadata_url, timeout=10).text

    def sign_in(
        self,
        redirect_url: str,
        email: str,
        *,
        first_name: str = "Ana",
        last_name: str = "Pro",
        scenario: str = "",
    ) -> tuple[str, str, str]:
        """Follow the app's redirect to the IdP and sign in: (ACS URL, SAMLResponse, RelayState)."""
        login = requests.get(redirect_url, timeout=10)
        login.raise_for_status()
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', login.text))
        answer = requests.post(
            self.base_url + "/sso",
            data={
                **{k: html.unescape(v) for k, v in fields.items()},
                "email": email,
                "first_name": first_name,
                "last_name": last_name,
                "scenario": scenario,
            },
            timeout=30,
        )
        answer.raise_for_status()
        acs = html.unescape(re.search(r'action="([^"]+)"', answer.text).group(1))
        posted = {
            k: html.unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', answer.text)
        }
        return acs, posted["SAMLResponse"], posted["RelayState"]


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory) -> Iterator[SamlIdp]:
    """The test identity provider in its own process, on its own port, with its own key."""
    port = _free_port()
    folder = tmp_path_factory.mktemp("saml-idp")
    root = Path(__file__).resolve().parents[2]
    with (folder / "idp.log").open("w") as log:
        process = subprocess.Popen(  # nosec B603: our own interpreter and module
            [sys.executable, "-m", "tests.sso.saml_idp", str(port), str(folder)],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    idp = SamlIdp(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(idp.metadata_url, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "the test SAML IdP did not start: " + (folder / "idp.log").read_text()[-2000:]
                )
            time.sleep(0.1)
        yield idp
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    serve(int(sys.argv[1]), Path(sys.argv[2]))
