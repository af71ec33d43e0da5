"""Wagtail admin for postings: one "Job postings" menu with a viewset per model.

Postings, ingestion runs and training requests are listed with filters and an inspect view;
feed sources show their API token once, when it is issued; employers are approved by
moderators through `jobs.services.portal.employer_review`.
"""

from __future__ import annotations

from django import forms
from django.forms import modelform_factory
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from jobs.models import Employer, FeedSource, IngestRun, JobPosting, TrainingRequest


class JobPostingViewSet(ModelViewSet):
    model = JobPosting
    icon = "doc-full"
    menu_label = _("Postings")
    inspect_view_enabled = True
    list_display = [
        "title",
        Column("display_employer", label=_("employer")),
        "province",
        "posted_on",
        "source",
        "status",
        BooleanColumn("is_duplicate", label=_("duplicate")),
    ]
    list_filter = ["status", "province", "contract_type", "source", "language", "posted_on"]
    # Postings are not in Wagtail's search index (see `JobPosting`): search the columns.
    search_backend_name = None
    search_fields = ["title", "employer_name", "external_id"]
    form_fields = [
        "title",
        "description_html",
        "description_text",
        "employer",
        "employer_name",
        "commune",
        "province",
        "contract_type",
        "working_time",
        "experience",
        "education_level",
        "posted_on",
        "expires_on",
        "language",
        "url",
        "status",
        "duplicate_of",
    ]
    inspect_view_fields = [
        "title",
        "external_id",
        "source",
        "display_employer",
        "commune",
        "province",
        "contract_type",
        "working_time",
        "experience",
        "education_level",
        "posted_on",
        "expires_on",
        "language",
        "url",
        "status",
        "duplicate_of",
        "parsed_at",
        "description_text",
    ]

    def get_queryset(self, request):
        return JobPosting.objects.select_related("employer", "source")


class EmployerEditView(generic.EditView):
    def get_form_class(self):
        """Only superusers change who belongs to an employer: a moderator who could add
        themselves would then act as that employer in the portal (issue #9, defect 9)."""
        form_class = super().get_form_class()
        if self.request.user.is_superuser:
            return form_class
        fields = [name for name in form_class._meta.fields if name != "members"]
        return modelform_factory(self.model, form=form_class, fields=fields)

    def save_instance(self):
        from jobs.services.portal import employer_review

        previous = Employer.objects.get(pk=self.object.pk).status
        instance = super().save_instance()
        if instance.status != previous:
            employer_review(employer=instance, status=instance.status, reviewer=self.request.user)
        return instance


class EmployerViewSet(ModelViewSet):
    model = Employer
    icon = "group"
    menu_label = _("Employers")
    inspect_view_enabled = True
    edit_view_class = EmployerEditView
    list_display = ["name", "enterprise_number", "province", "status", "created_at"]
    list_filter = ["status", "province", "sector"]
    search_fields = ["name", "enterprise_number"]
    form_fields = [
        "name",
        "enterprise_number",
        "sector",
        "commune",
        "province",
        "website",
        "members",
        "status",
    ]


class FeedSourceForm(WagtailAdminModelForm):
    issue_token = forms.BooleanField(
        label=_("Issue a new API token"),
        required=False,
        help_text=_("The token is shown once; the previous one stops working."),
    )


class ShowsNewTokenOnce:
    """Answers the save that issued a token with a page that shows it, once.

    The token is never put in a message: Django's messages travel in a cookie and would carry
    the secret back and forth (issue #9, defect 5). The page is not cached; the next visit of
    the source shows only the token's prefix.
    """

    issued_token: str | None = None

    def issue_token(self, instance) -> None:
        self.issued_token = instance.rotate_token()

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.issued_token is None:
            return response
        page = TemplateResponse(
            self.request,
            "jobs/admin/feed_token.html",
            {"source": self.object, "token": self.issued_token, "edit_url": response.url},
        )
        page["Cache-Control"] = "no-store"
        return page


class FeedSourceCreateView(ShowsNewTokenOnce, generic.CreateView):
    def save_instance(self):
        instance = super().save_instance()
        self.issue_token(instance)
        return instance


class FeedSourceEditView(ShowsNewTokenOnce, generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        if self.form.cleaned_data.get("issue_token"):
            self.issue_token(instance)
        return instance


class FeedSourceViewSet(ModelViewSet):
    model = FeedSource
    icon = "download"
    menu_label = _("Feed sources")
    add_view_class = FeedSourceCreateView
    edit_view_class = FeedSourceEditView
    list_display = ["name", "label", "token_prefix", BooleanColumn("is_active"), "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "label"]
    # ModelViewSet has no `base_form_class`: the form class comes with the edit handler.
    # Without it the "issue a new token" field was never rendered nor processed.
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("label"),
            FieldPanel("url"),
            FieldPanel("is_active"),
            FieldPanel("issue_token"),  # a field of FeedSourceForm, not of the model
        ],
        base_form_class=FeedSourceForm,
    )


class IngestRunViewSet(ModelViewSet):
    model = IngestRun
    icon = "history"
    menu_label = _("Ingestion runs")
    inspect_view_enabled = True
    list_display = [
        "__str__",
        "status",
        Column("progress", label=_("progress")),
        "created",
        "updated",
        "unchanged",
        "duplicates",
        "rejected",
    ]
    list_filter = ["status", "source", "trigger"]
    search_fields = ["file_name", "failure"]
    form_fields = ["status"]
    inspect_view_fields = [
        "source",
        "status",
        "trigger",
        "format",
        "file_name",
        "started_at",
        "finished_at",
        "total",
        "processed",
        "created",
        "updated",
        "unchanged",
        "duplicates",
        "rejected",
        "errors",
        "failure",
    ]


class TrainingRequestViewSet(ModelViewSet):
    """What employers ask competence centres for; advisors and centres answer here."""

    model = TrainingRequest
    icon = "help"
    menu_label = _("Training requests")
    inspect_view_enabled = True
    list_display = ["__str__", "headcount", "needed_by", "province", "status", "created_at"]
    list_filter = ["status", "province", "needed_by"]
    search_fields = ["message", "employer__name"]
    form_fields = ["status"]
    inspect_view_fields = [
        "employer",
        "posting",
        "skills",
        "headcount",
        "needed_by",
        "province",
        "message",
        "status",
        "created_at",
    ]

    def get_queryset(self, request):
        return TrainingRequest.objects.select_related("employer", "posting").prefetch_related(
            "skills"
        )


class JobsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Job postings")
    menu_icon = "doc-full-inverse"
    menu_order = 310
    items = (
        JobPostingViewSet("job_postings"),
        TrainingRequestViewSet("training_requests"),
        EmployerViewSet("employers"),
        FeedSourceViewSet("feed_sources"),
        IngestRunViewSet("ingest_runs"),
    )
