"""The Jinja2 environment: our templates, the UI kit, then the NHS.UK components."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from pcnhub.ui.tables import fast_table
from pcnhub.ui.undefined import StrictNamesUndefined
from pcnhub.web.page_cache import NONCE_PLACEHOLDER


def environment(**options: Any) -> Environment:
    loaders = [options.pop("loader")] if "loader" in options else []
    loaders.append(PackageLoader("pcnhub.ui", "jinja2"))
    loaders.append(PackageLoader("nhsuk_frontend_jinja"))
    # Tests: a name pcnhub's templates use that no view gave fails the test
    # (pcnhub.ui.undefined); served pages render it as nothing.
    strict = getattr(settings, "PCNHUB_STRICT_TEMPLATES", False)
    options["undefined"] = StrictNamesUndefined if strict else ChainableUndefined
    env = Environment(loader=ChoiceLoader(loaders), **options)
    env.globals.update(
        {
            "static": static,
            "url": reverse,
            "ui_fast_table": fast_table,
            "ui_nonce": NONCE_PLACEHOLDER,
            # "Leave this parameter out" in a macro's parameters.
            "undefined": ChainableUndefined(name="undefined"),
        }
    )
    return env
