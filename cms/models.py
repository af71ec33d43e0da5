"""The public site's own pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from skills.selectors import taxonomy_overview


class HomePage(Page):
    """The site root: what the platform is and where to start."""

    intro = models.CharField(_("introduction"), max_length=500, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["taxonomy"] = taxonomy_overview()
        return context


class StandardPage(Page):
    """A plain content page (about, legal notice, data sources)."""

    intro = models.CharField(_("introduction"), max_length=500, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")


class AdvisorArea(models.Model):
    """No table: what the advisor area's permissions hang on (Django ties a permission to a
    model). Granted to groups by `cms.services.advisor_roles.advisor_roles_setup`."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            (
                "view_advisor_dashboards",
                _("Can see the advisor dashboards and download their tables"),
            ),
            ("curate_emerging_skills", _("Can accept or reject emerging skills")),
        ]
        verbose_name = _("advisor area")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
