"""Pages of pcnhub.audit (included by pcnhub.urls)."""

from django.urls import path

from pcnhub.audit import views

urlpatterns: list = [
    path("audit/", views.audit, name="audit"),
    path("org/<str:code>/audit/", views.org_audit, name="org_audit"),
]
