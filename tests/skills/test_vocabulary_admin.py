"""Curators edit the vocabulary in the Wagtail admin: new fields, filters, service checks."""

from pathlib import Path

import pytest
from django.urls import reverse

from skills.extraction.taxonomy import taxonomy_fingerprint
from skills.models import Skill, SkillSynonym
from skills.services.curated_vocabulary import curated_vocabulary_import
from tests.skills.factories import UserFactory

pytestmark = pytest.mark.django_db

CURATED_SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "curated_small"
JAVASCRIPT = "http://data.europa.eu/esco/skill/3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="vocabulary-admin", is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def javascript():
    return Skill.objects.get(uri=JAVASCRIPT)


class TestSynonymAdmin:
    def test_curator_adds_an_entry_with_kind_context_and_source(self, admin_client, javascript):
        fingerprint = taxonomy_fingerprint()
        response = admin_client.post(
            reverse("skillsynonym:add"),
            {
                "skill": javascript.pk,
                "label": "Vanilla JS",
                "language": "",
                "kind": "tool",
                "requires_context": "on",
                "source": "vendor documentation",
                "note": "Plain JavaScript without a framework.",
            },
        )
        assert response.status_code == 302
        synonym = SkillSynonym.objects.get(label="Vanilla JS")
        assert synonym.origin == SkillSynonym.Origin.CURATOR
        assert (synonym.language, synonym.kind, synonym.requires_context) == ("", "tool", True)
        assert synonym.source == "vendor documentation"
        assert taxonomy_fingerprint() != fingerprint

    def test_editing_a_shipped_entry_makes_it_the_curators(self, admin_client):
        curated_vocabulary_import(folder=CURATED_SMALL)
        synonym = SkillSynonym.objects.get(label="Golang")
        response = admin_client.post(
            reverse("skillsynonym:edit", args=[synonym.pk]),
            {
                "skill": synonym.skill_id,
                "label": "Golang",
                "language": "",
                "kind": "tool",
                "source": synonym.source,
                "note": "Checked by a curator.",
            },
        )
        assert response.status_code == 302
        synonym.refresh_from_db()
        assert synonym.origin == SkillSynonym.Origin.CURATOR
        report = curated_vocabulary_import(folder=CURATED_SMALL)
        synonym.refresh_from_db()
        assert synonym.note == "Checked by a curator."
        assert report.counts["synonyms.kept_curator"] == 1

    def test_the_service_refuses_a_term_the_extractor_would_misread(self, admin_client, javascript):
        response = admin_client.post(
            reverse("skillsynonym:add"),
            {"skill": javascript.pk, "label": "JS CE", "language": "fr", "kind": "tool"},
        )
        assert response.status_code == 200
        assert "label" in response.context["form"].errors
        assert not SkillSynonym.objects.filter(label="JS CE").exists()

    def test_list_filters_by_origin_kind_and_context(self, admin_client, javascript):
        curated_vocabulary_import(folder=CURATED_SMALL)
        SkillSynonym.objects.create(skill=javascript, label="JS", language="fr")
        index = reverse("skillsynonym:index")
        shipped = admin_client.get(index, {"origin": "vocabulary", "requires_context": "true"})
        labels = {synonym.label for synonym in shipped.context["object_list"]}
        assert {"Java", "Tableau", "Go"} <= labels
        assert "Golang" not in labels and "JS" not in labels
        mine = admin_client.get(index, {"origin": "curator"})
        assert [synonym.label for synonym in mine.context["object_list"]] == ["JS"]
        nouns = admin_client.get(index, {"kind": "noun_form"})
        assert [synonym.label for synonym in nouns.context["object_list"]] == ["tableur"]
