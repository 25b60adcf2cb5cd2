"""One form per wizard step; each message says how to fix the problem."""

from typing import Any

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from ..common.forms import StripWhitespaceForm
from .addresses import BASIC, LICENSED, Entry
from .csv_files import CsvError, parse_csv

# Generous: 9,999 people with long names fit; much more is not one batch.
MAX_TEXT_LENGTH = 2_000_000

CSV_ERRORS = {
    "empty": _l("The file is empty. Choose a CSV file with one email address on each row."),
    "spreadsheet": _l(
        "This is a spreadsheet file, not a CSV file. In your spreadsheet program choose "
        "“Save as”, then “CSV UTF-8”, and upload that file."
    ),
    "not_text": _l("The file is not a text file. Choose a CSV file: its name ends in .csv."),
    "not_utf8": _l(
        "The file is not saved as UTF-8, so names with accents would come out wrong. In your "
        "spreadsheet program choose “Save as”, then “CSV UTF-8”, and upload it again."
    ),
    "not_csv": _l(
        "The file could not be read as CSV. In your spreadsheet program choose “Save as”, "
        "then “CSV UTF-8”, and upload it again."
    ),
    "no_email_column": _l(
        "There is no column of email addresses in the file. Name the column “email”, or put "
        "the addresses in the first column."
    ),
    "wrong_type": _l("Choose a CSV file: its name ends in .csv or .txt."),
}

USER_TYPE_CHOICES = [SelectChoice(BASIC, _l("Basic")), SelectChoice(LICENSED, _l("Licensed"))]


class StartForm(StripWhitespaceForm):
    start = SubmitField(_l("Start"))
    start_over = SubmitField(_l("Start over"))


class PeopleForm(StripWhitespaceForm):
    addresses = TextAreaField(
        _l("Email addresses"),
        validators=[
            Length(
                max=MAX_TEXT_LENGTH,
                message=_l("The list is too long to read at once. Split it into batches."),
            )
        ],
        render_kw={"rows": 10, "spellcheck": "false", "autocomplete": "off"},
    )
    csv_file = FileField(_l("Or upload a CSV file"), render_kw={"accept": ".csv,.txt,text/csv"})
    remove_file = BooleanField(_l("Remove the uploaded file from the list"))
    # Nothing chosen in advance: the people invited pay for Pro today, and an owner who
    # clicked through a preselected Basic would take the Pro features from all of them.
    default_type = RadioField(
        _l("User type for everyone"),
        choices=USER_TYPE_CHOICES,
        default=None,
        validate_choice=False,  # validate_default_type says what to do instead
        description={
            BASIC: _l(
                "A Pro user loses the Pro features: meetings with 3 or more people end after "
                "40 minutes, and there is no cloud recording. Free for the business."
            ),
            LICENSED: _l(
                "A Pro user keeps the Pro features. Each Licensed person takes one of your "
                "licenses."
            ),
        },
    )
    check = SubmitField(_l("Continue"))
    leave_out = SubmitField(_l("Continue without the lines that have problems"))

    # What the upload held, once validated: (file name, entries).
    csv_upload: tuple[str, list[Entry]] | None = None

    def given(self) -> dict[str, Any]:
        """What was typed and uploaded, as the people step keeps it (a refused field: None)."""
        return {
            "text": None if self.addresses.errors else self.addresses.data or "",
            "default_type": None if self.default_type.errors else self.default_type.data,
            "csv_upload": self.csv_upload,
            "remove_file": bool(self.remove_file.data),
        }

    def validate_default_type(self, field):
        if field.data not in (BASIC, LICENSED):
            raise ValidationError(_l("Choose Basic or Licensed for the people you add"))

    def validate_csv_file(self, field):
        upload = field.data
        if not isinstance(upload, FileStorage) or not upload.filename:
            return
        limit = current_app.config["MAX_UPLOAD_BYTES"]
        data = upload.stream.read(limit + 1)
        if len(data) > limit:
            raise ValidationError(
                _l(
                    "The file is bigger than %(limit)s MB. Split it into smaller files, or "
                    "upload only the columns email, name and user type.",
                    limit=format_decimal(limit / 1024 / 1024, format="#,##0.#"),
                )
            )
        try:
            entries = parse_csv(data)
        except CsvError as error:
            raise ValidationError(CSV_ERRORS[error.code]) from error
        if not upload.filename.lower().endswith((".csv", ".txt")):
            raise ValidationError(CSV_ERRORS["wrong_type"])
        self.csv_upload = (upload.filename.rsplit("/", 1)[-1][:200], entries)


class HeadsUpForm(StripWhitespaceForm):
    subject = StringField(
        _l("Subject"),
        validators=[Length(max=200, message=_l("Keep the subject under 200 characters"))],
    )
    body = TextAreaField(
        _l("Message"),
        validators=[Length(max=10_000, message=_l("Keep the message under 10,000 characters"))],
        render_kw={"rows": 16},
    )
    confirm_skip = BooleanField(
        _l("I understand that people will get the invitation without a word from me first")
    )
    save = SubmitField(_l("Save the message"))
    send = SubmitField(_l("Send the message now"))
    mark = SubmitField(_l("Mark them as contacted"))
    skip = SubmitField(_l("Skip this step"))

    @property
    def action(self) -> str | None:
        return next((a for a in ("send", "mark", "skip", "save") if self[a].data), None)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        action = self.action
        if action is None:
            self.form_errors.append(_l("Choose one of the buttons to go on."))
            return False
        if action == "skip":
            if not self.confirm_skip.data:
                self.confirm_skip.errors.append(
                    _l("Tick the box to confirm you want to skip telling people first")
                )
                return False
            return valid
        if action == "mark":  # told in their own way: this message is not what they got
            return valid
        if not self.subject.data:
            self.subject.errors.append(_l("Enter a subject for the message"))
            valid = False
        if not self.body.data:
            self.body.errors.append(_l("Enter the message, or skip this step"))
            valid = False
        return valid


class LicensesForm(StripWhitespaceForm):
    """Continue from the license step (blocked when the Licensed people do not fit)."""

    confirm = SubmitField(_l("Continue"))


class UserTypeForm(StripWhitespaceForm):
    """One person's user type, from the button pressed in the table: "<email> <type>"."""

    change = StringField()

    def validate_change(self, field):
        email, _sep, user_type = (field.data or "").rpartition(" ")
        if not email or user_type not in (BASIC, LICENSED):
            raise ValidationError(_l("Choose Basic or Licensed for the person"))
        self.email, self.user_type = email, user_type


class MakeBasicForm(StripWhitespaceForm):
    make_basic = SubmitField()


class SendForm(StripWhitespaceForm):
    send = SubmitField(_l("Send the invitations"))


def people_error(code: str, *, count: int, limit: int) -> str:
    """The message for a list that cannot be checked at all."""
    if code == "too_many":
        return _l(
            "Your list has %(count)s people. You can invite up to %(limit)s at a time: split "
            "the list and invite the rest in a second batch.",
            count=format_decimal(count),
            limit=format_decimal(limit),
        )
    return _l("Enter at least one email address, or choose a CSV file")
