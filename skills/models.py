"""The ESCO taxonomy as models: skills, skill groups, occupations, ISCO groups and their links.

Every concept is keyed on its URI (ESCO's, or ours for local concepts). Labels change between
ESCO versions; URIs do not, so nothing else in the platform keys on a label. Concepts that
disappear from a new ESCO release are marked obsolete, never deleted, because offers and
postings keep pointing at them.

`get_absolute_url` names the public concept pages by their URL names (namespace "concepts");
the site (`cms`) serves them, and the key or code in each URL is stable across ESCO versions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.languages import TAXONOMY_LANGUAGE_CHOICES, TAXONOMY_LANGUAGES, active_language
from core.text import fold

ESCO_URI_PREFIX = "http://data.europa.eu/esco/"
LOCAL_URI_PREFIX = "https://wake-for-skills.be/concept/skill/"


def uri_key(uri: str) -> str:
    """The last path segment of a concept URI, used in public URLs (`/competences/<key>/`)."""
    return uri.rstrip("/").rsplit("/", 1)[-1]


def preferred_label_field(language: str | None = None) -> str:
    """The preferred-label column in `language` (default: the active one), to sort or filter."""
    return f"preferred_label_{active_language(language)}"


class BilingualLabelMixin(models.Model):
    """French and English labels side by side, with French-first fallbacks."""

    preferred_label_fr = models.CharField(_("preferred label (French)"), max_length=512, blank=True)
    preferred_label_en = models.CharField(
        _("preferred label (English)"), max_length=512, blank=True
    )
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        """The preferred label in `language` (default: the active one), else the other one."""
        if active_language(language) == "en":
            return self.preferred_label_en or self.preferred_label_fr
        return self.preferred_label_fr or self.preferred_label_en

    def description(self, language: str | None = None) -> str:
        if active_language(language) == "en":
            return self.description_en or self.description_fr
        return self.description_fr or self.description_en

    @property
    def display_label(self) -> str:
        return self.label()


class ConceptStatusMixin(models.Model):
    esco_version = models.CharField(_("ESCO version"), max_length=16, blank=True)
    is_obsolete = models.BooleanField(
        _("obsolete"),
        default=False,
        help_text=_(
            "Absent from the latest imported ESCO version; kept because others refer to it."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SkillGroup(BilingualLabelMixin, ConceptStatusMixin):
    """A node of ESCO's skill hierarchy (for example "S1.1 communication")."""

    uri = models.CharField(_("URI"), max_length=255, unique=True)
    code = models.CharField(_("code"), max_length=32, blank=True, db_index=True)
    broader = models.ManyToManyField(
        "self", symmetrical=False, related_name="narrower", blank=True, verbose_name=_("broader")
    )

    class Meta:
        verbose_name = _("skill group")
        verbose_name_plural = _("skill groups")
        ordering = ["code", "uri"]

    def get_absolute_url(self) -> str:
        # Groups have no key column: the key in their URL is the URI's last segment.
        return reverse("concepts:skill_group_detail", kwargs={"key": uri_key(self.uri)})


class SkillCollection(models.Model):
    """One of ESCO's thematic collections (digital, transversal, green, language, research)."""

    slug = models.SlugField(_("slug"), max_length=32, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=128)
    name_en = models.CharField(_("name (English)"), max_length=128)

    class Meta:
        verbose_name = _("skill collection")
        verbose_name_plural = _("skill collections")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name_en if active_language() == "en" else self.name_fr


class SkillQuerySet(models.QuerySet):
    def current(self) -> SkillQuerySet:
        return self.filter(is_obsolete=False)

    def esco(self) -> SkillQuerySet:
        return self.filter(origin=Skill.Origin.ESCO)

    def local(self) -> SkillQuerySet:
        return self.filter(origin=Skill.Origin.LOCAL)

    def matching_text(self, text: str) -> SkillQuerySet:
        """Skills whose labels or alternative labels, in either language, contain `text`."""
        folded = fold(text)
        if not folded:
            return self.none()
        return self.filter(search_text__contains=folded)


class Skill(BilingualLabelMixin, ConceptStatusMixin):
    """An ESCO skill or knowledge concept, or a local concept that curators add."""

    class Origin(models.TextChoices):
        ESCO = "esco", _("ESCO")
        LOCAL = "local", _("Local concept")

    class SkillType(models.TextChoices):
        SKILL = "skill/competence", _("skill/competence")
        KNOWLEDGE = "knowledge", _("knowledge")
        UNKNOWN = "", _("unspecified")

    class ReuseLevel(models.TextChoices):
        TRANSVERSAL = "transversal", _("transversal")
        CROSS_SECTOR = "cross-sector", _("cross-sector")
        SECTOR_SPECIFIC = "sector-specific", _("sector-specific")
        OCCUPATION_SPECIFIC = "occupation-specific", _("occupation-specific")
        UNKNOWN = "", _("unspecified")

    uri = models.CharField(_("URI"), max_length=255, unique=True)
    key = models.CharField(
        _("key"), max_length=128, unique=True, help_text=_("Last segment of the URI, used in URLs.")
    )
    origin = models.CharField(
        _("origin"), max_length=8, choices=Origin.choices, default=Origin.ESCO, db_index=True
    )
    alt_labels_fr = models.JSONField(_("alternative labels (French)"), default=list, blank=True)
    alt_labels_en = models.JSONField(_("alternative labels (English)"), default=list, blank=True)
    skill_type = models.CharField(
        _("skill type"), max_length=32, choices=SkillType.choices, blank=True
    )
    reuse_level = models.CharField(
        _("reuse level"), max_length=32, choices=ReuseLevel.choices, blank=True
    )
    fr_label_source = models.CharField(
        _("source of the French label"),
        max_length=64,
        blank=True,
        help_text=_(
            "Which ESCO export supplied the French label (see skills/data/esco/README.md)."
        ),
    )
    broader_groups = models.ManyToManyField(
        SkillGroup, related_name="skills", blank=True, verbose_name=_("skill groups")
    )
    broader_skills = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="narrower_skills",
        blank=True,
        verbose_name=_("broader skills"),
    )
    collections = models.ManyToManyField(
        SkillCollection, related_name="skills", blank=True, verbose_name=_("collections")
    )
    search_text = models.TextField(
        editable=False,
        blank=True,
        help_text="Accent-folded, lower-cased labels in both languages, for autocomplete.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = SkillQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["preferred_label_fr"]
        constraints = [
            models.CheckConstraint(
                condition=Q(origin="esco", uri__startswith=ESCO_URI_PREFIX)
                | Q(origin="local", uri__startswith=LOCAL_URI_PREFIX),
                name="skill_uri_matches_origin",
            )
        ]

    def save(self, *args, **kwargs):
        self.key = self.key or uri_key(self.uri)
        self.search_text = compute_search_text(label for _lang, label in self.all_labels())
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("concepts:skill_detail", kwargs={"key": self.key})

    def all_labels(self) -> list[tuple[str, str]]:
        """Every (language, label) pair: preferred and alternative, French then English."""
        return bilingual_labels(self)


def bilingual_labels(concept) -> list[tuple[str, str]]:
    """(language, label) pairs of anything with preferred/alt labels in French and English.

    `concept` is a Skill, an Occupation, or the importer's field dict for one of them.
    """
    get = concept.get if isinstance(concept, dict) else concept.__dict__.get
    labels = []
    for lang in ("fr", "en"):
        preferred = get(f"preferred_label_{lang}")
        if preferred:
            labels.append((lang, preferred))
        labels.extend((lang, alt) for alt in get(f"alt_labels_{lang}") or [] if alt)
    return labels


def compute_search_text(labels) -> str:
    """One folded line per distinct label; `search_text__contains` then finds any substring."""
    seen: dict[str, None] = {}
    for label in labels:
        folded = fold(label)
        if folded:
            seen.setdefault(folded, None)
    return "\n".join(seen)


class IscoGroup(BilingualLabelMixin, ConceptStatusMixin):
    """An ISCO-08 group (major, sub-major, minor or unit group) of ESCO's occupation pillar."""

    uri = models.CharField(_("URI"), max_length=255, unique=True)
    code = models.CharField(_("ISCO code"), max_length=8, db_index=True)
    broader = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="narrower",
        verbose_name=_("broader group"),
    )

    class Meta:
        verbose_name = _("ISCO group")
        verbose_name_plural = _("ISCO groups")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label()}"

    def get_absolute_url(self) -> str:
        return reverse("concepts:isco_group_detail", kwargs={"code": self.code})


class OccupationQuerySet(models.QuerySet):
    def current(self) -> OccupationQuerySet:
        return self.filter(is_obsolete=False)

    def matching_text(self, text: str) -> OccupationQuerySet:
        folded = fold(text)
        if not folded:
            return self.none()
        return self.filter(search_text__contains=folded)


class Occupation(BilingualLabelMixin, ConceptStatusMixin):
    """An ESCO occupation, with its ISCO group and the French job titles known for it."""

    uri = models.CharField(_("URI"), max_length=255, unique=True)
    key = models.CharField(_("key"), max_length=128, unique=True)
    code = models.CharField(_("ESCO code"), max_length=32, blank=True, db_index=True)
    isco_group = models.ForeignKey(
        IscoGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="occupations",
        verbose_name=_("ISCO group"),
    )
    broader_occupations = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="narrower_occupations",
        blank=True,
        verbose_name=_("broader occupations"),
    )
    alt_labels_fr = models.JSONField(_("alternative labels (French)"), default=list, blank=True)
    alt_labels_en = models.JSONField(_("alternative labels (English)"), default=list, blank=True)
    regulated_profession_note = models.CharField(
        _("regulated profession note"), max_length=255, blank=True
    )
    skills = models.ManyToManyField(
        Skill, through="OccupationSkill", related_name="occupations", verbose_name=_("skills")
    )
    search_text = models.TextField(editable=False, blank=True)

    objects = OccupationQuerySet.as_manager()

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["preferred_label_fr"]

    def save(self, *args, **kwargs):
        self.key = self.key or uri_key(self.uri)
        titles = [title.label for title in self.job_titles.all()] if self.pk else []
        self.search_text = compute_search_text(
            [label for _lang, label in self.all_labels()] + titles
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("concepts:occupation_detail", kwargs={"key": self.key})

    def all_labels(self) -> list[tuple[str, str]]:
        return bilingual_labels(self)


class OccupationSkill(models.Model):
    """ESCO's occupation -> skill link, essential or optional for the occupation."""

    class Relation(models.TextChoices):
        ESSENTIAL = "essential", _("essential")
        OPTIONAL = "optional", _("optional")

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="occupation_links")
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    esco_version = models.CharField(_("ESCO version"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("occupation skill")
        verbose_name_plural = _("occupation skills")
        constraints = [
            models.UniqueConstraint(fields=["occupation", "skill"], name="unique_occupation_skill")
        ]
        indexes = [models.Index(fields=["skill", "relation"])]

    def __str__(self) -> str:
        return f"{self.occupation} → {self.skill} ({self.relation})"


class OccupationJobTitle(models.Model):
    """A French job title for an occupation from another referential, with its provenance.

    The ROME appellations reach ESCO through France Travail's ESCO-ROME crosswalk (V1.4);
    `mapping_relation` keeps the SKOS relation that crosswalk states.
    """

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="job_titles")
    label = models.CharField(_("label"), max_length=255)
    language = models.CharField(_("language"), max_length=2, default="fr")
    source = models.CharField(_("source"), max_length=64)
    external_code = models.CharField(_("code in the source"), max_length=32, blank=True)
    rome_code = models.CharField(_("ROME code"), max_length=8, blank=True, db_index=True)
    mapping_relation = models.CharField(_("mapping relation"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("job title")
        verbose_name_plural = _("job titles")
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "source", "external_code"], name="unique_job_title_per_source"
            )
        ]

    def __str__(self) -> str:
        return self.label


class SkillSynonym(models.Model):
    """A curated surface form for a skill: jargon, a tool name, Belgian usage, a noun form.

    Rows come from two places, told apart by `origin`: the reviewed vocabulary shipped in
    `skills/data/curated/` (written only by `import_curated_vocabulary`, which updates and
    deletes its own rows) and curators' additions in the admin (never touched by the import).
    An empty `language` means both languages: a tool name is written the same in French and
    English text, and one row per term keeps the file and the table in step.
    """

    # "" rather than a made-up code: the value lands in HTML `lang` attributes, where an empty
    # value is the standard way to say "no particular language".
    BOTH_LANGUAGES = ""

    class Kind(models.TextChoices):
        TOOL = "tool", _("tool or software")
        METHOD = "method", _("method or standard")
        CERTIFICATION = "certification", _("certification or licence")
        NOUN_FORM = "noun_form", _("noun form of a skill")
        TRADE_TERM = "trade_term", _("trade term")
        UNSPECIFIED = "", _("unspecified")

    class Origin(models.TextChoices):
        VOCABULARY = "vocabulary", _("shipped vocabulary")
        CURATOR = "curator", _("added by a curator")

    skill = models.ForeignKey(
        Skill, on_delete=models.CASCADE, related_name="synonyms", verbose_name=_("skill")
    )
    label = models.CharField(_("label"), max_length=255)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=[(BOTH_LANGUAGES, _("both languages")), *TAXONOMY_LANGUAGE_CHOICES],
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, blank=True)
    requires_context = models.BooleanField(
        _("requires a technical context"),
        default=False,
        help_text=_(
            "For ambiguous short names (Java, Go, Tableau): the term counts only when the "
            "words around it are about tools or a trade."
        ),
    )
    source = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_("Where the term and its meaning come from (a referential, a vendor page)."),
    )
    note = models.TextField(_("note"), blank=True)
    origin = models.CharField(
        _("origin"),
        max_length=16,
        choices=Origin.choices,
        default=Origin.CURATOR,
        db_index=True,
        editable=False,
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

    class Meta:
        verbose_name = _("skill synonym")
        verbose_name_plural = _("skill synonyms")
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(
                fields=["skill", "label", "language"], name="unique_skill_synonym"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_language_display()}) → {self.skill}"

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages this synonym is written in: one, or both when `language` is empty."""
        return (self.language,) if self.language else tuple(map(str, TAXONOMY_LANGUAGES))


class RejectedMatchPattern(models.Model):
    """A surface form the extractor must no longer map to a skill (or to any skill).

    Curators add these when a label produces false positives ("Java" the island, "SAS" the
    company form). Takes effect at the next rebuild of the extraction index.
    """

    pattern = models.CharField(_("pattern"), max_length=255)
    skill = models.ForeignKey(
        Skill,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rejected_patterns",
        verbose_name=_("skill"),
        help_text=_("Leave empty to reject the pattern for every skill."),
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rejected match pattern")
        verbose_name_plural = _("rejected match patterns")
        ordering = ["pattern"]
        constraints = [
            models.UniqueConstraint(
                fields=["pattern", "skill"], name="unique_rejected_pattern_per_skill"
            ),
        ]

    def __str__(self) -> str:
        return self.pattern


class TaxonomyImport(models.Model):
    """One run of `import_esco`: what changed, for the admin and for reproducibility."""

    esco_version = models.CharField(_("ESCO version"), max_length=16)
    source = models.CharField(_("source folder"), max_length=255)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict)
    warnings = models.JSONField(_("warnings"), default=list)

    class Meta:
        verbose_name = _("taxonomy import")
        verbose_name_plural = _("taxonomy imports")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"ESCO {self.esco_version} @ {self.started_at:%Y-%m-%d %H:%M}"


class ShortageList(models.Model):
    """A published list of professions in shortage (Forem yearly list, a sector study, …)."""

    title = models.CharField(_("title"), max_length=255)
    source = models.CharField(_("source"), max_length=255)
    source_url = models.URLField(_("source URL"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    region = models.CharField(_("region"), max_length=64, default="Wallonie")
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demonstration content"), default=False)

    class Meta:
        verbose_name = _("shortage list")
        verbose_name_plural = _("shortage lists")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "year", "region"], name="unique_shortage_list_per_source_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class ShortageListEntry(models.Model):
    """A profession as the list publishes it, mapped to the ESCO occupation(s) it means."""

    class Kind(models.TextChoices):
        SHORTAGE = "penurie", _("shortage occupation (pénurie)")
        CRITICAL = "critique", _("critical function")
        SECTOR_NEED = "sector_need", _("sector need")

    shortage_list = models.ForeignKey(
        ShortageList, on_delete=models.CASCADE, related_name="entries"
    )
    label = models.CharField(_("profession as published"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    occupations = models.ManyToManyField(
        Occupation, related_name="shortage_entries", blank=True, verbose_name=_("ESCO occupations")
    )
    rome_code = models.CharField(_("ROME code"), max_length=8, blank=True)
    mapping_is_approximate = models.BooleanField(_("approximate mapping"), default=False)
    mapping_note = models.TextField(_("mapping note"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("shortage list entry")
        verbose_name_plural = _("shortage list entries")
        ordering = ["shortage_list", "position", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["shortage_list", "label"], name="unique_shortage_entry_label"
            )
        ]

    def __str__(self) -> str:
        return self.label
