"""The forms of single sign-on: the work address to sign in with, and the settings."""

from flask_babel import lazy_gettext as _l

from ..common.forms import StripWhitespaceForm, email_field


class SsoSignInForm(StripWhitespaceForm):
    email = email_field(_l("Work email address"))
