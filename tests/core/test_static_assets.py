"""Nothing pcnhub serves makes the browser ask another site for anything.

The NHS.UK stylesheet, as published, loads the Frutiger font from
assets.nhs.uk: a request outside pcnhub that its CSP refuses (a console error
on every page). The vendored copy has those @font-face rules removed
(scripts/vendor-nhsuk-frontend.sh), so the stylesheet's fallback, Arial, is
used. The browser test (test_serving_browser.py) checks the same in chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "pcnhub"
STATIC = sorted(
    p
    for p in SRC.glob("*/static/**/*")
    if p.suffix in {".css", ".js", ".html", ".svg"} and p.is_file()
)
#: url(...), @import "...", and src=/href= attributes with an absolute address.
OUTSIDE = re.compile(
    r"""(?:url\(\s*['"]?|@import\s+['"]|(?:src|href)=['"])\s*(?:https?:)?//""",
    re.IGNORECASE,
)


def test_there_are_static_files_to_check() -> None:
    assert any(p.name == "nhsuk-frontend.min.css" for p in STATIC)


@pytest.mark.parametrize("path", STATIC, ids=[str(p.relative_to(SRC)) for p in STATIC])
def test_no_static_file_loads_from_another_site(path: Path) -> None:
    text = path.read_text(errors="replace")
    found = [m.group(0) for m in OUTSIDE.finditer(text)]
    assert not found, f"{path.relative_to(SRC)} loads from outside: {found[:3]}"


def test_the_nhs_stylesheet_falls_back_to_arial() -> None:
    css = (SRC / "web/static/nhsuk/nhsuk-frontend.min.css").read_text()
    assert "@font-face" not in css and "assets.nhs.uk" not in css
    assert "font-family:Frutiger W01,arial,sans-serif" in css


def test_the_vendoring_script_removes_the_font_faces() -> None:
    script = (SRC.parents[1] / "scripts" / "vendor-nhsuk-frontend.sh").read_text()
    assert r"s#@font-face\{[^}]*\}##g" in script
