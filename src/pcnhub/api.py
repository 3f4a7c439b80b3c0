"""The REST API (django-ninja): one API, a router per app, OpenAPI at /api/docs.

Every route needs a signed-in session (``django_auth``, which also enforces CSRF
on writes) and asks the same permissions as the pages (:mod:`pcnhub.access`).
"""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from pcnhub.audit.api import router as audit_router
from pcnhub.governance.api import router as governance_router
from pcnhub.register.api import router as register_router
from pcnhub.workflow.api import router as workflow_router

api = NinjaAPI(
    title="pcnhub API",
    version="1",
    description=(
        "Primary Care Networks: the register, applications and decisions, "
        "governance records and the audit trail. Sign in through the web pages; "
        "the API uses the same session and the same permissions."
    ),
    auth=django_auth,
    urls_namespace="api",
    # The schema and its docs page need a signed-in user with a role, like the rest.
    docs_decorator=permission_required("register.use", raise_exception=True),
)
api.add_router("/register/", register_router)
api.add_router("/applications/", workflow_router)
api.add_router("/governance/", governance_router)
api.add_router("/audit/", audit_router)


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(ObjectDoesNotExist)
def _missing(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    return api.create_response(request, {"detail": "not found"}, status=404)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "not found"}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return api.create_response(request, {"detail": detail}, status=422)
