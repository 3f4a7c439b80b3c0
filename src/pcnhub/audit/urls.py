"""Pages of pcnhub.audit (included by pcnhub.urls)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
