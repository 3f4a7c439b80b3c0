"""A name pcnhub's templates use that no view gave fails a test (ui.undefined)."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import RequestFactory
from jinja2 import DictLoader, Environment, UndefinedError

from pcnhub.ui.undefined import StrictNamesUndefined


def _env() -> Environment:
    return Environment(
        loader=DictLoader(
            {
                # a file name like pcnhub's own templates'
                "page.html": "<p>{{ oranisation }}</p>",
                "guarded.html": (
                    "{% if extra is defined %}{{ extra }}{% endif %}|{{ x.y }}"
                ),
            }
        ),
        undefined=StrictNamesUndefined,
    )


def test_a_misspelt_name_in_a_pcnhub_template_fails() -> None:
    with pytest.raises(UndefinedError, match="'oranisation' is undefined"):
        _env().get_template("page.html").render(organisation="Leeds")


def test_optional_names_asked_for_with_is_defined_and_attributes_stay_lenient() -> None:
    assert _env().get_template("guarded.html").render(x={}) == "|"


def test_the_nhs_templates_read_their_optional_names_leniently() -> None:
    """template.jinja reads htmlClasses, bodyClasses… that pcnhub never gives."""
    page = engines["jinja2"].get_template("404.html")
    html = page.render({"show_date_form": False}, RequestFactory().get("/nowhere/"))
    assert "Page not found" in html or "not found" in html.lower()


def test_served_pages_render_an_unknown_name_as_nothing(settings) -> None:  # type: ignore[no-untyped-def]
    from pcnhub.web.jinja2_env import environment

    settings.PCNHUB_STRICT_TEMPLATES = False
    served = environment(loader=DictLoader({"page.html": "<p>{{ oranisation }}</p>"}))
    assert served.get_template("page.html").render() == "<p></p>"
    settings.PCNHUB_STRICT_TEMPLATES = True
    strict = environment(loader=DictLoader({"page.html": "<p>{{ oranisation }}</p>"}))
    with pytest.raises(UndefinedError):
        strict.get_template("page.html").render()
