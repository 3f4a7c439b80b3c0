"""The audit trail in Django's admin: read-only, for everyone (superusers too)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pcnhub.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["id", "at", "who", "action", "entity_type", "entity_key"]
    list_filter = ["action", "entity_type"]
    search_fields = [
        "entity_key",
        "reason",
        "actor_username",
        "actor__username",
        "system_actor",
    ]
    list_select_related = ["actor"]
    date_hierarchy = "at"
    ordering = ["-id"]
    fields = [
        "id",
        "at",
        "who",
        "action",
        "entity_type",
        "entity_key",
        "concerns",
        "reason",
        "before",
        "after",
        "position",
        "hash_version",
        "previous_hash",
        "entry_hash",
    ]
    readonly_fields = fields

    @admin.display(description="who")
    def who(self, entry: AuditEntry) -> str:
        renamed = f" (now named {entry.renamed_to})" if entry.renamed_to else ""
        return entry.who + renamed

    @admin.display(description="organisations it concerns")
    def concerns(self, entry: AuditEntry) -> str:
        return ", ".join(s.code for s in entry.subjects.all()) or "—"

    # Append-only: nobody adds, changes or deletes entries here.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
