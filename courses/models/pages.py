"""The cadastre's pages: providers with their offers as children, and two browsing pages."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.languages import Language
from core.page_locales import DefaultLocalePage, TranslatedTreePage, default_locale
from core.places import Province
from courses.models.choices import (
    EQF_LEVEL_CHOICES,
    Audience,
    DurationUnit,
    Modality,
    OfferFormat,
    ProviderKind,
    Schedule,
    SessionStatus,
)
from courses.panels import OfferReviewPanel


class ProviderIndexPage(TranslatedTreePage):
    """Lists the providers; every provider page lives under it (and the moderation workflow too)."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.ProviderPage"]
    max_count = 1

    class Meta:
        verbose_name = _("provider index")

    @classmethod
    def cadastre_index(cls) -> ProviderIndexPage | None:
        """The index the providers hang under: the French tree's (the English copy of the
        index only routes to them)."""
        return cls.objects.filter(locale=default_locale()).order_by("path").first()

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import provider_list

        context = super().get_context(request, *args, **kwargs)
        province = request.GET.get("province") or None
        kind = request.GET.get("kind") or None
        context["providers"] = provider_list(province=province, kind=kind)
        context["provinces"] = Province.choices
        context["kinds"] = ProviderKind.choices
        context["selected"] = {"province": province, "kind": kind}
        return context


class ProviderPage(DefaultLocalePage):
    """A training provider: who they are, where they are, how to reach them."""

    kind = models.CharField(_("kind"), max_length=32, choices=ProviderKind.choices)
    description = RichTextField(_("description"), blank=True)
    street_address = models.CharField(_("street address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    commune = models.CharField(_("commune"), max_length=128)
    province = models.CharField(_("province"), max_length=16, choices=Province.choices)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
    )
    is_demo = models.BooleanField(
        _("demonstration content"),
        default=False,
        help_text=_("Illustrative content loaded by the demo; not a real offer."),
    )
    enterprise_number = models.CharField(
        _("enterprise number (BCE)"),
        max_length=10,
        blank=True,
        help_text=_("Ten digits, as the Crossroads Bank for Enterprises gives it."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("logo"),
        MultiFieldPanel(
            [
                FieldPanel("street_address"),
                FieldRowPanel([FieldPanel("postal_code"), FieldPanel("commune")]),
                FieldPanel("province"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Address"),
        ),
        MultiFieldPanel(
            [FieldPanel("website"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
            heading=_("Contact"),
        ),
    ]
    settings_panels = [
        *Page.settings_panels,
        FieldPanel("enterprise_number"),
        FieldPanel("is_demo"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.SearchField("commune"),
        index.FilterField("province"),
        index.FilterField("kind"),
    ]
    parent_page_types = ["courses.ProviderIndexPage"]
    subpage_types = ["courses.OfferPage"]

    class Meta:
        verbose_name = _("training provider")
        verbose_name_plural = _("training providers")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise_number"],
                condition=~Q(enterprise_number=""),
                name="unique_provider_enterprise_number",
            )
        ]

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import offer_list

        context = super().get_context(request, *args, **kwargs)
        context["offers"] = offer_list(provider=self)
        return context


class OfferIndexPage(TranslatedTreePage):
    """Browse every live offer with filters (province, format, modality, EQF level, free)."""

    intro = RichTextField(_("introduction"), blank=True)

    OFFERS_PER_PAGE = 24

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("offer index")

    def get_context(self, request, *args, **kwargs):
        from courses.forms import OfferFilterForm
        from courses.selectors import offer_list

        context = super().get_context(request, *args, **kwargs)
        form = OfferFilterForm(request.GET or None)
        filters = form.cleaned_filters() if form.is_bound and form.is_valid() else {}
        offers = offer_list(**filters)
        page_obj = Paginator(offers, self.OFFERS_PER_PAGE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context["filter_form"] = form
        context["offer_count"] = page_obj.paginator.count
        context["page_obj"] = page_obj
        context["offers"] = page_obj.object_list
        context["filter_query"] = query.urlencode()
        return context


class OfferTag(TaggedItemBase):
    """Free editorial keywords; ESCO skills are linked separately through `OfferSkill`."""

    content_object = ParentalKey(
        "courses.OfferPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class OfferPageForm(WagtailAdminPageForm):
    """Multi-valued choices are stored as JSON lists and edited as checkboxes."""

    languages = forms.MultipleChoiceField(
        label=_("languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Language.FR],
    )
    audiences = forms.MultipleChoiceField(
        label=_("audiences"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        # A missing price is not an error here (drafts may be incomplete): the pre-moderation
        # checks flag it instead.
        if cleaned.get("is_free") and cleaned.get("price"):
            self.add_error("price", _("A free offer cannot have a price."))
        return cleaned


class OfferPage(DefaultLocalePage):
    """One training offer of a provider, with its sessions as an orderable inline."""

    summary = models.CharField(_("summary"), max_length=500)
    description = RichTextField(_("description"), blank=True)
    plain_language_summary = models.TextField(
        _("plain-language summary"),
        blank=True,
        help_text=_("Two or three short sentences anyone can understand."),
    )
    format = models.CharField(_("format"), max_length=16, choices=OfferFormat.choices)
    modality = models.CharField(_("modality"), max_length=16, choices=Modality.choices)
    eqf_level = models.PositiveSmallIntegerField(
        _("EQF level"), choices=EQF_LEVEL_CHOICES, null=True, blank=True
    )
    duration_hours = models.PositiveIntegerField(_("duration (hours)"), null=True, blank=True)
    # The duration as the source stated it ("3 Jours"), kept next to the hours computed from it.
    duration_value = models.DecimalField(
        _("stated duration"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    duration_unit = models.CharField(
        _("stated duration unit"), max_length=8, choices=DurationUnit.choices, blank=True
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    prerequisites = models.TextField(_("prerequisites"), blank=True)
    certification = models.CharField(_("certification awarded"), max_length=255, blank=True)
    price = models.DecimalField(
        _("price (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    is_free = models.BooleanField(_("free of charge"), default=False)
    funding_schemes = ParentalManyToManyField(
        "courses.FundingScheme", blank=True, related_name="offers", verbose_name=_("funding")
    )
    registration_url = models.URLField(_("registration URL"), blank=True)
    registration_email = models.EmailField(
        _("registration e-mail"),
        blank=True,
        help_text=_("Where learners write to register or ask; the provider's address otherwise."),
    )
    registration_phone = models.CharField(_("registration phone"), max_length=32, blank=True)
    external_id = models.CharField(
        _("external identifier"),
        max_length=128,
        blank=True,
        help_text=_("The provider's own identifier, used to update the offer on re-import."),
    )
    provider = models.ForeignKey(
        "courses.ProviderPage",
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="offers",
        help_text="Denormalised parent page, kept in sync on save (fast listings, unique ids).",
    )
    import_source = models.CharField(
        _("import source"),
        max_length=32,
        blank=True,
        editable=False,
        help_text="Which bulk import owns the offer (archiving only touches that import's offers).",
    )
    import_revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The revision the last import wrote; a later one is an edit in the platform.",
    )
    archived_reason = models.CharField(
        _("archiving reason"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("Why the offer was unpublished by an import; empty while it is listed."),
    )
    keywords = ClusterTaggableManager(
        through=OfferTag, blank=True, verbose_name=_("keywords"), help_text=_("Free keywords.")
    )
    is_demo = models.BooleanField(
        _("demonstration content"),
        default=False,
        help_text=_("Illustrative content loaded by the demo; not a real offer."),
    )

    base_form_class = OfferPageForm

    content_panels = [
        *Page.content_panels,
        OfferReviewPanel(heading=_("Skills, occupations and checks")),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("plain_language_summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("format"), FieldPanel("modality")]),
                FieldRowPanel([FieldPanel("eqf_level"), FieldPanel("duration_hours")]),
                FieldPanel("languages"),
                FieldPanel("audiences"),
                FieldPanel("prerequisites"),
                FieldPanel("certification"),
            ],
            heading=_("Format"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("price"), FieldPanel("is_free")]),
                FieldPanel("funding_schemes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("registration_url"),
                FieldRowPanel([FieldPanel("registration_email"), FieldPanel("registration_phone")]),
            ],
            heading=_("Price and registration"),
        ),
        InlinePanel("sessions", heading=_("Sessions"), label=_("Session")),
        InlinePanel("places", heading=_("Places"), label=_("Place")),
        FieldPanel("keywords"),
    ]
    settings_panels = [*Page.settings_panels, FieldPanel("external_id"), FieldPanel("is_demo")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("plain_language_summary"),
        index.AutocompleteField("title"),
        index.FilterField("format"),
        index.FilterField("modality"),
        index.FilterField("eqf_level"),
        index.FilterField("is_free"),
        index.FilterField("provider"),
        index.RelatedFields("keywords", [index.SearchField("name")]),
    ]
    parent_page_types = ["courses.ProviderPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("training offer")
        verbose_name_plural = _("training offers")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "external_id"],
                condition=~Q(external_id=""),
                name="unique_offer_external_id_per_provider",
            )
        ]

    def save(self, *args, **kwargs):
        if self.path and self.depth:
            parent = self.get_parent()
            if parent is not None:
                self.sync_from_parent(parent)
        return super().save(*args, **kwargs)

    def sync_from_parent(self, parent: Page) -> None:
        """Fields that follow the page's place in the tree (also called by bulk creation,
        which does not run `save()`)."""
        self.provider_id = parent.id

    def future_sessions(self):
        today = timezone.localdate()
        return sorted(
            (s for s in self.sessions.all() if s.start_date >= today), key=lambda s: s.start_date
        )

    def get_context(self, request, *args, **kwargs):
        from courses.jsonld import offer_jsonld_script
        from courses.selectors import offer_public_links, offer_registration, similar_offers
        from courses.summaries import offer_generated_summary

        context = super().get_context(request, *args, **kwargs)
        skills, occupations = offer_public_links(offer=self)
        context["skill_links"] = skills
        context["occupation_links"] = occupations
        # The provider's own words when given; otherwise a sentence in the reader's language.
        context["short_summary"] = self.plain_language_summary or offer_generated_summary(
            offer=self, skill_links=skills
        )
        context["next_sessions"] = self.future_sessions()
        context["registration"] = offer_registration(offer=self, sessions=context["next_sessions"])
        context["audience_labels"] = [
            Audience(value).label for value in self.audiences if value in Audience.values
        ]
        context["similar_offers"] = similar_offers(offer=self, limit=6)
        context["jsonld"] = offer_jsonld_script(offer=self, request=request, skill_links=skills)
        return context


class Session(Orderable):
    """One run of an offer: dates, schedule, place, seats and registration deadline."""

    page = ParentalKey(OfferPage, on_delete=models.CASCADE, related_name="sessions")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    schedule = models.CharField(
        _("schedule"), max_length=16, choices=Schedule.choices, default=Schedule.DAY
    )
    location = models.CharField(
        _("location"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty when the session takes place at the provider's address."),
    )
    commune = models.CharField(_("commune"), max_length=128, blank=True)
    province = models.CharField(_("province"), max_length=16, choices=Province.choices, blank=True)
    seats = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    seats_left = models.PositiveIntegerField(
        _("seats left"),
        null=True,
        blank=True,
        help_text=_("Update it as learners register; empty when you do not track it."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    registration_deadline = models.DateField(_("registration deadline"), null=True, blank=True)
    external_id = models.CharField(_("external identifier"), max_length=128, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldRowPanel([FieldPanel("schedule"), FieldPanel("status")]),
        FieldPanel("location"),
        FieldRowPanel([FieldPanel("commune"), FieldPanel("province")]),
        FieldRowPanel(
            [FieldPanel("seats"), FieldPanel("seats_left"), FieldPanel("registration_deadline")]
        ),
        FieldPanel("external_id"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.start_date:%Y-%m-%d}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot precede the start date.")})

    @property
    def effective_commune(self) -> str:
        return self.commune or (self.page.provider.commune if self.page.provider else "")

    @property
    def effective_province(self) -> str:
        return self.province or (self.page.provider.province if self.page.provider else "")


class OfferPlace(Orderable):
    """A locality where the offer is given, without dates (regional exports list places, not
    sessions): one per locality the source names, with its province when it resolves."""

    page = ParentalKey(OfferPage, on_delete=models.CASCADE, related_name="places")
    commune = models.CharField(_("commune"), max_length=128)
    province = models.CharField(_("province"), max_length=16, choices=Province.choices, blank=True)

    panels = [FieldRowPanel([FieldPanel("commune"), FieldPanel("province")])]

    class Meta(Orderable.Meta):
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self) -> str:
        return self.commune
