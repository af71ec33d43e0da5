from django.urls import path

from courses import admin_views

app_name = "courses_admin"
urlpatterns = [
    path("offers/<int:offer_id>/skills/", admin_views.offer_skills, name="offer_skills"),
    path("import/", admin_views.offer_import_view, name="offer_import"),
    path("export/", admin_views.offer_export_view, name="offer_export"),
    path("import/template.csv", admin_views.offer_import_template, name="offer_import_template"),
    path("catalogue/", admin_views.catalogue_import_view, name="catalogue_import"),
    path(
        "catalogue/runs/<int:run_id>/",
        admin_views.catalogue_import_run_view,
        name="catalogue_import_run",
    ),
]
