"""Forms of the taxonomy admin.

They only collect and shape input: the admin views hand their cleaned data to
`skills.services.taxonomy`, which validates the rules and writes.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from skills.admin.choosers import esco_skill_chooser_viewset, skill_group_chooser_viewset
from skills.models import (
    Occupation,
    RejectedMatchPattern,
    ShortageListEntry,
    Skill,
    SkillGroup,
    SkillSynonym,
)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class AltLabelsField(forms.CharField):
    """A list of labels edited as one label per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        return _lines(super().to_python(value))


class LocalConceptForm(WagtailAdminModelForm):
    """Create or edit a local concept under one ESCO broader skill or skill group."""

    alt_labels_fr = AltLabelsField(
        label=_("alternative labels (French)"),
        required=False,
        help_text=_("One label per line."),
    )
    alt_labels_en = AltLabelsField(
        label=_("alternative labels (English)"),
        required=False,
        help_text=_("One label per line."),
    )
    broader_skill = forms.ModelChoiceField(
        label=_("broader ESCO skill"),
        queryset=Skill.objects.esco().current(),
        required=False,
    )
    broader_group = forms.ModelChoiceField(
        label=_("broader ESCO skill group"),
        queryset=SkillGroup.objects.filter(is_obsolete=False),
        required=False,
        help_text=_("Choose a broader skill or a skill group (one of the two)."),
    )

    class Meta:
        model = Skill
        fields = [
            "preferred_label_fr",
            "preferred_label_en",
            "description_fr",
            "description_en",
            "skill_type",
            "is_obsolete",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_label_fr"].required = True
        self.fields["broader_skill"].widget = esco_skill_chooser_viewset.widget_class()
        self.fields["broader_group"].widget = skill_group_chooser_viewset.widget_class()
        instance = self.instance
        if instance.pk:
            self.initial.setdefault("alt_labels_fr", instance.alt_labels_fr)
            self.initial.setdefault("alt_labels_en", instance.alt_labels_en)
            self.initial.setdefault("broader_skill", instance.broader_skills.first())
            self.initial.setdefault("broader_group", instance.broader_groups.first())

    def clean(self):
        cleaned = super().clean()
        skill, group = cleaned.get("broader_skill"), cleaned.get("broader_group")
        if skill and group:
            raise ValidationError(_("Choose either a broader skill or a skill group, not both."))
        if not skill and not group and not self.has_error("broader_skill"):
            self.add_error(
                "broader_skill", _("A local concept needs an ESCO broader skill or skill group.")
            )
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "label_fr": data["preferred_label_fr"],
            "label_en": data.get("preferred_label_en", ""),
            "description_fr": data.get("description_fr", ""),
            "description_en": data.get("description_en", ""),
            "skill_type": data.get("skill_type", ""),
            "alt_labels_fr": data.get("alt_labels_fr", []),
            "alt_labels_en": data.get("alt_labels_en", []),
            "broader": data.get("broader_skill") or data.get("broader_group"),
        }

    def update_kwargs(self) -> dict:
        return {**self.service_kwargs(), "is_obsolete": self.cleaned_data.get("is_obsolete", False)}

    # Service errors name the service's arguments; show them on the matching fields.
    service_field_names = {"label_fr": "preferred_label_fr", "broader": "broader_skill"}


class SkillSynonymForm(WagtailAdminModelForm):
    """A synonym or curated vocabulary entry; saving it makes the row the curator's."""

    class Meta:
        model = SkillSynonym
        fields = ["skill", "label", "language", "kind", "requires_context", "source", "note"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "skill": data["skill"],
            "label": data["label"],
            "language": data["language"],
            "kind": data.get("kind", ""),
            "requires_context": data.get("requires_context", False),
            "source": data.get("source", ""),
            "note": data.get("note", ""),
        }

    def _post_clean(self):
        # Uniqueness and label rules are the service's to check (accent-insensitively);
        # skip the model-level unique check here so it cannot disagree with them.
        self._validate_unique = False
        super()._post_clean()

    service_field_names: dict[str, str] = {}


class RejectedPatternForm(WagtailAdminModelForm):
    class Meta:
        model = RejectedMatchPattern
        fields = ["pattern", "skill", "note"]

    def clean_pattern(self):
        pattern = " ".join(self.cleaned_data["pattern"].split())
        if not pattern:
            raise ValidationError(_("The pattern cannot be empty."))
        return pattern


class ShortageEntryForm(WagtailAdminModelForm):
    class Meta:
        model = ShortageListEntry
        fields = [
            "shortage_list",
            "label",
            "kind",
            "occupations",
            "rome_code",
            "mapping_is_approximate",
            "mapping_note",
            "position",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupations"].queryset = Occupation.objects.current().order_by(
            "preferred_label_fr"
        )
        self.fields["occupations"].widget.attrs["size"] = 12


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Attach a service's `ValidationError` to the form fields it names (else to the form)."""
    mapping = getattr(form, "service_field_names", {})
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            field = mapping.get(name, name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
