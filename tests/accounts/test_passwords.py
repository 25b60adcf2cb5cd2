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


def test_an_account_without_a_password_costs_a_hash_check_like_an_unknown_address(monkeypatch):
    """Saying no at once to an account single sign-on made would let anyone timing the
    sign-in page tell those addresses apart: each answer costs one real scrypt check."""
    import werkzeug.security

    from wizard.accounts import passwords

    checked = []

    def counting(password_hash, password):
        checked.append(password_hash.split("$")[0])
        return werkzeug.security.check_password_hash(password_hash, password)

    monkeypatch.setattr(passwords, "check_password_hash", counting)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "PASSWORD_HASH_METHOD": "scrypt:16384:8:1"})
    with app.app_context():
        assert not password_matches(None, "anything")
        assert not password_matches(passwords.NO_PASSWORD, "!sso-only")
        assert not password_matches("", "anything")
    assert checked == ["scrypt:16384:8:1"] * 3
