"""factory_boy factories for the taxonomy. ESCO-like URIs, so the origin constraint holds."""

import uuid

import factory
from django.contrib.auth import get_user_model

from skills.models import (
    ESCO_URI_PREFIX,
    IscoGroup,
    Occupation,
    OccupationSkill,
    ShortageList,
    ShortageListEntry,
    Skill,
    SkillGroup,
)


def esco_uri(kind: str) -> str:
    return f"{ESCO_URI_PREFIX}{kind}/{uuid.uuid4()}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.invalid")
    password = factory.django.Password("secret-pass-123")


class SkillGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillGroup

    uri = factory.LazyFunction(lambda: esco_uri("skill"))
    code = factory.Sequence(lambda n: f"Z{n}")
    preferred_label_fr = factory.Sequence(lambda n: f"groupe de test {n}")
    preferred_label_en = factory.Sequence(lambda n: f"test group {n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        skip_postgeneration_save = True  # the hooks only set M2M links

    uri = factory.LazyFunction(lambda: esco_uri("skill"))
    origin = Skill.Origin.ESCO
    preferred_label_fr = factory.Sequence(lambda n: f"compétence d’essai {n}")
    preferred_label_en = factory.Sequence(lambda n: f"test skill {n}")
    description_fr = "Une compétence créée pour les tests."
    description_en = "A skill made for tests."
    skill_type = Skill.SkillType.SKILL
    reuse_level = Skill.ReuseLevel.SECTOR_SPECIFIC
    esco_version = "1.1.1"

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.broader_groups.set(extracted)

    @factory.post_generation
    def broader(self, create, extracted, **kwargs):
        if create and extracted:
            self.broader_skills.set(extracted)


class IscoGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IscoGroup

    uri = factory.LazyFunction(lambda: esco_uri("isco"))
    code = factory.Sequence(lambda n: f"9{n % 1000:03d}")
    preferred_label_fr = factory.Sequence(lambda n: f"groupe ISCO {n}")
    preferred_label_en = factory.Sequence(lambda n: f"ISCO group {n}")


class OccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupation

    uri = factory.LazyFunction(lambda: esco_uri("occupation"))
    preferred_label_fr = factory.Sequence(lambda n: f"métier d’essai {n}")
    preferred_label_en = factory.Sequence(lambda n: f"test occupation {n}")
    description_fr = "Un métier créé pour les tests."
    esco_version = "1.1.1"


class OccupationSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OccupationSkill

    occupation = factory.SubFactory(OccupationFactory)
    skill = factory.SubFactory(SkillFactory)
    relation = OccupationSkill.Relation.ESSENTIAL


class ShortageListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShortageList

    title = factory.Sequence(lambda n: f"Liste de pénurie {n}")
    source = factory.Sequence(lambda n: f"Source {n}")
    year = 2025


class ShortageListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShortageListEntry
        skip_postgeneration_save = True  # the hook only sets an M2M

    shortage_list = factory.SubFactory(ShortageListFactory)
    label = factory.Sequence(lambda n: f"Profession {n}")
    kind = ShortageListEntry.Kind.SHORTAGE

    @factory.post_generation
    def occupations(self, create, extracted, **kwargs):
        if create and extracted:
            self.occupations.set(extracted)
