"""Curators' services: local concepts and synonyms."""

import pytest
from django.core.exceptions import ValidationError

from skills.models import LOCAL_URI_PREFIX, Skill, SkillSynonym
from skills.services.taxonomy import (
    local_concept_create,
    local_concept_update,
    synonym_add,
    synonym_update,
)
from tests.skills.factories import SkillFactory, SkillGroupFactory, UserFactory

pytestmark = pytest.mark.django_db

JAVASCRIPT_KEY = "3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"


class TestLocalConceptCreate:
    def test_creates_a_local_concept_under_an_esco_skill(self):
        broader = Skill.objects.get(key=JAVASCRIPT_KEY)
        user = UserFactory()
        skill = local_concept_create(
            label_fr="  Node.js  avancé ",
            label_en="Advanced Node.js",
            description_fr="Programmation serveur en JavaScript.",
            broader=broader,
            alt_labels_fr=["NodeJS avancé", "node.js avancé", "", "Node.js avancé"],
            alt_labels_en=["Node advanced"],
            user=user,
        )
        skill.refresh_from_db()
        assert skill.origin == Skill.Origin.LOCAL
        assert skill.uri == LOCAL_URI_PREFIX + "node-js-avance"
        assert skill.key == "node-js-avance"
        assert skill.preferred_label_fr == "Node.js avancé"
        # Duplicates (ignoring case and accents) and the preferred label itself are dropped.
        assert skill.alt_labels_fr == ["NodeJS avancé"]
        assert list(skill.broader_skills.all()) == [broader]
        assert skill.created_by == user
        assert Skill.objects.matching_text("nodejs avance").filter(pk=skill.pk).exists()

    def test_under_a_skill_group_and_unique_keys(self):
        group = SkillGroupFactory()
        first = local_concept_create(label_fr="Motion design", broader=group)
        second = local_concept_create(label_fr="Motion-design", broader=group)
        assert list(first.broader_groups.all()) == [group]
        assert first.key == "motion-design"
        assert second.key == "motion-design-2"

    @pytest.mark.parametrize("label", ["", "   "])
    def test_empty_label_is_refused(self, label):
        count = Skill.objects.count()
        with pytest.raises(ValidationError) as error:
            local_concept_create(label_fr=label, broader=SkillGroupFactory())
        assert "label_fr" in error.value.message_dict
        assert Skill.objects.count() == count

    def test_broader_is_required_and_must_be_esco(self):
        with pytest.raises(ValidationError) as error:
            local_concept_create(label_fr="Sans parent", broader=None)
        assert "broader" in error.value.message_dict
        local = local_concept_create(label_fr="Concept local", broader=SkillGroupFactory())
        with pytest.raises(ValidationError) as error:
            local_concept_create(label_fr="Sous-concept local", broader=local)
        assert "broader" in error.value.message_dict
        with pytest.raises(ValidationError):
            local_concept_create(label_fr="Sous obsolète", broader=SkillFactory(is_obsolete=True))

    def test_label_of_an_existing_concept_is_refused(self):
        existing = Skill.objects.get(key=JAVASCRIPT_KEY)
        with pytest.raises(ValidationError) as error:
            local_concept_create(label_fr="javascript", broader=SkillGroupFactory())
        assert existing.uri in str(error.value)

    def test_update_keeps_the_uri(self):
        group, other_group = SkillGroupFactory(), SkillGroupFactory()
        skill = local_concept_create(label_fr="Blender", broader=group)
        updated = local_concept_update(
            skill=skill,
            label_fr="Blender (logiciel 3D)",
            broader=other_group,
            alt_labels_en=["Blender 3D"],
        )
        updated.refresh_from_db()
        assert updated.uri == LOCAL_URI_PREFIX + "blender"
        assert updated.preferred_label_fr == "Blender (logiciel 3D)"
        assert list(updated.broader_groups.all()) == [other_group]

    def test_update_refuses_esco_concepts(self):
        esco = Skill.objects.get(key=JAVASCRIPT_KEY)
        with pytest.raises(ValidationError):
            local_concept_update(skill=esco, label_fr="x", broader=SkillGroupFactory())


class TestSynonyms:
    def test_add(self):
        skill = Skill.objects.get(key=JAVASCRIPT_KEY)
        user = UserFactory()
        synonym = synonym_add(skill=skill, label=" JS  moderne ", language="fr", user=user)
        assert synonym.pk and synonym.label == "JS moderne"
        assert synonym.created_by == user

    def test_duplicate_ignoring_case_and_accents_is_refused(self):
        skill = SkillFactory()
        synonym_add(skill=skill, label="Développement Front", language="fr")
        with pytest.raises(ValidationError) as error:
            synonym_add(skill=skill, label="developpement front", language="fr")
        assert "label" in error.value.message_dict
        # The same form in the other language is a different synonym.
        synonym_add(skill=skill, label="developpement front", language="en")
        assert SkillSynonym.objects.filter(skill=skill).count() == 2

    def test_existing_label_of_the_skill_is_refused(self):
        skill = SkillFactory(preferred_label_fr="Retouche photo", alt_labels_fr=["photoshop"])
        for label in ("retouche photo", "Photoshop"):
            with pytest.raises(ValidationError):
                synonym_add(skill=skill, label=label, language="fr")

    @pytest.mark.parametrize(
        ("label", "language", "field"),
        [("", "fr", "label"), ("  ", "en", "label"), ("ok", "de", "language")],
    )
    def test_bad_input_is_refused(self, label, language, field):
        with pytest.raises(ValidationError) as error:
            synonym_add(skill=SkillFactory(), label=label, language=language)
        assert field in error.value.message_dict
        assert not SkillSynonym.objects.filter(label=label.strip()).exists()

    def test_update(self):
        skill = SkillFactory()
        first = synonym_add(skill=skill, label="UX", language="en")
        second = synonym_add(skill=skill, label="UI", language="en")
        with pytest.raises(ValidationError):
            synonym_update(synonym=second, skill=skill, label="ux", language="en")
        synonym_update(synonym=first, skill=skill, label="UX design", language="en", note="n")
        first.refresh_from_db()
        assert (first.label, first.note) == ("UX design", "n")
