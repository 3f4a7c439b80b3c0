"""API tokens in Django's admin: administrators see every token and revoke any.

Read-only but for the revoke action, which goes through
:func:`pcnhub.tokens.services.revoke_token` (audited). Tokens are made only by
their own user (/account/tokens/) and never deleted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from pcnhub.tokens import services
from pcnhub.tokens.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "name",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "user__username"]
    fields = [
        "prefix",
        "name",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                services.revoke_token(
                    request.user, token, "revoked by an administrator"
                )
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{token.prefix}: {exc}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"{done} token(s) revoked", messages.SUCCESS)
