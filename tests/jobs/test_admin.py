import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.search.index import get_indexed_models

from jobs.models import Employer, FeedSource, IngestRun, JobPosting
from jobs.services import posting_ingest
from tests.jobs.factories import EmployerFactory


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("boss", "boss@example.be", "pw")
    client.force_login(user)
    return client


@pytest.mark.django_db
class TestAdmin:
    def test_postings_list_filters_and_inspect(self, admin_client, source):
        report = posting_ingest(
            records=[
                {"id": "1", "title": "Graphiste", "city": "Mons", "date_posted": "2026-01-05"},
                {"id": "2", "title": "Monteur vidéo", "city": "Namur", "posted_on": "2026-01-06"},
            ],
            source=source,
            parse=False,
        )
        assert report.created == 2
        url = reverse("job_postings:index")
        response = admin_client.get(url, {"province": "hainaut"})
        assert response.status_code == 200
        assert "Graphiste" in response.content.decode()
        assert "Monteur vidéo" not in response.content.decode()
        response = admin_client.get(url, {"q": "monteur"})
        assert "Monteur vidéo" in response.content.decode()
        posting = source.postings.get(external_id="2")
        response = admin_client.get(reverse("job_postings:inspect", args=[posting.pk]))
        assert response.status_code == 200

    def test_postings_are_searched_in_the_database_not_in_a_search_index(
        self, admin_client, source
    ):
        """Ingestion writes postings in bulk, past Wagtail's index: the admin search must not
        depend on it."""
        assert JobPosting not in get_indexed_models()
        posting_ingest(
            records=[
                {"id": "REF-77", "title": "Soudeur", "company": "Acier Wallon", "city": "Liège"},
                {"id": "REF-78", "title": "Boulanger", "company": "Four à pain", "city": "Mons"},
            ],
            source=source,
            parse=False,
        )
        url = reverse("job_postings:index")
        for query in ("ref-77", "acier", "soud"):
            content = admin_client.get(url, {"q": query}).content.decode()
            assert "Soudeur" in content and "Boulanger" not in content, query

    def test_ingest_run_inspect_shows_errors(self, admin_client, source):
        report = posting_ingest(records=[{"id": "x", "title": ""}], source=source, parse=False)
        run = IngestRun.objects.get(pk=report.run_id)
        response = admin_client.get(reverse("ingest_runs:inspect", args=[run.pk]))
        assert response.status_code == 200
        assert "no title" in response.content.decode()
        response = admin_client.get(reverse("ingest_runs:index"), {"status": "succeeded"})
        assert response.status_code == 200

    def test_creating_a_feed_source_shows_its_token_once(self, admin_client):
        response = admin_client.post(
            reverse("feed_sources:add"),
            {"name": "leforem", "label": "Le Forem", "is_active": "on"},
        )
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        source = FeedSource.objects.get(name="leforem")
        token = response.context["token"]
        assert FeedSource.hash_token(token) == source.token_hash
        assert token not in source.token_hash
        assert token in response.content.decode()
        assert all(token not in morsel.value for morsel in response.cookies.values())
        assert token not in admin_client.get(reverse("feed_sources:index")).content.decode()

    def test_a_feed_token_can_be_rotated_and_is_never_put_in_a_cookie(self, admin_client):
        """#9 defect 5: the "issue a new token" control is rendered and processed."""
        source = FeedSource.objects.create(name="board", label="Board")
        old_token = source.rotate_token()
        url = reverse("feed_sources:edit", args=[source.pk])
        assert 'name="issue_token"' in admin_client.get(url).content.decode()
        data = {"name": "board", "label": "Board", "is_active": "on", "issue_token": "on"}
        response = admin_client.post(url, data)
        assert response.status_code == 200
        token = response.context["token"]
        source.refresh_from_db()
        assert FeedSource.hash_token(token) == source.token_hash
        assert FeedSource.hash_token(old_token) != source.token_hash
        assert all(token not in morsel.value for morsel in response.cookies.values())
        assert all(token not in str(m) for m in response.context.get("messages", []))
        unchanged = admin_client.post(url, {**data, "issue_token": ""})
        assert unchanged.status_code == 302  # a plain save issues nothing
        source.refresh_from_db()
        assert FeedSource.hash_token(token) == source.token_hash

    def test_moderator_approves_an_employer(self, admin_client):
        employer = EmployerFactory(status=Employer.Status.PENDING)
        response = admin_client.post(
            reverse("employers:edit", args=[employer.pk]),
            {"name": employer.name, "status": "approved", "province": "liege", "commune": "Liège"},
        )
        assert response.status_code == 302
        employer.refresh_from_db()
        assert employer.status == "approved"
        assert employer.reviewed_by.username == "boss"

    @pytest.mark.parametrize(
        "name", ["job_postings", "employers", "feed_sources", "ingest_runs", "training_requests"]
    )
    def test_every_listing_renders(self, admin_client, name):
        assert admin_client.get(reverse(f"{name}:index")).status_code == 200


@pytest.mark.django_db
def test_a_moderator_cannot_make_themselves_a_member_of_an_employer(client):
    """#9 defect 9: a member acts as the employer in the portal."""
    from django.contrib.auth.models import Group

    from jobs.services.roles import MODERATORS

    moderator = get_user_model().objects.create_user("mod", "mod@example.be", "pw")
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    client.force_login(moderator)
    employer = EmployerFactory(status=Employer.Status.PENDING)
    url = reverse("employers:edit", args=[employer.pk])
    assert 'name="members"' not in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": employer.name,
            "status": "approved",
            "province": "liege",
            "commune": "Liège",
            "members": [moderator.pk],
        },
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.status == "approved"  # the moderator's own job still works
    assert not employer.members.filter(pk=moderator.pk).exists()
