"""Pages of pcnhub.schemes (included by pcnhub.urls)."""

from django.urls import path

from pcnhub.schemes import views

urlpatterns = [
    path("org/<str:code>/local-schemes/", views.schemes, name="local_schemes"),
    path(
        "org/<str:code>/local-schemes/new/", views.scheme_new, name="local_scheme_new"
    ),
    path(
        "org/<str:code>/local-schemes/overlaps/",
        views.overlaps,
        name="local_scheme_overlaps",
    ),
    path("org/<str:code>/local-schemes/<int:pk>/", views.scheme, name="local_scheme"),
    path(
        "org/<str:code>/local-schemes/<int:pk>/change/",
        views.scheme_change,
        name="local_scheme_change",
    ),
    path(
        "org/<str:code>/local-schemes/<int:pk>/end/",
        views.scheme_end,
        name="local_scheme_end",
    ),
]
