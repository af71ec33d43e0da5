"""Choosers for skills and skill groups: modal pickers with accent-insensitive search."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from core.text import fold
from skills.models import Skill, SkillGroup


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
