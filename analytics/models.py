"""Stored results of the supply and demand analytics, one set per computation run.

Nothing here is computed in a request: `analytics.services.compute.analytics_compute` writes a
`ComputationRun` and its result rows, and the selectors (`analytics.selectors`) read the rows of
the latest run that succeeded. Result rows carry their run, so a new run writes beside the
previous one and becomes visible only when it is marked succeeded; a failed run's rows are
deleted and the previous results stay what the pages show.

Province keys in result rows are the `core.places.Province` values, plus three keys of our own
(`ALL`, `ONLINE`, `UNKNOWN`, below).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from skills.models import Occupation, Skill

# Every province together (Wallonia and Brussels), in aggregated tables.
ALL = "all"
# Distance-learning sessions, reachable from every province (supply cells only).
ONLINE = "online"
# Postings or sessions whose place did not resolve to a province.
UNKNOWN = "unknown"


class Period(models.TextChoices):
    """The windows aggregated tables are computed for, ending with the data vintage's month."""

    LAST_12_MONTHS = "12m", _("last 12 months")
    LAST_24_MONTHS = "24m", _("last 24 months")


PERIOD_MONTHS = {Period.LAST_12_MONTHS: 12, Period.LAST_24_MONTHS: 24}
DEFAULT_PERIOD = Period.LAST_12_MONTHS


class ComputationRunQuerySet(models.QuerySet):
    def succeeded(self) -> ComputationRunQuerySet:
        return self.filter(status=ComputationRun.Status.SUCCEEDED)


class ComputationRun(models.Model):
    """One recomputation: its parameters, the data it read (vintage), its timing and outcome."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    class Trigger(models.TextChoices):
        COMMAND = "command", _("command")
        TASK = "task", _("scheduled task")
        OTHER = "other", _("other")

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    trigger = models.CharField(
        _("trigger"), max_length=16, choices=Trigger.choices, default=Trigger.OTHER
    )
    parameters = models.JSONField(
        _("parameters"),
        default=dict,
        help_text=_("Every weight and threshold the run used (analytics/weights.py)."),
    )
    latest_posting_date = models.DateField(_("latest posting date"), null=True, blank=True)
    latest_session_date = models.DateField(_("latest session date"), null=True, blank=True)
    esco_version = models.CharField(_("ESCO version"), max_length=16, blank=True)
    vintage_month = models.DateField(
        _("reference month"),
        null=True,
        blank=True,
        help_text=_("First day of the month the periods end with (the latest posting's month)."),
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration_seconds = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    failure = models.TextField(_("failure"), blank=True)

    objects = ComputationRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("analytics computation run")
        verbose_name_plural = _("analytics computation runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} @ {self.started_at:%Y-%m-%d %H:%M}"


# Result rows are derived in bulk, by the computation, from the very rows they point to, and read
# only through their run: a database foreign-key constraint would check every inserted row
# against its parent (on PostgreSQL a trigger per row, more work than the aggregation itself),
# and an index per foreign key would be maintained on every insert for no query (each table's
# composite indexes lead with the run). Deleting a run deletes its rows (`_delete_results`).
RESULT_LINK = {"on_delete": models.CASCADE, "related_name": "+", "db_constraint": False}
RESULT_LINK_UNINDEXED = {**RESULT_LINK, "db_index": False}


class RunResult(models.Model):
    """A row of a run's results: deleted with its run."""

    run = models.ForeignKey(ComputationRun, **RESULT_LINK_UNINDEXED)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk} (run {self.run_id})"


class DemandCell(RunResult):
    """Demand for one skill in one province and month, from unique postings.

    `postings` counts the postings linked to the skill (rejected links never count);
    `confirmed_postings` those whose link a person confirmed; `weight` sums each link's weight
    (relation to the posting's occupation × confidence, analytics/weights.py).
    """

    skill = models.ForeignKey(Skill, **RESULT_LINK_UNINDEXED)
    province = models.CharField(max_length=16)
    month = models.DateField()
    postings = models.PositiveIntegerField()
    confirmed_postings = models.PositiveIntegerField(default=0)
    weight = models.FloatField()

    class Meta:
        indexes = [
            models.Index(fields=["run", "skill", "province"]),
            models.Index(fields=["run", "province", "month"]),
        ]


class SupplyCell(RunResult):
    """Training supply for one skill in one province (or `ONLINE`) and month of session start:
    sessions of live offers with a confirmed link to the skill, cancelled ones left out."""

    skill = models.ForeignKey(Skill, **RESULT_LINK_UNINDEXED)
    province = models.CharField(max_length=16)
    month = models.DateField()
    sessions = models.PositiveIntegerField()
    seats = models.PositiveIntegerField(help_text="Seats of the sessions that state them.")
    weight = models.FloatField()

    class Meta:
        indexes = [
            models.Index(fields=["run", "skill", "province"]),
            models.Index(fields=["run", "province", "month"]),
        ]


class OccupationDemandCell(RunResult):
    """Unique postings whose primary occupation is `occupation`, per province and month;
    `reposted` counts those that were published again (a sign that the job is hard to fill)."""

    occupation = models.ForeignKey(Occupation, **RESULT_LINK_UNINDEXED)
    province = models.CharField(max_length=16)
    month = models.DateField()
    postings = models.PositiveIntegerField()
    reposted = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["run", "occupation", "province"])]


class GapIndicator(RunResult):
    """Demand against supply for one skill, in one province (or `ALL`) over one period.

    Shares are of the province's total demand and supply weights; `log_ratio` is the smoothed
    log of demand share over supply share (positive: demand outweighs training). A suppressed
    row has too few postings to say anything: its counts are kept, its figures not shown.
    """

    skill = models.ForeignKey(Skill, **RESULT_LINK_UNINDEXED)
    province = models.CharField(max_length=16)
    period = models.CharField(max_length=8, choices=Period.choices)
    demand_postings = models.PositiveIntegerField()
    demand_weight = models.FloatField()
    demand_share = models.FloatField()
    supply_sessions = models.PositiveIntegerField()
    supply_seats = models.PositiveIntegerField()
    supply_weight = models.FloatField()
    supply_share = models.FloatField()
    log_ratio = models.FloatField()
    suppressed = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["run", "province", "period", "log_ratio"]),
            models.Index(fields=["run", "skill"]),
        ]


class OccupationCoverage(RunResult):
    """How many of an occupation's essential skills at least one session reachable from the
    province (there, or online) teaches; `uncovered_skill_ids` lists the others."""

    occupation = models.ForeignKey(Occupation, **RESULT_LINK_UNINDEXED)
    province = models.CharField(max_length=16)
    essential_skills = models.PositiveIntegerField()
    covered_skills = models.PositiveIntegerField()
    coverage = models.FloatField(null=True, help_text="None when the occupation lists none.")
    uncovered_skill_ids = models.JSONField(default=list)

    class Meta:
        indexes = [models.Index(fields=["run", "occupation", "province"])]


class ShortageProfession(RunResult):
    """A profession on a loaded shortage list or flagged tense by the data, in one province
    (or `ALL`) over one period, with the figures and the label the dashboards show.

    `tension_label` is one of `TensionLabel`; `tension_basis` holds the inputs and thresholds
    the label came from, so the page can say why. `demand_trend` is the monthly count of unique
    postings over the 24 months ending with the run's reference month, oldest first.
    """

    occupation = models.ForeignKey(Occupation, **RESULT_LINK_UNINDEXED)
    province = models.CharField(max_length=16)
    period = models.CharField(max_length=8, choices=Period.choices)
    listed = models.BooleanField(default=False)
    list_entries = models.JSONField(
        default=list, help_text="[{list_id, title, year, entry, kind}] of the lists naming it."
    )
    tension_label = models.CharField(max_length=24)
    tension_basis = models.JSONField(default=dict)
    demand_postings = models.PositiveIntegerField()
    demand_previous = models.PositiveIntegerField(
        default=0, help_text="Postings of the period of the same length just before."
    )
    demand_trend = models.JSONField(default=list)
    reposted = models.PositiveIntegerField(default=0)
    supply_sessions = models.PositiveIntegerField(default=0)
    supply_seats = models.PositiveIntegerField(default=0)
    essential_skills = models.PositiveIntegerField(default=0)
    covered_skills = models.PositiveIntegerField(default=0)
    coverage = models.FloatField(null=True)
    suppressed = models.BooleanField(default=False)
    nearest_offer_ids = models.JSONField(default=list)
    training_request_ids = models.JSONField(default=list)

    class Meta:
        indexes = [
            models.Index(fields=["run", "province", "period"]),
            models.Index(fields=["run", "occupation"]),
        ]


class ProviderAlignment(RunResult):
    """What a provider's live offers already teach of a shortage profession's essential
    skills (province `ALL`): the offers that answer it and the skills still missing."""

    provider_id = models.PositiveIntegerField(db_index=True)
    occupation = models.ForeignKey(Occupation, **RESULT_LINK_UNINDEXED)
    essential_skills = models.PositiveIntegerField()
    covered_skills = models.PositiveIntegerField()
    coverage = models.FloatField()
    offer_ids = models.JSONField(default=list)
    missing_skill_ids = models.JSONField(default=list)

    class Meta:
        indexes = [
            models.Index(fields=["run", "provider_id"]),
            models.Index(fields=["run", "occupation"]),
        ]


class ProviderSkillSupply(RunResult):
    """What one provider teaches of one skill: live offers with a confirmed link, and their
    sessions in the coverage window (for "top providers" of a skill)."""

    provider_id = models.PositiveIntegerField()
    skill = models.ForeignKey(Skill, **RESULT_LINK_UNINDEXED)
    offers = models.PositiveIntegerField()
    sessions = models.PositiveIntegerField()
    seats = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["run", "skill"]),
            models.Index(fields=["run", "provider_id"]),
        ]


class AreaSummary(RunResult):
    """The overview tiles of one province (or `ALL`) over one period."""

    province = models.CharField(max_length=16)
    period = models.CharField(max_length=8, choices=Period.choices)
    postings = models.PositiveIntegerField()
    duplicates = models.PositiveIntegerField(default=0)
    offers = models.PositiveIntegerField()
    sessions = models.PositiveIntegerField()
    seats = models.PositiveIntegerField()
    skills_demanded = models.PositiveIntegerField()
    skills_in_shortage = models.PositiveIntegerField()
    skills_suppressed = models.PositiveIntegerField(default=0)
    shortage_professions = models.PositiveIntegerField()
    tense_professions = models.PositiveIntegerField()
    average_coverage = models.FloatField(null=True)

    class Meta:
        indexes = [models.Index(fields=["run", "province", "period"])]


class EmergingTerm(RunResult):
    """A word or phrase frequent and rising in postings that no concept or synonym covers.

    Shares are of the postings sampled in each window; `trend` is the fitted monthly change of
    that share (percentage points per month); terms of one `cluster` occur in the same postings.
    """

    term = models.CharField(max_length=255)
    postings = models.PositiveIntegerField()
    recent_share = models.FloatField()
    previous_share = models.FloatField()
    growth = models.FloatField(help_text="Recent share over previous share (smoothed).")
    trend = models.FloatField()
    score = models.FloatField()
    cluster = models.PositiveIntegerField(default=0)
    cluster_label = models.CharField(max_length=255, blank=True)
    example_posting_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["-score"]
        indexes = [models.Index(fields=["run", "score"])]


class EmergingTermDecision(models.Model):
    """A curator's decision on an emerging term; it outlives the runs (decided terms are not
    proposed again). Accepting creates the local concept or synonym through the skills app."""

    class Decision(models.TextChoices):
        CONCEPT = "concept", _("accepted as a local concept")
        SYNONYM = "synonym", _("accepted as a synonym")
        REJECTED = "rejected", _("rejected")

    term = models.CharField(_("term"), max_length=255, unique=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    skill = models.ForeignKey(
        Skill,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("skill"),
        help_text=_("The concept created, or the skill the synonym was added to."),
    )
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("emerging term decision")
        verbose_name_plural = _("emerging term decisions")
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.term}: {self.get_decision_display()}"


class VacancyStatistic(models.Model):
    """Vacancy outcomes of an occupation for Le Forem's tension rule, where such data is loaded
    (Le Forem publishes them per function and year; none ship with the demo).

    `median_days_open`: how long vacancies stayed open; `fill_rate`: share of vacancies filled;
    `jobseekers_per_vacancy`: available jobseekers for each vacancy.
    """

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="+", verbose_name=_("occupation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    province = models.CharField(_("province"), max_length=16, default=ALL)
    median_days_open = models.FloatField(_("median days open"))
    fill_rate = models.FloatField(_("fill rate"))
    jobseekers_per_vacancy = models.FloatField(_("jobseekers per vacancy"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("vacancy statistic")
        verbose_name_plural = _("vacancy statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "year", "province"], name="unique_vacancy_statistic"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occupation} {self.year} ({self.province})"
