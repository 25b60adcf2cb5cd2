"""Forms of the Domains pages, and the sentences that say why a domain was refused."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..common.forms import StripWhitespaceForm
from .verification import DomainProblem, DomainRefused, checked_domain, display_domain


def refusal_message(refusal: DomainRefused) -> str:
    """Why the domain cannot be added, and what to do instead."""
    domain = display_domain(refusal.domain) if refusal.domain else ""
    messages = {
        DomainProblem.EMPTY: lambda: _("Enter your company's email domain, like yourcompany.com"),
        DomainProblem.NOT_A_DOMAIN: lambda: _(
            "Enter a domain like yourcompany.com: the part of your company's email addresses "
            "after the @"
        ),
        DomainProblem.IP_ADDRESS: lambda: _(
            "Enter a domain name like yourcompany.com, not an IP address"
        ),
        DomainProblem.PUBLIC_MAIL: lambda: _(
            "%(domain)s is a public email service that anyone can sign up for, so it cannot "
            "belong to one business. Enter your company's own domain, like yourcompany.com",
            domain=domain,
        ),
        DomainProblem.ALREADY_ADDED: lambda: _(
            "%(domain)s is already on your list of domains", domain=domain
        ),
        DomainProblem.TAKEN: lambda: _(
            "%(domain)s is already verified by another business account, so it cannot be "
            "added here. If your company owns this domain, contact our support team",
            domain=domain,
        ),
    }
    return messages[refusal.problem]()


class AddDomainForm(StripWhitespaceForm):
    domain = StringField(
        _l("Domain"),
        validators=[
            DataRequired(message=_l("Enter your company's email domain, like yourcompany.com")),
            Length(max=300, message=_l("Domains are at most 253 characters long")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"},
    )

    def validate_domain(self, field: StringField) -> None:
        try:
            checked_domain(field.data)
        except DomainRefused as refusal:
            raise ValidationError(refusal_message(refusal)) from None


class InvitePeopleForm(StripWhitespaceForm):
    # The choices are whoever discovery finds when the form is sent; the page is not trusted.
    people = SelectMultipleField(_l("People to invite"), choices=[], validate_choice=False)
    # Nothing chosen in advance, as in the wizard: most of them pay for Pro today.
    user_type = RadioField(
        _l("Invite them as"),
        choices=[SelectChoice("basic", _l("Basic")), SelectChoice("licensed", _l("Licensed"))],
        default=None,
        validators=[InputRequired(message=_l("Choose Basic or Licensed for the people you add"))],
        description={
            "basic": _l(
                "A Pro user loses the Pro features: meetings with 3 or more people end after "
                "40 minutes, and there is no cloud recording. Free for the business."
            ),
            "licensed": _l(
                "A Pro user keeps the Pro features. Each Licensed person takes one of your "
                "licenses."
            ),
        },
    )
    everyone = SubmitField(_l("Continue with everyone not yet invited"))

    def validate_people(self, field: SelectMultipleField) -> None:
        if not self.everyone.data and not field.data:
            raise ValidationError(
                _("Select the people to invite, or choose Continue with everyone not yet invited")
            )
