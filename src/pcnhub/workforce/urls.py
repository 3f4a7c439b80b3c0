"""Pages of pcnhub.workforce (included by pcnhub.urls)."""

from django.urls import path

from pcnhub.workforce import views

urlpatterns = [
    path("org/<str:code>/workforce/", views.workforce, name="workforce"),
    path(
        "org/<str:code>/workforce/posts/new/", views.post_new, name="workforce_post_new"
    ),
    path(
        "org/<str:code>/workforce/posts/<str:reference>/",
        views.post,
        name="workforce_post",
    ),
    path(
        "org/<str:code>/workforce/posts/<str:reference>/change/",
        views.post_change,
        name="workforce_post_change",
    ),
    path(
        "org/<str:code>/workforce/staff-list/",
        views.staff_list,
        name="workforce_staff_list",
    ),
    path("org/<str:code>/workforce/claims/", views.claims, name="workforce_claims"),
    path(
        "org/<str:code>/workforce/claims/generate/",
        views.generate,
        name="workforce_claim_generate",
    ),
]
