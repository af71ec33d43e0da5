"""Views of the taxonomy admin: folded-label search, service-backed create and edit, inspect.

Creation and edits of local concepts and synonyms call `skills.services.taxonomy`, the single
entry point for those writes; a service's `ValidationError` goes back onto the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, ProtectedError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.log_actions import log

from skills.admin.forms import add_service_error
from skills.models import Occupation, OccupationSkill, Skill
from skills.services import taxonomy as taxonomy_services


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


class LocalConceptIndexView(FoldedSearchIndexView):
    base_queryset = Skill.objects.local()
    page_title = _("Local concepts")


class LocalConceptObjectMixin:
    """Local-concept views only ever see local concepts: an ESCO key in the URL is a 404."""

    def get_object(self, queryset=None):
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


class RejectedPatternCreateView(generic.CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class RejectedPatternIndexView(generic.IndexView):
    search_fields = ["pattern", "note"]
    search_backend_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("skill")


class ShortageListIndexView(generic.IndexView):
    search_fields = ["title", "source", "region"]
    search_backend_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(entry_count=Count("entries"))


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
