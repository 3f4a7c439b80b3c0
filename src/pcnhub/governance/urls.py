"""Pages of pcnhub.governance (included by pcnhub.urls)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
