"""Pages of the audit trail (included by pcnhub.urls)."""

from django.urls import path

from pcnhub.trail import views

urlpatterns: list = [
    path("audit/", views.audit, name="audit"),
    path("org/<str:code>/audit/", views.org_audit, name="org_audit"),
]
