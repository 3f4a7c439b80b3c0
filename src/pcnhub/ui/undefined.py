"""What a template gets for a name its context lacks.

Served pages keep Jinja's lenient :class:`~jinja2.ChainableUndefined`: an unknown
name renders as nothing rather than a 500. The test-suite
(``PCNHUB_STRICT_TEMPLATES``) makes a *top-level* name that pcnhub's own
templates use but no view gave fail loudly, as :class:`~jinja2.StrictUndefined`
does, so a misspelt name is a failing test, not an empty cell. The NHS.UK
templates are left lenient: they read many optional names (``htmlClasses``,
a macro's ``params``) by design.
"""

from __future__ import annotations

import sys
from typing import Any

from jinja2 import ChainableUndefined, StrictUndefined
from jinja2.utils import missing

#: How many frames up to look for the template asking (Jinja's own calls between).
FRAMES = 12
#: Template files that read optional names on purpose.
LENIENT_PACKAGES = ("nhsuk_frontend_jinja",)


class StrictNamesUndefined(ChainableUndefined):
    """Strict for a top-level name asked for by one of pcnhub's templates."""

    __slots__ = ()

    def __new__(
        cls, hint: Any = None, obj: Any = missing, name: Any = None, **kw: Any
    ) -> Any:  # noqa: ANN401
        # A hint means Jinja made it for its own reasons (a macro's missing caller).
        if hint is None and obj is missing and _asked_by_pcnhub_template():
            return StrictUndefined(hint, obj, name, **kw)
        return super().__new__(cls)


def _asked_by_pcnhub_template() -> bool:
    frame = sys._getframe(2)
    for _ in range(FRAMES):
        if frame is None:
            return False
        filename = frame.f_code.co_filename
        # "<template>": a template compiled from a string (not from a package).
        if filename.endswith((".html", ".jinja", ".txt")) or filename == "<template>":
            return not any(p in filename for p in LENIENT_PACKAGES)
        frame = frame.f_back
    return False
