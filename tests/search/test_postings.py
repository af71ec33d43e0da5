"""Posting search on every engine: published unique postings by text, skill, occupation,
province, contract, working time and date."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jobs.models import JobPosting, PostingOccupation, PostingSkill
from search import PostingQuery, posting_search
from skills.links import LinkStatus
from skills.models import Occupation, Skill
from tests.search.conftest import JAVASCRIPT, PYTHON, WEB_DEVELOPER

pytestmark = pytest.mark.django_db


def posting(title: str, *, days_ago: int = 1, skills=(), occupation=None, **fields) -> JobPosting:
    defaults = {
        "province": "liege",
        "contract_type": JobPosting.ContractType.PERMANENT,
        "working_time": JobPosting.WorkingTime.FULL_TIME,
        "employer_name": "Employeur SA",
        "description_text": "Rejoignez notre équipe.",
    }
    defaults.update(fields)
    created = JobPosting.objects.create(
        title=title, posted_on=timezone.localdate() - datetime.timedelta(days=days_ago), **defaults
    )
    for uri in skills:
        PostingSkill.objects.create(
            posting=created, skill=Skill.objects.get(uri=uri), status=LinkStatus.SUGGESTED
        )
    if occupation:
        PostingOccupation.objects.create(
            posting=created, occupation=Occupation.objects.get(uri=occupation), rank=1
        )
    return created


@pytest.fixture
def postings(engine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = {
            "dev": posting("Développeur web", skills=[JAVASCRIPT], occupation=WEB_DEVELOPER),
            "data": posting(
                "Data analyst",
                skills=[PYTHON],
                province="namur",
                contract_type=JobPosting.ContractType.FIXED_TERM,
                days_ago=40,
            ),
            "full": posting(
                "Développeur full-stack",
                skills=[PYTHON, JAVASCRIPT],
                province="hainaut",
                working_time=JobPosting.WorkingTime.PART_TIME,
                days_ago=3,
            ),
            "old": posting("Soudeur", days_ago=200, province="namur"),
            "expired": posting("Développeur Python", status=JobPosting.Status.EXPIRED),
        }
        made["copy"] = posting("Développeur web", duplicate_of=made["dev"])
    return made


def ids(result) -> list[int]:
    return [hit.posting_id for hit in result.hits]


def test_text_finds_published_unique_postings(postings):
    result = posting_search(query=PostingQuery(text="développeur"))
    assert set(ids(result)) == {postings["dev"].pk, postings["full"].pk}


def test_skills_rank_by_coverage(postings):
    result = posting_search(query=PostingQuery(skills=(PYTHON, JAVASCRIPT)))
    assert ids(result)[0] == postings["full"].pk
    assert set(ids(result)) == {postings["dev"].pk, postings["data"].pk, postings["full"].pk}
    assert result.hits[0].wanted == 2 and len(result.hits[0].covered) == 2


def test_occupation_and_facets(postings):
    assert ids(posting_search(query=PostingQuery(occupation=WEB_DEVELOPER))) == [postings["dev"].pk]
    result = posting_search(query=PostingQuery(filters={"province": ("namur",)}))
    assert set(ids(result)) == {postings["data"].pk, postings["old"].pk}
    provinces = {v.value: v.count for f in result.facets if f.name == "province" for v in f.values}
    assert provinces == {"liege": 1, "namur": 2, "hainaut": 1}
    result = posting_search(
        query=PostingQuery(filters={"contract": ("fixed_term",), "working_time": ("full_time",)})
    )
    assert ids(result) == [postings["data"].pk]
    result = posting_search(query=PostingQuery(filters={"posted": ("week",)}))
    assert set(ids(result)) == {postings["dev"].pk, postings["full"].pk}


def test_date_sort_and_posted_since(postings):
    result = posting_search(query=PostingQuery(sort="date"))
    assert ids(result) == [postings[k].pk for k in ("dev", "full", "data", "old")]
    since = timezone.localdate() - datetime.timedelta(days=10)
    result = posting_search(query=PostingQuery(posted_since=since))
    assert set(ids(result)) == {postings["dev"].pk, postings["full"].pk}


def test_withdrawn_posting_leaves_the_index(postings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        postings["full"].status = JobPosting.Status.WITHDRAWN
        postings["full"].save()
    assert postings["full"].pk not in ids(posting_search(query=PostingQuery(text="développeur")))
