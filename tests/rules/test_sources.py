"""The sources catalogue: every code cited resolves to a document a reader can open."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from pcnhub.rules import checks, sources
from pcnhub.rules.params import PARAMETERS_DIR, Source
from pcnhub.rules.snapshot import Network, NetworkFacts, Practice, whole_period

CODES_IN_BRACKETS = re.compile(r"\[[A-Z]{1,3}\d")


def _refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "refs" and isinstance(value, list):
                yield from (str(code) for code in value)
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def cited_in_parameter_files() -> dict[str, list[str]]:
    """code → the parameter files that cite it (every file, local ones too)."""
    found: dict[str, list[str]] = {}
    for path in sorted(PARAMETERS_DIR.rglob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            for code in _refs(yaml.safe_load(handle)):
                found.setdefault(code, []).append(str(path.relative_to(PARAMETERS_DIR)))
    return found


def test_every_code_in_the_parameter_files_is_in_the_catalogue() -> None:
    cited = cited_in_parameter_files()
    assert len(cited) > 50  # the scan found the files' refs
    missing = {
        code: files for code, files in cited.items() if code in sources.unknown(cited)
    }
    assert not missing, "codes cited but not in sources.yaml: " + "; ".join(
        f"{code} (in {', '.join(files)})" for code, files in sorted(missing.items())
    )


def test_every_code_the_checks_cite_is_in_the_catalogue() -> None:
    assert checks.CITED_CODES
    assert sources.unknown(checks.CITED_CODES) == []


def test_every_entry_is_complete() -> None:
    entries = sources.catalogue()
    assert len(entries) > 200
    for code, entry in entries.items():
        assert entry.code == code
        assert entry.title.strip() and entry.publisher.strip(), code
    # Only the third-party files whose repository was not recorded lack a link.
    assert sorted(c for c, e in entries.items() if not e.url) == ["GH2", "GH3"]


def test_a_citation_reads_as_title_section_publisher_date_and_link() -> None:
    (citation,) = sources.cite(["N2"], "section 1.1–1.5")
    assert citation.text() == (
        "Network Contract DES – Contract specification 2020/21 – PCN Requirements "
        "and Entitlements, section 1.1–1.5 (NHS England & NHS Improvement, "
        "31 Mar 2020) "
        "https://www.readkong.com/page/network-contract-directed-enhanced-service-"
        "contract-6068294"
    )
    assert citation.label.endswith("(NHS England & NHS Improvement, 31 Mar 2020)")


def test_the_section_goes_with_the_first_code_only() -> None:
    first, second = sources.cite(["N1", "B4"], "reader box")
    assert first.section == "reader box" and second.section == ""
    assert second.label == "How to create and run a PCN (BMA, 16 Jan 2020)"


def test_an_unknown_code_says_so_instead_of_failing_a_page() -> None:
    (citation,) = sources.cite(["Q99"])
    assert "Q99" in citation.title and "not in pcnhub's catalogue" in citation.title
    assert sources.unknown(["N1", "Q99"]) == ["Q99"]


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("§4.4.2; reference §2.1–2.2", "section 4.4.2"),
        ("reference §2.1, population", ""),
        ("reader box; reference §1", "reader box"),
        ("paras 2–4", "paras 2–4"),
        ("DES §10.5.4", "DES section 10.5.4"),
        ("PCN DES 2026/27 §§8.4.3–8.4.4", "PCN DES 2026/27 sections 8.4.3–8.4.4"),
        ("requirement in reference §2.1 (geography)", ""),
        ("reference §6 and §10 line 7 (inference)", "an inference from it"),
    ],
)
def test_document_sections_keep_the_documents_own(section: str, expected: str) -> None:
    assert sources.document_section(section) == expected


def test_a_parameter_source_becomes_citations_without_codes() -> None:
    source = Source(
        "Network Contract DES Specification 2019/20 (as reported)",
        "§4.4.2; reference §2.1–2.2",
        ("A18", "B4", "N6"),
    )
    text = sources.source_text(source)
    assert not CODES_IN_BRACKETS.search(text)
    assert (
        "PCNs – first year national entitlements, quoting Network Contract DES "
        "Specification 2019/20, section 4.4.2 (BW Medical, 2019) https://"
    ) in text
    assert text.count("https://") == 3


def test_a_quote_of_the_des_names_the_des_section() -> None:
    source = Source(
        "Network Contract DES 2024/25 (updated 26 Sep 2024), as quoted in ICB "
        "GP ARRS FAQ slides",
        "DES §10.5.4",
        ("A36", "P13"),
    )
    first, _ = sources.citations(source)
    assert first.label == (
        "GP ARRS FAQ slides (2024/25), quoting Network Contract DES 2024/25 "
        "(updated 26 Sep 2024), section 10.5.4 (NHS England / ICB, 2024)"
    )


def test_a_source_of_its_own_keeps_its_section() -> None:
    source = Source("NHS England letter C1050", "paras 2–4", ("N9", "B7"))
    first, _ = sources.citations(source)
    assert first.section == "paras 2–4"


def test_a_source_without_codes_is_its_own_document() -> None:
    source = Source("NHS Digital, NHS Payments to General Practice", "a sum", ())
    (citation,) = sources.citations(source)
    assert citation.text() == "NHS Digital, NHS Payments to General Practice, a sum"


def test_check_findings_cite_documents_with_links() -> None:
    practice = Practice("Z10001", registered=Decimal(25000), core_contract=True)
    network = Network(
        "U10001",
        commissioner="99Z",
        memberships=whole_period([practice]),
        facts=NetworkFacts(data_sharing=True),
        lists_on=date(2021, 1, 1),
    )
    findings = checks.check_network(network, date(2021, 6, 1))
    coverage = checks.check_coverage("99Z", [practice], [network], date(2021, 6, 1))
    for finding in findings + coverage:
        assert finding.citations, finding.rule
        assert not CODES_IN_BRACKETS.search(finding.source), finding.source
        assert "https://" in finding.source, finding.rule
        assert finding.row()["source"] == finding.source


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('X1: {title: "T", publisher: "P", date: "", url: ""}\n', "not a source code"),
        ('N1: {title: "T", publisher: "P", date: ""}\n', "give exactly"),
        ('N1: {title: "T", publisher: "P", date: 2019, url: ""}\n', "N1.date"),
        ('N1: {title: "", publisher: "P", date: "", url: ""}\n', "title"),
        ('N1: {title: "T", publisher: "P", date: "", url: "www.x"}\n', "N1.url"),
        ("[]\n", "a mapping"),
    ],
)
def test_the_loader_names_the_code_and_the_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "bad-sources.yaml"
    path.write_text(text.replace("X1", "x1"), encoding="utf-8")
    with pytest.raises(sources.SourcesError, match=re.escape(problem)) as raised:
        sources.load(path)
    assert "bad-sources.yaml" in str(raised.value)
