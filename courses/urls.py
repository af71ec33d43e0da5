from django.urls import path

from courses import calendars

app_name = "courses"
urlpatterns: list = [
    path(
        "calendrier/organismes/<slug:slug>.ics",
        calendars.provider_calendar,
        name="provider_calendar",
    ),
    path("calendrier/offres/<int:pk>.ics", calendars.offer_calendar, name="offer_calendar"),
]
