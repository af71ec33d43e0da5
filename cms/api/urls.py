from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from cms.api import views

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
    path("", include(router.urls)),
]
