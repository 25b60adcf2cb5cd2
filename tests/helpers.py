"""Small helpers the tests share: forms as a browser fills them, and statement counting."""

import re
from contextlib import contextmanager
from html import unescape

from sqlalchemy import event

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page, read as a browser would send it."""
    match = _TOKEN.search(html)
    assert match, "no CSRF token on the page"
    return unescape(match.group(1) or match.group(2))


def submit(client, url: str, data: dict | None = None, *, page: str | None = None, **kw):
    """GET the page (or `page`), then POST `data` to `url` with that page's CSRF token."""
    form_page = client.get(page or url)
    payload = {"csrf_token": csrf_token(form_page.get_data(as_text=True)), **(data or {})}
    return client.post(url, data=payload, **kw)


def signed_in(app, email: str):
    """A new client (another browser) signed in as `email` with the demo password."""
    from wizard.demo import DEMO_PASSWORD

    client = app.test_client()
    response = submit(client, "/sign-in", {"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{email} could not sign in"
    return client


def text_of(response) -> str:
    """The page's visible text, roughly: tags dropped, whitespace folded."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def h1_of(response) -> str:
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", response.get_data(as_text=True), flags=re.S)
    assert len(headings) == 1, f"expected exactly one h1, found {len(headings)}"
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", headings[0]))).strip()


def title_of(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), flags=re.S)
    assert match, "no title"
    return re.sub(r"\s+", " ", unescape(match.group(1))).strip()


@contextmanager
def count_statements(engine):
    """Count the SQL statements run inside the block: `with count_statements(e) as n: ...`."""
    counter = {"n": 0}

    def before(conn, cursor, statement, parameters, context, executemany):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


@contextmanager
def account_lock_at(engine, is_the_moment, account: str = "Acme Corp"):
    """Yields a list that gets "held" or "free": whether another connection could take the
    account's lock (as a second Send, a resend or an accept would) at the first statement
    for which `is_the_moment(sql)` is true. PostgreSQL only: row locks are no-ops on SQLite."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    seen: list[str] = []

    def try_the_lock(conn, cursor, sql, parameters, context, executemany):
        if seen or not is_the_moment(sql):
            return
        with engine.connect() as other:
            try:
                other.execute(
                    text("SELECT id FROM account WHERE name = :name FOR NO KEY UPDATE NOWAIT"),
                    {"name": account},
                )
                seen.append("free")
            except OperationalError:
                seen.append("held")
            other.rollback()

    event.listen(engine, "before_cursor_execute", try_the_lock)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", try_the_lock)


@contextmanager
def served_in_a_thread(app, host: str = "127.0.0.1"):
    """The app on a free port of 127.0.0.1 in a thread, BASE_URL set to `host` and that port;
    yields the URL; stops the server and the app's database connections at the end."""
    import threading

    from werkzeug.serving import make_server

    from wizard.extensions import db

    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://{host}:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app.config["BASE_URL"]
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
