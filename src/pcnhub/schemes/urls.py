"""Pages of pcnhub.schemes (included by pcnhub.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
