from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from cms.api import analytics, views

router = DefaultRouter()
router.register("offers", views.OfferViewSet, basename="offer")
router.register("providers", views.ProviderViewSet, basename="provider")
router.register("skills", views.SkillViewSet, basename="skill")
router.register("occupations", views.OccupationViewSet, basename="occupation")
router.register("postings", views.PostingViewSet, basename="posting")
router.register("shortage-lists", views.ShortageListViewSet, basename="shortage-list")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("analytics/summary/", analytics.SummaryView.as_view(), name="analytics-summary"),
    path(
        "analytics/shortage-professions/",
        analytics.ShortageProfessionsView.as_view(),
        name="analytics-shortage-professions",
    ),
    path(
        "analytics/professions/<str:key>/",
        analytics.ProfessionDetailView.as_view(),
        name="analytics-profession",
    ),
    path("analytics/skill-gaps/", analytics.SkillGapsView.as_view(), name="analytics-skill-gaps"),
    path(
        "analytics/skills/<str:key>/months/",
        analytics.SkillMonthsView.as_view(),
        name="analytics-skill-months",
    ),
    path("", include(router.urls)),
]
