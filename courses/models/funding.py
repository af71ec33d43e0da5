from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class FundingScheme(index.Indexed, models.Model):
    """A way a learner can have a training paid for (Forem free training, chèques-formation…).

    A snippet, so moderators can add schemes without a release; the three common Walloon schemes
    are created by a data migration.
    """

    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=128)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("more information"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"), FieldPanel("url")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("funding scheme")
        verbose_name_plural = _("funding schemes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
