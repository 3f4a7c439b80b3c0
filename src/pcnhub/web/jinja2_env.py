"""The Jinja2 environment: our templates first, then the NHS.UK components."""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader


def environment(**options: Any) -> Environment:
    loaders = [options.pop("loader")] if "loader" in options else []
    loaders.append(PackageLoader("nhsuk_frontend_jinja"))
    options["undefined"] = ChainableUndefined
    env = Environment(loader=ChoiceLoader(loaders), **options)
    env.globals.update({"static": static, "url": reverse})
    return env
