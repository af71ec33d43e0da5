"""The search pages' URL scheme: query strings to `CatalogueQuery` / `PostingQuery` and back.

Every state of a search is a shareable URL, so the query string is the one source of truth:
the HTML page, the JSON endpoint and every link the page draws (a facet value, a chip's
removal, a page number, a suggestion) go through `catalogue_query_from_params` and
`catalogue_params`. Parameters (repeat a parameter for several values):

    q             the words typed
    skill         a picked skill (ESCO or local concept URI), repeated
    all           "1": keep only offers that teach every picked skill
    occupation    a goal: an occupation URI ("I want to become…")
    drop          a concept understood from `q` that the learner removed (URI), repeated
    <facet>       one of `search.contract.CATALOGUE_FACETS`, repeated for multi-select
    near, radius  a commune and a distance in km from it
    price_min, price_max   euros
    sort          relevance | next_session | duration | price
    page, page_size

Bad values raise `SearchParamsError` with one message per parameter (the views answer 400):
a shared URL with a typo says what is wrong instead of silently searching something else.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.languages import Language
from core.places import COMMUNES, Province, resolve_place
from courses.models import FundingScheme
from courses.models.choices import Audience, Modality, OfferFormat, ProviderKind, Schedule
from jobs.models import JobPosting
from search.contract import CATALOGUE_FACETS, POSTING_FACETS, CatalogueQuery, PostingQuery
from search.engines.database_postings import POSTED_LABELS
from search.facets import PRICE_BANDS, START_BUCKETS
from skills.models import Occupation, Skill

MAX_SKILLS = 10
MAX_DROPPED = 20
MAX_PAGE = 500
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
DEFAULT_RADIUS_KM = 25
RADIUS_CHOICES = (10, 25, 50, 100)
MAX_PRICE = Decimal("100000")

CATALOGUE_SORTS = (
    ("relevance", _("Relevance")),
    ("next_session", _("Next session")),
    ("duration", _("Duration")),
    ("price", _("Price")),
)
POSTING_SORTS = (("relevance", _("Relevance")), ("date", _("Most recent")))

# The values each facet accepts, as the search defines them; the engines label and count them.
PRICE_BUCKETS = tuple(slug for slug, _low, _high in PRICE_BANDS)
POSTED_BUCKETS = tuple(POSTED_LABELS)


def _facet_choices() -> dict[str, tuple[str, ...]]:
    return {
        "province": tuple(Province.values),
        "modality": tuple(Modality.values),
        "format": tuple(OfferFormat.values),
        "price": PRICE_BUCKETS,
        # Moderators add schemes without a release: read them when a query arrives.
        "funding": tuple(FundingScheme.objects.values_list("slug", flat=True)),
        "audience": tuple(Audience.values),
        "level": tuple(str(level) for level in range(1, 9)),
        "language": tuple(Language.values),
        "provider_kind": tuple(ProviderKind.values),
        "start": START_BUCKETS,
        "schedule": tuple(Schedule.values),
        "certification": ("yes", "no"),
    }


def _posting_facet_choices() -> dict[str, tuple[str, ...]]:
    return {
        "province": tuple(Province.values),
        "contract": tuple(v for v in JobPosting.ContractType.values if v),
        "working_time": tuple(v for v in JobPosting.WorkingTime.values if v),
        "posted": POSTED_BUCKETS,
    }


class SearchParamsError(ValueError):
    """A query string the search cannot read: `errors` maps each parameter to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in errors.items()))


class MultiValueField(forms.Field):
    """Every value of a repeated parameter, stripped, empty ones left out, in order, once each."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, max_values: int, max_length: int = 500, **kwargs):
        self.max_values = max_values
        self.max_length = max_length
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> tuple[str, ...]:
        if value in (None, ""):
            return ()
        values = [value] if isinstance(value, str) else list(value)
        cleaned = tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))
        if len(cleaned) > self.max_values:
            raise forms.ValidationError(
                _("At most %(count)d values."), params={"count": self.max_values}
            )
        if any(len(v) > self.max_length for v in cleaned):
            raise forms.ValidationError(_("A value is too long."))
        return cleaned


class _FacetFieldsMixin:
    """One multi-valued field per facet, with the values it accepts."""

    def _add_facet_fields(self, choices: dict[str, tuple[str, ...]]) -> None:
        for name, values in choices.items():
            self.fields[name] = forms.MultipleChoiceField(
                choices=[(v, v) for v in values],
                required=False,
                error_messages={
                    "invalid_choice": _("“%(value)s” is not a value of this filter."),
                },
            )


class CatalogueSearchForm(_FacetFieldsMixin, forms.Form):
    """Validates a catalogue query string; `to_query()` gives the `CatalogueQuery`."""

    q = forms.CharField(max_length=200, required=False, strip=True)
    skill = MultiValueField(max_values=MAX_SKILLS)
    all = forms.BooleanField(required=False)
    occupation = forms.CharField(max_length=500, required=False)
    drop = MultiValueField(max_values=MAX_DROPPED)
    near = forms.CharField(max_length=100, required=False)
    radius = forms.IntegerField(min_value=1, max_value=300, required=False)
    price_min = forms.DecimalField(
        min_value=0, max_value=MAX_PRICE, decimal_places=2, required=False
    )
    price_max = forms.DecimalField(
        min_value=0, max_value=MAX_PRICE, decimal_places=2, required=False
    )
    sort = forms.ChoiceField(choices=CATALOGUE_SORTS, required=False)
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)
    page_size = forms.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_facet_fields(_facet_choices())

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean_skill(self) -> tuple[str, ...]:
        uris = self.cleaned_data["skill"]
        known = set(Skill.objects.filter(uri__in=uris).values_list("uri", flat=True))
        unknown = [uri for uri in uris if uri not in known]
        if unknown:
            raise forms.ValidationError(
                _("Unknown skill: %(uri)s."), params={"uri": ", ".join(unknown)}
            )
        return uris

    def clean_occupation(self) -> str:
        uri = self.cleaned_data["occupation"].strip()
        if uri and not Occupation.objects.filter(uri=uri).exists():
            raise forms.ValidationError(_("Unknown occupation: %(uri)s."), params={"uri": uri})
        return uri

    def clean_drop(self) -> tuple[str, ...]:
        uris = self.cleaned_data["drop"]
        if any(not uri.startswith(("http://", "https://")) for uri in uris):
            raise forms.ValidationError(_("A removed concept is named by its URI."))
        return uris

    def clean_near(self) -> str:
        near = " ".join(self.cleaned_data["near"].split())
        if not near:
            return ""
        commune, province = resolve_place(commune=near)
        if not province:
            raise forms.ValidationError(
                _("“%(place)s” is not a commune we know."), params={"place": near}
            )
        return commune

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("The highest price is below the lowest."))
        # The form always sends its distance menu; without a commune it means nothing.
        if not cleaned.get("near"):
            cleaned["radius"] = None
        return cleaned

    def to_query(self, *, language: str) -> CatalogueQuery:
        data = self.cleaned_data
        near = data["near"]
        return CatalogueQuery(
            text=data["q"],
            skills=data["skill"],
            require_all_skills=bool(data["all"]) and bool(data["skill"]),
            occupation=data["occupation"],
            filters={name: tuple(data[name]) for name in CATALOGUE_FACETS if data.get(name)},
            near=near,
            radius_km=(data["radius"] or DEFAULT_RADIUS_KM) if near else None,
            price_min=data["price_min"],
            price_max=data["price_max"],
            sort=data["sort"] or "relevance",
            page=data["page"] or 1,
            page_size=data["page_size"] or DEFAULT_PAGE_SIZE,
            language=language,
            dropped_chips=data["drop"],
        )


def _errors(form: forms.Form) -> dict[str, list[str]]:
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


def catalogue_query_from_params(params: QueryDict, *, language: str) -> CatalogueQuery:
    """The learner's search from a query string; `SearchParamsError` when a value is wrong."""
    form = CatalogueSearchForm(params)
    if not form.is_valid():
        raise SearchParamsError(_errors(form))
    return form.to_query(language=language)


def _money(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else f"{value:.2f}"


def catalogue_params(query: CatalogueQuery, **changes: Any) -> list[tuple[str, str]]:
    """The canonical query string of `query` (with `changes` applied), as ordered pairs.

    Defaults are left out and the page goes back to 1 whenever anything but the page changes,
    so a link to a narrower search never lands past its end."""
    if changes and "page" not in changes:
        changes["page"] = 1
    query = replace(query, **changes)
    pairs: list[tuple[str, str]] = []
    if query.text:
        pairs.append(("q", query.text))
    pairs += [("skill", uri) for uri in query.skills]
    if query.require_all_skills and query.skills:
        pairs.append(("all", "1"))
    if query.occupation:
        pairs.append(("occupation", query.occupation))
    pairs += [("drop", uri) for uri in query.dropped_chips]
    for name in CATALOGUE_FACETS:
        pairs += [(name, value) for value in query.filters.get(name, ())]
    if query.near:
        pairs.append(("near", query.near))
        if query.radius_km and query.radius_km != DEFAULT_RADIUS_KM:
            pairs.append(("radius", str(query.radius_km)))
    if query.price_min is not None:
        pairs.append(("price_min", _money(query.price_min)))
    if query.price_max is not None:
        pairs.append(("price_max", _money(query.price_max)))
    if query.sort != "relevance":
        pairs.append(("sort", query.sort))
    if query.page_size != DEFAULT_PAGE_SIZE:
        pairs.append(("page_size", str(query.page_size)))
    if query.page > 1:
        pairs.append(("page", str(query.page)))
    return pairs


def to_querystring(pairs: list[tuple[str, str]]) -> str:
    params = QueryDict(mutable=True)
    for name, value in pairs:
        params.appendlist(name, value)
    return params.urlencode()


def with_facet_value(query: CatalogueQuery, *, facet: str, value: str) -> CatalogueQuery:
    """`query` with `value` of `facet` toggled (selected ↔ not)."""
    values = query.filters.get(facet, ())
    toggled = tuple(v for v in values if v != value) if value in values else (*values, value)
    filters = {name: vals for name, vals in query.filters.items() if name != facet}
    if toggled:
        filters[facet] = toggled
    return replace(query, filters=filters)


class PostingSearchForm(_FacetFieldsMixin, forms.Form):
    """Validates a job-posting query string (advisors and employers)."""

    q = forms.CharField(max_length=200, required=False, strip=True)
    skill = MultiValueField(max_values=MAX_SKILLS)
    occupation = forms.CharField(max_length=500, required=False)
    drop = MultiValueField(max_values=MAX_DROPPED)
    since = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    sort = forms.ChoiceField(choices=POSTING_SORTS, required=False)
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)

    clean_skill = CatalogueSearchForm.clean_skill
    clean_occupation = CatalogueSearchForm.clean_occupation
    clean_drop = CatalogueSearchForm.clean_drop
    clean_q = CatalogueSearchForm.clean_q

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_facet_fields(_posting_facet_choices())

    def clean_since(self) -> datetime.date | None:
        since = self.cleaned_data["since"]
        if since and since.year < 2000:
            raise forms.ValidationError(_("Enter a date after 2000."))
        return since

    def to_query(self, *, language: str) -> PostingQuery:
        data = self.cleaned_data
        return PostingQuery(
            text=data["q"],
            skills=data["skill"],
            occupation=data["occupation"],
            filters={name: tuple(data[name]) for name in POSTING_FACETS if data.get(name)},
            posted_since=data["since"],
            sort=data["sort"] or "relevance",
            page=data["page"] or 1,
            language=language,
            dropped_chips=data["drop"],
        )


def posting_query_from_params(params: QueryDict, *, language: str) -> PostingQuery:
    form = PostingSearchForm(params)
    if not form.is_valid():
        raise SearchParamsError(_errors(form))
    return form.to_query(language=language)


def posting_params(query: PostingQuery, **changes: Any) -> list[tuple[str, str]]:
    if changes and "page" not in changes:
        changes["page"] = 1
    query = replace(query, **changes)
    pairs: list[tuple[str, str]] = []
    if query.text:
        pairs.append(("q", query.text))
    pairs += [("skill", uri) for uri in query.skills]
    if query.occupation:
        pairs.append(("occupation", query.occupation))
    pairs += [("drop", uri) for uri in query.dropped_chips]
    for name in POSTING_FACETS:
        pairs += [(name, value) for value in query.filters.get(name, ())]
    if query.posted_since:
        pairs.append(("since", query.posted_since.isoformat()))
    if query.sort != "relevance":
        pairs.append(("sort", query.sort))
    if query.page > 1:
        pairs.append(("page", str(query.page)))
    return pairs


def commune_names() -> list[str]:
    """The communes `near` accepts, for the form's suggestions."""
    return sorted(name for name, _postal, _province, _weight in COMMUNES)
