"""Pages of pcnhub.workforce (included by pcnhub.urls)."""

from django.urls import path

from pcnhub.workforce import plan_views, views

urlpatterns = [
    path("workforce/arrs/", views.arrs, name="arrs_utilisation"),
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
    path("org/<str:code>/workforce/plan/", plan_views.plan, name="workforce_plan"),
    path(
        "org/<str:code>/workforce/plan/add/",
        plan_views.plan_add,
        name="workforce_plan_add",
    ),
    path(
        "org/<str:code>/workforce/plan/remove/",
        plan_views.plan_remove,
        name="workforce_plan_remove",
    ),
]
