"""Pages of pcnhub.contract (included by pcnhub.urls)."""

from django.urls import path

from pcnhub.contract import views

urlpatterns = [
    path(
        "downloads/entitlements/",
        views.entitlements_download,
        name="entitlements_download",
    ),
]
