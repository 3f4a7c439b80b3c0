"""Pages of pcnhub.geography (included by pcnhub.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
