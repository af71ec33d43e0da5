"""The site's own routes (Wagtail serves its pages after these, from `config.urls`).

The concept pages (URL namespace "concepts", named by the taxonomy models' `get_absolute_url`)
keep their French paths at the root, English under /en/: a concept's URL is stable.
"""

from django.urls import include, path

from cms.views import advisor, advisor_public, concepts, search

concept_urls = (
    [
        path("competences/", concepts.browser, name="browser"),
        path(
            "competences/groupes/<str:key>/",
            concepts.skill_group_detail,
            name="skill_group_detail",
        ),
        path("competences/<str:key>/", concepts.skill_detail, name="skill_detail"),
        path("metiers/isco/<str:code>/", concepts.isco_group_detail, name="isco_group_detail"),
        path("metiers/<str:key>/", concepts.occupation_detail, name="occupation_detail"),
        path("penuries/", concepts.shortage_lists, name="shortage_lists"),
        path("penuries/<int:pk>/", concepts.shortage_list_detail, name="shortage_list_detail"),
        path("api/taxonomy/autocomplete/", concepts.autocomplete, name="autocomplete"),
    ],
    "concepts",
)

# The learner's search at the cadastre's French path (/formations/ itself, a Wagtail page,
# sends its visitors here), its JSON twin, and the job-posting search of advisors and employers.
search_urls = (
    [
        path("formations/recherche/", search.offer_search, name="offers"),
        path("api/search/offers/", search.offer_search_api, name="offers_api"),
        path("emplois/recherche/", search.posting_search_page, name="postings"),
    ],
    "search",
)

# --- Advisor area and public gap summary (issue 12) -------------------------------------------
# Everything under /conseillers/ is for advisors (permissions checked in each view); the public
# summary of the shortage figures sits with the shortage lists.
advisor_urls = (
    [
        path("conseillers/", advisor.overview, name="overview"),
        path("conseillers/metiers-en-penurie/", advisor.shortages, name="shortages"),
        path("conseillers/metiers/<str:key>/", advisor.profession, name="profession"),
        path("conseillers/competences/<str:key>/", advisor.skill, name="skill"),
        path("conseillers/competences-emergentes/", advisor.emerging, name="emerging"),
        path(
            "conseillers/competences-emergentes/<int:pk>/decision/",
            advisor.emerging_decide,
            name="emerging_decide",
        ),
        path("conseillers/organismes/", advisor.providers, name="providers"),
        path("conseillers/organismes/<slug:slug>/", advisor.provider, name="provider"),
    ],
    "advisor",
)
gap_urls = (
    [path("penuries/chiffres/", advisor_public.public_summary, name="public_summary")],
    "gaps",
)
# --- end of the advisor area --------------------------------------------------------------------

urlpatterns = [
    path("", include(concept_urls)),
    path("", include(search_urls)),
    path("", include(advisor_urls)),
    path("", include(gap_urls)),
]
