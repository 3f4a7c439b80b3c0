"""Users and role assignments in Django's admin (``/admin/``), for administrators.

Who may do what here comes from the django-rules permissions in
:mod:`pcnhub.access.permissions` (``auth.*_user``, ``access.*_roleassignment``,
``access.*_roleproposal``: the "admin" role; the admin site itself also needs
"Staff status"). Granting, proposing, approving, refusing and ending a role go
through :mod:`pcnhub.access.services`, so every step is audited and the
two-person rule holds here as everywhere: nobody grants themselves a role, and a
role that decides (or gives out roles) is proposed under *Role proposals* and
granted only when a second administrator approves it there. Nothing is deleted:
an assignment is ended by setting its end date; a proposal stays, approved or
refused. Users are never deleted either (their audit entries refer to them);
only a superuser can make a superuser, give Django permissions or groups, or
change a superuser.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from pcnhub.access import services
from pcnhub.access.models import RoleAssignment, RoleProposal
from pcnhub.access.roles import ROLE_CHOICES, SECOND_PERSON_ROLES, Role
from pcnhub.access.scope import current_assignments, today
from pcnhub.access.services import GrantRefused, end, grant
from pcnhub.audit.services import Actor, record

User = get_user_model()


def _granted(assignment: RoleAssignment) -> str:
    if assignment.granted_by_id:
        who = assignment.granted_by.get_username()
    else:
        who = assignment.granted_by_system or "—"
    if assignment.approved_by_id:
        who += f", approved by {assignment.approved_by.get_username()}"
    return who


SECOND_PERSON_TEXT = ", ".join(sorted(SECOND_PERSON_ROLES))


def with_request_user(form: type[forms.ModelForm], request: HttpRequest) -> Any:
    """The admin's form class, knowing who is filling it in (for the 2-person rule)."""
    return type(form.__name__, (form,), {"request_user": request.user})


def _refusal_to_form(form: forms.Form, exc: GrantRefused, fallback: str) -> None:
    field = exc.field if exc.field in form.fields else fallback
    form.add_error(field if field in form.fields else None, exc.messages)


# --- role assignments ------------------------------------------------------------


class RoleAssignmentForm(forms.ModelForm):
    end_reason = forms.CharField(
        label="Why the role ends",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in the audit trail with the end date.",
    )

    request_user: Any = None

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "organisation", "valid_from", "valid_to", "reason"]
        labels = {
            "valid_from": "From",
            "valid_to": "Until (the first day it no longer holds)",
            "reason": "Why",
        }
        help_texts = {
            "role": f"The roles {SECOND_PERSON_TEXT} need a second administrator: "
            "propose them under Role proposals.",
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.instance.pk and cleaned.get("user") and cleaned.get("role"):
            try:
                services.check_direct_grant(
                    self.request_user, cleaned["user"], cleaned["role"]
                )
            except GrantRefused as exc:
                _refusal_to_form(self, exc, "role")
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
    list_select_related = ["user", "organisation", "granted_by", "approved_by"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["organisation"]

    _fixed = ["user", "role", "organisation", "valid_from", "granted", "reason"]

    @admin.display(description="role", ordering="role")
    def role_label(self, assignment: RoleAssignment) -> str:
        return assignment.get_role_display()

    @admin.display(description="granted by")
    def granted(self, assignment: RoleAssignment) -> str:
        return _granted(assignment)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return with_request_user(form, request)

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
            _adopt(obj, made)
            return
        if "valid_to" in form.changed_data and obj.valid_to is not None:
            held = RoleAssignment.objects.get(pk=obj.pk)
            end(actor, held, on=obj.valid_to, reason=form.cleaned_data["end_reason"])

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # assignments are ended, never deleted


# --- proposals (the two-person rule) ----------------------------------------------

APPROVE, REFUSE = "approve", "refuse"


class RoleProposalForm(forms.ModelForm):
    """Add: propose a role. Change (while pending): approve or refuse it."""

    request_user: Any = None

    role = forms.ChoiceField(
        choices=[("", "---------")]
        + [(v, label) for v, label in ROLE_CHOICES if Role(v) in SECOND_PERSON_ROLES],
        help_text="Roles that decide applications, or give out roles. Others are "
        "granted directly under Role assignments.",
    )
    decision = forms.ChoiceField(
        choices=[(APPROVE, "Approve: grant the role"), (REFUSE, "Refuse")],
        widget=forms.RadioSelect,
        help_text="Only an administrator who neither proposed it nor would hold it "
        "can approve it.",
    )
    note = forms.CharField(
        label="Why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in the audit trail with your decision.",
    )

    class Meta:
        model = RoleProposal
        fields = ["user", "role", "organisation", "valid_from", "reason"]
        labels = {"valid_from": "From", "reason": "Why"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Declared fields are always on a model form: keep those of this step.
        unused = ("decision", "note") if self.instance.pk is None else ("role",)
        for name in unused:
            self.fields.pop(name, None)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            if self.instance.pk is None:
                self._check_proposal(cleaned)
            elif cleaned.get("decision") == APPROVE:
                services.check_approver(self.request_user, self.instance)
        except GrantRefused as exc:
            _refusal_to_form(self, exc, "decision")
        return cleaned

    def _check_proposal(self, cleaned: dict[str, Any]) -> None:
        user = cleaned.get("user")
        if user is not None and self.request_user.pk == user.pk:
            raise GrantRefused(
                "You cannot propose a role for yourself: ask another administrator.",
                "user",
            )

    def _post_clean(self) -> None:
        if self.instance.pk is None and self.cleaned_data.get("role"):
            super()._post_clean()


class StatusFilter(admin.SimpleListFilter):
    """Pending proposals first: what a second administrator has to look at."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(s.value, s.label) for s in RoleProposal.Status] + [("all", "All")]

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or RoleProposal.Status.PENDING) == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value() or RoleProposal.Status.PENDING
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(RoleProposal)
class RoleProposalAdmin(admin.ModelAdmin):
    form = RoleProposalForm
    list_display = [
        "user",
        "role_label",
        "organisation",
        "valid_from",
        "proposed_by",
        "proposed_at",
        "status",
        "decided_by",
        "decided_at",
    ]
    list_filter = [StatusFilter, "role"]
    list_select_related = ["user", "organisation", "proposed_by", "decided_by"]
    search_fields = ["user__username", "proposed_by__username", "organisation__code"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["organisation"]
    actions = ["approve_selected", "refuse_selected"]

    _fixed = ["user", "role", "organisation", "valid_from", "reason", "proposed_by"]
    _decided = ["proposed_at", "status", "decided_by", "decided_at", "decision_note"]

    @admin.display(description="role", ordering="role")
    def role_label(self, proposal: RoleProposal) -> str:
        return proposal.get_role_display()

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return with_request_user(form, request)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["user", "role", "organisation", "valid_from", "reason"]
        if obj.status == RoleProposal.Status.PENDING:
            return [*self._fixed, "proposed_at", "decision", "note"]
        return [*self._fixed, *self._decided, "assignment"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return [*self._fixed, *self._decided, "assignment"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"valid_from": today(), **super().get_changeform_initial_data(request)}

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != RoleProposal.Status.PENDING:
            return False  # decided: kept as it was, to read
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # proposals are kept, whatever became of them

    def save_model(
        self, request: HttpRequest, obj: RoleProposal, form: Any, change: bool
    ) -> None:
        if not change:
            made = services.propose(
                request.user,
                obj.user,
                Role(obj.role),
                obj.organisation_id,
                valid_from=obj.valid_from,
                reason=obj.reason,
            )
            _adopt(obj, made)
            return
        held = RoleProposal.objects.get(pk=obj.pk)
        note = form.cleaned_data["note"]
        if form.cleaned_data["decision"] == APPROVE:
            services.approve(request.user, held, note)
        else:
            services.refuse(request.user, held, note)
        obj.refresh_from_db()

    def response_add(
        self, request: HttpRequest, obj: RoleProposal, post_url_continue: Any = None
    ) -> HttpResponse:
        self.message_user(
            request,
            f"Proposed: {obj.user} holds no {obj.role} role until a second "
            "administrator approves it.",
            messages.WARNING,
        )
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description="Approve the selected proposals (grant the roles)")
    def approve_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide_each(request, queryset, services.approve, "approved")

    @admin.action(description="Refuse the selected proposals")
    def refuse_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide_each(request, queryset, services.refuse, "refused")

    def _decide_each(
        self, request: HttpRequest, queryset: QuerySet, decide: Any, done: str
    ) -> None:
        for proposal in queryset:
            try:
                decide(request.user, proposal, "")
            except GrantRefused as exc:
                self.message_user(
                    request, f"{proposal}: {' '.join(exc.messages)}", messages.ERROR
                )
            else:
                self.message_user(request, f"{proposal}: {done}.", messages.SUCCESS)


def _adopt(obj: Any, made: Any) -> None:
    """Make the admin's unsaved ``obj`` stand for ``made``, which a service saved."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(made, field.attname))
    obj._state.adding = False
    obj._state.db = made._state.db


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


def _may_set_password(actor: Any, target: Any) -> bool:
    """Anyone's own; a superuser's for anyone; an administrator's for those who
    hold no current role with decision powers."""
    if actor.is_superuser or actor.pk == target.pk:
        return True
    held = current_assignments(target).filter(
        role__in=[Role(r).value for r in SECOND_PERSON_ROLES]
    )
    return not held.exists()


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
        target = self.get_object(request, unquote(id))
        if target is not None and not _may_set_password(request.user, target):
            # Setting a decision-role holder's password would let one administrator
            # act as them, around the two-person rule for granting those roles.
            raise PermissionDenied(
                f"{target.get_username()} holds a role with decision powers: only "
                "they (Change password) or a superuser may set their password."
            )
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
