"""Form base classes and fields shared by every form."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, InputRequired, Length

# Control characters nobody types (tab, line feed and carriage return are kept): a NUL pasted
# from somewhere else cannot be stored by PostgreSQL at all, and the rest only hide in a name.
# Forms drop them; SCIM refuses a request that carries one.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _strip(value):
    return CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else value


class StripWhitespaceForm(FlaskForm):
    """Strips leading and trailing whitespace, and invisible control characters, from every
    text field before validation."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", []))
            if unbound_field.field_class is not PasswordField:
                filters.append(_strip)
            return unbound_field.bind(form=form, filters=filters, **options)


def normalise_email(value: str | None) -> str:
    """Addresses are stored trimmed and lower-case, and compared that way."""
    return (value or "").strip().lower()


def email_field(label=None, **kw) -> EmailField:
    return EmailField(
        label or _l("Email address"),
        validators=[
            DataRequired(message=_l("Enter your email address")),
            Length(max=254, message=_l("Email addresses are at most 254 characters long")),
            Email(
                message=_l("Enter an email address in the right format, like name@example.com"),
                check_deliverability=False,
                granular_message=False,
            ),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
        **kw,
    )


def password_field(label=None, autocomplete="current-password") -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        validators=[
            InputRequired(message=_l("Enter your password")),
            Length(max=128, message=_l("Passwords are at most 128 characters long")),
        ],
        render_kw={"autocomplete": autocomplete},
    )


class EmptyForm(StripWhitespaceForm):
    """A form with only the CSRF token, for buttons such as Sign out."""
