"""Pages of pcnhub.geography (included by pcnhub.urls)."""

from django.urls import path

from pcnhub.geography import views

urlpatterns = [
    path("org/<str:code>/map/", views.org_map, name="org_map"),
    path("uncovered/map/", views.uncovered_map_page, name="uncovered_map"),
]
