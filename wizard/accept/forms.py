"""The invitee's forms: create an account, refund details, declining."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..accounts.passwords import NewPassword
from ..common.forms import StripWhitespaceForm, email_field


class CreateAccountForm(StripWhitespaceForm):
    """For an invited address with no account yet: the account is made as part of joining."""

    name = StringField(
        _l("Your name"),
        validators=[
            DataRequired(message=_l("Enter your name")),
            Length(max=200, message=_l("Names are at most 200 characters long")),
        ],
        render_kw={"autocomplete": "name"},
    )
    password = PasswordField(
        _l("Choose a password"),
        validators=[
            InputRequired(message=_l("Choose a password")),
            NewPassword(),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class RefundForm(StripWhitespaceForm):
    """What happens to the unused part of a paid plan, and where the receipt goes."""

    method = RadioField(
        _l("What should happen to the unused part of your plan?"),
        choices=[SelectChoice("refund", _l("Refund")), SelectChoice("credit", _l("Credit"))],
        validators=[
            InputRequired(message=_l("Choose a refund to your card or a credit to the business"))
        ],
        validate_choice=False,  # validate_method says what to do, not "Not a valid choice"
    )
    receipt_email = email_field(_l("Send the receipt to"))

    def __init__(
        self, *args, refund_label: str = "", credit_label: str = "", business: str = "", **kw
    ):
        super().__init__(*args, **kw)
        # The choices name the amount, the card and the business, so they are made per person.
        self.method.choices = [
            SelectChoice("refund", refund_label),
            SelectChoice("credit", credit_label),
        ]
        self.method.description = {
            "refund": _l("The money goes back to the card or account you pay with today."),
            "credit": _l(
                "%(business)s can use it towards its bill. You do not get this money yourself.",
                business=business,
            ),
        }

    def validate_method(self, field):
        if field.data not in ("refund", "credit"):
            raise ValidationError(_l("Choose a refund to your card or a credit to the business"))


class DeclineForm(StripWhitespaceForm):
    message = TextAreaField(
        _l("Message to the person who invited you (optional)"),
        validators=[Length(max=1000, message=_l("Keep the message to 1,000 characters or fewer"))],
        render_kw={"rows": 4},
    )


class ChangeAddressForm(StripWhitespaceForm):
    """Instead of joining: another address for the person's own account."""

    new_email = email_field(_l("New email address for your account"))
