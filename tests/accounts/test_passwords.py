"""The production password cost, checked on the real configuration."""

from wizard import create_app
from wizard.accounts.passwords import hash_password, password_matches
from wizard.config import Defaults


def test_the_default_cost_is_scrypt_n_2_17_r_8_p_1(tmp_path):
    assert Defaults.PASSWORD_HASH_METHOD == "scrypt:131072:8:1"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        hashed = hash_password("correct-horse-battery")
        assert hashed.startswith("scrypt:131072:8:1$")
        assert password_matches(hashed, "correct-horse-battery")
        assert not password_matches(hashed, "Correct-horse-battery")
        assert not password_matches(None, "anything")
