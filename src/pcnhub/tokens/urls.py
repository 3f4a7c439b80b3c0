"""Pages of pcnhub.tokens (included by pcnhub.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
