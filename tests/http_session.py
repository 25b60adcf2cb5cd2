"""A person's browser over real HTTP (requests, one cookie jar), for tests that run the app
in processes of its own: forms with their CSRF tokens, signing in, the wizard to Send."""

import re

import requests

from tests.helpers import csrf_token
from wizard.demo import DEMO_PASSWORD


class Owner:
    """An owner's browser: one cookie jar, usable against any process of the app."""

    def __init__(self, email: str, password: str = DEMO_PASSWORD, **headers: str):
        self.email = email
        self.password = password
        self.http = requests.Session()
        self.http.headers.update(headers)

    def submit(self, url: str, data: dict, page: str | None = None) -> requests.Response:
        form_page = self.http.get(page or url, timeout=10)
        assert form_page.status_code == 200, (page or url, form_page.status_code)
        payload = {"csrf_token": csrf_token(form_page.text), **data}
        return self.http.post(url, data=payload, allow_redirects=False, timeout=30)

    def sign_in(self, app: str) -> None:
        response = self.submit(f"{app}/sign-in", {"email": self.email, "password": self.password})
        assert response.status_code == 302, response.text

    def send_batch(self, app: str, people: list[tuple[str, str]]) -> None:
        """The wizard from start to Send, on `app`: people, no heads-up, licenses, send."""
        response = self.submit(f"{app}/users/add/", {"start_over": "1"})
        base = app + re.match(r"(/users/add/\d+)/", response.headers["Location"]).group(1)
        addresses = "\n".join(f"{name} <{email}>" for email, name in people)
        steps = [
            (f"{base}/people", {"addresses": addresses, "default_type": "basic", "check": "1"}),
            (f"{base}/heads-up", {"skip": "1", "confirm_skip": "y"}),
            (f"{base}/licenses", {"confirm": "1"}),
        ]
        for url, data in steps:
            response = self.submit(url, data)
            assert response.status_code == 302, (url, response.text[:2000])
        response = self.submit(f"{base}/send", {}, page=f"{base}/check")
        assert response.status_code == 302 and "/sent" in response.headers["Location"], (
            response.status_code,
            response.headers.get("Location"),
        )

    def resend(self, app: str, ids: list[int]) -> None:
        query = "&".join(f"ids={i}" for i in ids)
        response = self.submit(
            f"{app}/users/pending/resend",
            {"ids": ",".join(map(str, ids)), "back": "/users/pending/"},
            page=f"{app}/users/pending/resend?{query}",
        )
        assert response.status_code == 302, response.text[:2000]
