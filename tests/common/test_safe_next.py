"""Where a "next" or "back" address may lead: only a path on this site.

A sign-in or a form that sends the person on takes that address from the request, so anyone
could put another site there (an open redirect). These are the rules themselves, first and
fast; the pages that use them are tested in tests/security and tests/manage.
"""

import pytest

from wizard.common.access import safe_next


@pytest.mark.parametrize(
    "target",
    ["/users/", "/users/pending/?after=12", "/invitation/abc#top", "  /account/  "],
)
def test_a_path_on_this_site_is_kept(target):
    assert safe_next(target) == target.strip()


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",  # browsers read three slashes as another host too
        "/\t/evil.example/",  # and drop tabs and line breaks from an address first
        "/\n/evil.example/",
        "/\r/evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "users/",
        "javascript:alert(1)",
        "http:/users/",
        " //evil.example",
    ],
)
def test_anything_else_is_dropped(target):
    assert safe_next(target) is None
