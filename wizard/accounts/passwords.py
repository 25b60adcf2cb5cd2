"""Passwords: hashing with the configured scrypt cost, and the rules for a new password."""

import gzip
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms.validators import ValidationError

MIN_LENGTH = 8
MAX_LENGTH = 128

# The 20,000 most common passwords, lower-cased (Django's list, made by Royce Williams; see
# wizard/data/README.md).
COMMON_PASSWORDS = Path(__file__).parent.parent / "data" / "common-passwords.txt.gz"

# Checked against when the address is unknown, so both answers take the same time.
_DUMMY_HASHES: dict[str, str] = {}

# Accounts made by single sign-on or SCIM have no password: this never matches one (no "$"
# parts). Such a person signs in only through their business's identity provider.
NO_PASSWORD = "!sso-only"  # nosec B105 - a marker that no password hash can equal, not a password


def hash_password(password: str) -> str:
    """Hash a password with the app's PASSWORD_HASH_METHOD (scrypt, n=2**17 by default)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def has_password(password_hash: str | None) -> bool:
    """Whether an account has a password its person can sign in with (not made by single
    sign-on or SCIM, or given one since)."""
    return bool(password_hash) and password_hash != NO_PASSWORD


def password_matches(password_hash: str | None, password: str) -> bool:
    """Check a password; with no password (an unknown address, or an account single sign-on
    or SCIM made), spend the same time and say no: a quick "no" would tell anyone timing the
    sign-in page which addresses are single sign-on accounts."""
    if not has_password(password_hash):
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASHES:
            _DUMMY_HASHES[method] = generate_password_hash("not a password", method=method)
        check_password_hash(_DUMMY_HASHES[method], password)
        return False
    return check_password_hash(password_hash, password)


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def new_password_problem(password: str, *, email: str = "") -> str | None:
    """What is wrong with a password someone is choosing, in words they can act on; None when
    it is fine. Length counts characters, so a passphrase in any script is welcome."""
    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(min)d characters for your password", min=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Passwords are at most 128 characters long"))
    folded = password.strip().lower()
    email = email.strip().lower()
    if email and folded in (email, email.partition("@")[0]):
        return str(_l("Do not use your email address as your password. Choose another one."))
    if folded in common_passwords():
        return str(
            _l(
                "This is one of the most common passwords, which are guessed first. Choose "
                "another one: a few unrelated words make a password that is strong and easy "
                "to remember."
            )
        )
    return None


class NewPassword:
    """WTForms validator for a password being chosen. The address it must not equal is read
    from the form's `account_email` attribute, when the form has one."""

    def __call__(self, form, field) -> None:
        problem = new_password_problem(field.data or "", email=getattr(form, "account_email", ""))
        if problem:
            raise ValidationError(problem)
