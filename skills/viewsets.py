"""Wagtail admin for the taxonomy: viewsets grouped under one "ESCO taxonomy" menu.

ESCO concepts (skills, occupations, import history) are read-only here: the importer owns
them, marks them obsolete instead of deleting them, and other models point at them with
PROTECT. Curators write what lives beside ESCO: local concepts, synonyms, rejected match
patterns and shortage lists. Creation and edits of local concepts and synonyms go through
`skills.services.taxonomy`, the single entry point for those writes.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, ProtectedError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from core.text import fold
from skills.forms import LocalConceptForm, SkillSynonymForm, add_service_error
from skills.models import (
    Occupation,
    OccupationSkill,
    RejectedMatchPattern,
    ShortageList,
    ShortageListEntry,
    Skill,
    SkillGroup,
    SkillSynonym,
    TaxonomyImport,
)
from skills.services import taxonomy as taxonomy_services

# --------------------------------------------------------------------------- permissions

WRITE_ACTIONS = frozenset({"add", "change", "delete"})


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Users with the model's "view" permission may list and inspect; nobody may write.

    For data the ESCO importer owns: a change made in the admin would be overwritten by the
    next import, and a deletion would break the PROTECT links that offers and postings hold.
    """

    def user_has_permission(self, user, action):
        if action in WRITE_ACTIONS:
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in WRITE_ACTIONS]
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


class LocalConceptPermissionPolicy(ModelPermissionPolicy):
    """Skill permissions as Django grants them, but never on an ESCO concept."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action in WRITE_ACTIONS and instance.origin != Skill.Origin.LOCAL:
            return False
        return super().user_has_permission_for_instance(user, action, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        return (
            super()
            .instances_user_has_any_permission_for(user, actions)
            .filter(origin=Skill.Origin.LOCAL)
        )


# --------------------------------------------------------------------------- shared views


class FoldedSearchIndexView(generic.IndexView):
    """Accent-insensitive admin search on the folded labels (`matching_text`)."""

    search_fields = ["search_text"]
    search_backend_name = None
    base_queryset = None

    def get_base_queryset(self):
        if self.base_queryset is not None:
            return self.base_queryset.all()
        return super().get_base_queryset()

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return queryset.matching_text(self.search_query)


class ServiceFormMixin:
    """Create/edit views whose save is a service call; service errors go back onto the form."""

    def call_service(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        self.form = form
        try:
            with transaction.atomic():
                self.object = self.save_instance()
        except ValidationError as error:
            add_service_error(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response


class ServiceCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        instance = self.call_service(self.form)
        log(instance=instance, action="wagtail.create", content_changed=True)
        return instance


class ServiceEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        instance = self.call_service(self.form)
        self.has_content_changes = self.form.has_changed()
        log(instance=instance, action="wagtail.edit", content_changed=self.has_content_changes)
        return instance


# --------------------------------------------------------------------------- choosers


class FoldedSearchFilterForm(BaseFilterForm):
    """Chooser search on folded labels: "developpeur" finds "développeur"."""

    q = forms.CharField(label=_("Search term"), required=False)

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q")
        if query:
            folded = fold(query)
            if hasattr(objects, "matching_text"):
                objects = objects.matching_text(query)
            else:
                objects = objects.filter(preferred_label_fr__icontains=query) | objects.filter(
                    preferred_label_en__icontains=query
                )
            self.is_searching = True
            self.search_query = folded
        return objects


class SkillChooseMixin:
    filter_form_class = FoldedSearchFilterForm
    per_page = 20

    def get_object_list(self):
        return Skill.objects.current().order_by("preferred_label_fr")

    @property
    def columns(self):
        return [
            self.title_column,
            Column("preferred_label_en", label=_("English label")),
            Column("skill_type", label=_("skill type"), accessor="get_skill_type_display"),
            Column("origin", label=_("origin"), accessor="get_origin_display"),
        ]


class SkillChooseView(SkillChooseMixin, ChooseView):
    pass


class SkillChooseResultsView(SkillChooseMixin, ChooseResultsView):
    pass


class SkillChooserViewSet(ChooserViewSet):
    """Pick a current skill (ESCO or local) in a modal with accent-insensitive search.

    Registered as the admin widget of every foreign key to `Skill` (synonyms, rejected
    patterns, and the other apps' skill links).
    """

    model = Skill
    icon = "tag"
    choose_one_text = _("Choose a skill")
    choose_another_text = _("Choose another skill")
    choose_view_class = SkillChooseView
    choose_results_view_class = SkillChooseResultsView


class EscoSkillChooseMixin(SkillChooseMixin):
    def get_object_list(self):
        return Skill.objects.esco().current().order_by("preferred_label_fr")


class EscoSkillChooseView(EscoSkillChooseMixin, ChooseView):
    pass


class EscoSkillChooseResultsView(EscoSkillChooseMixin, ChooseResultsView):
    pass


class EscoSkillChooserViewSet(SkillChooserViewSet):
    """Only current ESCO skills: the broader concept of a local concept must be one."""

    choose_view_class = EscoSkillChooseView
    choose_results_view_class = EscoSkillChooseResultsView
    register_widget = False


class SkillGroupChooseMixin:
    filter_form_class = FoldedSearchFilterForm

    def get_object_list(self):
        return SkillGroup.objects.filter(is_obsolete=False).order_by("code", "preferred_label_fr")

    @property
    def columns(self):
        return [self.title_column, Column("code", label=_("code"))]


class SkillGroupChooseView(SkillGroupChooseMixin, ChooseView):
    pass


class SkillGroupChooseResultsView(SkillGroupChooseMixin, ChooseResultsView):
    pass


class SkillGroupChooserViewSet(ChooserViewSet):
    model = SkillGroup
    icon = "folder-open-inverse"
    choose_one_text = _("Choose a skill group")
    choose_another_text = _("Choose another skill group")
    choose_view_class = SkillGroupChooseView
    choose_results_view_class = SkillGroupChooseResultsView
    # FKs to SkillGroup elsewhere keep the default widget; this one serves the forms here.
    register_widget = False


skill_chooser_viewset = SkillChooserViewSet("skill_chooser")
esco_skill_chooser_viewset = EscoSkillChooserViewSet("esco_skill_chooser")
skill_group_chooser_viewset = SkillGroupChooserViewSet("skill_group_chooser")


# --------------------------------------------------------------------------- ESCO skills


class EscoSkillIndexView(FoldedSearchIndexView):
    base_queryset = Skill.objects.esco()
    page_title = _("ESCO skills")


class SkillInspectView(generic.InspectView):
    template_name = "skills/admin/skill_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        skill = self.object
        context["public_url"] = skill.get_absolute_url()
        context["relation_counts"] = dict(
            OccupationSkill.objects.filter(skill=skill)
            .values_list("relation")
            .annotate(n=Count("id"))
            .values_list("relation", "n")
        )
        context["synonyms"] = list(skill.synonyms.order_by("language", "label"))
        return context


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


# --------------------------------------------------------------------------- local concepts


class LocalConceptIndexView(FoldedSearchIndexView):
    base_queryset = Skill.objects.local()
    page_title = _("Local concepts")


class LocalConceptObjectMixin:
    """Local-concept views only ever see local concepts: an ESCO key in the URL is a 404."""

    def get_object(self, queryset=None):
        from django.http import Http404

        obj = super().get_object(queryset)
        if obj.origin != Skill.Origin.LOCAL:
            raise Http404("Not a local concept.")
        return obj


class LocalConceptCreateView(ServiceCreateView):
    page_subtitle = _("Local concept")

    def call_service(self, form):
        return taxonomy_services.local_concept_create(
            **form.service_kwargs(), user=self.request.user
        )


class LocalConceptEditView(LocalConceptObjectMixin, ServiceEditView):
    def call_service(self, form):
        return taxonomy_services.local_concept_update(
            skill=self.object, **form.update_kwargs(), user=self.request.user
        )


class LocalConceptDeleteView(LocalConceptObjectMixin, generic.DeleteView):
    """Deleting a concept that offers, postings or occupations still use is refused, not a 500.

    Those links are PROTECT foreign keys from other apps, which Wagtail's reference index does
    not necessarily track, so the database has the last word.
    """

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError as error:
            messages.error(
                self.request,
                _(
                    "“%(label)s” is still used by %(count)d record(s) such as training offers "
                    "or job postings, so it cannot be deleted. Mark it obsolete instead."
                )
                % {"label": self.object, "count": len(error.protected_objects)},
            )
            return redirect(self.get_edit_url() or self.get_success_url())

    def get_edit_url(self):
        return (
            reverse(self.edit_url_name, args=(quote(self.object.pk),))
            if self.edit_url_name
            else None
        )


class LocalConceptInspectView(LocalConceptObjectMixin, SkillInspectView):
    pass


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


# --------------------------------------------------------------------------- occupations


class OccupationIndexView(FoldedSearchIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("isco_group")


class OccupationInspectView(generic.InspectView):
    template_name = "skills/admin/occupation_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        links = list(
            self.object.skill_links.select_related("skill").order_by("skill__preferred_label_fr")
        )
        context["essential_skills"] = [
            link.skill for link in links if link.relation == OccupationSkill.Relation.ESSENTIAL
        ]
        context["optional_skills"] = [
            link.skill for link in links if link.relation == OccupationSkill.Relation.OPTIONAL
        ]
        context["job_titles"] = list(self.object.job_titles.order_by("label"))
        context["public_url"] = self.object.get_absolute_url()
        return context


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


# --------------------------------------------------------------------------- synonyms & patterns


class SynonymIndexView(generic.IndexView):
    search_fields = ["label", "skill__preferred_label_fr", "skill__preferred_label_en"]
    search_backend_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("skill", "created_by")


class SynonymCreateView(ServiceCreateView):
    def get_initial(self):
        # "Add a synonym" on a skill's inspect page passes the skill along.
        initial = super().get_initial()
        skill_id = self.request.GET.get("skill", "")
        if skill_id.isdigit():
            initial["skill"] = Skill.objects.filter(pk=skill_id).first()
        return initial

    def call_service(self, form):
        return taxonomy_services.synonym_add(**form.service_kwargs(), user=self.request.user)


class SynonymEditView(ServiceEditView):
    def call_service(self, form):
        return taxonomy_services.synonym_update(synonym=self.object, **form.service_kwargs())


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


class RejectedPatternForm(WagtailAdminModelForm):
    class Meta:
        model = RejectedMatchPattern
        fields = ["pattern", "skill", "note"]

    def clean_pattern(self):
        pattern = " ".join(self.cleaned_data["pattern"].split())
        if not pattern:
            raise ValidationError(_("The pattern cannot be empty."))
        return pattern


class RejectedPatternCreateView(generic.CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class RejectedPatternIndexView(generic.IndexView):
    search_fields = ["pattern", "note"]
    search_backend_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("skill")


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


# --------------------------------------------------------------------------- shortage lists


class ShortageListIndexView(generic.IndexView):
    search_fields = ["title", "source", "region"]
    search_backend_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(entry_count=Count("entries"))


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


class ShortageEntryIndexView(generic.IndexView):
    search_fields = ["label", "rome_code", "mapping_note"]
    search_backend_name = None

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("shortage_list")
            .prefetch_related(
                Prefetch(
                    "occupations",
                    queryset=Occupation.objects.only(
                        "pk", "preferred_label_fr", "preferred_label_en"
                    ),
                )
            )
        )


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


# --------------------------------------------------------------------------- import history


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
