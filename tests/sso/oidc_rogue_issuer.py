"""A small misbehaving OpenID Connect issuer, run in its own process by tests/sso/oidc_fixtures.py.

A certified provider never sends an unsigned token, one signed by a key it does not publish, an
expired one, or one for another issuer or audience; this one does, on purpose, so the tests can
show that each is refused. Each way of misbehaving is an issuer of its own, named by the first
part of its path (`http://127.0.0.1:PORT/alg-none`), with discovery, keys, an authorization
endpoint that signs in at once, a token endpoint (PKCE checked) and userinfo. `honest` behaves,
so the tests can show the rest of the flow works and each refusal is for its one reason.

Usage: python tests/sso/oidc_rogue_issuer.py PORT
"""

import base64
import hashlib
import json
import sys
import time
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

MODES = (
    "honest",
    "wrong-issuer",
    "wrong-audience",
    "audiences-without-this-client",
    "wrong-nonce",
    "alg-none",
    "expired",
    "not-yet-valid",
    "unknown-key",
    "names-another",  # its discovery document names another issuer
)
PERSON = {
    "sub": "rogue-1",
    "email": "ada.lovelace@acme.example",
    "email_verified": True,
    "given_name": "Ada",
    "family_name": "Lovelace",
}
PUBLISHED = RSAKey.generate_key(2048, parameters={"kid": "published", "use": "sig"})
UNPUBLISHED = RSAKey.generate_key(2048, parameters={"kid": "not-published", "use": "sig"})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def id_token(mode: str, issuer: str, client_id: str, nonce: str) -> str:
    now = int(time.time())
    claims = {
        **PERSON,
        "iss": issuer,
        "aud": client_id,
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
    }
    if mode == "wrong-issuer":
        claims["iss"] = "http://issuer.attacker.example"
    elif mode == "wrong-audience":
        claims["aud"] = "another-client"
    elif mode == "audiences-without-this-client":  # names this client only as the party
        claims.update(aud=["another-client", "a-third-client"], azp=client_id)
    elif mode == "wrong-nonce":
        claims["nonce"] = "a-nonce-from-another-sign-in"
    elif mode == "expired":
        claims.update(iat=now - 7200, exp=now - 3600)
    elif mode == "not-yet-valid":
        claims.update(iat=now + 3600, exp=now + 7200)
    if mode == "alg-none":
        header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        return f"{header}.{b64(json.dumps(claims).encode())}."
    key = UNPUBLISHED if mode == "unknown-key" else PUBLISHED
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def app(environ, start_response):
    request = Request(environ)
    mode, _sep, endpoint = request.path.strip("/").partition("/")
    if mode not in MODES:
        return Response("no such issuer", 404)(environ, start_response)
    issuer = f"{request.host_url}{mode}"
    if endpoint == ".well-known/openid-configuration":
        response = json_response(
            {
                "issuer": "https://another-issuer.example" if mode == "names-another" else issuer,
                "authorization_endpoint": f"{issuer}/authorize",
                "token_endpoint": f"{issuer}/token",
                "userinfo_endpoint": f"{issuer}/userinfo",
                "jwks_uri": f"{issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            }
        )
    elif endpoint == "jwks":
        response = json_response(KeySet([PUBLISHED]).as_dict(private=False))
    elif endpoint == "authorize":
        args = request.args
        code = b64(
            json.dumps(
                {
                    key: args.get(key, "")
                    for key in ("client_id", "nonce", "code_challenge", "redirect_uri")
                }
            ).encode()
        )
        query = urlencode({"code": code, "state": args.get("state", "")})
        response = Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})
    elif endpoint == "token" and request.method == "POST":
        grant = json.loads(unb64(request.form.get("code", "")) or b"{}")
        verifier = request.form.get("code_verifier", "")
        if b64(hashlib.sha256(verifier.encode()).digest()) != grant.get("code_challenge"):
            return json_response({"error": "invalid_grant"}, 400)(environ, start_response)
        response = json_response(
            {
                "access_token": "rogue-access-token",
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token(mode, issuer, grant["client_id"], grant["nonce"]),
            }
        )
    elif endpoint == "userinfo":
        response = json_response(PERSON)
    else:
        response = Response("not found", 404)
    return response(environ, start_response)


def json_response(document, status=200) -> Response:
    return Response(json.dumps(document), status, content_type="application/json")


if __name__ == "__main__":
    server = make_server("127.0.0.1", int(sys.argv[1]), app)
    print(f"rogue issuer listening on http://127.0.0.1:{sys.argv[1]}", flush=True)
    server.serve_forever()
