"""Sign-in required everywhere, except the API, which answers 401 itself."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware


class PagesNeedSignIn(LoginRequiredMiddleware):
    """Redirect anonymous visitors of pages to sign in; leave /api/ to the API.

    The API's own authentication answers 401 in JSON instead of a redirect.
    """

    def process_view(
        self, request: Any, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> Any:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
