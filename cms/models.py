"""The public site's own pages."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from core.page_locales import TranslatedTreePage
from skills.selectors import taxonomy_overview


class HomePage(TranslatedTreePage):
    """The site root: what the platform is and where to start."""

    intro = models.CharField(_("introduction"), max_length=500, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import home_page_highlights

        context = super().get_context(request, *args, **kwargs)
        context["taxonomy"] = taxonomy_overview()
        context["highlights"] = home_page_highlights()
        return context


class StandardPage(TranslatedTreePage):
    """A plain content page (about, legal notice, data sources)."""

    intro = models.CharField(_("introduction"), max_length=500, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")


class ApiKey(models.Model):
    """A client of the public API. The key raises its rate limit and identifies it in logs.
    A key issued to an account reads what that account may read on the site (an advisor's key,
    the advisor figures); a key without one grants nothing an anonymous visitor cannot read.
    Only the key's hash is stored: the key is shown once, when it is issued (`issue_api_key`)."""

    name = models.CharField(_("client"), max_length=128)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("account"),
        help_text=_(
            "The account whose site permissions the key carries (an advisor's, for the advisor "
            "figures). Empty: the key reads only what everyone may read."
        ),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key starts with"), max_length=12, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("contact_email"),
        FieldPanel("user"),
        FieldPanel("is_active"),
    ]

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SavedSearch(models.Model):
    """A search someone asked to be told about: new sessions of matching offers, or new
    matching postings, by e-mail (after double opt-in) and as an Atom feed.

    The token is the only credential: it is in the confirmation, digest and unsubscribe links,
    so no account is needed; it is long and random, and never shown elsewhere."""

    class Kind(models.TextChoices):
        OFFERS = "offers", _("training offers")
        POSTINGS = "postings", _("job postings")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")

    email = models.EmailField(_("e-mail"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    query_string = models.TextField(_("search"), help_text=_("The search's URL parameters."))
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    frequency = models.CharField(
        _("frequency"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last digest sent at"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("failed sends in a row"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        indexes = [models.Index(fields=["frequency", "confirmed_at", "unsubscribed_at"])]

    def __str__(self) -> str:
        return f"{self.email}: {self.kind} ?{self.query_string}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class AlertDelivery(models.Model):
    """One item (a session or a posting) a saved search has told its subscriber about: written
    only once the digest is sent, so an item is told once, and a failed send is retried."""

    class ItemKind(models.TextChoices):
        SESSION = "session", _("session")
        POSTING = "posting", _("posting")

    saved_search = models.ForeignKey(
        SavedSearch, on_delete=models.CASCADE, related_name="deliveries"
    )
    item_kind = models.CharField(max_length=16, choices=ItemKind.choices)
    item_id = models.PositiveBigIntegerField()
    delivered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("alert delivery")
        verbose_name_plural = _("alert deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "item_kind", "item_id"], name="unique_alert_delivery"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_kind} {self.item_id} → {self.saved_search_id}"


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


@register_setting(icon="cog")
class SiteSettings(BaseGenericSetting):
    """Who runs the site and how to reach them, shown in the footer; edited in Settings."""

    publisher_name = models.CharField(_("publisher"), max_length=255, blank=True)
    publisher_url = models.URLField(_("publisher's website"), blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Shown in the footer: privacy requests and accessibility problems go here."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("publisher_name"),
                FieldPanel("publisher_url"),
                FieldPanel("contact_email"),
            ],
            heading=_("Publisher"),
        )
    ]

    class Meta:
        verbose_name = _("site settings")


class NavigationMenu(TranslatableMixin, ClusterableModel):
    """The links of the main navigation or of the footer, in one language (a snippet,
    translated like the pages: one menu per slot and locale). Without a menu for a slot the
    site shows its built-in links."""

    class Slot(models.TextChoices):
        MAIN = "main", _("main navigation")
        FOOTER = "footer", _("footer")

    slot = models.CharField(_("position"), max_length=16, choices=Slot.choices)

    panels = [FieldPanel("slot"), InlinePanel("items", heading=_("Links"), label=_("Link"))]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("navigation menu")
        verbose_name_plural = _("navigation menus")
        constraints = [
            models.UniqueConstraint(fields=["slot", "locale"], name="unique_menu_per_slot_locale")
        ]

    def __str__(self) -> str:
        return f"{self.get_slot_display()} ({self.locale})"


class NavigationItem(Orderable):
    """One link of a menu: to a page of the site, or to an address (the search, the skills…)."""

    menu = ParentalKey(NavigationMenu, on_delete=models.CASCADE, related_name="items")
    label = models.CharField(_("label"), max_length=64)
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("page"),
    )
    link_url = models.CharField(
        _("address"),
        max_length=255,
        blank=True,
        help_text=_("Used when no page is chosen, e.g. /en/competences/."),
    )

    panels = [FieldPanel("label"), FieldPanel("page"), FieldPanel("link_url")]

    class Meta(Orderable.Meta):
        verbose_name = _("link")

    def __str__(self) -> str:
        return self.label

    def clean(self):
        from django.core.exceptions import ValidationError

        if not self.page_id and not self.link_url:
            raise ValidationError(_("Choose a page or give an address."))

    @property
    def url(self) -> str:
        if self.page_id:
            # The specific page: the cadastre's pages build their address their own way.
            return self.page.localized.specific.url or ""
        return self.link_url
