"""The forms of the Users page, the licenses page, the Pending tab and the audit log."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from ..common.forms import StripWhitespaceForm
from .audit_trail import AuditFilter
from .keyset import Cursor
from .pending_list import EVERY_STATUS, NOT_ACCEPTED, PendingFilter


class PendingFilterForm(StripWhitespaceForm):
    class Meta:
        csrf = False  # a GET form: it only reads

    q = SearchField(
        _l("Search by email address or name"),
        validators=[Optional(), Length(max=254, message=_l("Search for at most 254 characters"))],
    )
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice(NOT_ACCEPTED, _l("Not accepted yet (pending or expired)")),
            SelectChoice(EVERY_STATUS, _l("Any status")),
            SelectChoice("pending", _l("Pending")),
            SelectChoice("accepted", _l("Accepted")),
            SelectChoice("declined", _l("Declined")),
            SelectChoice("expired", _l("Expired")),
            SelectChoice("revoked", _l("Revoked")),
        ],
        default=NOT_ACCEPTED,
    )
    delivery = SelectField(
        _l("Email delivery"),
        choices=[
            SelectChoice("", _l("Any")),
            SelectChoice("queued", _l("Waiting to be sent")),
            SelectChoice("sent", _l("Sent")),
            SelectChoice("retrying", _l("Retrying")),
            SelectChoice("failed", _l("Not delivered")),
            SelectChoice("none", _l("No email")),
        ],
    )
    sort = SelectField(
        _l("Sort by"),
        choices=[
            SelectChoice("newest", _l("Newest first")),
            SelectChoice("oldest", _l("Oldest first")),
            SelectChoice("email", _l("Email address, A to Z")),
            SelectChoice("expires", _l("Expiring soonest")),
            SelectChoice("sent", _l("Most recently sent")),
        ],
        default="newest",
    )

    def to_filter(self, page: int | None, cursor: Cursor | None = None) -> PendingFilter:
        """The filter as typed; a value that is not one of the choices counts as not given
        (an edited or outdated address shows the full list rather than an error)."""
        self.validate()
        for f in (self.q, self.status, self.delivery, self.sort):
            if f.errors:
                f.data = f.default or ""
                f.errors = []
        return PendingFilter(
            search=self.q.data or "",
            status=self.status.data or NOT_ACCEPTED,
            delivery=self.delivery.data or "",
            sort=self.sort.data or "newest",
            page=page or 1,
            cursor=cursor,
        )


class ConfirmForm(StripWhitespaceForm):
    ids = HiddenField()
    back = HiddenField()
    as_basic = HiddenField()  # resend: "yes" brings expired Licensed invitations back as Basic


class RevokeForm(ConfirmForm):
    tell = BooleanField(_l("Tell them by email that the invitation was withdrawn"))
    note = TextAreaField(
        _l("A note to add to the email (optional)"),
        validators=[Length(max=1000, message=_l("Keep the note to 1,000 characters or fewer"))],
        render_kw={"rows": 3},
    )

    def validate_note(self, field):
        if field.data and not self.tell.data:
            raise ValidationError(
                _l("Tick “Tell them by email” to send your note, or clear the note")
            )

    def options(self) -> dict:
        return {"tell": bool(self.tell.data), "note": self.note.data or ""}


class RemindersForm(StripWhitespaceForm):
    enabled = HiddenField()
    back = HiddenField()


class MemberSearchForm(StripWhitespaceForm):
    class Meta:
        csrf = False  # a GET form: it only reads

    q = SearchField(
        _l("Search by name or email address"),
        validators=[Optional(), Length(max=254, message=_l("Search for at most 254 characters"))],
    )


class LicenseForm(StripWhitespaceForm):
    back = HiddenField()


class AuditFilterForm(StripWhitespaceForm):
    class Meta:
        csrf = False  # a GET form: it only reads

    person = SearchField(
        _l("Person (name or email address)"),
        validators=[Optional(), Length(max=254, message=_l("Search for at most 254 characters"))],
    )
    # Choices are the actions the log holds; any other value simply finds nothing.
    action = SelectField(_l("What happened"), choices=[], validate_choice=False)

    def to_filter(self, page: int | None = None) -> AuditFilter:
        """The filter as typed; a search that is too long counts as not given."""
        self.validate()
        if self.person.errors:
            self.person.data, self.person.errors = "", []
        return AuditFilter(
            person=self.person.data or "", action=self.action.data or "", page=page or 1
        )


class LicenseSeatsForm(StripWhitespaceForm):
    """The new number of licenses: a GET form, it only asks what the change would do."""

    class Meta:
        csrf = False  # nothing changes until the payment page

    seats = IntegerField(
        _l("New number of licenses"),
        validators=[InputRequired(message=_l("Enter the number of licenses you want, like 12"))],
        invalid_value_message=_l("Enter the number of licenses as a whole number, like 12"),
        # A text box, as GOV.UK advises: a number box drops what it cannot read, so the
        # person would not see what they typed next to the message.
        widget=TextInput(),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"},
    )

    def validate_seats(self, field) -> None:
        if field.data is not None and not 0 <= field.data <= 100000:
            raise ValidationError(_l("Enter a whole number from 0 to 100,000"))


class HandOverForm(StripWhitespaceForm):
    """The owner's choice of the admin to hand the business over to."""

    admin = RadioField(
        _l("Hand over to"),
        coerce=int,
        validate_choice=True,
        validators=[InputRequired(message=_l("Choose the admin who should become the owner"))],
    )


class HandOverAnswerForm(StripWhitespaceForm):
    """The admin's answer: accept or refuse the business (the button pressed)."""

    answer = HiddenField()


class RoleForm(StripWhitespaceForm):
    """The role the owner gives someone: admin or member."""

    role = HiddenField()
