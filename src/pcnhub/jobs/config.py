"""The jobs' settings: a Django setting of the name, else the environment
variable of the same name, else the default (so that a deployment configured by
environment variables, as pcnhub's settings are, sets them without a settings
file of its own)."""

from __future__ import annotations

import os

from django.conf import settings


def configured(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    if value in (None, ""):
        value = os.environ.get(name, "")
    return str(value) if value not in (None, "") else default
