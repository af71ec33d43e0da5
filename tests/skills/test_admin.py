"""Wagtail admin for the taxonomy: reachable, searchable, read-only where ESCO owns the data."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from skills.models import (
    LOCAL_URI_PREFIX,
    Occupation,
    RejectedMatchPattern,
    Skill,
    SkillSynonym,
)
from skills.services.taxonomy import local_concept_create
from tests.skills.factories import (
    ShortageListEntryFactory,
    SkillFactory,
    SkillGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

JAVASCRIPT_KEY = "3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"
WEB_DEVELOPER_KEY = "c40a2919-48a9-40ea-b506-1f34f693496d"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="curator-admin", is_superuser=True, is_staff=True))
    return client


def admin_user_with(*codenames):
    """A non-superuser who may enter the Wagtail admin, plus the given permissions."""
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="skills", codename__in=codenames),
    )
    return user


@pytest.fixture
def javascript():
    return Skill.objects.get(key=JAVASCRIPT_KEY)


class TestReachable:
    @pytest.mark.parametrize(
        "url_name",
        [
            "esco_skills:index",
            "local_concepts:index",
            "local_concepts:add",
            "skillsynonym:index",
            "skillsynonym:add",
            "rejectedmatchpattern:index",
            "rejectedmatchpattern:add",
            "occupation:index",
            "shortagelist:index",
            "shortagelist:add",
            "shortagelistentry:index",
            "shortagelistentry:add",
            "taxonomyimport:index",
        ],
    )
    def test_superuser_reaches_every_view(self, admin_client, url_name):
        ShortageListEntryFactory(occupations=[Occupation.objects.get(key=WEB_DEVELOPER_KEY)])
        response = admin_client.get(reverse(url_name))
        assert response.status_code == 200

    def test_menu_groups_the_viewsets(self, admin_client):
        html = admin_client.get("/admin/").content.decode()
        assert reverse("esco_skills:index") in html
        assert reverse("local_concepts:index") in html

    @pytest.mark.parametrize(
        "url_name", ["esco_skills:index", "local_concepts:add", "skillsynonym:index"]
    )
    def test_user_without_permission_is_refused(self, client, url_name):
        client.force_login(admin_user_with())
        response = client.get(reverse(url_name))
        assert response.status_code in (302, 403)
        assert response.status_code != 200

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("esco_skills:index"))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


class TestEscoSkills:
    def test_search_is_accent_insensitive(self, admin_client):
        response = admin_client.get(reverse("esco_skills:index"), {"q": "developper"})
        assert response.status_code == 200
        objects = list(response.context["object_list"])
        assert objects
        assert all("developper" in skill.search_text for skill in objects)

    def test_filters(self, admin_client):
        response = admin_client.get(
            reverse("esco_skills:index"), {"skill_type": "knowledge", "is_obsolete": "false"}
        )
        assert response.status_code == 200
        assert {s.skill_type for s in response.context["object_list"]} == {"knowledge"}

    def test_local_concepts_are_not_listed_with_esco(self, admin_client):
        local = local_concept_create(label_fr="Houdini", broader=SkillGroupFactory())
        listed = admin_client.get(reverse("esco_skills:index"), {"q": "houdini"})
        assert local not in list(listed.context["object_list"])

    def test_inspect_view(self, admin_client, javascript):
        response = admin_client.get(reverse("esco_skills:inspect", args=[javascript.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert javascript.uri in html
        assert javascript.get_absolute_url() in html

    def test_no_add_edit_or_delete(self, admin_client, javascript):
        index = admin_client.get(reverse("esco_skills:index")).content.decode()
        inspect = admin_client.get(reverse("esco_skills:inspect", args=[javascript.pk]))
        delete_url = reverse("esco_skills:delete", args=[javascript.pk])
        edit_url = reverse("esco_skills:edit", args=[javascript.pk])
        assert reverse("esco_skills:add") not in index
        assert delete_url not in inspect.content.decode()
        assert edit_url not in inspect.content.decode()
        for url in (delete_url, edit_url, reverse("esco_skills:add")):
            assert admin_client.get(url).status_code in (302, 403)
        assert admin_client.post(delete_url).status_code in (302, 403)
        assert Skill.objects.filter(pk=javascript.pk).exists()

    def test_esco_skill_cannot_be_deleted_through_local_concepts(self, admin_client, javascript):
        url = reverse("local_concepts:delete", args=[javascript.pk])
        assert admin_client.get(url).status_code == 404
        assert admin_client.post(url).status_code == 404
        assert Skill.objects.filter(pk=javascript.pk).exists()

    def test_view_permission_lists_without_write_buttons(self, client, javascript):
        client.force_login(admin_user_with("view_skill", "delete_skill", "change_skill"))
        response = client.get(reverse("esco_skills:index"))
        assert response.status_code == 200
        inspect = client.get(reverse("esco_skills:inspect", args=[javascript.pk]))
        assert inspect.status_code == 200
        assert reverse("esco_skills:delete", args=[javascript.pk]) not in inspect.content.decode()


class TestOccupations:
    def test_inspect_shows_essential_and_optional_skills(self, admin_client):
        occupation = Occupation.objects.get(key=WEB_DEVELOPER_KEY)
        response = admin_client.get(reverse("occupation:inspect", args=[occupation.pk]))
        assert response.status_code == 200
        essential = occupation.skill_links.filter(relation="essential").first().skill
        optional = occupation.skill_links.filter(relation="optional").first().skill
        assert response.context["essential_skills"].count(essential) == 1
        assert optional in response.context["optional_skills"]
        assert essential not in response.context["optional_skills"]
        assert essential.preferred_label_fr in response.content.decode()

    def test_read_only(self, admin_client):
        occupation = Occupation.objects.get(key=WEB_DEVELOPER_KEY)
        assert admin_client.post(
            reverse("occupation:delete", args=[occupation.pk])
        ).status_code in (
            302,
            403,
        )
        assert Occupation.objects.filter(pk=occupation.pk).exists()

    def test_search(self, admin_client):
        response = admin_client.get(reverse("occupation:index"), {"q": "developpeur web"})
        assert Occupation.objects.get(key=WEB_DEVELOPER_KEY) in list(
            response.context["object_list"]
        )


class TestLocalConceptForms:
    def test_create_through_the_admin_form(self, admin_client, javascript):
        response = admin_client.post(
            reverse("local_concepts:add"),
            {
                "preferred_label_fr": "Three.js",
                "preferred_label_en": "Three.js",
                "description_fr": "Bibliothèque 3D pour le web.",
                "description_en": "",
                "skill_type": "knowledge",
                "alt_labels_fr": "threejs\nthree js",
                "alt_labels_en": "",
                "broader_skill": javascript.pk,
                "broader_group": "",
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        skill = Skill.objects.get(preferred_label_fr="Three.js")
        assert skill.origin == "local"
        assert skill.uri == LOCAL_URI_PREFIX + "three-js"
        assert skill.alt_labels_fr == ["threejs", "three js"]
        assert list(skill.broader_skills.all()) == [javascript]
        assert skill.created_by.username == "curator-admin"

    def test_broader_is_required(self, admin_client):
        count = Skill.objects.count()
        response = admin_client.post(
            reverse("local_concepts:add"),
            {"preferred_label_fr": "Orphelin", "broader_skill": "", "broader_group": ""},
        )
        assert response.status_code == 200
        assert "broader_skill" in response.context["form"].errors
        assert Skill.objects.count() == count

    def test_service_errors_come_back_on_the_form(self, admin_client, javascript):
        response = admin_client.post(
            reverse("local_concepts:add"),
            {"preferred_label_fr": "JavaScript", "broader_group": SkillGroupFactory().pk},
        )
        assert response.status_code == 200
        assert "preferred_label_fr" in response.context["form"].errors

    def test_edit_keeps_uri(self, admin_client):
        group = SkillGroupFactory()
        skill = local_concept_create(label_fr="Cinema 4D", broader=group)
        response = admin_client.post(
            reverse("local_concepts:edit", args=[skill.pk]),
            {
                "preferred_label_fr": "Cinema 4D (logiciel)",
                "broader_group": group.pk,
                "alt_labels_fr": "C4D",
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        skill.refresh_from_db()
        assert skill.preferred_label_fr == "Cinema 4D (logiciel)"
        assert skill.uri == LOCAL_URI_PREFIX + "cinema-4d"
        assert skill.alt_labels_fr == ["C4D"]

    def test_used_concept_is_not_deleted_but_can_be_retired(self, admin_client):
        from tests.skills.factories import OccupationSkillFactory

        group = SkillGroupFactory()
        skill = local_concept_create(label_fr="Moteur Godot", broader=group)
        OccupationSkillFactory(skill=skill)  # a PROTECT link, as offers and postings hold
        response = admin_client.post(reverse("local_concepts:delete", args=[skill.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("local_concepts:edit", args=[skill.pk])
        assert Skill.objects.filter(pk=skill.pk).exists()
        retired = admin_client.post(
            reverse("local_concepts:edit", args=[skill.pk]),
            {"preferred_label_fr": "Moteur Godot", "broader_group": group.pk, "is_obsolete": "on"},
        )
        assert retired.status_code == 302
        skill.refresh_from_db()
        assert skill.is_obsolete

    def test_unused_concept_is_deleted(self, admin_client):
        skill = local_concept_create(label_fr="Éphémère", broader=SkillGroupFactory())
        response = admin_client.post(reverse("local_concepts:delete", args=[skill.pk]))
        assert response.status_code == 302
        assert not Skill.objects.filter(pk=skill.pk).exists()

    def test_edit_form_of_an_esco_skill_is_404(self, admin_client, javascript):
        assert admin_client.get(
            reverse("local_concepts:edit", args=[javascript.pk])
        ).status_code == (404)


class TestSynonymForms:
    def test_create_edit_delete(self, admin_client, javascript):
        response = admin_client.post(
            reverse("skillsynonym:add"),
            {"skill": javascript.pk, "label": "JS", "language": "fr", "note": "courant"},
        )
        assert response.status_code == 302
        synonym = SkillSynonym.objects.get(skill=javascript, label="JS")
        assert synonym.created_by.username == "curator-admin"
        duplicate = admin_client.post(
            reverse("skillsynonym:add"), {"skill": javascript.pk, "label": "js", "language": "fr"}
        )
        assert duplicate.status_code == 200
        assert "label" in duplicate.context["form"].errors
        assert SkillSynonym.objects.filter(skill=javascript).count() == 1
        edited = admin_client.post(
            reverse("skillsynonym:edit", args=[synonym.pk]),
            {"skill": javascript.pk, "label": "JS (langage)", "language": "fr", "note": ""},
        )
        assert edited.status_code == 302
        synonym.refresh_from_db()
        assert synonym.label == "JS (langage)"
        assert (
            admin_client.post(reverse("skillsynonym:delete", args=[synonym.pk])).status_code == 302
        )
        assert not SkillSynonym.objects.filter(pk=synonym.pk).exists()

    def test_add_form_preselects_the_skill_from_inspect(self, admin_client, javascript):
        inspect = admin_client.get(reverse("esco_skills:inspect", args=[javascript.pk]))
        link = f"{reverse('skillsynonym:add')}?skill={javascript.pk}"
        assert link in inspect.content.decode()
        form = admin_client.get(link).context["form"]
        assert form.initial["skill"] == javascript

    def test_search(self, admin_client):
        skill = SkillFactory()
        SkillSynonym.objects.create(skill=skill, label="motion design", language="fr")
        response = admin_client.get(reverse("skillsynonym:index"), {"q": "motion"})
        assert [s.label for s in response.context["object_list"]] == ["motion design"]

    def test_synonym_permission_is_enough(self, client, javascript):
        client.force_login(admin_user_with("add_skillsynonym"))
        response = client.post(
            reverse("skillsynonym:add"),
            {"skill": javascript.pk, "label": "ECMAScript 6", "language": "en"},
        )
        assert response.status_code == 302
        assert SkillSynonym.objects.filter(label="ECMAScript 6").exists()


class TestOtherViewsets:
    def test_group_permissions_page_lists_taxonomy_permissions(self, admin_client):
        response = admin_client.get(reverse("wagtailusers_groups:add"))
        assert response.status_code == 200
        html = response.content.decode()
        add_skill = Permission.objects.get(content_type__app_label="skills", codename="add_skill")
        assert html.count(f'value="{add_skill.pk}"') == 1

    def test_rejected_pattern_create(self, admin_client, javascript):
        response = admin_client.post(
            reverse("rejectedmatchpattern:add"),
            {"pattern": " Java  ", "skill": "", "note": "l’île"},
        )
        assert response.status_code == 302
        pattern = RejectedMatchPattern.objects.get()
        assert pattern.pattern == "Java"
        assert pattern.created_by.username == "curator-admin"

    def test_skill_chooser_search_is_accent_insensitive(self, admin_client):
        response = admin_client.get(reverse("skill_chooser:choose_results"), {"q": "developper"})
        assert response.status_code == 200
        assert "développer" in response.content.decode()

    def test_taxonomy_import_is_read_only(self, admin_client):
        from skills.models import TaxonomyImport

        record = TaxonomyImport.objects.first()
        assert (
            admin_client.get(reverse("taxonomyimport:inspect", args=[record.pk])).status_code == 200
        )
        assert admin_client.post(
            reverse("taxonomyimport:delete", args=[record.pk])
        ).status_code in (
            302,
            403,
        )
        assert TaxonomyImport.objects.filter(pk=record.pk).exists()
