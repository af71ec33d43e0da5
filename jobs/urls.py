from django.urls import path

from jobs import api

app_name = "jobs"
urlpatterns: list = [
    path("api/jobs/ingest/", api.ingest, name="api_ingest"),
    path("api/jobs/ingest/<int:run_id>/", api.ingest_status, name="api_ingest_status"),
]
