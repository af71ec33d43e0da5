"""The public job board: published postings only, once per duplicate group, 410 once gone,
schema.org JobPosting JSON-LD, and the training offers that teach what the posting asks."""

import datetime
import json
import re

import pytest
from django.utils import timezone, translation

from courses.services.links import offer_skill_set
from jobs.models import JobPosting, PostingOccupation, PostingSkill
from skills.links import LinkStatus
from skills.models import Occupation, Skill
from tests.courses.factories import make_offer, make_provider
from tests.jobs.factories import EmployerFactory, JobPostingFactory

pytestmark = pytest.mark.django_db

JAVASCRIPT_KEY = "3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"
WEB_DEVELOPER_KEY = "c40a2919-48a9-40ea-b506-1f34f693496d"
TODAY = timezone.localdate()

# schema.org JobPosting as Google's job search reads it: what it requires and what it recommends.
REQUIRED = {"title", "description", "datePosted", "hiringOrganization", "jobLocation"}
RECOMMENDED = {"validThrough", "employmentType", "identifier", "directApply"}


def published(**fields):
    fields.setdefault("posted_on", TODAY - datetime.timedelta(days=3))
    return JobPostingFactory(status=JobPosting.Status.PUBLISHED, **fields)


def jsonld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


def test_a_published_posting_has_a_public_page_with_complete_jobposting_jsonld(client):
    employer = EmployerFactory(name="Studio Meuse")
    posting = published(
        employer=employer,
        title="Développeur web <junior>",
        commune="Liège",
        contract_type=JobPosting.ContractType.PERMANENT,
        working_time=JobPosting.WorkingTime.FULL_TIME,
    )
    skill = Skill.objects.get(key=JAVASCRIPT_KEY)
    occupation = Occupation.objects.get(key=WEB_DEVELOPER_KEY)
    PostingSkill.objects.create(posting=posting, skill=skill, status=LinkStatus.CONFIRMED)
    PostingOccupation.objects.create(
        posting=posting, occupation=occupation, status=LinkStatus.CONFIRMED, rank=1
    )
    response = client.get(posting.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    data = jsonld(html)
    assert data["@type"] == "JobPosting"
    assert data.keys() >= REQUIRED and data.keys() >= RECOMMENDED
    assert data["hiringOrganization"]["name"] == "Studio Meuse"
    assert data["jobLocation"]["address"]["addressLocality"] == "Liège"
    assert data["jobLocation"]["address"]["addressCountry"] == "BE"
    assert data["employmentType"] == "FULL_TIME"
    assert data["occupationalCategory"] == occupation.uri
    assert [term["identifier"] for term in data["skills"]] == [skill.uri]
    assert datetime.date.fromisoformat(data["datePosted"]) == posting.posted_on
    assert (
        "<junior>"
        not in html.split("application/ld+json")[1].split(">", 1)[1].split("</script>")[0]
    )
    assert skill.label() in html and occupation.label() in html
    assert 'property="og:title"' in html


def test_the_board_offers_a_training_for_the_job(client, provider_index):
    skill = Skill.objects.get(key=JAVASCRIPT_KEY)
    posting = published(title="Développeur JavaScript")
    PostingSkill.objects.create(posting=posting, skill=skill, status=LinkStatus.SUGGESTED)
    offer = make_offer(make_provider(name="Centre Web"), title="JavaScript de A à Z")
    offer_skill_set(offer=offer, skill=skill)
    html = client.get(posting.get_absolute_url()).content.decode()
    training = html[html.index('id="training"') :]
    assert offer.title in training and "Centre Web" in training
    assert "automatiquement" in html or "automatically" in html  # an unreviewed reading says so


@pytest.mark.parametrize(
    "change",
    [
        {"status": JobPosting.Status.WITHDRAWN},
        {"status": JobPosting.Status.EXPIRED},
        {"expires_on": TODAY - datetime.timedelta(days=1)},
        {"posted_on": TODAY - datetime.timedelta(days=400)},  # no expiry given: board lifetime
    ],
)
def test_expired_and_withdrawn_postings_leave_the_board_and_answer_410(client, change):
    posting = published(title="Soudeur TIG")
    url = posting.get_absolute_url()
    assert client.get(url).status_code == 200
    JobPosting.objects.filter(pk=posting.pk).update(**change)
    response = client.get(url)
    assert response.status_code == 410
    assert "Soudeur TIG" in response.content.decode()
    assert "Soudeur TIG" not in client.get("/emplois/").content.decode()


def test_drafts_are_not_public(client):
    draft = JobPostingFactory(status=JobPosting.Status.DRAFT, posted_on=TODAY)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.title not in client.get("/emplois/").content.decode()


def test_a_duplicate_group_shows_once_and_its_copies_redirect_to_the_original(client):
    original = published(title="Infographiste PAO")
    copy = published(title="Infographiste PAO (copie)", duplicate_of=original)
    board = client.get("/emplois/").content.decode()
    assert board.count("Infographiste PAO") == 1
    response = client.get(copy.get_absolute_url())
    assert response.status_code == 301 and response["Location"] == original.get_absolute_url()


def test_a_wrong_slug_redirects_to_the_canonical_address(client):
    posting = published(title="Technicien son et lumière")
    response = client.get(f"/emplois/{posting.pk}/autre-chose/")
    assert response.status_code == 301
    assert response["Location"] == posting.get_absolute_url()


def test_the_board_filters_by_province_and_contract_and_reads_in_english(client):
    published(title="Plombier à Namur", province="namur")
    published(
        title="Graphiste à Liège",
        province="liege",
        contract_type=JobPosting.ContractType.FREELANCE,
    )
    namur = client.get("/emplois/", {"province": "namur"}).content.decode()
    assert "Plombier à Namur" in namur and "Graphiste à Liège" not in namur
    freelance = client.get("/emplois/", {"contract": "freelance"}).content.decode()
    assert "Graphiste à Liège" in freelance and "Plombier à Namur" not in freelance
    with translation.override("en"):
        english = client.get("/en/emplois/").content.decode()
    assert '<html lang="en">' in english and "Job board" in english
