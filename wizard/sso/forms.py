"""The forms of single sign-on: the work address to sign in with, and the settings."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import PasswordField, RadioField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, InputRequired, Length, Optional, ValidationError

from ..common.forms import StripWhitespaceForm, email_field

# Real IdP metadata is a few kilobytes; Entra ID's with several certificates stays under 100.
MAX_METADATA = 512 * 1024


class SsoSignInForm(StripWhitespaceForm):
    email = email_field(_l("Work email address"))


class MetadataFile(FileField):
    """An uploaded metadata file, read as text (what was pasted wins when both are given)."""


class SettingsForm(StripWhitespaceForm):
    protocol = RadioField(
        _l("Protocol"),
        choices=[SelectChoice("saml", _l("SAML 2.0")), SelectChoice("oidc", _l("OpenID Connect"))],
        default="saml",
        description={
            "saml": _l("For Okta, Microsoft Entra ID, OneLogin, Google Workspace and most others."),
            "oidc": _l("For Google Workspace, Keycloak, Okta or Entra ID set up as an OpenID "
                       "Connect app."),
        },
        validators=[InputRequired(message=_l("Choose SAML 2.0 or OpenID Connect"))],
    )
    metadata_xml = TextAreaField(
        _l("The identity provider's metadata XML"),
        validators=[Optional(), Length(max=MAX_METADATA, message=_l(
            "That is longer than any metadata file we know. Check that you copied only the "
            "metadata XML."))],
        render_kw={"rows": 6, "spellcheck": "false"},
    )
    metadata_file = MetadataFile(_l("Or upload the metadata file"))
    metadata_url = URLField(
        _l("Or the metadata URL"),
        validators=[Optional(), URL(require_tld=False, message=_l(
            "Enter the metadata URL in full, starting with https://")), Length(max=2000)],
        render_kw={"spellcheck": "false"},
    )
    issuer = URLField(
        _l("Issuer URL"),
        validators=[Optional(), URL(require_tld=False, message=_l(
            "Enter the issuer URL in full, starting with https://")), Length(max=1000)],
        render_kw={"spellcheck": "false"},
    )
    client_id = StringField(_l("Client ID"), validators=[Optional(), Length(max=255)],
                            render_kw={"spellcheck": "false", "autocomplete": "off"})
    client_secret = PasswordField(
        _l("Client secret"), validators=[Optional(), Length(max=1000)],
        render_kw={"autocomplete": "new-password"},
    )
    email_attribute = StringField(
        _l("Email address"),
        validators=[InputRequired(message=_l(
            "Enter the name of the attribute or claim that holds the email address, such as "
            "email")), Length(max=200)],
        render_kw={"spellcheck": "false"},
    )
    first_name_attribute = StringField(_l("First name"), validators=[Length(max=200)],
                                       render_kw={"spellcheck": "false"})
    last_name_attribute = StringField(_l("Last name"), validators=[Length(max=200)],
                                      render_kw={"spellcheck": "false"})
    user_type_attribute = StringField(_l("User type: attribute or group claim"),
                                      validators=[Length(max=200)],
                                      render_kw={"spellcheck": "false"})
    licensed_value = StringField(_l("…the value that means Licensed"),
                                 validators=[Length(max=200)], render_kw={"spellcheck": "false"})
    role_attribute = StringField(_l("Role: attribute or group claim"),
                                 validators=[Length(max=200)], render_kw={"spellcheck": "false"})
    admin_value = StringField(_l("…the value that means Admin"), validators=[Length(max=200)],
                              render_kw={"spellcheck": "false"})
    provisioning = RadioField(
        _l("Who may come in"),
        choices=[
            SelectChoice("jit", _l("Create members when they first sign in")),
            SelectChoice("invited", _l("Only people who were invited or are already members")),
        ],
        default="jit",
        description={
            "jit": _l("Anyone your identity provider lets in with an address on your verified "
                      "domains becomes a member. People with a Pro account of their own choose "
                      "their refund details first."),
            "invited": _l("Everyone else is turned away with a page that tells them to ask you "
                          "for an invitation."),
        },
        validators=[InputRequired(message=_l("Choose who may come in"))],
    )

    def validate_licensed_value(self, field) -> None:
        _both(self.user_type_attribute, field, _l(
            "Enter the value that means Licensed too, or leave both user type boxes empty"))

    def validate_admin_value(self, field) -> None:
        _both(self.role_attribute, field, _l(
            "Enter the value that means Admin too, or leave both role boxes empty"))

    def metadata_text(self) -> str:
        """What was pasted, or else the uploaded file's text."""
        if self.metadata_xml.data:
            return self.metadata_xml.data
        upload = self.metadata_file.data
        if upload and getattr(upload, "read", None):
            return upload.read(MAX_METADATA + 1).decode("utf-8", "replace")
        return ""


def _both(attribute, value, message) -> None:
    """An attribute needs its value and a value its attribute: half a rule would do nothing."""
    if bool(attribute.data) != bool(value.data):
        raise ValidationError(message)
