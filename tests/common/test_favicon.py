"""The icon every browser asks for at /favicon.ico: there, real, cached, and linked."""

from io import BytesIO

from PIL import Image

from wizard.common.layout import FAVICON_MAX_AGE


def test_favicon_ico_is_a_real_icon_in_the_sizes_browsers_use(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    icon = Image.open(BytesIO(response.data))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32)} <= set(icon.info["sizes"])


def test_favicon_ico_is_cached_for_a_week(client):
    response = client.get("/favicon.ico")
    assert FAVICON_MAX_AGE == 7 * 24 * 60 * 60
    assert f"max-age={FAVICON_MAX_AGE}" in response.headers["Cache-Control"]
    assert "no-store" not in response.headers["Cache-Control"]


def test_every_layout_links_the_icon(client, auth):
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/sign-in").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/nowhere").get_data(as_text=True)
    auth.sign_in()
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/users/").get_data(as_text=True)
