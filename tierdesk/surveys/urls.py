"""Survey pages: the emailed link (no login) and the portal's own surveys."""

from django.urls import path

from tierdesk.surveys import views

app_name = "surveys"

urlpatterns = [
    path("survey/<str:token>/", views.by_token, name="answer"),
    path("survey/<str:token>/opt-out", views.opt_out, name="opt_out"),
    path("surveys/<int:survey_id>/", views.own, name="own"),
    path("surveys/opt-out", views.own_opt_out, name="own_opt_out"),
]
