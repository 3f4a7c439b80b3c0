"""Pages of pcnhub.oversight (included by pcnhub.urls)."""

from django.urls import URLPattern, path

from pcnhub.oversight import views

urlpatterns: list[URLPattern] = [
    path("variability/", views.variability, name="variability"),
]
