"""The forms of a person's own account: signing in, changing or resetting the password,
notices."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, ValidationError

from ..common.forms import StripWhitespaceForm, email_field, password_field
from .passwords import NewPassword


class SignInForm(StripWhitespaceForm):
    email = email_field()
    password = password_field()
    next = HiddenField()


class ForgotPasswordForm(StripWhitespaceForm):
    email = email_field()
    # The invitation the person came from, so that the reset leads back to it.
    invitation = HiddenField()


class NewPasswordForm(StripWhitespaceForm):
    """A new password, typed twice."""

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


class ChangePasswordForm(NewPasswordForm):
    """A signed-in person's new password; the current one proves it is them at the keyboard."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=_l("Enter your current password"))],
        render_kw={"autocomplete": "current-password"},
    )

    def validate_new_password(self, field) -> None:
        if field.data and field.data == self.current_password.data:
            raise ValidationError(
                _l("The new password is the same as the current one. Choose a different one.")
            )


class ResponseNoticesForm(StripWhitespaceForm):
    """How an owner or admin hears that people answered their invitations."""

    response_notices = RadioField(
        _l("When someone accepts or declines your invitation"),
        choices=[
            SelectChoice("each", _l("Email me about each answer")),
            SelectChoice("daily", _l("Email me one summary a day")),
            SelectChoice("none", _l("No email: I look at the Pending tab myself")),
        ],
        validators=[InputRequired(message=_l("Choose how you want to hear about answers"))],
    )
