"""Tier review pages for managers and admins."""

from django.urls import path

from tierdesk.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.reviews_page, name="reviews"),
    path("generate", views.generate, name="generate"),
    path("<int:review_id>/", views.review_page, name="review"),
]
