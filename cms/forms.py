"""Forms of the public site."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from skills.models import Skill, SkillCollection


class TaxonomySearchForm(forms.Form):
    """The browser's search box and filters (a GET form that works without JavaScript)."""

    TYPE_CHOICES = [("skill", _("Skills")), ("occupation", _("Occupations"))]

    q = forms.CharField(label=_("Skill or occupation"), max_length=200, required=False)
    type = forms.ChoiceField(
        label=_("Look for"),
        choices=TYPE_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    collection = forms.ModelChoiceField(
        label=_("Collection"),
        queryset=SkillCollection.objects.order_by("slug"),
        to_field_name="slug",
        required=False,
        empty_label=_("All collections"),
    )
    skill_type = forms.ChoiceField(
        label=_("Skill type"),
        choices=[("", _("All types"))]
        + [(value, label) for value, label in Skill.SkillType.choices if value],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].initial = "skill"

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def has_criteria(self) -> bool:
        data = self.cleaned_data
        return bool(data["q"] or data["collection"] or data["skill_type"] or data["type"])
