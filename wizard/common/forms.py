"""Form base classes and fields shared by every form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    ValidationError,
)

from ..accounts.passwords import NewPassword


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class StripWhitespaceForm(FlaskForm):
    """Strips leading and trailing whitespace from every text field before validation."""

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


class ChangePasswordForm(StripWhitespaceForm):
    """A signed-in person's new password; the current one proves it is them at the keyboard."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=_l("Enter your current password"))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[InputRequired(message=_l("Choose a new password")), NewPassword()],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(message=_l("Type the new password a second time")),
            EqualTo(
                "new_password",
                message=_l("The two new passwords are not the same. Type both again."),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_new_password(self, field) -> None:
        if field.data and field.data == self.current_password.data:
            raise ValidationError(
                _l("The new password is the same as the current one. Choose a different one.")
            )
