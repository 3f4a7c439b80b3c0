"""Pages of pcnhub.jobs (included by pcnhub.urls)."""

from django.urls import path

from pcnhub.jobs import views

urlpatterns = [
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/import/", views.import_file, name="job_import"),
    path(
        "jobs/new/entitlements/",
        views.start_entitlements,
        name="job_start_entitlements",
    ),
    path("jobs/new/networks/", views.start_networks, name="job_start_networks"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
]
