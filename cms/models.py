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


class ApiKey(models.Model):
    """A client of the public API. The key raises its rate limit and identifies it in logs; it
    grants nothing an anonymous visitor cannot read. Only the key's hash is stored: the key is
    shown once, when it is issued (`issue_api_key`)."""

    name = models.CharField(_("client"), max_length=128)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key starts with"), max_length=12, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [FieldPanel("name"), FieldPanel("contact_email"), FieldPanel("is_active")]

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
