"""Sources a commissioner can follow: the documents behind parameters and checks.

Parameter files cite their sources by the rules reference's codes (``refs:
[A18, B4]``). Those codes mean nothing to a reader, so everything shown to one
cites the catalogue entry instead: the document's title, the section where the
parameter names one, its publisher and date, and a link, e.g. "Network Contract
DES – Contract specification 2020/21 – PCN Requirements and Entitlements,
section 1.1–1.5 (NHS England & NHS Improvement, 31 Mar 2020) https://…".

The catalogue is ``sources.yaml`` beside this module, taken from the sources
lists of the reference. :func:`cite` turns codes into :class:`Citation`; and
:func:`citations` and :func:`source_text` do so for a parameter's source.
:func:`markdown_source` and :func:`markdown_text` do the same for the rules
document (``docs/rules.md``): Markdown links, and bracketed codes in notes
replaced by the documents' titles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from pcnhub.rules.params import Source

CATALOGUE = Path(__file__).with_name("sources.yaml")
FIELDS = ("title", "publisher", "date", "url")
_CODE = re.compile(r"^[A-Z]{1,3}[0-9]+[a-z]?$")
# "reference §2.1" points into pcnhub's own notes, which a commissioner does
# not hold; the document's own sections ("§4.4.2", "paras 2–4") are kept.
_INTERNAL = re.compile(r"^(requirement in )?reference\b|^as for ", re.IGNORECASE)
# "Network Contract DES Specification 2019/20 (as reported)": the section is
# the quoted document's, not the reporting source's.
_QUOTED = re.compile(
    r"^(?P<name>.*?)(?:\s*\(as reported\)|,?\s+as (?:reported|quoted)\b.*)$"
)


class SourcesError(ValueError):
    """The catalogue file is wrong; the message names the file and the code."""


@dataclass(frozen=True, slots=True)
class Citation:
    """One document, as a reader finds it."""

    code: str
    title: str
    publisher: str = ""
    date: str = ""
    url: str = ""
    section: str = ""

    @property
    def label(self) -> str:
        """``Title, section 7.3 (Publisher, date)``: the text of a link."""
        text = self.title + (f", {self.section}" if self.section else "")
        imprint = ", ".join(part for part in (self.publisher, self.date) if part)
        return f"{text} ({imprint})" if imprint else text

    def text(self) -> str:
        """The label and the link, for CSV cells and the command line."""
        return f"{self.label} {self.url}" if self.url else self.label

    def as_dict(self) -> dict[str, str]:
        return {
            "title": self.title,
            "section": self.section,
            "publisher": self.publisher,
            "date": self.date,
            "url": self.url,
        }


def _entry(name: str, code: object, raw: object) -> Citation:
    where = f"{name}: {code}"
    if not isinstance(code, str) or not _CODE.match(code):
        raise SourcesError(f"{where}: not a source code (a letter code and digits)")
    if not isinstance(raw, dict) or set(raw) != set(FIELDS):
        raise SourcesError(f"{where}: give exactly {', '.join(FIELDS)}")
    for name in FIELDS:
        if not isinstance(raw[name], str):
            raise SourcesError(f"{where}.{name}: a quoted text")
    if not raw["title"].strip() or not raw["publisher"].strip():
        raise SourcesError(f"{where}: the title and publisher are needed")
    if raw["url"] and not raw["url"].startswith(("https://", "http://")):
        raise SourcesError(f"{where}.url: a web address (http or https)")
    return Citation(code, raw["title"], raw["publisher"], raw["date"], raw["url"])


def load(path: Path) -> dict[str, Citation]:
    """A catalogue file; raise :class:`SourcesError` naming the first problem."""
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    if not isinstance(raw, dict) or not raw:
        raise SourcesError(f"{path.name}: a mapping of source codes")
    return {code: _entry(path.name, code, entry) for code, entry in raw.items()}


@cache
def catalogue() -> dict[str, Citation]:
    """Every source code pcnhub knows, with its document (read once)."""
    return load(CATALOGUE)


def unknown(codes: Iterable[str]) -> list[str]:
    """The codes that are not in the catalogue, in the order given."""
    known = catalogue()
    return [code for code in codes if code not in known]


def cite(codes: Iterable[str], section: str = "") -> list[Citation]:
    """The documents behind ``codes``; ``section`` is the first one's section.

    A code missing from the catalogue still gives a citation that says so (the
    test of the catalogue keeps that from shipping), rather than failing a page.
    """
    known = catalogue()
    found = []
    for i, code in enumerate(codes):
        entry = known.get(code) or Citation(
            code, f"source {code} (not in pcnhub's catalogue of sources)"
        )
        if i == 0 and section:
            entry = Citation(
                entry.code,
                entry.title,
                entry.publisher,
                entry.date,
                entry.url,
                section,
            )
        found.append(entry)
    return found


def document_section(section: str) -> str:
    """The document's own section in a parameter's ``section``, for readers.

    ``"§4.4.2; reference §2.1–2.2"`` gives ``"section 4.4.2"``; a section that
    only points into pcnhub's reference gives ``""``.
    """
    parts = [part.strip() for part in section.split(";")]
    kept = [part for part in parts if part and not _INTERNAL.match(part)]
    text = "; ".join(kept).replace("§§", "sections ").replace("§", "section ")
    if any("inference" in part for part in parts if part not in kept):
        text = "; ".join(filter(None, [text, "an inference from it"]))
    return text


def citations(source: Source) -> list[Citation]:
    """A parameter's source as documents a reader can open.

    A source with no codes (a data file pcnhub summed, say) is its own
    document, described in full.
    """
    if source.refs:
        return cite(source.refs, _quoting(source.document, source.section))
    return [Citation("", source.document, section=source.section)]


def _quoting(document: str, section: str) -> str:
    """The section, said as the reporting source's quote of the document's."""
    own = document_section(section)
    quoted = _QUOTED.match(document)
    if not own or quoted is None:
        return own
    name = quoted.group("name").strip()
    if "DES" in name:
        own = own.removeprefix("DES ")
    return f"quoting {name}, {own}"


def source_text(source: Source) -> str:
    """Every citation of ``source`` as text, ``; `` between them."""
    return "; ".join(c.text() for c in citations(source))


def _markdown(citation: Citation) -> str:
    label = citation.label.replace("|", "\\|").replace("[", "(").replace("]", ")")
    return f"[{label}]({citation.url})" if citation.url else label


def markdown_source(source: Source) -> str:
    """``source`` for a Markdown document: each document's title and section, a
    link where the catalogue has one, never the reference's codes."""
    return "; ".join(_markdown(c) for c in citations(source))


_BRACKETS = re.compile(r"\s*\[([^\[\]]+)\]")


def markdown_text(text: str) -> str:
    """Free text (a note, a conflict) with its bracketed source codes
    (``[A14; L10]``) turned into the documents' titles and links; parts that
    point into pcnhub's own reference are left out."""

    def replace(match: re.Match[str]) -> str:
        parts = [part.strip() for part in match.group(1).split(";")]
        if not any(_CODE.match(part) for part in parts):
            return match.group(0)
        known = catalogue()
        said = []
        for part in parts:
            if _CODE.match(part):
                entry = known.get(part)
                if entry is None:
                    said.append(f"source {part} (not in pcnhub's catalogue of sources)")
                else:
                    title = entry.title.replace("|", "\\|")
                    said.append(f"[{title}]({entry.url})" if entry.url else title)
            elif part and not _INTERNAL.match(part):
                said.append(part)
        return f" ({'; '.join(said)})" if said else ""

    return _BRACKETS.sub(replace, text)
