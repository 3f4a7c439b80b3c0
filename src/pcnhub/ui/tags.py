"""Small NHS.UK markup pieces for table cells: tags and numeric cells."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

Cell = dict[str, Any]


def tag(text: str, colour: str | None = None) -> Markup:
    """The NHS.UK tag component's markup, for use inside a table cell."""
    css = "nhsuk-tag" + (f" nhsuk-tag--{colour}" if colour else "")
    return Markup('<strong class="{}">{}</strong>').format(css, text)


def numeric(text: str) -> Cell:
    """A right-aligned (numeric) table cell."""
    return {"text": text, "format": "numeric"}
