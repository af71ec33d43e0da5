from django.urls import path

from jobs import api, board, views

app_name = "jobs"
urlpatterns: list = [
    path("emplois/", board.board, name="board"),
    path("emplois/<int:pk>/", board.posting_page, name="board_posting_short"),
    path("emplois/<int:pk>/<slug:slug>/", board.posting_page, name="board_posting"),
    path("api/jobs/ingest/", api.ingest, name="api_ingest"),
    path("api/jobs/ingest/<int:run_id>/", api.ingest_status, name="api_ingest_status"),
    path("employeurs/", views.dashboard, name="dashboard"),
    path("employeurs/inscription/", views.register, name="register"),
    path("employeurs/connexion/", views.PortalLoginView.as_view(), name="login"),
    path("employeurs/deconnexion/", views.PortalLogoutView.as_view(), name="logout"),
    path("employeurs/competences/", views.skill_autocomplete, name="skill_autocomplete"),
    path("employeurs/offres/nouvelle/", views.need_create, name="need_create"),
    path("employeurs/offres/<int:pk>/", views.posting_review, name="posting_review"),
    path("employeurs/offres/<int:pk>/modifier/", views.posting_edit, name="posting_edit"),
    path(
        "employeurs/offres/<int:pk>/competences/retirer/",
        views.posting_skill_remove,
        name="posting_skill_remove",
    ),
    path(
        "employeurs/offres/<int:pk>/competences/ajouter/",
        views.posting_skill_add,
        name="posting_skill_add",
    ),
    path(
        "employeurs/offres/<int:pk>/metier/",
        views.posting_occupation_choose,
        name="posting_occupation_choose",
    ),
    path("employeurs/offres/<int:pk>/publier/", views.posting_publish, name="posting_publish"),
    path(
        "employeurs/offres/<int:pk>/demande-formation/",
        views.training_request_create,
        name="training_request_create",
    ),
    path(
        "employeurs/demandes/<int:pk>/modifier/",
        views.training_request_edit,
        name="training_request_edit",
    ),
]
