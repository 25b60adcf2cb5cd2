"""Row links built once per page (`url_with_id`) are the links `url_for` builds for each row."""

import pytest
from flask import url_for

from wizard.common.ids import LARGEST_ID, url_with_id


@pytest.mark.parametrize("user_id", [1, 42, 7_305_419_268_114_273, LARGEST_ID])
def test_each_row_gets_the_link_url_for_would_build(app, user_id):
    with app.test_request_context():
        for endpoint, values in [
            ("roles.remove", {}),
            ("roles.change_role", {"to": "admin"}),
            # The way back may hold any text, the stand-in's digits included.
            ("users.take_back_license", {"back": "/users/?q=7305419268114273&page=2"}),
        ]:
            link = url_with_id(endpoint, "user_id", **values)
            assert link(user_id) == url_for(endpoint, user_id=user_id, **values)


def test_only_a_number_goes_into_the_link(app):
    with app.test_request_context():
        link = url_with_id("roles.remove", "user_id")
        with pytest.raises(ValueError):
            link("1/../../admin")
