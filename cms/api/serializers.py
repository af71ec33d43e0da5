"""What the API returns: the public fields of what the site shows, concepts by ESCO URI."""

from __future__ import annotations

from rest_framework import serializers

from courses.models import OfferPage, ProviderPage, Session
from jobs.models import JobPosting
from skills.models import Occupation, ShortageList, Skill


class ConceptLabels(serializers.Serializer):
    uri = serializers.CharField()
    label_fr = serializers.CharField(source="preferred_label_fr")
    label_en = serializers.CharField(source="preferred_label_en")


class ProviderSummarySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="title")

    class Meta:
        model = ProviderPage
        fields = ["id", "slug", "name", "kind", "commune", "province"]


class ProviderSerializer(ProviderSummarySerializer):
    url = serializers.SerializerMethodField()

    class Meta(ProviderSummarySerializer.Meta):
        fields = [
            *ProviderSummarySerializer.Meta.fields,
            "postal_code",
            "street_address",
            "latitude",
            "longitude",
            "website",
            "contact_email",
            "contact_phone",
            "enterprise_number",
            "url",
        ]

    def get_url(self, provider) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(provider.get_url(request=request) or "")


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = [
            "id",
            "start_date",
            "end_date",
            "schedule",
            "location",
            "commune",
            "province",
            "seats",
            "seats_left",
            "status",
            "registration_deadline",
        ]


class OfferSkillLinkSerializer(serializers.Serializer):
    uri = serializers.CharField(source="skill.uri")
    label_fr = serializers.CharField(source="skill.preferred_label_fr")
    label_en = serializers.CharField(source="skill.preferred_label_en")
    relation = serializers.CharField()
    status = serializers.CharField()
    esco_version = serializers.CharField()


class OfferOccupationLinkSerializer(serializers.Serializer):
    uri = serializers.CharField(source="occupation.uri")
    label_fr = serializers.CharField(source="occupation.preferred_label_fr")
    label_en = serializers.CharField(source="occupation.preferred_label_en")
    status = serializers.CharField()
    esco_version = serializers.CharField()


class OfferSerializer(serializers.ModelSerializer):
    provider = ProviderSummarySerializer()
    sessions = SessionSerializer(many=True)
    funding = serializers.SlugRelatedField(
        source="funding_schemes", slug_field="slug", many=True, read_only=True
    )
    skills = OfferSkillLinkSerializer(source="public_skill_links", many=True)
    occupations = OfferOccupationLinkSerializer(source="public_occupation_links", many=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = OfferPage
        fields = [
            "id",
            "title",
            "summary",
            "plain_language_summary",
            "url",
            "provider",
            "format",
            "modality",
            "eqf_level",
            "duration_hours",
            "languages",
            "audiences",
            "prerequisites",
            "certification",
            "price",
            "is_free",
            "funding",
            "registration_url",
            "registration_email",
            "registration_phone",
            "sessions",
            "skills",
            "occupations",
            "last_published_at",
        ]

    def get_url(self, offer) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(offer.get_url(request=request) or "")


class SkillSerializer(serializers.ModelSerializer):
    label_fr = serializers.CharField(source="preferred_label_fr")
    label_en = serializers.CharField(source="preferred_label_en")
    broader_groups = serializers.SlugRelatedField(slug_field="uri", many=True, read_only=True)
    broader_skills = serializers.SlugRelatedField(slug_field="uri", many=True, read_only=True)

    class Meta:
        model = Skill
        fields = [
            "uri",
            "key",
            "origin",
            "label_fr",
            "label_en",
            "alt_labels_fr",
            "alt_labels_en",
            "description_fr",
            "description_en",
            "skill_type",
            "reuse_level",
            "broader_groups",
            "broader_skills",
            "esco_version",
        ]


class OccupationSkillSerializer(serializers.Serializer):
    uri = serializers.CharField(source="skill.uri")
    relation = serializers.CharField()


class OccupationSerializer(serializers.ModelSerializer):
    label_fr = serializers.CharField(source="preferred_label_fr")
    label_en = serializers.CharField(source="preferred_label_en")
    isco_group = serializers.CharField(source="isco_group.code", default="")
    skills = OccupationSkillSerializer(source="skill_links", many=True)

    class Meta:
        model = Occupation
        fields = [
            "uri",
            "key",
            "code",
            "isco_group",
            "label_fr",
            "label_en",
            "alt_labels_fr",
            "alt_labels_en",
            "description_fr",
            "description_en",
            "skills",
            "esco_version",
        ]


class PostingSerializer(serializers.ModelSerializer):
    employer = serializers.CharField(source="display_employer")
    url = serializers.SerializerMethodField()
    source_url = serializers.URLField(source="url")
    occupations = serializers.SerializerMethodField()
    skills = serializers.SerializerMethodField()

    class Meta:
        model = JobPosting
        fields = [
            "id",
            "title",
            "employer",
            "commune",
            "province",
            "contract_type",
            "working_time",
            "experience",
            "education_level",
            "posted_on",
            "expires_on",
            "language",
            "description_text",
            "url",
            "source_url",
            "occupations",
            "skills",
        ]

    def get_url(self, posting) -> str:
        return self.context["request"].build_absolute_uri(posting.get_absolute_url())

    def get_occupations(self, posting) -> list[dict]:
        return [
            {"uri": link.occupation.uri, "status": link.status, "score": link.score}
            for link in posting.api_occupation_links
        ]

    def get_skills(self, posting) -> list[dict]:
        return [
            {"uri": link.skill.uri, "status": link.status, "score": link.score}
            for link in posting.api_skill_links
        ]


class ShortageListSerializer(serializers.ModelSerializer):
    entries = serializers.SerializerMethodField()

    class Meta:
        model = ShortageList
        fields = ["id", "title", "source", "source_url", "year", "region", "notes", "entries"]

    def get_entries(self, shortage_list) -> list[dict]:
        return [
            {
                "label": entry.label,
                "kind": entry.kind,
                "occupations": [occupation.uri for occupation in entry.occupations.all()],
            }
            for entry in shortage_list.entries.all()
        ]
