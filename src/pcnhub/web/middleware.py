"""Requests pcnhub cannot read are answered 400, with what is wrong, before any
view, form, permission check or database query sees them.

- **A multipart body that cannot be parsed** (no boundary, a bad boundary):
  Django raises ``MultiPartParserError`` wherever ``request.POST`` is first read
  (the CSRF check, the API's session authentication, a form), which django-ninja
  turns into a 500. Reading it here, once, gives one clear answer everywhere.
- **A NUL character** (``\\x00``) in the address, a query parameter, a form
  field, a cookie or a JSON string: PostgreSQL cannot hold NUL in text, so any
  query using it fails there (psycopg's ``ValueError``) and SQLite would store
  it. No field of pcnhub needs one. Uploaded files are bytes and may hold NUL.

The API (``/api/``) answers ``{"detail": …}`` in JSON; pages answer the NHS.UK
400 page. It sits inside the CSP middleware, so the page carries the nonce and
headers of every other page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

NUL = "\x00"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class Unreadable(Exception):
    """The request cannot be read; the message says what to change."""


class RefuseUnreadableRequests:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_readable(request)
        except Unreadable as exc:
            return bad_request(request, str(exc))
        return self.get_response(request)


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"reason": message}, status=400)


def check_readable(request: HttpRequest) -> None:
    if NUL in request.path_info:
        raise Unreadable(_nul("the address"))
    _check_pairs(request.GET.lists(), "query parameter")
    _check_pairs(((k, [v]) for k, v in request.COOKIES.items()), "cookie")
    content_type = request.content_type or ""
    has_body = _has_body(request)
    if content_type in FORM_TYPES:
        _check_form(request)
    elif has_body:
        _check_body(request.body, content_type)


def _nul(where: str) -> str:
    return (
        f"The request could not be read: {where} contains a NUL character "
        "(\\x00), which pcnhub does not accept in any text. Remove it and try again."
    )


def _shown(name: str) -> str:
    return name.replace(NUL, "\\x00")


def _check_pairs(pairs: Iterable[tuple[str, list[Any]]], kind: str) -> None:
    for name, values in pairs:
        if NUL in name or any(NUL in str(v) for v in values):
            raise Unreadable(_nul(f"the {kind} '{_shown(name)}'"))


def _check_form(request: HttpRequest) -> None:
    """Form fields of a POST (Django parses only POST bodies into ``POST``)."""
    if request.method != "POST":
        if request.content_type == "multipart/form-data":
            _check_boundary(request)
        return
    try:
        fields = request.POST
    except MultiPartParserError as exc:
        raise Unreadable(_multipart(exc)) from None
    _check_pairs(fields.lists(), "form field")


def _check_boundary(request: HttpRequest) -> None:
    """Other methods' multipart bodies are parsed by the API: the boundary first."""
    if not request.content_params.get("boundary"):
        raise Unreadable(_multipart("no boundary in the Content-Type header"))


def _multipart(reason: object) -> str:
    return (
        f"The request could not be read: the multipart form data is malformed "
        f"({reason}). Send the form again; a multipart body needs a boundary in "
        "its Content-Type header, as browsers send it."
    )


def _has_body(request: HttpRequest) -> bool:
    length = str(request.META.get("CONTENT_LENGTH") or "0")
    if not length.isdigit():
        # Django's own body reading would fail on it with a 500.
        raise Unreadable(
            f"The request could not be read: its Content-Length {length[:20]!r} "
            "is not a number of bytes."
        )
    return int(length) > 0


def _check_body(body: bytes, content_type: str) -> None:
    if b"\x00" in body:
        raise Unreadable(_nul("the request body"))
    if b"\\u0000" not in body:
        return
    # Only now is it worth parsing: "\\u0000" may be an escaped backslash.
    try:
        data = json.loads(body)
    except ValueError:
        return  # not JSON: the API answers that itself
    where = _nul_in(data, "")
    if where is not None:
        raise Unreadable(_nul(f"the JSON body at '{where or '/'}'"))


def _nul_in(value: Any, path: str) -> str | None:
    """Where the first NUL is in a JSON value (a /-separated path), or None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        items: Iterable[tuple[str, Any]] = value.items()
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return None
    for key, item in items:
        here = f"{path}/{_shown(key)}"
        if NUL in key:
            return here
        found = _nul_in(item, here)
        if found is not None:
            return found
    return None
