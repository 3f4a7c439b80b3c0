"""Pages of pcnhub.services (included by pcnhub.urls)."""

from django.urls import path

from pcnhub.services import views

urlpatterns = [
    path("org/<str:code>/services/", views.services, name="services"),
    path("org/<str:code>/services/record/", views.record, name="services_record"),
]
