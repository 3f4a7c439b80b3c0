"""Your API tokens: the list, making one (its secret shown once) and revoking.

Every page needs a role, as every page does; each user sees only their own
tokens (another's is a 404). Pages answer only to the session: a token is never
a sign-in for pages (pcnhub's middleware ignores the Authorization header).
The page that shows a new token is never stored by the browser or a proxy.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from pcnhub.access.decorators import needs_role
from pcnhub.tokens import services
from pcnhub.tokens.forms import RevokeForm, TokenForm
from pcnhub.tokens.models import ApiToken
from pcnhub.ui.asat import as_at_from
from pcnhub.ui.form_fields import form_fields
from pcnhub.ui.formatting import fmt_when
from pcnhub.ui.forms import form_errors
from pcnhub.ui.frame import frame

STATE_COLOURS = {"active": "green", "expired": "grey", "revoked": "red"}


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    full = frame(request, as_at_from(request)) | {"show_date_form": False} | context
    return render(request, template, full, status=status)


def _when(moment: Any, empty: str) -> str:
    return fmt_when(moment) if moment is not None else empty


def _row(token: ApiToken, now: Any) -> list[dict[str, Any]]:
    state = token.state(now)
    if state == "active":
        action = {
            "html": f'<a class="nhsuk-link" href="'
            f'{reverse("account_token_revoke", args=[token.pk])}">Revoke'
            f'<span class="nhsuk-u-visually-hidden"> {token.prefix}</span></a>'
        }
    else:
        action = {"text": ""}
    return [
        {"text": token.name, "header": "Name"},
        {"html": f"<code>{token.prefix}…</code>", "header": "Starts with"},
        {"text": state.capitalize(), "header": "State"},
        {"text": _when(token.created_at, ""), "header": "Made"},
        {"text": _when(token.last_used_at, "Never"), "header": "Last used"},
        {"text": _when(token.expires_at, "Never"), "header": "Expires"},
        action | {"header": "Action"},
    ]


def _table(tokens: list[ApiToken]) -> dict[str, Any]:
    now = timezone.now()
    heads = ["Name", "Starts with", "State", "Made", "Last used", "Expires", "Action"]
    return {
        "caption": "Your API tokens",
        "responsive": True,
        "head": [{"text": h} for h in heads],
        "rows": [_row(t, now) for t in tokens],
    }


def _list_page(
    request: HttpRequest, form: TokenForm, status: int = 200
) -> HttpResponse:
    context = {
        "tokens_table": _table(services.tokens_of(request.user)),
        "form_errors": form_errors(form),
        "fields": form_fields(form),
        "notices": [str(m) for m in messages.get_messages(request)],
        "api_docs_url": reverse("api:openapi-view"),
    }
    return _render(request, "tokens/tokens.html", context, status)


@never_cache
@needs_role
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's tokens and the form to make one (POST: make it, show it once)."""
    if request.method != "POST":
        return _list_page(request, TokenForm())
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, text = services.create_token(
                request.user, form.cleaned_data["name"], form.cleaned_data["expires_on"]
            )
        except ValidationError as exc:
            form.attach(exc)
        else:
            context = {
                "token": token,
                "text": text,
                "expires": _when(token.expires_at, "Never"),
                "back_url": reverse("account_tokens"),
            }
            return _render(request, "tokens/created.html", context)
    return _list_page(request, form, status=400)


def _own(request: HttpRequest, pk: int) -> ApiToken:
    found = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if found is None:
        raise Http404(f"you have no API token {pk}")
    return found


@never_cache
@needs_role
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then revoke, one of the user's tokens."""
    found = _own(request, pk)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.revoke_token(request.user, found, form.cleaned_data["reason"])
        except ValidationError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"Token {found.prefix}… is revoked")
            return redirect("account_tokens")
    context = {
        "token": found,
        "form_errors": form_errors(form),
        "fields": form_fields(form),
        "back_url": reverse("account_tokens"),
    }
    status = 400 if form.is_bound else 200
    return _render(request, "tokens/revoke.html", context, status)
