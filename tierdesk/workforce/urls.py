"""Workforce pages for managers: forecast, staffing, feasibility, adherence."""

from django.urls import path

from tierdesk.workforce import views

app_name = "workforce"

urlpatterns = [
    path("", views.staffing_page, name="staffing"),
    path("forecast/", views.forecast_page, name="forecast"),
    path("feasibility/", views.feasibility_page, name="feasibility"),
    path("adherence/", views.adherence_page, name="adherence"),
]
