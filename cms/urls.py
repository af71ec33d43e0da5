"""The site's own routes (Wagtail serves its pages after these, from `config.urls`).

The concept pages (URL namespace "concepts", named by the taxonomy models' `get_absolute_url`)
keep their French paths at the root, English under /en/: a concept's URL is stable.
"""

from django.urls import include, path

from cms.views import concepts, search

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

urlpatterns = [path("", include(concept_urls)), path("", include(search_urls))]
