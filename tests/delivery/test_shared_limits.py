"""Rate limits hold across processes only with a shared store: two app processes count
failed sign-ins from one client in a real Redis together, so the limit holds whichever
process answers; with the default memory:// store each process counts alone (the control).
Guessing from one network, through both processes, never locks the owner out of another,
and the owner is mailed once.
"""

import os
import shutil
import subprocess
import time

import pytest
import requests
from sqlalchemy import select

from tests.helpers import csrf_token
from tests.postgres import free_port
from wizard.demo import DEMO_PASSWORD

from .conftest import seeded_app
from .test_scale_out import app_server, environment, stop_app_server, wait_until_serving

REDIS_REQUIRED = bool(os.environ.get("REQUIRE_REDIS"))
LIMIT = 4  # failed sign-ins per client in 5 minutes, for this test


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real redis-server on a free port of 127.0.0.1, for the whole run."""
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "no redis-server (apt-get install redis-server)"
        if REDIS_REQUIRED:
            pytest.fail(f"Redis is required here (REQUIRE_REDIS is set): {reason}")
        pytest.skip(reason)
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    import redis

    client = redis.Redis(port=port)
    deadline = time.monotonic() + 60  # a loaded CI machine can take seconds to start it
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"redis-server never answered on port {port}")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    client.close()
    server.terminate()
    server.wait(10)


def failed_sign_in(url: str) -> int:
    browser = requests.Session()
    page = browser.get(f"{url}/sign-in", timeout=10)
    form = {"csrf_token": csrf_token(page.text), "email": "owner@acme.example", "password": "no"}
    return browser.post(f"{url}/sign-in", data=form, timeout=10).status_code


@pytest.mark.parametrize("store", ["redis", "memory"])
def test_a_limit_holds_across_two_app_processes_only_with_a_shared_store(
    store, tmp_path, smtp, request
):
    storage = request.getfixturevalue("redis_url") if store == "redis" else "memory://"
    if store == "redis":
        import redis

        redis.Redis.from_url(storage).flushdb()
    app = seeded_app(
        f"sqlite:///{tmp_path / 'shared.sqlite'}",
        tmp_path,
        SECRET_KEY="one key for every process of the deployment",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
    )
    env = environment(
        app,
        FLASK_RATELIMIT_STORAGE_URI=storage,
        FLASK_SIGN_IN_LIMIT_PER_IP=f"{LIMIT} per 5 minutes",
        FLASK_SIGN_IN_LIMIT_PER_ADDRESS="1000 per 5 minutes",
    )
    servers = [app_server(env, tmp_path / f"app{n}.log") for n in range(2)]
    try:
        for n, (process, url) in enumerate(servers):
            wait_until_serving(process, url, tmp_path / f"app{n}.log")
        urls = [url for _, url in servers]
        # Failed sign-ins alternate between the processes, as a load balancer would send them.
        answers = [failed_sign_in(urls[n % 2]) for n in range(LIMIT + 2)]
    finally:
        for process, _ in servers:
            stop_app_server(process)
    refused = [code == 429 for code in answers]
    if store == "redis":
        assert refused == [False] * LIMIT + [True, True], answers
    else:  # each process has seen half of the attempts: neither refuses yet
        assert not any(refused), answers


def sign_in_from(url: str, network_address: str, password: str) -> int:
    """A sign-in as the owner from `network_address` (told to the app by the one proxy it
    believes, PROXY_FIX=1); the answer's status code."""
    browser = requests.Session()
    browser.headers["X-Forwarded-For"] = network_address
    page = browser.get(f"{url}/sign-in", timeout=10)
    form = {
        "csrf_token": csrf_token(page.text),
        "email": "owner@acme.example",
        "password": password,
    }
    return browser.post(f"{url}/sign-in", data=form, timeout=10, allow_redirects=False).status_code


def test_in_redis_guessing_from_one_network_never_locks_the_owner_out_and_mails_once(
    tmp_path, smtp, redis_url
):
    import redis

    from wizard.extensions import db
    from wizard.models import OutboxEmail

    redis.Redis.from_url(redis_url).flushdb()
    app = seeded_app(
        f"sqlite:///{tmp_path / 'shared.sqlite'}",
        tmp_path,
        SECRET_KEY="one key for every process of the deployment",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
    )
    env = environment(
        app,
        FLASK_RATELIMIT_STORAGE_URI=redis_url,
        FLASK_PROXY_FIX="1",
        FLASK_SIGN_IN_LIMIT_PER_ADDRESS=f"{LIMIT} per 5 minutes",
        FLASK_SIGN_IN_ALERT_AFTER=str(LIMIT),
    )
    servers = [app_server(env, tmp_path / f"app{n}.log") for n in range(2)]
    try:
        for n, (process, url) in enumerate(servers):
            wait_until_serving(process, url, tmp_path / f"app{n}.log")
        urls = [url for _, url in servers]
        # Guesses from one /24, alternating between the processes as a load balancer would.
        guesses = [sign_in_from(urls[n % 2], f"203.0.113.{n}", "guess") for n in range(LIMIT + 2)]
        owner = sign_in_from(urls[1], "198.51.100.20", DEMO_PASSWORD)
    finally:
        for process, _ in servers:
            stop_app_server(process)
    assert guesses == [200] * LIMIT + [429, 429], guesses
    assert owner == 302
    with app.app_context():
        alerts = db.session.scalars(
            select(OutboxEmail.to_address).where(OutboxEmail.kind == "sign_in_attempts")
        ).all()
        db.session.remove()
        db.engine.dispose()
    assert alerts == ["owner@acme.example"]
