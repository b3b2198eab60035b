"""Forms of the identity pages."""

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from smartgov.identity.domain.accounts import compact_identifier
from smartgov.identity.models import User
from smartgov.identity.validators import normalize_tax_code, parse_personal_id


class SignInForm(AuthenticationForm):
    """Django's sign-in form, taking a personal ID or tax code however it is spaced."""

    def clean_username(self) -> str:
        return compact_identifier(str(self.cleaned_data.get("username", "")))


class RegistrationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("I register as"),
        choices=[(User.Kind.CITIZEN, _("a citizen")), (User.Kind.BUSINESS, _("a business"))],
        widget=forms.RadioSelect,
        initial=User.Kind.CITIZEN,
    )
    identifier = forms.CharField(
        label=_("Personal identification number or tax code"),
        max_length=20,
        help_text=_("Citizens: the 12 digits on the chip-based ID card. Businesses: the tax code."),
    )
    full_name = forms.CharField(label=_("Full name or business name"), max_length=150)
    birth_date = forms.DateField(
        label=_("Date of birth (citizens)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=r"^(0|\+84)\d{9,10}$",
        error_messages={"invalid": _("Enter a Vietnamese phone number, e.g. 0912345678.")},
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        identifier = "".join(str(data.get("identifier", "")).split())
        kind = data.get("kind")
        birth: date | None = data.get("birth_date")
        try:
            if kind == User.Kind.CITIZEN:
                if birth is None:
                    self.add_error("birth_date", _("Citizens give their date of birth."))
                data["identifier"] = parse_personal_id(identifier, birth_date=birth).number
            elif kind == User.Kind.BUSINESS:
                data["identifier"] = normalize_tax_code(identifier)
        except ValidationError as error:
            self.add_error("identifier", error)
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        elif data.get("password"):
            probe = User(username=data.get("identifier", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(data["password"], probe)
            except ValidationError as error:
                self.add_error("password", error)
        return data


PHONE_FIELD_ERRORS = {"invalid": _("Enter a Vietnamese phone number, e.g. 0912345678.")}


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name or business name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.RegexField(
        label=_("Mobile phone"), regex=r"^(0|\+84)\d{9,10}$", required=False, error_messages=PHONE_FIELD_ERRORS
    )


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("Personal ID, tax code, account name or verified e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("I ask to"),
        choices=[("correction", _("correct my data")), ("deletion", _("delete my account and data"))],
        widget=forms.RadioSelect,
        initial="correction",
    )
    full_name = forms.CharField(label=_("Correct full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Correct e-mail"), required=False)
    phone = forms.RegexField(
        label=_("Correct phone number"), regex=r"^(0|\+84)\d{9,10}$", required=False, error_messages=PHONE_FIELD_ERRORS
    )
    reason = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "correction" and not any(data.get(f) for f in ("full_name", "email", "phone")):
            raise ValidationError(_("Say what should be corrected: at least one new value."))
        return data


class DataRequestAnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("refuse", _("Refuse"))], widget=forms.RadioSelect)
    answer = forms.CharField(label=_("Answer to the person"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
