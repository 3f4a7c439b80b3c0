"""Pages of pcnhub.oversight (included by pcnhub.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
