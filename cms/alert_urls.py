"""Alerts, feeds and calendars of searches (namespace "alerts")."""

from django.urls import path

from cms.views import alerts

app_name = "alerts"
urlpatterns = [
    path("alertes/", alerts.create, name="create"),
    path("alertes/<str:token>/confirmer/", alerts.confirm, name="confirm"),
    path("alertes/<str:token>/desabonner/", alerts.unsubscribe, name="unsubscribe"),
    path("alertes/<str:token>/flux/", alerts.SavedSearchFeed(), name="feed"),
    path("flux/formations/", alerts.SearchFeed(), name="offers_feed"),
    path("flux/emplois/", alerts.PostingSearchFeed(), name="postings_feed"),
    path("calendrier/formations.ics", alerts.search_calendar, name="offers_calendar"),
]
