"""Every page, in a real browser, passes axe-core's WCAG 2.2 AA rules (issue 12,
item 9) with no error in the console (a Content-Security-Policy refusal is one).

The pages come from the route table of the route × role walk
(tests/access/test_every_route.py, with every app's ``routes_<app>.py`` rows), so
a new page is checked without an edit here. Each page is opened as the demo's
national analyst and as a network's manager, over the full demo (``pcnhub
demo``: every app's demo records), with a code the route can show (a network, its
commissioner, a member practice). A route that neither user can open as an HTML
page must be listed in :data:`NOT_A_PAGE_HERE` with the reason, so a page that
starts failing to load is noticed rather than skipped.

Unlike the other browser tests (critical and serious violations only), every
violation of the WCAG 2.0, 2.1 and 2.2 A and AA rules fails here, at any impact.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from tests.access.test_every_route import ROUTES, all_routes, url_for
from tests.browser import (  # noqa: F401 - fixtures
    CHROMIUM_ARGS,
    allow_sync_orm_beside_playwright,
    chromium_path,
)

from pcnhub.governance.models import ClinicalDirectorAppointment
from pcnhub.jobs.models import JobKind
from pcnhub.jobs.services import start_job
from pcnhub.schemes.models import LocalScheme
from pcnhub.tokens.services import create_token
from pcnhub.workflow.models import Application, State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: The WCAG levels checked: every A and AA rule up to 2.2.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
USERS = ("demo", "manager")
#: Codes tried in turn for a route's ``<code>``: a network, its commissioner, a
#: member practice, the region.
CODES = ("U99001", "99Z", "Z91001", "Y98")
#: Routes no demo user opens as an HTML page, and why.
NOT_A_PAGE_HERE = {
    "logout": "signs out (POST only in use)",
    "governance_document": "the uploaded document itself, a download",
    "job_file": "a finished job's file, a download",
}
#: Pages only an administrator opens, checked signed in as the demo's ``admin``.
ADMINISTRATORS_PAGES = {"job_import"}


def _wcag_violations(page: Any, axe: Any) -> list[str]:
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(node["target"][0]) for node in v["nodes"][:3])
        for v in results.response["violations"]
    ]


def _page_routes() -> dict[str, str]:
    patterns = all_routes()
    return {
        name: patterns[name]
        for name, (methods, _samples, _rule) in ROUTES.items()
        if "GET" in methods and not name.startswith("api:") and name in patterns
    }


def _session_cookie(username: str) -> str:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _object_paths() -> dict[str, list[str]]:
    """Pages of one record: the demo's own records to open them with."""
    from pcnhub.workforce.models import MonthlyClaim, StaffPost

    paths: dict[str, list[str]] = {}
    post = StaffPost.objects.filter(network_code="U99001").order_by("reference").first()
    if post is not None:
        for name in ("workforce_post", "workforce_post_change"):
            paths[name] = [reverse(name, args=[post.network_code, post.reference])]
    claim = MonthlyClaim.objects.order_by("id").first()
    if claim is not None:
        paths["workforce_claims"] = [
            reverse("workforce_claims", args=[claim.network_code])
            + f"?month={claim.month:%Y-%m}"
        ]
    scheme = LocalScheme.objects.order_by("id").first()
    if scheme is not None:
        for name in ("local_scheme", "local_scheme_change", "local_scheme_end"):
            paths[name] = [reverse(name, args=[scheme.commissioner_code, scheme.pk])]
    director = (
        ClinicalDirectorAppointment.objects.filter(
            network__code="U99001", valid_to__isnull=True
        )
        .order_by("id")
        .first()
    )
    if director is not None:
        paths["governance_cd_end"] = [
            reverse("governance_cd_end", args=["U99001", director.pk])
        ]
    users = get_user_model().objects
    token, _text = create_token(users.get(username="manager"), "every page")
    paths["account_token_revoke"] = [reverse("account_token_revoke", args=[token.pk])]
    job = start_job(users.get(username="demo"), JobKind.NETWORKS, {"format": "csv"})
    paths["job"] = [reverse("job", args=[job.pk])]
    draft = Application.objects.filter(state=State.DRAFT).order_by("id").first()
    if draft is not None:
        paths["application_change"] = [
            reverse("application_change", args=[draft.reference])
        ]
    return paths


def _candidates(pattern: str, refs: dict[str, str]) -> list[str]:
    if "<" not in pattern:
        return [url_for(pattern, "", refs)]
    return list(dict.fromkeys(url_for(pattern, code, refs) for code in CODES))


def _open_each_page(
    context: Any,
    base: str,
    paths_of: dict[str, list[str]],
    axe: Any,
    found: dict[str, list[str]],
) -> set[str]:
    """Open each route's first path that answers an HTML page; note every
    violation and console error (by problem: the pages showing it)."""
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" else None,
    )
    opened: set[str] = set()
    for name, paths in sorted(paths_of.items()):
        for path in paths:
            head = context.request.get(base + path, max_redirects=0)
            html = head.headers.get("content-type", "").startswith("text/html")
            if head.status != 200 or not html:
                continue
            errors.clear()
            page.goto(base + path)
            opened.add(name)
            for problem in _wcag_violations(page, axe) + [
                f"console: {e}" for e in errors
            ]:
                found.setdefault(problem, []).append(path)
            break
    page.close()
    return opened


def _signed_in(browser: Any, base: str, username: str | None) -> Any:
    context = browser.new_context(locale="en-GB")
    if username:
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": _session_cookie(username),
                    "url": base,
                }
            ]
        )
    return context


def test_every_page_passes_wcag_22_aa(live_server: Any, chromium_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    call_command("demo", stdout=StringIO())
    references = list(Application.objects.values_list("reference", flat=True)[:1])
    refs = {code: references[0] for code in CODES} if references else {}
    objects = _object_paths()
    paths_of = {
        name: objects.get(name) or _candidates(pattern, refs)
        for name, pattern in _page_routes().items()
    }
    axe = Axe()
    found: dict[str, list[str]] = {}
    opened: set[str] = set()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        try:
            for username in USERS:
                context = _signed_in(browser, live_server.url, username)
                opened |= _open_each_page(
                    context, live_server.url, paths_of, axe, found
                )
                context.close()
            context = _signed_in(browser, live_server.url, "admin")
            opened |= _open_each_page(
                context,
                live_server.url,
                {name: paths_of[name] for name in ADMINISTRATORS_PAGES},
                axe,
                found,
            )
            context.close()
            context = _signed_in(browser, live_server.url, None)
            opened |= _open_each_page(
                context, live_server.url, {"login": ["/login/"]}, axe, found
            )
        finally:
            browser.close()
    problems = [
        f"{problem}\n    on {len(pages)} pages: {', '.join(sorted(set(pages))[:6])}"
        for problem, pages in sorted(found.items())
    ]
    unopened = set(paths_of) - opened - set(NOT_A_PAGE_HERE)
    if unopened:
        problems.append(f"pages no demo user could open: {sorted(unopened)}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    assert len(opened) > 30, sorted(opened)
