"""Practice → PCN → commissioner → system → region mapping files.

Two publications carry this shape: QOF ``MAPPING_NHS_GEOGRAPHIES`` (a snapshot
with no date in it: give ``--as-at``) and the registrations publication's
``gp-reg-pat-prac-map`` (dated by its ``EXTRACT_DATE`` column). PCN code ``U``
("Unknown" / "Unallocated") means the practice is in no network.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pcnhub.core.codes import NO_NETWORK_CODES
from pcnhub.register.importers.base import (
    POSTCODE_MAX,
    Progress,
    cells_for,
    first_seen,
)
from pcnhub.register.importers.errors import Problems
from pcnhub.register.importers.reading import Layout, csv_rows, match_layout
from pcnhub.register.importers.writer import (
    Details,
    RegisterWriter,
    without_cycle_collection,
)
from pcnhub.register.models import OrganisationKind as Kind
from pcnhub.register.models import RelationshipKind as Rel


def _qof(name: str, system: str, commissioner: str) -> Layout:
    return Layout(
        name,
        {
            "region": "REGION_ODS_CODE",
            "region_name": "REGION_NAME",
            "system": f"{system}_ODS_CODE",
            "system_name": f"{system}_NAME",
            "commissioner": f"{commissioner}_ODS_CODE",
            "commissioner_name": f"{commissioner}_NAME",
            "network": "PCN_ODS_CODE",
            "network_name": "PCN_NAME",
            "practice": "PRACTICE_CODE",
            "practice_name": "PRACTICE_NAME",
        },
    )


def _map(name: str, system: str, commissioner: str) -> Layout:
    return Layout(
        name,
        {
            "extract_date": "EXTRACT_DATE",
            "region": "COMM_REGION_CODE",
            "region_name": "COMM_REGION_NAME",
            "system": f"{system}_CODE",
            "system_name": f"{system}_NAME",
            "commissioner": f"{commissioner}_CODE",
            "commissioner_name": f"{commissioner}_NAME",
            "network": "PCN_CODE",
            "network_name": "PCN_NAME",
            "practice": "PRACTICE_CODE",
            "practice_name": "PRACTICE_NAME",
            "practice_postcode": "PRACTICE_POSTCODE",
        },
    )


QOF_LAYOUTS = [
    _qof("QOF mapping, STP/CCG headings (to 2020/21)", "STP", "CCG"),
    _qof("QOF mapping, ICB/sub-ICB-location headings (2021/22)", "ICB", "SUB_ICB_LOC"),
    _qof("QOF mapping, ICB/sub-ICB headings (2022/23 on)", "ICB", "SUB_ICB"),
]
MAP_LAYOUTS = [
    _map("gp-reg-pat-prac-map, STP/CCG headings", "STP", "CCG"),
    _map("gp-reg-pat-prac-map, ICB/sub-ICB headings", "ICB", "SUB_ICB_LOCATION"),
]


def subtypes(layout: Layout) -> tuple[str, str]:
    if layout.columns["commissioner"].startswith("CCG"):
        return "STP", "CCG"
    return "ICB", "Sub-ICB location"


@dataclass
class Mapping:
    day: date
    system_subtype: str
    commissioner_subtype: str
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    system_region: dict[str, str] = field(default_factory=dict)
    commissioner_system: dict[str, str] = field(default_factory=dict)
    practice_commissioner: dict[str, str] = field(default_factory=dict)
    practice_network: dict[str, str | None] = field(default_factory=dict)
    practice_postcode: dict[str, str] = field(default_factory=dict)
    network_commissioners: dict[str, Counter] = field(
        default_factory=lambda: defaultdict(Counter)
    )


def read_mapping(
    path: Path, problems: Problems, as_at: date | None, layouts: list[Layout]
) -> Mapping:
    rows = csv_rows(path, problems)
    layout, positions = match_layout(rows[0], layouts, problems)
    headings = {f: rows[0][i].strip() for f, i in positions.items()}
    system_subtype, commissioner_subtype = subtypes(layout)
    day = as_at
    mapping: Mapping | None = None
    seen: dict = {}
    parents: dict[tuple[str, str], tuple[int, str]] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = cells_for(number, row, positions, headings, problems)
        if "extract_date" in positions:
            row_day = cells.extract_date("extract_date")
            if row_day is None:
                continue
            if day is None:
                day = row_day
            elif row_day != day:
                problems.add(
                    number,
                    headings["extract_date"],
                    f"extract date {row_day} differs from {day} "
                    "(one file describes one day)",
                )
        if mapping is None:
            if day is None:
                problems.reject(None, None, "this file carries no date: give --as-at")
            mapping = Mapping(day, system_subtype, commissioner_subtype)
        _read_row(cells, mapping, seen, parents)
    if mapping is None:
        problems.reject(None, None, "the file has headings but no rows")
    problems.raise_if_any()
    return mapping


def _read_row(cells, mapping: Mapping, seen: dict, parents: dict) -> None:
    problems, number = cells.problems, cells.row
    before = len(problems.items)
    region = cells.code("region", "region")
    system = cells.code("system", "system")
    commissioner = cells.code("commissioner", "commissioner")
    network = cells.code("network", "network", allow=NO_NETWORK_CODES)
    practice = cells.code("practice", "practice")
    names = {
        field: cells.name(field)
        for field in (
            "region_name",
            "system_name",
            "commissioner_name",
            "network_name",
            "practice_name",
        )
    }
    if len(problems.items) > before:
        return
    in_network = None if network in NO_NETWORK_CODES else network
    content = (region, system, commissioner, in_network)
    if not first_seen(problems, seen, practice, number, content, "practice"):
        return
    for child, parent, what in (
        (system, region, "system"),
        (commissioner, system, "commissioner"),
    ):
        first = parents.setdefault((what, child), (number, parent))
        if first[1] != parent:
            problems.add(
                number,
                None,
                f"{what} {child} is placed under {parent} here but under "
                f"{first[1]} in row {first[0]}",
            )
    mapping.system_region[system] = region
    mapping.commissioner_system[commissioner] = system
    mapping.practice_commissioner[practice] = commissioner
    mapping.practice_network[practice] = in_network
    mapping.names[(Kind.REGION, region)] = names["region_name"]
    mapping.names[(Kind.SYSTEM, system)] = names["system_name"]
    mapping.names[(Kind.COMMISSIONER, commissioner)] = names["commissioner_name"]
    mapping.names[(Kind.PRACTICE, practice)] = names["practice_name"]
    if in_network:
        mapping.names[(Kind.NETWORK, in_network)] = names["network_name"]
        mapping.network_commissioners[in_network][commissioner] += 1
    if "practice_postcode" in cells.values:
        postcode = cells.name("practice_postcode", POSTCODE_MAX).upper()
        mapping.practice_postcode[practice] = postcode


def apply_mapping(mapping: Mapping, writer: RegisterWriter, progress: Progress) -> None:
    day = mapping.day
    subtype = {
        Kind.SYSTEM: mapping.system_subtype,
        Kind.COMMISSIONER: mapping.commissioner_subtype,
    }
    for kind in (Kind.REGION, Kind.SYSTEM, Kind.COMMISSIONER, Kind.NETWORK):
        for (k, code), name in mapping.names.items():
            if k == kind:
                said = Details(name=name or None, subtype=subtype.get(kind))
                writer.details(code, kind, day, said, None)
    for system, region in mapping.system_region.items():
        writer.link_snapshot(Rel.SYSTEM_REGION, system, region, day)
    for commissioner, system in mapping.commissioner_system.items():
        writer.link_snapshot(Rel.COMMISSIONER_SYSTEM, commissioner, system, day)
    for network, counter in mapping.network_commissioners.items():
        # A network whose members sit under two commissioners is overseen by the
        # one most of its members belong to.
        commissioner = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        writer.link_snapshot(Rel.NETWORK_COMMISSIONER, network, commissioner, day)
    practices = mapping.practice_commissioner
    for practice in progress(practices, "practices", len(practices)):
        said = Details(
            name=mapping.names[(Kind.PRACTICE, practice)] or None,
            postcode=mapping.practice_postcode.get(practice),
        )
        writer.details(practice, Kind.PRACTICE, day, said, None)
        writer.link_snapshot(
            Rel.PRACTICE_COMMISSIONER, practice, practices[practice], day
        )
        writer.link_snapshot(
            Rel.PRACTICE_NETWORK, practice, mapping.practice_network[practice], day
        )


class QofMappingImporter:
    kind = "qof-mapping"
    description = (
        "QOF MAPPING_NHS_GEOGRAPHIES: practice → PCN → CCG/sub-ICB → STP/ICB → region"
    )
    as_at = "required"
    relationship_kinds = tuple(Rel)
    version_kinds = tuple(Kind)
    list_measures = ()

    def read(self, path: Path, problems: Problems, as_at: date | None) -> Mapping:
        return read_mapping(path, problems, as_at, QOF_LAYOUTS)

    @without_cycle_collection
    def apply(
        self, parsed: Mapping, writer: RegisterWriter, progress: Progress
    ) -> None:
        apply_mapping(parsed, writer, progress)
