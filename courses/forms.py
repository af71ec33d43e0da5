from django import forms
from django.utils.translation import gettext_lazy as _

from core.places import Province
from courses.models import EQF_LEVEL_CHOICES, Modality, OfferFormat


class OfferFilterForm(forms.Form):
    """Public filters of the offer index; every field optional."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    province = forms.ChoiceField(
        label=_("Province"), choices=[("", _("All")), *Province.choices], required=False
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[("", _("All")), *OfferFormat.choices], required=False
    )
    modality = forms.ChoiceField(
        label=_("Modality"), choices=[("", _("All")), *Modality.choices], required=False
    )
    level = forms.TypedChoiceField(
        label=_("EQF level"),
        choices=[("", _("All")), *EQF_LEVEL_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    free = forms.BooleanField(label=_("Free only"), required=False)

    def cleaned_filters(self) -> dict:
        data = self.cleaned_data
        return {
            "query": data.get("q") or None,
            "province": data.get("province") or None,
            "format": data.get("format") or None,
            "modality": data.get("modality") or None,
            "level": data.get("level"),
            "free": True if data.get("free") else None,
        }


class OfferImportForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=None)
    file = forms.FileField(
        label=_("File"), help_text=_("CSV following the template, or LHEO-style XML.")
    )
    publish = forms.BooleanField(
        label=_("Publish directly (moderators only)"),
        required=False,
        help_text=_("Otherwise imported offers are drafts that go through moderation."),
    )

    def __init__(self, *args, providers, **kwargs):
        from courses.models import ProviderPage

        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = ProviderPage.objects.filter(
            pk__in=[p.pk for p in providers]
        ).order_by("title")
        if len(providers) == 1:
            self.fields["provider"].initial = providers[0].pk


class OfferExportForm(forms.Form):
    fmt = forms.ChoiceField(
        label=_("File format"),
        choices=[("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON"), ("xml", "LHEO XML")],
    )
    province = forms.ChoiceField(
        label=_("Province"), choices=[("", _("All")), *Province.choices], required=False
    )
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=None, required=False)
    format = forms.ChoiceField(
        label=_("Offer format"), choices=[("", _("All")), *OfferFormat.choices], required=False
    )
    skill = forms.CharField(
        label=_("Skill (ESCO URI)"), required=False, help_text=_("Only offers teaching it.")
    )

    def __init__(self, *args, **kwargs):
        from courses.models import ProviderPage

        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = ProviderPage.objects.live().order_by("title")

    def clean(self):
        from skills.models import Skill

        cleaned = super().clean()
        uri = (cleaned.get("skill") or "").strip()
        cleaned["skill_obj"] = None
        if uri:
            skill = Skill.objects.filter(uri=uri).first() or Skill.objects.filter(key=uri).first()
            if skill is None:
                self.add_error("skill", _("No skill has this URI."))
            cleaned["skill_obj"] = skill
        return cleaned


class CatalogueImportForm(forms.Form):
    file = forms.FileField(
        label=_("Regional catalogue export"),
        help_text=_("The semicolon-separated export of the Walloon training offer (CSV, UTF-8)."),
    )
