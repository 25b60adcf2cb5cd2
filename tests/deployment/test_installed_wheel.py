"""The app as an operator gets it: the wheel installed in a fresh virtual environment,
outside the checkout, set up and served by gunicorn from another folder, with the installed
worker delivering to a real SMTP server. Nothing here imports the checkout's wizard/: every
process runs the installed package (checked: it is found in the new environment)."""

import re
import subprocess
import sys
import zipfile
from email import message_from_bytes
from email import policy as email_policy
from io import BytesIO
from pathlib import Path

import pytest
import requests
from pypdf import PdfReader
from sqlalchemy import create_engine, text

from tests.delivery.conftest import SMTPServer
from tests.delivery.test_workers import wait_for
from tests.http_session import Owner
from tests.postgres import free_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "blue tractor seventeen lanterns"  # not a common password: create-owner refuses those
OWNER = "chefin@installed.example"


def run(
    venv: Path, *args: str, env: dict, cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(venv / "bin" / args[0]), *args[1:]],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    """`pip install '<wheel>[prod]'` into a new venv: what `pip install '.[prod]'` gives."""
    root = tmp_path_factory.mktemp("installed")
    dist = root / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, ROOT],
        check=True,
        timeout=300,
    )
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {n for n in archive.namelist() if n.startswith("wizard/") and n.endswith(".py")}
    in_the_source = {str(p.relative_to(ROOT)) for p in (ROOT / "wizard").rglob("*.py")}
    assert shipped == in_the_source, "the wheel ships exactly the package's modules"
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=120)
    pip = subprocess.run(
        [venv / "bin" / "pip", "install", "--quiet", f"{wheel}[prod]"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert pip.returncode == 0, pip.stderr
    return venv


@pytest.fixture
def database(request, tmp_path, database_url):
    """A database of its own (the migrations build it from nothing)."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'installed.sqlite'}"
        return
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS wizard_installed WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE wizard_installed"))
    yield database_url.rsplit("/", 1)[0] + "/wizard_installed"
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS wizard_installed WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


def test_the_installed_wheel_serves_every_page_in_german_and_delivers_invitations(
    installed, database, smtp_server, tmp_path
):
    home = tmp_path / "home"  # the default instance folder goes under the user's data folder
    operator = tmp_path / "operator"  # not the checkout: ./wizard must not shadow the install
    operator.mkdir()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        "PATH": f"{installed / 'bin'}:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "FLASK_SECRET_KEY": "an operator's secret key, made once for this deployment",
        "FLASK_SQLALCHEMY_DATABASE_URI": database,
        "FLASK_BASE_URL": base_url,
        "FLASK_MAIL_SERVER": "127.0.0.1",
        "FLASK_MAIL_PORT": str(smtp_server.port),
    }

    redis = run(installed, "python", "-c", "import redis", env=env, cwd=operator)
    assert redis.returncode == 0, "the prod extra brings the client for redis:// rate limits"
    where = run(
        installed, "python", "-c", "import wizard; print(wizard.__file__)", env=env, cwd=operator
    )
    assert where.stdout.startswith(str(installed)), where

    setup = run(installed, "flask", "--app", "wizard", "setup", "--no-demo", env=env, cwd=operator)
    assert setup.returncode == 0, setup.stderr
    assert "Demo sign-ins" not in setup.stdout and "create-owner" in setup.stdout
    instance = home / ".local" / "share" / "business-invite-wizard"
    assert instance.is_dir() and not (installed / "var").exists()

    created = run(
        installed,
        "flask",
        "--app",
        "wizard",
        "create-owner",
        "--business",
        "Installiert GmbH",
        "--email",
        OWNER,
        "--name",
        "Clara Chefin",
        "--licenses",
        "5",
        "--language",
        "de",
        "--password-stdin",
        env=env,
        cwd=operator,
        stdin=PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr

    log = tmp_path / "gunicorn.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [
                installed / "bin" / "gunicorn",
                "--preload",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "wizard:create_app()",
            ],
            env=env,
            cwd=operator,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:

        def serving() -> bool:
            assert server.poll() is None, log.read_text()
            try:
                return requests.get(f"{base_url}/healthz", timeout=2).status_code == 200
            except requests.ConnectionError:
                return False

        wait_for(serving, timeout=60, every=0.2)
        assert requests.get(f"{base_url}/readyz", timeout=10).json()["status"] == "ok"

        german = {"Accept-Language": "de-DE,de;q=0.9"}
        page = requests.get(f"{base_url}/sign-in", headers=german, timeout=10)
        assert page.status_code == 200
        assert '<html lang="de">' in page.text and "<h1>Anmelden</h1>" in page.text
        missing = requests.get(f"{base_url}/no-such-page", headers=german, timeout=10)
        assert missing.status_code == 404 and '<html lang="de">' in missing.text

        css = requests.get(f"{base_url}/static/css/app.css", timeout=10)
        assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
        assert css.text == (ROOT / "static" / "css" / "app.css").read_text()

        owner = Owner(OWNER, PASSWORD, **german)
        owner.sign_in(base_url)
        pdf = owner.http.get(f"{base_url}/guide/quick-guide.pdf", timeout=60)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        guide = PdfReader(BytesIO(pdf.content))
        assert guide.trailer["/Root"]["/Lang"] == "de"
        assert "Seite 1 von" in guide.pages[0].extract_text()

        owner.send_batch(base_url, [("neu@elsewhere.example", "Nina Neu")])
    finally:
        server.terminate()
        server.wait(30)
    # Two workers counting sign-in attempts each in its own memory: the operator is told.
    assert "RATELIMIT_STORAGE_URI is memory://" in log.read_text()

    sent = run(installed, "flask", "--app", "wizard", "send-mail", env=env, cwd=operator)
    assert sent.returncode == 0, sent.stderr
    assert "Sent 1," in sent.stdout
    (envelope,) = smtp_server.inbox.envelopes
    message = message_from_bytes(envelope.original_content, policy=email_policy.default)
    assert envelope.rcpt_tos == ["neu@elsewhere.example"]
    body = message.get_body(("plain",)).get_content()
    assert "Installiert GmbH" in message["Subject"]
    assert re.search(re.escape(base_url) + r"/invitation/[A-Za-z0-9_-]{20,}", body)
