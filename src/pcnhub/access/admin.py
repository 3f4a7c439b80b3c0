"""Users and role assignments in Django's admin (``/admin/``), for administrators.

Who may do what here comes from the django-rules permissions in
:mod:`pcnhub.access.permissions` (``auth.*_user``, ``access.*_roleassignment``:
the "admin" role; the admin site itself also needs "Staff status"). Granting
and ending a role go through :mod:`pcnhub.access.services`, so both are audited;
an assignment is never deleted (to end it, set its end date). Users are never
deleted either (their audit entries refer to them); only a superuser can make
a superuser, give Django permissions or groups, or change a superuser.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from pcnhub.access.models import RoleAssignment
from pcnhub.access.roles import Role
from pcnhub.access.scope import today
from pcnhub.access.services import end, grant
from pcnhub.audit.services import Actor, record

User = get_user_model()


def _granted(assignment: RoleAssignment) -> str:
    if assignment.granted_by_id:
        return assignment.granted_by.get_username()
    return assignment.granted_by_system or "—"


# --- role assignments ------------------------------------------------------------


class RoleAssignmentForm(forms.ModelForm):
    end_reason = forms.CharField(
        label="Why the role ends",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in the audit trail with the end date.",
    )

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "organisation", "valid_from", "valid_to", "reason"]
        labels = {
            "valid_from": "From",
            "valid_to": "Until (the first day it no longer holds)",
            "reason": "Why",
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk and "valid_to" in self.changed_data:
            held = RoleAssignment.objects.get(pk=self.instance.pk)
            if held.valid_to is not None and cleaned.get("valid_to") is None:
                self.add_error(
                    "valid_to",
                    "An ended role cannot be reopened: grant a new assignment.",
                )
        return cleaned

    def _post_clean(self) -> None:
        # The model's own checks need a role; without one the form already says so.
        if self.instance.pk or self.cleaned_data.get("role"):
            super()._post_clean()


class CurrentFilter(admin.SimpleListFilter):
    title = "held today"
    parameter_name = "current"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Held today"), ("no", "Ended or not started")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        day = today()
        held = Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        if self.value() == "yes":
            return queryset.filter(held)
        if self.value() == "no":
            return queryset.exclude(held)
        return queryset


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    form = RoleAssignmentForm
    list_display = [
        "user",
        "role_label",
        "organisation",
        "valid_from",
        "valid_to",
        "granted",
    ]
    list_filter = ["role", CurrentFilter]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "organisation__code",
    ]
    list_select_related = ["user", "organisation", "granted_by"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["organisation"]

    _fixed = ["user", "role", "organisation", "valid_from", "granted", "reason"]

    @admin.display(description="role", ordering="role")
    def role_label(self, assignment: RoleAssignment) -> str:
        return assignment.get_role_display()

    @admin.display(description="granted by")
    def granted(self, assignment: RoleAssignment) -> str:
        return _granted(assignment)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["user", "role", "organisation", "valid_from", "reason"]
        return [*self._fixed, "valid_to", "end_reason"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Once granted, an assignment only ever gets an end date.
        return [] if obj is None else list(self._fixed)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"valid_from": today(), **super().get_changeform_initial_data(request)}

    def save_model(
        self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool
    ) -> None:
        actor = Actor(user=request.user)
        if not change:
            made = grant(
                actor,
                obj.user,
                Role(obj.role),
                obj.organisation_id,
                valid_from=obj.valid_from,
                reason=obj.reason,
            )
            # The admin goes on to log and redirect to the saved assignment.
            obj.pk = made.pk
            obj.granted_by = made.granted_by
            obj.granted_by_system = made.granted_by_system
            obj._state.adding = False
            obj._state.db = made._state.db
            return
        if "valid_to" in form.changed_data and obj.valid_to is not None:
            held = RoleAssignment.objects.get(pk=obj.pk)
            end(actor, held, on=obj.valid_to, reason=form.cleaned_data["end_reason"])

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # assignments are ended, never deleted


# --- users -------------------------------------------------------------------------


class RoleAssignmentInline(admin.TabularInline):
    """A user's roles, read-only: granted and ended on the assignment's own page."""

    model = RoleAssignment
    fk_name = "user"
    fields = ["role", "organisation", "valid_from", "valid_to", "granted"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "role assignments (add one under Role assignments)"

    @admin.display(description="granted by")
    def granted(self, assignment: RoleAssignment) -> str:
        return _granted(assignment)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


#: Only superusers see or set these (they reach beyond pcnhub's roles).
SUPERUSER_ONLY = ("is_superuser", "groups", "user_permissions")
#: What a user's audit entry records (never the password).
AUDITED_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
)


def _describe_user(user: Any) -> dict[str, Any]:
    return {name: getattr(user, name) for name in AUDITED_FIELDS}


admin.site.unregister(User)


@admin.register(User)
class PcnhubUserAdmin(UserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "is_staff",
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [f for f in options["fields"] if f not in SUPERUSER_ONLY],
                },
            )
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*super().get_readonly_fields(request, obj), "last_login", "date_joined"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Users are deactivated, not deleted (audit entries refer to them).
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        before = None
        if change:
            before = _describe_user(User.objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        after = _describe_user(obj)
        if before != after:
            record(
                Actor(user=request.user),
                "change" if change else "create",
                "user",
                obj.get_username(),
                before=before,
                after=after,
                reason="Django admin",
            )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        changed = (
            request.method == "POST"
            and response.status_code == 302
            # a conflicting form redirects back to itself; success goes on
            and response["Location"] != request.get_full_path()
        )
        if changed:
            user = self.get_object(request, unquote(id))
            if user is not None:
                record(
                    Actor(user=request.user),
                    "change password",
                    "user",
                    user.get_username(),
                    reason="Django admin",
                )
        return response
