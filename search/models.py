"""The database engine's search tables: one row per live public offer (and per published unique
posting), denormalised so that one query filters, ranks and counts facets.

These rows are projections of the cadastre, rebuilt by `search.services`; nothing else writes
them. They hold plain ids, not foreign keys: a projection never blocks a delete, and the
benchmark fills them without building pages.

Multi-valued facets (provinces, audiences, languages, schedules, funding schemes) are bit
masks (`search.facets` gives each value its bit): one integer column counts and filters
without a join. Facets and sort keys live in their own narrow table (`OfferFacets`), apart
from the texts (`OfferDocument`). The full-text side lives outside the ORM (migration 0002):
on SQLite an FTS5 table kept in step by triggers, on PostgreSQL a generated `tsvector` column
with a GIN index, both over the `text_*` columns, which hold the terms `search.text` already
folded and stemmed.
"""

from __future__ import annotations

from django.db import models


class OfferDocument(models.Model):
    """What a hit shows, and the text the full-text index is built on (wide rows, read only
    for the page of hits and by the full-text index)."""

    offer_id = models.BigIntegerField(primary_key=True)
    url = models.CharField(max_length=512, blank=True)
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    provider_name = models.CharField(max_length=255, blank=True)
    place = models.CharField(max_length=255, blank=True)
    # Folded and stemmed terms (search.text) the full-text index is built on.
    text_title = models.TextField(blank=True)
    text_body = models.TextField(blank=True)
    text_skills = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title


class OfferFacets(models.Model):
    """What the engine filters, counts and sorts on: narrow rows, so that scanning every offer
    reads a few megabytes, not the texts (measured: wide rows made each scan several times
    slower). Sort keys are never null, so an index serves "next session first" directly."""

    offer_id = models.BigIntegerField(primary_key=True)
    # Single-valued facets: the stored slug of their choices.
    modality = models.CharField(max_length=16, blank=True)
    format = models.CharField(max_length=16, blank=True)
    level = models.PositiveSmallIntegerField(null=True)
    provider_kind = models.CharField(max_length=32, blank=True)
    price_band = models.CharField(max_length=16, blank=True)
    has_certification = models.BooleanField(default=False)
    # Multi-valued facets as bit masks (search.facets).
    province_mask = models.BigIntegerField(default=0)
    audience_mask = models.BigIntegerField(default=0)
    language_mask = models.BigIntegerField(default=0)
    schedule_mask = models.BigIntegerField(default=0)
    funding_mask = models.BigIntegerField(default=0)
    price = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    is_free = models.BooleanField(default=False)
    duration_hours = models.PositiveIntegerField(null=True)
    # The first open session starting on the day of indexing or later.
    next_session = models.DateField(null=True)
    # Sort keys: the value, or one that sorts after every value when it is missing.
    session_key = models.DateField()
    duration_key = models.IntegerField()
    price_key = models.DecimalField(max_digits=12, decimal_places=2)
    sort_title = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["session_key", "offer_id"], name="search_facets_session"),
            models.Index(fields=["duration_key", "offer_id"], name="search_facets_duration"),
            models.Index(fields=["price_key", "offer_id"], name="search_facets_price"),
        ]

    def __str__(self) -> str:
        return str(self.offer_id)


class SearchTerm(models.Model):
    """A term of the indexed offers' titles and skill labels (folded and stemmed as the
    full-text index holds it): the vocabulary a misspelt query word is corrected against
    (`search.engines.spelling`). Terms are added as offers are indexed and cleared by a full
    rebuild; a term no offer holds any more only costs a correction that finds nothing.
    PostgreSQL indexes it by trigrams (migration 0004)."""

    term = models.CharField(max_length=64, primary_key=True)

    def __str__(self) -> str:
        return self.term


class IndexState(models.Model):
    """A token changed whenever search rows change: cached facet counts carry it."""

    name = models.CharField(max_length=32, primary_key=True)
    generation = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.generation}"


class OfferSkillDocument(models.Model):
    """A confirmed skill link of an indexed offer: required skills, coverage and boosts."""

    offer_id = models.BigIntegerField()
    skill_id = models.BigIntegerField()
    is_core = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["skill_id", "offer_id"], name="search_offer_skill")
        ]
        indexes = [models.Index(fields=["offer_id"], name="search_offer_skill_offer")]

    def __str__(self) -> str:
        return f"{self.offer_id} → {self.skill_id}"


class PostingDocument(models.Model):
    posting_id = models.BigIntegerField(primary_key=True)
    url = models.CharField(max_length=1024, blank=True)
    title = models.CharField(max_length=255)
    employer = models.CharField(max_length=255, blank=True)
    place = models.CharField(max_length=255, blank=True)
    province = models.CharField(max_length=16, blank=True)
    contract = models.CharField(max_length=16, blank=True)
    working_time = models.CharField(max_length=16, blank=True)
    posted = models.DateField(null=True)
    occupation_id = models.BigIntegerField(null=True)
    text_title = models.TextField(blank=True)
    text_body = models.TextField(blank=True)
    text_skills = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["posted"], name="search_posting_posted"),
            models.Index(fields=["occupation_id"], name="search_posting_occupation"),
        ]

    def __str__(self) -> str:
        return self.title


class PostingSkillDocument(models.Model):
    posting_id = models.BigIntegerField()
    skill_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["skill_id", "posting_id"], name="search_posting_skill")
        ]
        indexes = [models.Index(fields=["posting_id"], name="search_posting_skill_posting")]

    def __str__(self) -> str:
        return f"{self.posting_id} → {self.skill_id}"
