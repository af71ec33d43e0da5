"""Forms of the employer portal. Validation of input only; writes go through services."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from core.places import Province
from jobs.models import Employer, JobPosting
from skills.models import Skill

ENTERPRISE_NUMBER = re.compile(r"^[01]\d{3}\.?\d{3}\.?\d{3}$")


class EmployerRegistrationForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=255)
    enterprise_number = forms.CharField(
        label=_("Enterprise number (BCE/KBO)"),
        max_length=16,
        required=False,
        help_text=_("For example 0123.456.789."),
    )
    sector = forms.CharField(label=_("Sector"), max_length=128, required=False)
    commune = forms.CharField(label=_("Commune"), max_length=128, required=False)
    province = forms.ChoiceField(
        label=_("Province"), choices=[("", "—"), *Province.choices], required=False
    )
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("Email address"))
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password (again)"), widget=forms.PasswordInput)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean_enterprise_number(self):
        number = self.cleaned_data["enterprise_number"].replace(" ", "")
        if not number:
            return ""
        if not ENTERPRISE_NUMBER.match(number):
            raise forms.ValidationError(_("Enter ten digits, for example 0123.456.789."))
        digits = number.replace(".", "")
        number = f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
        if Employer.objects.filter(enterprise_number=number).exists():
            raise forms.ValidationError(_("This organisation is already registered."))
        return number

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class NeedForm(forms.Form):
    """The plain form an employer fills in: the platform reads the rest from the text."""

    title = forms.CharField(label=_("Job title"), max_length=255)
    text = forms.CharField(
        label=_("Describe the job and the person you need"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20_000,
    )
    commune = forms.CharField(label=_("Place of work (commune)"), max_length=128, required=False)
    province = forms.ChoiceField(
        label=_("Province"), choices=[("", "—"), *Province.choices], required=False
    )
    contract_type = forms.ChoiceField(
        label=_("Contract"), choices=JobPosting.ContractType.choices, required=False
    )


class AddSkillForm(forms.Form):
    skill = forms.ModelChoiceField(
        label=_("Add a skill"),
        queryset=Skill.objects.current(),
        to_field_name="key",
        widget=forms.TextInput(attrs={"list": "skill-suggestions", "autocomplete": "off"}),
        error_messages={"invalid_choice": _("Pick a skill from the suggestions.")},
    )


class TrainingRequestForm(forms.Form):
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills to train"),
        queryset=Skill.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    headcount = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=500)
    needed_by = forms.DateField(
        label=_("Needed by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    message = forms.CharField(
        label=_("Message to competence centres"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, skills=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].queryset = skills if skills is not None else Skill.objects.none()
