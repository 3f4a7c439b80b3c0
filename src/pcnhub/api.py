"""The REST API (django-ninja): one API, a router per app, OpenAPI at /api/docs.

Every route needs a personal API token (``Authorization: Bearer pcnhub_…``,
:class:`pcnhub.tokens.auth.TokenAuth`, tried first) or a signed-in session
(``django_auth``, which also enforces CSRF on writes), and asks the same
permissions as the pages (:mod:`pcnhub.access`) of the token's or session's
user. The schema (``/api/openapi.json``) and its docs page take either too.

Every operation's schema declares the errors it can answer, each as
``{"detail": …}`` (:class:`PcnhubAPI`): the routers declare only their own
(a workflow step's 400 and 409).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema, Swagger
from ninja.errors import AuthenticationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import django_auth

from pcnhub.access.permissions import Permission
from pcnhub.dashboard.api import router as dashboard_router
from pcnhub.geography.api import router as geography_router
from pcnhub.governance.api import router as governance_router
from pcnhub.jobs.api import router as jobs_router
from pcnhub.oversight.api import router as oversight_router
from pcnhub.schemes.api import router as schemes_router
from pcnhub.services.api import router as services_router
from pcnhub.tokens.api import router as tokens_router
from pcnhub.tokens.auth import TokenAuth, bearer_user
from pcnhub.trail.api import router as audit_router
from pcnhub.ui.refusals import NO_ROLE
from pcnhub.web.api import router as register_router
from pcnhub.workflow.api import router as workflow_router
from pcnhub.workforce.api import router as workforce_router


class Error(Schema):
    """An error: a sentence, or (422) the fields and what is wrong with each."""

    detail: str | list[Any] | dict[str, Any]


#: The errors any operation can answer, and why.
COMMON_ERRORS = {
    400: "The request could not be read: a malformed body, or a NUL character "
    "in the address, a parameter, a cookie or the body.",
    401: "Not signed in: no session, or an API token that is unknown, revoked, "
    "expired or of an inactive user.",
    403: "Signed in, but no role gives this (or a write without the CSRF token).",
}
INPUT_ERROR = (422, "The input is not valid: the fields and what is wrong.")
MISSING = (404, "Nothing with that code or reference.")
#: Query parameters that name an organisation: an unknown one is a 404.
NAMING_QUERIES = {"commissioner", "pcn"}


class PcnhubAPI(NinjaAPI):
    """A NinjaAPI whose schema declares, on every operation, the errors the
    exception handlers below and ninja itself answer."""

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Error"] = Error.model_json_schema()
        for path, methods in schema["paths"].items():
            for operation in methods.values():
                responses = operation["responses"]
                declared = {int(code) for code in responses}  # ninja's are ints
                for code, why in errors_of(path, operation).items():
                    if code not in declared:
                        responses[code] = _error_response(why)
        return schema


def errors_of(path: str, operation: dict[str, Any]) -> dict[int, str]:
    errors = dict(COMMON_ERRORS)
    parameters = operation.get("parameters", [])
    if parameters or operation.get("requestBody"):
        errors.setdefault(*INPUT_ERROR)
    queries = {p["name"] for p in parameters if p.get("in") == "query"}
    if "{" in path or queries & NAMING_QUERIES:
        errors.setdefault(*MISSING)
    return errors


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
        },
    }


def schema_readers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and its docs page: like every route, a token or a session (401)
    and a role (403), answered in JSON."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            bearer_user(request)  # a good token makes request.user its user
        except AuthenticationError as exc:
            return JsonResponse({"detail": exc.message}, status=401)
        if not request.user.is_authenticated:
            return JsonResponse({"detail": "Sign in first."}, status=401)
        if not request.user.has_perm(Permission.USE_REGISTER):
            return JsonResponse({"detail": NO_ROLE}, status=403)
        return view(request, *args, **kwargs)

    return guarded


api = PcnhubAPI(
    title="pcnhub API",
    version="1",
    description=(
        "Primary Care Networks: the register, applications and decisions, "
        "governance records and the audit trail, workforce and claims, services "
        "and local schemes, dashboards, variability, maps and background jobs.\n\n"
        "**Authentication.** Scripts send a personal API token, made on "
        "/account/tokens/ (shown once, revocable there): "
        "`Authorization: Bearer pcnhub_…`. A browser signed in to the pages uses "
        "its session instead (writes need the CSRF token). Either way a request "
        "has exactly its user's roles, checked at each request. Making a token "
        "needs the session, never a token. A token that is unknown, revoked, "
        "expired, or of an inactive user is answered 401. This schema stays at "
        "/api/openapi.json."
    ),
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    # Swagger UI would show a badge from validator.swagger.io on any host but
    # localhost: a request outside pcnhub, refused by the CSP.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_decorator=schema_readers,
)
api.add_router("/register/", register_router)
api.add_router("/applications/", workflow_router)
api.add_router("/governance/", governance_router)
api.add_router("/audit/", audit_router)
api.add_router("/workforce/", workforce_router)
api.add_router("/services/", services_router)
api.add_router("/local-schemes/", schemes_router)
api.add_router("/dashboard/", dashboard_router)
api.add_router("/variability/", oversight_router)
api.add_router("/maps/", geography_router)
api.add_router("/jobs/", jobs_router)
api.add_router("/tokens/", tokens_router)


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


@api.exception_handler(MultiPartParserError)
def _unreadable(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # Normally refused earlier (pcnhub.web.middleware); this covers a body the
    # API parses itself (PUT with a boundary but broken parts).
    return api.create_response(
        request,
        {"detail": f"The multipart form data is malformed ({exc})."},
        status=400,
    )
