"""Only the register site imports the register site (issue 10, "one UI kit").

The helpers every page shares (the frame, tags, links, forms, refusals, contract
years, outcomes) are pcnhub.ui's; nothing outside pcnhub.web imports pcnhub.web.
The project's wiring, pcnhub.urls and pcnhub.settings, names its modules as
strings (``include("pcnhub.web.urls")``, middleware paths), never as imports,
and is allowed to; pcnhub.api, above the site in the layers, imports only the
register's API router (pcnhub.web.api) to mount it. import-linter holds the
same through the layer and web-layer contracts; this walks the source itself,
so a ratchet line added to pyproject.toml cannot hide an import either.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "pcnhub"
WIRING = {PACKAGE / "urls.py", PACKAGE / "settings.py"}
#: The one import of the site from outside it: pcnhub.api (above pcnhub.web in
#: the layers) mounts the register's API router, pcnhub.web.api, as it mounts
#: every app's. Nothing else of the site, and nothing from anywhere else.
MOUNTED = {(PACKAGE / "api.py", "pcnhub.web.api")}


def _module_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """Every module ``path`` (or ``source``, as if it were ``path``) imports,
    made absolute, with its line."""
    if source is None:
        source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    package = _module_of(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            # ``from pcnhub import web`` imports pcnhub.web too.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _is_web(module: str) -> bool:
    return module == "pcnhub.web" or module.startswith("pcnhub.web.")


def _outside_web() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if (PACKAGE / "web") not in path.parents and path not in WIRING
    ]


def test_nothing_outside_the_site_imports_it() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
        for path in _outside_web()
        for line, module in _imported(path)
        if _is_web(module) and not _mounted(path, module)
    ]
    assert offenders == []


def _mounted(path: Path, module: str) -> bool:
    return any(
        path == where and (module == router or module.startswith(f"{router}."))
        for where, router in MOUNTED
    )


def test_only_the_api_router_is_mounted_from_outside() -> None:
    """The exemption names the router module, not the site: pcnhub.api importing
    anything else of pcnhub.web would be an offender."""
    api = PACKAGE / "api.py"
    assert _mounted(api, "pcnhub.web.api.router")
    assert not _mounted(api, "pcnhub.web.views")
    assert not _mounted(api, "pcnhub.web")
    assert not _mounted(PACKAGE / "trail" / "api.py", "pcnhub.web.api")


def test_the_walk_covers_the_apps() -> None:
    walked = {path.relative_to(PACKAGE).parts[0] for path in _outside_web()}
    assert {"ui", "audit", "contract", "governance", "register", "workflow"} <= walked
    assert {"api.py", "access"} <= walked
    assert "web" not in walked


def test_the_walk_finds_every_form_of_import() -> None:
    sample = PACKAGE / "audit" / "sample.py"
    for source in (
        "import pcnhub.web.views\n",
        "from pcnhub.web.presenters import tag\n",
        "from pcnhub import web\n",
        "from ..web import views\n",
        "def f():\n    from pcnhub.web import views\n",
    ):
        assert any(_is_web(m) for _, m in _imported(sample, source)), source
    for source in ("from pcnhub.ui import frame\n", "import pcnhub.webhooks\n"):
        assert not any(_is_web(m) for _, m in _imported(sample, source)), source
