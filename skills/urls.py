"""Public taxonomy URLs. The French paths are the stable ones; English lives under /en/."""

from django.urls import path

from skills import views

app_name = "skills"
urlpatterns = [
    path("competences/", views.browser, name="browser"),
    path("competences/groupes/<str:key>/", views.skill_group_detail, name="skill_group_detail"),
    path("competences/<str:key>/", views.skill_detail, name="skill_detail"),
    path("metiers/isco/<str:code>/", views.isco_group_detail, name="isco_group_detail"),
    path("metiers/<str:key>/", views.occupation_detail, name="occupation_detail"),
    path("penuries/", views.shortage_lists, name="shortage_lists"),
    path("penuries/<int:pk>/", views.shortage_list_detail, name="shortage_list_detail"),
    path("api/taxonomy/autocomplete/", views.autocomplete, name="autocomplete"),
]
