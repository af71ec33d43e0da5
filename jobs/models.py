"""Job postings, the employers behind them, the feeds they come from and their ESCO parsing.

Postings are plain Django models (not pages): they arrive in bulk from feeds and from the
employer portal, are upserted by `(source, external_id)`, parsed into ESCO skills and
occupations by the extractor, and linked to an earlier posting when they are near-duplicates.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.languages import TAXONOMY_LANGUAGE_CHOICES, Language
from core.places import Province
from skills.links import ConceptLink
from skills.models import Occupation, Skill

__all__ = [
    "Employer",
    "FeedSource",
    "IngestRun",
    "JobPosting",
    "PostingOccupation",
    "PostingSkill",
    "Province",
    "TrainingRequest",
]


class EmployerQuerySet(models.QuerySet):
    def approved(self) -> EmployerQuerySet:
        return self.filter(status=Employer.Status.APPROVED)

    def for_user(self, user) -> EmployerQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(members=user)


class Employer(models.Model):
    """An organisation that posts needs; its members act for it once a moderator approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    name = models.CharField(_("name"), max_length=255)
    enterprise_number = models.CharField(
        _("enterprise number"),
        max_length=16,
        blank=True,
        help_text=_("Belgian enterprise number (BCE/KBO), for example 0123.456.789."),
    )
    sector = models.CharField(_("sector"), max_length=128, blank=True)
    commune = models.CharField(_("commune"), max_length=128, blank=True)
    province = models.CharField(_("province"), max_length=16, choices=Province.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="employers",
        blank=True,
        verbose_name=_("members"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise_number"],
                condition=~Q(enterprise_number=""),
                name="unique_employer_enterprise_number",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class FeedSource(models.Model):
    """A feed that pushes postings (public employment service, job board, federation).

    The API token is shown once when created and only its SHA-256 is stored: tokens are 256-bit
    random strings, so a fast hash is enough (a slow password hash would only add latency).
    """

    name = models.SlugField(_("name"), max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=255, blank=True)
    url = models.URLField(_("website"), blank=True)
    token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    token_prefix = models.CharField(
        _("token prefix"),
        max_length=8,
        blank=True,
        editable=False,
        help_text=_("First characters of the token, to tell tokens apart."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feed source")
        verbose_name_plural = _("feed sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label or self.name

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def rotate_token(self) -> str:
        """Give the source a new token, save it, and return the token in clear (once)."""
        token = secrets.token_urlsafe(32)
        self.token_hash = self.hash_token(token)
        self.token_prefix = token[:8]
        self.save(update_fields=["token_hash", "token_prefix"])
        return token


class IngestRun(models.Model):
    """One ingestion batch: what it did, record by record errors, and its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    class Trigger(models.TextChoices):
        COMMAND = "command", _("command")
        API = "api", _("API")
        DEMO = "demo", _("demo")
        OTHER = "other", _("other")

    source = models.ForeignKey(
        FeedSource, on_delete=models.CASCADE, related_name="runs", verbose_name=_("source")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    trigger = models.CharField(
        _("trigger"), max_length=16, choices=Trigger.choices, default=Trigger.OTHER
    )
    format = models.CharField(_("format"), max_length=16, blank=True)
    file_name = models.CharField(_("file"), max_length=512, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last progress at"),
        null=True,
        blank=True,
        help_text=_("Written with every chunk: a running run that stops beating was killed."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    total = models.PositiveIntegerField(
        _("records in the batch"),
        null=True,
        blank=True,
        help_text=_("Known in advance for line-based files; shows the progress of a run."),
    )
    processed = models.PositiveIntegerField(_("records processed"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    errors = models.JSONField(
        _("errors"),
        default=list,
        blank=True,
        help_text=_("One entry per rejected record: its position, external id and reasons."),
    )
    failure = models.TextField(_("failure"), blank=True)

    class Meta:
        verbose_name = _("ingestion run")
        verbose_name_plural = _("ingestion runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} @ {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def progress(self) -> str:
        """ "1200 / 5000 (24 %)" when the size is known, else the count processed."""
        if self.total:
            return f"{self.processed} / {self.total} ({100 * self.processed // self.total} %)"
        return str(self.processed)


class JobPostingQuerySet(models.QuerySet):
    def published(self) -> JobPostingQuerySet:
        return self.filter(status=JobPosting.Status.PUBLISHED)

    def unique(self) -> JobPostingQuerySet:
        """Postings that are not a near-duplicate of another: each need counted once."""
        return self.filter(duplicate_of__isnull=True)

    def duplicates(self) -> JobPostingQuerySet:
        return self.filter(duplicate_of__isnull=False)

    def for_employer(self, employer) -> JobPostingQuerySet:
        return self.filter(employer=employer)

    def in_province(self, province: str) -> JobPostingQuerySet:
        return self.filter(province=province)

    def unparsed(self) -> JobPostingQuerySet:
        return self.filter(parsed_at__isnull=True)


class JobPosting(models.Model):
    """A job posting from a feed or from the employer portal.

    Not in Wagtail's search index: ingestion writes postings in bulk, past the signals that keep
    that index in step, and posting search belongs to the search app, which builds its own
    documents. The admin searches the database columns directly (`JobPostingViewSet`).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        EXPIRED = "expired", _("expired")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class ContractType(models.TextChoices):
        PERMANENT = "permanent", _("permanent contract (CDI)")
        FIXED_TERM = "fixed_term", _("fixed-term contract (CDD)")
        TEMPORARY = "temporary", _("temporary work (interim)")
        FREELANCE = "freelance", _("freelance / self-employed")
        APPRENTICESHIP = "apprenticeship", _("apprenticeship (alternance)")
        INTERNSHIP = "internship", _("internship")
        STUDENT = "student", _("student job")
        OTHER = "other", _("other")
        UNKNOWN = "", _("unspecified")

    class WorkingTime(models.TextChoices):
        FULL_TIME = "full_time", _("full time")
        PART_TIME = "part_time", _("part time")
        UNKNOWN = "", _("unspecified")

    class Experience(models.TextChoices):
        NONE = "none", _("no experience required")
        JUNIOR = "junior", _("1 to 2 years")
        MEDIOR = "medior", _("3 to 5 years")
        SENIOR = "senior", _("more than 5 years")
        UNKNOWN = "", _("unspecified")

    class EducationLevel(models.TextChoices):
        NONE = "none", _("no diploma required")
        SECONDARY = "secondary", _("secondary school (CESS)")
        BACHELOR = "bachelor", _("bachelor")
        MASTER = "master", _("master")
        DOCTORATE = "doctorate", _("doctorate")
        UNKNOWN = "", _("unspecified")

    title = models.CharField(_("title"), max_length=255)
    description_html = models.TextField(_("description (sanitised HTML)"), blank=True)
    description_text = models.TextField(_("description (plain text)"), blank=True)
    employer = models.ForeignKey(
        Employer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="postings",
        verbose_name=_("employer"),
    )
    employer_name = models.CharField(
        _("employer name"),
        max_length=255,
        blank=True,
        help_text=_("As the feed states it, when the employer is not registered here."),
    )
    commune = models.CharField(_("commune"), max_length=128, blank=True)
    # Indexed by the (province, posted_on) index of `Meta`, which leads with it.
    province = models.CharField(_("province"), max_length=16, choices=Province.choices, blank=True)
    contract_type = models.CharField(
        _("contract type"), max_length=16, choices=ContractType.choices, blank=True
    )
    working_time = models.CharField(
        _("working time"), max_length=16, choices=WorkingTime.choices, blank=True
    )
    experience = models.CharField(
        _("experience"), max_length=16, choices=Experience.choices, blank=True
    )
    education_level = models.CharField(
        _("education level"), max_length=16, choices=EducationLevel.choices, blank=True
    )
    posted_on = models.DateField(_("posted on"), db_index=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=TAXONOMY_LANGUAGE_CHOICES, default=Language.FR
    )
    source = models.ForeignKey(
        FeedSource,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="postings",
        verbose_name=_("source feed"),
        help_text=_("Empty for postings written on the employer portal."),
    )
    external_id = models.CharField(_("external id"), max_length=255, blank=True)
    url = models.URLField(_("URL"), max_length=1024, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PUBLISHED,
        db_index=True,
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
        help_text=_("The earliest posting of the same job, when this one is a near-duplicate."),
    )
    content_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="SHA-256 of the source record: an unchanged record is not written again.",
    )
    fingerprint = models.BinaryField(
        null=True,
        blank=True,
        editable=False,
        help_text="MinHash signature of the normalised text (near-duplicate detection).",
    )
    parsed_at = models.DateTimeField(_("parsed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    skills = models.ManyToManyField(
        Skill, through="PostingSkill", related_name="postings", verbose_name=_("skills")
    )
    occupations = models.ManyToManyField(
        Occupation,
        through="PostingOccupation",
        related_name="postings",
        verbose_name=_("occupations"),
    )

    objects = JobPostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        ordering = ["-posted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=Q(source__isnull=False),
                name="unique_posting_per_source",
            ),
        ]
        indexes = [
            models.Index(fields=["province", "posted_on"]),
            # Covers the aggregate an ingestion checks its duplicate index against before and
            # after each chunk (`services.ingest._postings_state`): read from this index, not
            # from rows that hold the whole text, it no longer grows with the text stored.
            models.Index(
                fields=["id", "duplicate_of", "updated_at"],
                condition=Q(fingerprint__isnull=False),
                name="posting_dedup_state",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The posting's page on the public job board (which answers 410 once it expired)."""
        return reverse("jobs:board_posting", args=[self.pk, self.board_slug])

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of_id is not None

    @property
    def board_slug(self) -> str:
        return slugify(self.title)[:80].strip("-") or "offre"

    @property
    def display_employer(self) -> str:
        return self.employer.name if self.employer_id else self.employer_name


class PostingSkill(ConceptLink):
    """A skill found in (or confirmed for) a posting, in the shared link vocabulary."""

    # No index of their own on either key: the unique constraint leads with the posting and
    # the index below with the skill. An ingestion writes some 20 links a posting, and each
    # index is one more B-tree insert per link.
    posting = models.ForeignKey(
        JobPosting,
        on_delete=models.CASCADE,
        related_name="skill_links",
        verbose_name=_("posting"),
        db_index=False,
    )
    skill = models.ForeignKey(
        Skill,
        on_delete=models.PROTECT,
        related_name="posting_links",
        verbose_name=_("skill"),
        db_index=False,
    )

    class Meta(ConceptLink.Meta):
        verbose_name = _("posting skill")
        verbose_name_plural = _("posting skills")
        ordering = ["-score"]
        constraints = [
            *ConceptLink.Meta.constraints,
            models.UniqueConstraint(fields=["posting", "skill"], name="unique_posting_skill"),
        ]
        indexes = [models.Index(fields=["skill", "posting"])]

    def __str__(self) -> str:
        return f"{self.posting} → {self.skill}"


class PostingOccupation(ConceptLink):
    """An ESCO occupation matched to a posting; rank 1 is the primary match."""

    # Indexed through the unique constraint (posting first) and the index below (occupation
    # first), as `PostingSkill`.
    posting = models.ForeignKey(
        JobPosting,
        on_delete=models.CASCADE,
        related_name="occupation_links",
        verbose_name=_("posting"),
        db_index=False,
    )
    occupation = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        related_name="posting_links",
        verbose_name=_("occupation"),
        db_index=False,
    )
    rank = models.PositiveSmallIntegerField(_("rank"), default=1)

    class Meta(ConceptLink.Meta):
        verbose_name = _("posting occupation")
        verbose_name_plural = _("posting occupations")
        ordering = ["rank"]
        constraints = [
            *ConceptLink.Meta.constraints,
            models.UniqueConstraint(
                fields=["posting", "occupation"], name="unique_posting_occupation"
            ),
        ]
        indexes = [models.Index(fields=["occupation", "rank"])]

    def __str__(self) -> str:
        return f"{self.posting} → {self.occupation} ({self.score:.2f})"

    @property
    def is_primary(self) -> bool:
        return self.rank == 1


class TrainingRequestQuerySet(models.QuerySet):
    def open(self) -> TrainingRequestQuerySet:
        return self.filter(status=TrainingRequest.Status.OPEN)

    def for_employer(self, employer) -> TrainingRequestQuerySet:
        return self.filter(employer=employer)


class TrainingRequest(models.Model):
    """ "We need N people with these skills by this date": a request for a short, targeted
    training ("formation coup de poing") that competence centres and advisors can answer."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("being answered")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    employer = models.ForeignKey(
        Employer,
        on_delete=models.CASCADE,
        related_name="training_requests",
        verbose_name=_("employer"),
    )
    posting = models.ForeignKey(
        JobPosting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_requests",
        verbose_name=_("posting"),
    )
    skills = models.ManyToManyField(
        Skill, related_name="training_requests", verbose_name=_("skills")
    )
    headcount = models.PositiveIntegerField(_("number of people"))
    needed_by = models.DateField(_("needed by"))
    province = models.CharField(_("province"), max_length=16, choices=Province.choices, blank=True)
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TrainingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("training request")
        verbose_name_plural = _("training requests")
        ordering = ["needed_by", "-created_at"]

    def __str__(self) -> str:
        return f"{self.employer}: {self.headcount} × {self.posting or ''} ({self.needed_by})"
