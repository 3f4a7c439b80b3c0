"""The web UI's pages. Every page needs a signed-in user except the sign-in page."""

from django.contrib.auth import views as auth_views
from django.urls import path

from pcnhub.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("networks/", views.networks, name="networks"),
    path("uncovered/", views.uncovered, name="uncovered"),
    path("checks/", views.checks, name="checks"),
    path("org/<str:code>/", views.organisation, name="org"),
    path("org/<str:code>/entitlements/", views.entitlements, name="entitlements"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
