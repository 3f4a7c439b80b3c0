"""Pages of pcnhub.tokens (included by pcnhub.urls)."""

from django.urls import path

from pcnhub.tokens import views

urlpatterns = [
    path("account/tokens/", views.tokens, name="account_tokens"),
    path(
        "account/tokens/<int:pk>/revoke/",
        views.revoke,
        name="account_token_revoke",
    ),
]
