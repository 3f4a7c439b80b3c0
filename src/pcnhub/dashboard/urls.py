"""Pages of pcnhub.dashboard (included by pcnhub.urls)."""

from django.urls import URLPattern, path

from pcnhub.dashboard import views

urlpatterns: list[URLPattern] = [
    path("dashboard/", views.dashboard_page, name="dashboard_page"),
    path("dashboard/<str:code>/", views.dashboard_page, name="dashboard_area"),
]
