"""Pages of pcnhub.workflow (included by pcnhub.urls)."""

from django.urls import path

from pcnhub.workflow import views

urlpatterns = [
    path("applications/", views.applications, name="applications"),
    path("applications/new/", views.application_new, name="application_new"),
    path(
        "applications/new/<str:kind>/",
        views.application_new_kind,
        name="application_new_kind",
    ),
    path("applications/<str:ref>/", views.application, name="application"),
    path(
        "applications/<str:ref>/change/",
        views.application_change,
        name="application_change",
    ),
    path(
        "applications/<str:ref>/submit/",
        views.application_submit,
        name="application_submit",
    ),
    path(
        "applications/<str:ref>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "applications/<str:ref>/confirm/",
        views.application_confirm,
        name="application_confirm",
    ),
    path(
        "applications/<str:ref>/decide/",
        views.application_decide,
        name="application_decide",
    ),
    path(
        "applications/<str:ref>/appeal/",
        views.application_appeal,
        name="application_appeal",
    ),
    path(
        "applications/<str:ref>/appeal/decide/",
        views.application_appeal_decide,
        name="application_appeal_decide",
    ),
    path("org/<str:code>/assign/", views.assign_practice, name="assign_practice"),
]
