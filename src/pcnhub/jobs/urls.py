"""Pages of pcnhub.jobs (included by pcnhub.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
