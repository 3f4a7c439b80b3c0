"""``/healthz``: is this pcnhub able to answer? For load balancers and monitors.

No sign-in (a load balancer has none), no personal data, nothing cached. Two
checks: the database answers a trivial query, and every migration pcnhub ships
is applied (a server started on an old schema answers pages with errors). 200
``{"status": "ok", "checks": {...}}`` when both pass; 503 with
``"status": "failing"`` and what failed otherwise. The failure is named, not
explained (no connection strings, no tracebacks: the answer is public).
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger("pcnhub.health")

OK = "ok"


def database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    except DatabaseError:
        log.exception("health check: the database did not answer")
        return "the database did not answer"
    return OK if row is not None and row[0] == 1 else "the database answered wrongly"


def migrations_check() -> str:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        log.exception("health check: the migrations could not be read")
        return "the migrations could not be read"
    if plan:
        return f"{len(plan)} migration(s) not applied: run pcnhub migrate"
    return OK


def checks() -> dict[str, str]:
    found = {"database": database_check()}
    # Without a database the migrations cannot be read either: say it once.
    found["migrations"] = (
        migrations_check() if found["database"] == OK else "not checked"
    )
    return found


def answer(request: HttpRequest) -> JsonResponse:
    found = checks()
    healthy = all(result == OK for result in found.values())
    body: dict[str, Any] = {"status": OK if healthy else "failing", "checks": found}
    return JsonResponse(body, status=200 if healthy else 503)


#: The view: no sign-in (past pcnhub.core.middleware.PagesNeedSignIn), never
#: kept by a cache, GET and HEAD only. (Wrapped by calls, not decorators, which
#: Django leaves untyped.)
healthz: Any = login_not_required(never_cache(require_safe(answer)))
