"""Public taxonomy pages: skill, occupation, hierarchy, shortage lists, in French and English."""

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from courses.models import OfferSkill
from courses.services.links import offer_occupation_set, offer_skill_set
from skills import selectors
from skills.models import Occupation, OccupationJobTitle, OccupationSkill, Skill, SkillGroup
from tests.courses.factories import make_offer, make_provider
from tests.skills.factories import (
    OccupationFactory,
    OccupationSkillFactory,
    ShortageListEntryFactory,
    SkillFactory,
    SkillGroupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def french_by_default():
    """Requests activate a language for the thread; start each test in French."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


JAVASCRIPT_KEY = "3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"
WEB_DEVELOPER_KEY = "c40a2919-48a9-40ea-b506-1f34f693496d"


def offers_section(html: str) -> str:
    match = re.search(r'<section class="card" id="offers".*?</section>', html, re.S)
    assert match, "no offers section"
    return match.group(0)


def list_block(html: str, relation: str) -> str:
    """The HTML of the occupation list (or skill sections) tagged with `data-relation`."""
    match = re.search(rf'data-relation="{relation}">(.*?)</(ul|div)>', html, re.S)
    assert match, f"no {relation} block"
    return match.group(1)


class TestSkillPage:
    def test_french_page_shows_labels_description_and_uri(self, client):
        skill = Skill.objects.get(key=JAVASCRIPT_KEY)
        response = client.get(f"/competences/{JAVASCRIPT_KEY}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="fr">' in html
        assert f"<h1>{skill.preferred_label_fr}</h1>" in html
        assert skill.description_fr[:40] in html
        assert f'href="{skill.uri}"' in html
        for alt in skill.alt_labels_fr[:3]:
            assert alt in html
        assert "Compétences numériques" in html  # digital collection, French name

    def test_english_page_under_en_prefix(self, client):
        skill = Skill.objects.get(key=JAVASCRIPT_KEY)
        response = client.get(f"/en/competences/{JAVASCRIPT_KEY}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="en">' in html
        assert skill.description_en[:40] in html
        assert "Digital skills" in html
        assert "Occupations that need this skill" in html

    def test_url_is_the_stable_key_route(self):
        skill = Skill.objects.get(key=JAVASCRIPT_KEY)
        with translation.override(settings.LANGUAGE_CODE):
            assert skill.get_absolute_url() == f"/competences/{JAVASCRIPT_KEY}/"
        with translation.override("en"):
            assert skill.get_absolute_url() == f"/en/competences/{JAVASCRIPT_KEY}/"
        with translation.override(settings.LANGUAGE_CODE):
            assert reverse("concepts:skill_detail", kwargs={"key": skill.key}) == (
                f"/competences/{JAVASCRIPT_KEY}/"
            )

    def test_unknown_key_is_404(self, client):
        assert client.get("/competences/no-such-skill/").status_code == 404
        assert client.get("/en/competences/no-such-skill/").status_code == 404

    def test_occupations_grouped_as_essential_and_optional(self, client):
        skill = SkillFactory()
        needs = OccupationFactory(preferred_label_fr="métier qui l’exige")
        likes = OccupationFactory(preferred_label_fr="métier qui l’apprécie")
        OccupationSkillFactory(occupation=needs, skill=skill, relation="essential")
        OccupationSkillFactory(occupation=likes, skill=skill, relation="optional")
        html = client.get(skill.get_absolute_url()).content.decode()
        essential, optional = list_block(html, "essential"), list_block(html, "optional")
        assert "métier qui l’exige" in essential and "métier qui l’apprécie" not in essential
        assert "métier qui l’apprécie" in optional and "métier qui l’exige" not in optional

    def test_long_occupation_lists_are_paginated_with_their_count(self, client):
        skill = SkillFactory()
        for index in range(selectors.OCCUPATIONS_PER_PAGE + 5):
            OccupationSkillFactory(
                skill=skill,
                occupation=OccupationFactory(preferred_label_fr=f"métier {index:03d}"),
                relation="essential",
            )
        response = client.get(skill.get_absolute_url())
        detail = response.context["detail"]
        assert detail.essential_count == selectors.OCCUPATIONS_PER_PAGE + 5
        assert len(detail.essential.object_list) == selectors.OCCUPATIONS_PER_PAGE
        assert "essential_page=2" in response.content.decode()
        second = client.get(skill.get_absolute_url() + "?essential_page=2").context["detail"]
        assert len(second.essential.object_list) == 5

    def test_breadcrumbs_climb_to_the_top_of_the_hierarchy(self, client):
        top = SkillGroupFactory(code="Z", preferred_label_fr="sommet")
        middle = SkillGroupFactory(code="Z1", preferred_label_fr="milieu")
        middle.broader.add(top)
        parent = SkillFactory(preferred_label_fr="compétence parente", groups=[middle])
        child = SkillFactory(preferred_label_fr="compétence enfant", broader=[parent])
        response = client.get(child.get_absolute_url())
        labels = [crumb.label for crumb in response.context["detail"].breadcrumbs]
        assert labels == ["sommet", "milieu", "compétence parente"]
        nav = re.search(r'<nav class="breadcrumbs".*?</nav>', response.content.decode(), re.S)
        assert nav and nav.group(0).index("sommet") < nav.group(0).index("compétence parente")
        assert 'aria-current="page">compétence enfant<' in nav.group(0)

    def test_fixture_skill_breadcrumbs_start_at_a_top_group(self, client):
        detail = client.get(f"/competences/{JAVASCRIPT_KEY}/").context["detail"]
        top_codes = set(
            SkillGroup.objects.filter(broader__isnull=True).values_list("code", flat=True)
        )
        assert detail.breadcrumbs[0].code in top_codes
        assert detail.breadcrumbs[-1].label in {g.label() for g, _url in detail.broader_groups}

    def test_narrower_skills_are_listed(self, client):
        parent = SkillFactory(preferred_label_fr="compétence large")
        SkillFactory(preferred_label_fr="compétence fine", broader=[parent])
        html = client.get(parent.get_absolute_url()).content.decode()
        assert "compétence fine" in html

    def test_obsolete_banner(self, client):
        skill = SkillFactory(is_obsolete=True)
        html = client.get(skill.get_absolute_url()).content.decode()
        assert 'class="banner banner--warning" role="status"' in html
        assert translation.gettext("Obsolete concept.") in html
        fresh = client.get(SkillFactory().get_absolute_url()).content.decode()
        assert 'class="banner banner--warning"' not in fresh

    def test_description_falls_back_to_english_with_a_note(self, client):
        skill = SkillFactory(description_fr="", description_en="Only in English.")
        html = client.get(skill.get_absolute_url()).content.decode()
        assert "Only in English." in html
        assert 'class="note"' in html

    def test_local_concept_served_by_its_key(self, client):
        from skills.services.taxonomy import local_concept_create

        group = SkillGroup.objects.filter(code="S1").first() or SkillGroupFactory()
        local = local_concept_create(label_fr="Houdini (logiciel 3D)", broader=group)
        response = client.get(f"/competences/{local.key}/")
        assert response.status_code == 200
        assert "Houdini (logiciel 3D)" in response.content.decode()
        assert response.context["detail"].breadcrumbs[-1].label == group.label()

    def test_query_count_does_not_grow_with_links(self, client, django_assert_max_num_queries):
        skill = SkillFactory(groups=[SkillGroupFactory()])
        for _ in range(25):
            OccupationSkillFactory(skill=skill, relation="essential")
            OccupationSkillFactory(skill=skill, relation="optional")
            SkillFactory(broader=[skill])
        with django_assert_max_num_queries(20):
            response = client.get(skill.get_absolute_url())
        assert response.status_code == 200

    def test_lists_the_live_offers_that_teach_it(self, client, provider_index):
        """The offers come from `courses.selectors`: live, with a confirmed link, nothing else."""
        skill = Skill.objects.get(key=JAVASCRIPT_KEY)
        provider = make_provider()
        taught = make_offer(provider, title="JavaScript pour le web")
        unrelated = make_offer(provider, title="Formation sans ce lien")
        suggested = make_offer(provider, title="Lien seulement suggéré")
        draft = make_offer(provider, title="Brouillon", publish=False)
        offer_skill_set(offer=taught, skill=skill)
        offer_skill_set(offer=draft, skill=skill)
        OfferSkill.objects.create(offer=suggested, skill=skill, method="exact")  # a suggestion
        response = client.get(skill.get_absolute_url())
        assert response.context["offers"] == [taught]
        section = offers_section(response.content.decode())
        assert f'href="{taught.url}"' in section and taught.title in section
        assert unrelated.title not in section and suggested.title not in section
        # Offers with the same title can be told apart: provider, place, next session.
        first = taught.future_sessions()[0]
        assert provider.title in section
        assert (first.commune or provider.commune) in section
        assert date_format(first.start_date, "j F Y") in section

    def test_no_offer_section_without_offers(self, client):
        response = client.get(f"/competences/{JAVASCRIPT_KEY}/")
        assert response.context["offers"] == []
        assert 'id="offers"' not in response.content.decode()


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


class TestStructuredData:
    def test_skill_is_a_defined_term_of_esco(self, client):
        skill = Skill.objects.get(key=JAVASCRIPT_KEY)
        data = json_ld(client.get(skill.get_absolute_url()).content.decode())
        assert data["@type"] == "DefinedTerm"
        assert data["@id"] == skill.uri
        assert data["inDefinedTermSet"]["name"] == "ESCO"
        assert data["url"].endswith(f"/competences/{JAVASCRIPT_KEY}/")

    def test_occupation_lists_isco_code_and_essential_skills(self, client):
        data = json_ld(client.get(f"/en/metiers/{WEB_DEVELOPER_KEY}/").content.decode())
        assert data["@type"] == "Occupation"
        assert data["name"] == "web developer"
        assert data["occupationalCategory"]["codeValue"] == "2513"
        occupation = Occupation.objects.get(key=WEB_DEVELOPER_KEY)
        assert len(data["skills"]) == occupation.skill_links.filter(relation="essential").count()

    def test_markup_in_labels_cannot_close_the_script(self, client):
        skill = SkillFactory(preferred_label_fr="</script><b>oops</b>")
        html = client.get(skill.get_absolute_url()).content.decode()
        assert json_ld(html)["name"] == "</script><b>oops</b>"
        assert "<b>oops</b>" not in html


class TestOccupationPage:
    def test_french_page_shows_labels_titles_and_isco_path(self, client):
        occupation = Occupation.objects.get(key=WEB_DEVELOPER_KEY)
        response = client.get(f"/metiers/{WEB_DEVELOPER_KEY}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert occupation.preferred_label_fr in html
        assert occupation.alt_labels_fr[0] in html
        title = OccupationJobTitle.objects.filter(occupation=occupation).first()
        assert title is not None
        assert title.label in html and f"ROME {title.rome_code}" in html
        codes = [crumb.code for crumb in response.context["detail"].isco_path]
        assert codes == ["2", "25", "251", "2513"]

    def test_english_page(self, client):
        response = client.get(f"/en/metiers/{WEB_DEVELOPER_KEY}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<h1>web developer</h1>" in html
        assert "essential skills" in html

    def test_unknown_key_is_404(self, client):
        assert client.get("/metiers/nope/").status_code == 404

    def test_skills_grouped_by_skill_group_with_other(self, client):
        group = SkillGroupFactory(preferred_label_fr="groupe alpha")
        occupation = OccupationFactory()
        grouped = SkillFactory(preferred_label_fr="dans le groupe", groups=[group])
        via_parent = SkillFactory(preferred_label_fr="via son parent", broader=[grouped])
        loose = SkillFactory(preferred_label_fr="sans groupe")
        OccupationSkillFactory(occupation=occupation, skill=grouped, relation="essential")
        OccupationSkillFactory(occupation=occupation, skill=via_parent, relation="essential")
        OccupationSkillFactory(occupation=occupation, skill=loose, relation="optional")
        response = client.get(occupation.get_absolute_url())
        detail = response.context["detail"]
        essential = {
            s.label: [k.preferred_label_fr for k in s.skills] for s in detail.essential_sections
        }
        assert essential == {"groupe alpha": ["dans le groupe", "via son parent"]}
        assert [(s.group, s.label) for s in detail.optional_sections] == [
            (None, translation.gettext("Other skills"))
        ]
        html = response.content.decode()
        assert "sans groupe" in list_block(html, "optional")
        assert "sans groupe" not in list_block(html, "essential")

    def test_fixture_sections_cover_every_link(self, client):
        occupation = Occupation.objects.get(key=WEB_DEVELOPER_KEY)
        detail = client.get(occupation.get_absolute_url()).context["detail"]
        essential = sum(len(s.skills) for s in detail.essential_sections)
        optional = sum(len(s.skills) for s in detail.optional_sections)
        assert essential == occupation.skill_links.filter(relation="essential").count() > 0
        assert optional == occupation.skill_links.filter(relation="optional").count() > 0

    def test_shortage_entries_are_listed(self, client):
        occupation = Occupation.objects.get(key=WEB_DEVELOPER_KEY)
        entry = ShortageListEntryFactory(
            label="Développeur Full Stack", occupations=[occupation], mapping_is_approximate=True
        )
        html = client.get(occupation.get_absolute_url()).content.decode()
        assert "Développeur Full Stack" in html
        assert reverse("concepts:shortage_list_detail", args=[entry.shortage_list_id]) in html

    def test_links_to_the_goal_view_instead_of_a_bare_list(self, client, provider_index):
        """The offers that prepare for the occupation are the search's goal view, ranked by
        coverage of its essential skills (tests/cms/test_search_pages.py)."""
        occupation = Occupation.objects.get(key=WEB_DEVELOPER_KEY)
        leading = make_offer(make_provider(), title="Devenir développeur web")
        offer_occupation_set(offer=leading, occupation=occupation)
        html = client.get(occupation.get_absolute_url()).content.decode()
        assert 'id="offers"' not in html
        assert "/formations/recherche/?occupation=" in html

    def test_obsolete_banner(self, client):
        occupation = OccupationFactory(is_obsolete=True)
        html = client.get(occupation.get_absolute_url()).content.decode()
        assert "banner--warning" in html

    def test_query_count_bounded(self, client, django_assert_max_num_queries):
        occupation = Occupation.objects.get(key=WEB_DEVELOPER_KEY)
        assert occupation.skill_links.count() > 50
        with django_assert_max_num_queries(20):
            response = client.get(occupation.get_absolute_url())
        assert response.status_code == 200


class TestHierarchyPage:
    def test_skill_group_page_lists_narrower_groups_and_skills(self, client):
        top = SkillGroupFactory(preferred_label_fr="racine d’essai")
        child = SkillGroupFactory(preferred_label_fr="branche d’essai")
        child.broader.add(top)
        SkillFactory(preferred_label_fr="feuille d’essai", groups=[top])
        html = client.get(top.get_absolute_url()).content.decode()
        assert "branche d’essai" in html and "feuille d’essai" in html
        assert client.get("/competences/groupes/nope/").status_code == 404

    def test_skill_group_key_under_competences_redirects_to_the_group(self, client):
        group = SkillGroup.objects.get(code="S1")
        key = group.uri.rsplit("/", 1)[-1]
        response = client.get(f"/competences/{key}/")
        assert response.status_code == 301
        assert response["Location"] == group.get_absolute_url()
        assert client.get(response["Location"]).status_code == 200

    def test_isco_group_page(self, client):
        response = client.get(reverse("concepts:isco_group_detail", args=["2513"]))
        assert response.status_code == 200
        assert Occupation.objects.get(key=WEB_DEVELOPER_KEY).label() in response.content.decode()
        assert [c.code for c in response.context["detail"].breadcrumbs] == ["2", "25", "251"]


class TestShortageListPage:
    def test_list_and_detail(self, client):
        occupation = Occupation.objects.get(key=WEB_DEVELOPER_KEY)
        entry = ShortageListEntryFactory(
            label="UI/UX designer",
            occupations=[occupation],
            rome_code="E1205",
            mapping_is_approximate=True,
            mapping_note="ESCO distingue UI et UX.",
        )
        listing = client.get(reverse("concepts:shortage_lists")).content.decode()
        assert entry.shortage_list.title in listing
        response = client.get(
            reverse("concepts:shortage_list_detail", args=[entry.shortage_list_id])
        )
        html = response.content.decode()
        assert "UI/UX designer" in html and "E1205" in html
        assert "ESCO distingue UI et UX." in html
        assert f'href="{occupation.get_absolute_url()}"' in html
        assert client.get("/en/penuries/999999/").status_code == 404

    def test_detail_query_count_bounded(self, client, django_assert_max_num_queries):
        entry = ShortageListEntryFactory(occupations=[OccupationFactory(), OccupationFactory()])
        for _ in range(10):
            ShortageListEntryFactory(
                shortage_list=entry.shortage_list, occupations=[OccupationFactory()]
            )
        with django_assert_max_num_queries(6):
            response = client.get(
                reverse("concepts:shortage_list_detail", args=[entry.shortage_list_id])
            )
        assert response.status_code == 200
        assert entry.label in response.content.decode()


class TestLanguageSwitch:
    def test_switch_links_keep_the_current_page(self, client):
        path = f"/competences/{JAVASCRIPT_KEY}/?essential_page=1"
        html = client.get(path).content.decode()
        assert f'href="/en{path.replace("&", "&amp;")}" hreflang="en"' in html
        assert f'href="{path}" hreflang="fr"' in html
        english = client.get(f"/en{path}").content.decode()
        assert f'href="{path}" hreflang="fr"' in english
        assert f'href="/en{path}" hreflang="en"' in english

    def test_nav_links_point_to_browser_and_shortage_lists(self, client):
        html = client.get(f"/en/competences/{JAVASCRIPT_KEY}/").content.decode()
        assert 'href="/en/competences/"' in html
        assert 'href="/en/penuries/"' in html
        french = client.get(f"/competences/{JAVASCRIPT_KEY}/").content.decode()
        assert 'href="/competences/"' in french and 'href="/penuries/"' in french


def test_relation_values_match_template_markers():
    """The templates tag lists with the relation values; keep them in step with the model."""
    assert set(OccupationSkill.Relation.values) == {"essential", "optional"}
