"""Wagtail admin for the taxonomy: viewsets grouped under one "ESCO taxonomy" menu.

ESCO concepts (skills, occupations, import history) are read-only here: the importer owns
them, marks them obsolete instead of deleting them, and other models point at them with
PROTECT. Curators write what lives beside ESCO: local concepts, synonyms, rejected match
patterns and shortage lists. Registered in `skills.wagtail_hooks`.
"""

from __future__ import annotations

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from skills.admin.forms import (
    LocalConceptForm,
    RejectedPatternForm,
    ShortageEntryForm,
    SkillSynonymForm,
)
from skills.admin.permissions import LocalConceptPermissionPolicy, ReadOnlyPermissionPolicy
from skills.admin.views import (
    EscoSkillIndexView,
    LocalConceptCreateView,
    LocalConceptDeleteView,
    LocalConceptEditView,
    LocalConceptIndexView,
    LocalConceptInspectView,
    OccupationIndexView,
    OccupationInspectView,
    RejectedPatternCreateView,
    RejectedPatternIndexView,
    ShortageEntryIndexView,
    ShortageListIndexView,
    SkillInspectView,
    SynonymCreateView,
    SynonymEditView,
    SynonymIndexView,
)
from skills.models import (
    Occupation,
    RejectedMatchPattern,
    ShortageList,
    ShortageListEntry,
    Skill,
    SkillSynonym,
    TaxonomyImport,
)

SKILL_INSPECT_FIELDS = [
    "uri",
    "origin",
    "preferred_label_fr",
    "preferred_label_en",
    "alt_labels_fr",
    "alt_labels_en",
    "description_fr",
    "description_en",
    "skill_type",
    "reuse_level",
    "collections",
    "broader_groups",
    "broader_skills",
    "esco_version",
    "is_obsolete",
    "fr_label_source",
]


class EscoSkillViewSet(ModelViewSet):
    """ESCO skills: list, search, filter and inspect; the importer owns the data."""

    model = Skill
    # Written in bulk by the importer (no save signals): a reference index would go stale.
    add_to_reference_index = False
    name = "esco_skills"
    icon = "tag"
    menu_label = _("ESCO skills")
    index_view_class = EscoSkillIndexView
    inspect_view_class = SkillInspectView
    inspect_view_enabled = True
    inspect_view_fields = SKILL_INSPECT_FIELDS
    copy_view_enabled = False
    list_display = [
        "preferred_label_fr",
        "preferred_label_en",
        "skill_type",
        "reuse_level",
        BooleanColumn("is_obsolete", label=_("obsolete")),
    ]
    list_filter = ["skill_type", "reuse_level", "is_obsolete", "collections"]
    list_export = ["uri", "preferred_label_fr", "preferred_label_en", "skill_type", "reuse_level"]
    list_per_page = 50
    form_fields = []

    @property
    def permission_policy(self):
        return ReadOnlyPermissionPolicy(Skill)


class LocalConceptViewSet(ModelViewSet):
    """Skills ESCO lacks, added by curators under an ESCO broader skill or group."""

    model = Skill
    name = "local_concepts"
    icon = "plus-inverse"
    menu_label = _("Local concepts")
    add_to_reference_index = False
    index_view_class = LocalConceptIndexView
    add_view_class = LocalConceptCreateView
    edit_view_class = LocalConceptEditView
    delete_view_class = LocalConceptDeleteView
    inspect_view_class = LocalConceptInspectView
    inspect_view_enabled = True
    inspect_view_fields = SKILL_INSPECT_FIELDS
    copy_view_enabled = False
    list_display = ["preferred_label_fr", "preferred_label_en", "key", "created_by"]
    list_filter = ["skill_type", "is_obsolete"]

    @property
    def permission_policy(self):
        return LocalConceptPermissionPolicy(Skill)

    def get_form_class(self, for_update=False):
        return LocalConceptForm


class OccupationViewSet(ModelViewSet):
    model = Occupation
    # Written in bulk by the importer (no save signals): a reference index would go stale.
    add_to_reference_index = False
    icon = "user"
    menu_label = _("Occupations")
    index_view_class = OccupationIndexView
    inspect_view_class = OccupationInspectView
    inspect_view_enabled = True
    inspect_view_fields = [
        "uri",
        "code",
        "preferred_label_fr",
        "preferred_label_en",
        "alt_labels_fr",
        "alt_labels_en",
        "description_fr",
        "description_en",
        "isco_group",
        "broader_occupations",
        "esco_version",
        "is_obsolete",
    ]
    copy_view_enabled = False
    list_display = [
        "preferred_label_fr",
        "preferred_label_en",
        "code",
        "isco_group",
        BooleanColumn("is_obsolete", label=_("obsolete")),
    ]
    list_filter = ["is_obsolete"]
    list_per_page = 50
    form_fields = []

    @property
    def permission_policy(self):
        return ReadOnlyPermissionPolicy(Occupation)


class SkillSynonymViewSet(ModelViewSet):
    model = SkillSynonym
    icon = "openquote"
    menu_label = _("Synonyms")
    index_view_class = SynonymIndexView
    add_view_class = SynonymCreateView
    edit_view_class = SynonymEditView
    copy_view_enabled = False
    list_display = [
        "label",
        "language",
        "skill",
        "kind",
        BooleanColumn("requires_context", label=_("context")),
        "origin",
        "created_by",
        "created_at",
    ]
    list_filter = ["language", "kind", "requires_context", "origin"]

    def get_form_class(self, for_update=False):
        return SkillSynonymForm


class RejectedMatchPatternViewSet(ModelViewSet):
    model = RejectedMatchPattern
    icon = "cross"
    menu_label = _("Rejected match patterns")
    index_view_class = RejectedPatternIndexView
    add_view_class = RejectedPatternCreateView
    copy_view_enabled = False
    list_display = ["pattern", "skill", "created_by", "created_at"]

    def get_form_class(self, for_update=False):
        return RejectedPatternForm


class ShortageListViewSet(ModelViewSet):
    model = ShortageList
    icon = "list-ul"
    menu_label = _("Shortage lists")
    index_view_class = ShortageListIndexView
    copy_view_enabled = False
    list_display = [
        "title",
        "year",
        "region",
        "source",
        Column("entry_count", label=_("entries")),
    ]
    list_filter = ["year", "region"]
    form_fields = ["title", "source", "source_url", "year", "region", "notes", "is_demo"]


class ShortageListEntryViewSet(ModelViewSet):
    model = ShortageListEntry
    icon = "list-ol"
    menu_label = _("Shortage list entries")
    index_view_class = ShortageEntryIndexView
    copy_view_enabled = False
    list_display = [
        "label",
        "shortage_list",
        "kind",
        Column(
            "occupations",
            label=_("ESCO occupations"),
            accessor=lambda entry: ", ".join(o.label() for o in entry.occupations.all()) or "—",
        ),
        "rome_code",
        "position",
    ]
    list_filter = ["shortage_list", "kind", "mapping_is_approximate"]

    def get_form_class(self, for_update=False):
        return ShortageEntryForm


class TaxonomyImportViewSet(ModelViewSet):
    model = TaxonomyImport
    # Written in bulk by the importer (no save signals): a reference index would go stale.
    add_to_reference_index = False
    icon = "history"
    menu_label = _("ESCO imports")
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["esco_version", "started_at", "finished_at", "source"]
    form_fields = []

    @property
    def permission_policy(self):
        return ReadOnlyPermissionPolicy(TaxonomyImport)

    @cached_property
    def inspect_view_fields(self):
        return ["esco_version", "source", "started_at", "finished_at", "counts", "warnings"]


class TaxonomyViewSetGroup(ModelViewSetGroup):
    menu_label = _("ESCO taxonomy")
    menu_icon = "tag"
    menu_order = 250
    items = (
        EscoSkillViewSet,
        LocalConceptViewSet,
        SkillSynonymViewSet,
        RejectedMatchPatternViewSet,
        OccupationViewSet,
        ShortageListViewSet,
        ShortageListEntryViewSet,
        TaxonomyImportViewSet,
    )
