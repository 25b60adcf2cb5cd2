"""OpenID Connect providers for the tests, each in a process of its own, and signing in there.

`oidc_provider`: the OpenID-certified npm package `oidc-provider` (tests/sso/oidc_idp/, installed
by `npm ci` from `make test` and .ci/run), started with Node on a free port: discovery, keys,
its own login and consent forms, the code flow with PKCE, as in production.
`rogue_issuer`: tests/sso/oidc_rogue_issuer.py, a small issuer that misbehaves on purpose (an
unsigned token, a key it does not publish...), which a certified provider never does.
A test module that uses them says `pytest_plugins = ["tests.sso.oidc_fixtures"]`; what the
tests call (signing in at the provider, the client's values) is in oidc_support.py.
"""

import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.postgres import free_port
from tests.sso.oidc_support import (
    APP_REDIRECT_URIS,
    CLIENT_ID,
    CLIENT_SECRET,
    PROTOCOL_REDIRECT_URI,
)

HERE = Path(__file__).parent
IDP_DIR = HERE / "oidc_idp"
NODE_REQUIRED = bool(os.environ.get("REQUIRE_NODE"))


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET


def _missing(reason: str):
    if NODE_REQUIRED:
        pytest.fail(f"{reason} (REQUIRE_NODE is set: CI must not skip the OpenID Connect tests)")
    pytest.skip(reason)


def _start(command: list[str], cwd: Path, env: dict | None = None) -> subprocess.Popen:
    """Start a server and wait for the line that says it listens.

    Its log goes to a file (a pipe nobody reads would fill up and stop the server).
    """
    log = tempfile.TemporaryFile(mode="w+")  # closed by _stop
    process = subprocess.Popen(  # nosec B603 - our own test servers, fixed arguments
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=log, text=True
    )
    process.log = log
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _w, _x = select.select([process.stdout], [], [], 0.2)
        if ready and "listening" in process.stdout.readline():
            return process
        if process.poll() is not None:
            break
    stop(process)
    log.seek(0)
    raise RuntimeError(f"{command[:2]} did not start: {log.read()[-2000:]}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover
        process.kill()
        process.wait()
    process.stdout.close()
    process.log.close()


def start_oidc_provider(
    redirect_uris: tuple[str, ...] = (PROTOCOL_REDIRECT_URI, *APP_REDIRECT_URIS), **env
) -> tuple[subprocess.Popen, Provider]:
    """oidc-provider on a free port, sending people back to `redirect_uris` only."""
    node = shutil.which("node")
    if node is None:
        _missing("Node.js is not installed: apt-get install nodejs npm")
    if not (IDP_DIR / "node_modules" / "oidc-provider").is_dir():
        _missing(
            "oidc-provider is not installed: run `npm ci` in tests/sso/oidc_idp (make test does)"
        )
    port = free_port()
    process = _start(
        [node, "idp.mjs", str(port), ",".join(redirect_uris), CLIENT_ID, CLIENT_SECRET],
        IDP_DIR,
        {**os.environ, **env},
    )
    return process, Provider(f"http://127.0.0.1:{port}")


@pytest.fixture(scope="session")
def oidc_provider():
    """oidc-provider on a free port; the email is served by userinfo, as the spec says."""
    process, provider = start_oidc_provider()
    yield provider
    stop(process)


@pytest.fixture(scope="session")
def oidc_provider_with_email_in_id_token():
    """oidc-provider putting the email in the ID token itself, as Keycloak and Entra ID do."""
    process, provider = start_oidc_provider(EMAIL_IN_ID_TOKEN="1")
    yield provider
    stop(process)


@pytest.fixture(scope="session")
def rogue_issuer():
    """The base URL of the misbehaving issuer; `f"{rogue_issuer}/alg-none"` is one issuer."""
    port = free_port()
    process = _start([sys.executable, str(HERE / "oidc_rogue_issuer.py"), str(port)], HERE)
    yield f"http://127.0.0.1:{port}"
    stop(process)
