"""ODS ePCN workbook: PCNs (sheet ``PCNDetails``) and their member practices with
dated relationships (sheet ``PCN Core Partner Details``).

The workbook holds each practice's PCN relationships since 2019, ended ones
included, so for every practice in it the file is taken as the whole truth from
that practice's first listed start date on. A practice we hold as a member that
the workbook no longer lists left its network by the extract date (``--as-at``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from pcnhub.core.dates import NETWORK_ERA_START, end_inclusive_to_exclusive
from pcnhub.register.importers.base import (
    ADDRESS_LINE_MAX,
    POSTCODE_MAX,
    Cells,
    Progress,
    cells_for,
    first_seen,
)
from pcnhub.register.importers.errors import Problems
from pcnhub.register.importers.reading import (
    Layout,
    match_layout,
    normalise_header,
    numbered,
    workbook_sheets,
)
from pcnhub.register.importers.writer import (
    Details,
    RegisterWriter,
    without_cycle_collection,
)
from pcnhub.register.models import OrganisationKind as Kind
from pcnhub.register.models import RelationshipKind as Rel
from pcnhub.register.timeline import Segment

ADDRESS = {f"address_{i}": f"Address Line {i}" for i in range(1, 6)}
DETAILS_LAYOUTS = [
    Layout(
        "PCNDetails, CCG headings (to mid-2022)",
        {
            "network": "PCN Code",
            "name": "PCN Name",
            "commissioner": "Current Clinical Commissioning Group Code",
            "commissioner_name": "Clinical Commissioning Group Name",
            "open_date": "Open Date",
            "close_date": "Close Date",
            **ADDRESS,
            "postcode": "Postcode",
        },
    ),
    Layout(
        "PCNDetails, sub-ICB location headings (from mid-2022)",
        {
            "network": "PCN Code",
            "name": "PCN Name",
            "commissioner": "Current Sub ICB Loc Code",
            "commissioner_name": "Sub ICB Location",
            "open_date": "Open Date",
            "close_date": "Close Date",
            **ADDRESS,
            "postcode": "Postcode",
        },
    ),
]


def _partners(name: str, parent: str) -> Layout:
    return Layout(
        name,
        {
            "practice": "Partner Organisation Code",
            "practice_name": "Partner Name",
            "practice_commissioner": f"Practice Parent {parent} Code",
            "network": "PCN Code",
            "start": "Practice to PCN Relationship Start Date",
            "end": "Practice to PCN Relationship End Date",
        },
    )


PARTNER_LAYOUTS = [
    _partners("PCN Core Partner Details, CCG headings", "CCG"),
    _partners("PCN Core Partner Details, sub-ICB location headings", "Sub ICB Loc"),
]
#: The rule named in import reports (docs/data-formats.md, "Tolerated anomalies").
MOVED_END = "membership end date moved to the day before the next start"
ONE_DAY = timedelta(days=1)
DETAILS_SHEETS = ("pcndetails", "pcn details")
PARTNER_SHEETS = ("pcn core partner details",)


@dataclass(frozen=True)
class NetworkRow:
    code: str
    details: Details
    commissioner: str | None
    commissioner_name: str
    commissioner_subtype: str


@dataclass(frozen=True)
class Membership:
    row: int
    practice: str
    name: str
    commissioner: str | None
    network: str
    start: date
    end: date | None  # last day, as the workbook gives it


@dataclass
class Workbook:
    day: date
    networks: list[NetworkRow]
    memberships: dict[str, list[Membership]]


class EpcnImporter:
    kind = "epcn"
    description = "ODS ePCN workbook: PCNs and practice-to-PCN relationships"
    as_at = "required"
    relationship_kinds = tuple(Rel)
    version_kinds = (Kind.NETWORK, Kind.PRACTICE, Kind.COMMISSIONER)
    list_measures = ()

    def read(self, path: Path, problems: Problems, as_at: date | None) -> Workbook:
        assert as_at is not None
        sheets = workbook_sheets(path, problems)
        by_name = {normalise_header(name): rows for name, rows in sheets.items()}
        details = _sheet(by_name, DETAILS_SHEETS, problems, sheets)
        partners = _sheet(by_name, PARTNER_SHEETS, problems, sheets)
        networks = _read_networks(details, problems)
        memberships = _read_memberships(partners, problems, {n.code for n in networks})
        problems.raise_if_any()
        return Workbook(as_at, networks, memberships)

    @without_cycle_collection
    def apply(
        self, parsed: Workbook, writer: RegisterWriter, progress: Progress
    ) -> None:
        day = parsed.day
        for net in parsed.networks:
            writer.details(
                net.code, Kind.NETWORK, day, net.details, net.details.open_date
            )
            if net.commissioner:
                said = Details(
                    name=net.commissioner_name or None,
                    subtype=net.commissioner_subtype,
                )
                writer.details(net.commissioner, Kind.COMMISSIONER, day, said, None)
                _oversee(writer, net, day)
        listed = parsed.memberships
        for practice in progress(listed, "practices", len(listed)):
            _apply_practice(writer, practice, listed[practice], day)
        writer.link_default(Rel.PRACTICE_NETWORK, day, set(listed))


def _sheet(by_name: dict, names: tuple[str, ...], problems: Problems, sheets: dict):
    for name in names:
        if name in by_name:
            return by_name[name]
    problems.reject(
        None,
        None,
        f"unknown layout: no sheet named {names[0]!r} "
        f"(sheets found: {', '.join(sheets) or 'none'})",
    )


def _read_networks(rows: list[tuple], problems: Problems) -> list[NetworkRow]:
    if not rows:
        problems.reject(None, None, "sheet PCNDetails is empty")
    layout, positions = match_layout(rows[0], DETAILS_LAYOUTS, problems)
    headings = {
        f: f"PCNDetails: {normalise_header(rows[0][i])}" for f, i in positions.items()
    }
    subtype = (
        "CCG" if "Clinical" in layout.columns["commissioner"] else "Sub-ICB location"
    )
    seen: dict = {}
    networks: list[NetworkRow] = []
    for number, row in numbered(rows[1:], 2):
        cells = cells_for(number, row, positions, headings, problems)
        before = len(problems.items)
        code = cells.code("network", "network")
        opened, closed = cells.period("open_date", "close_date", NETWORK_ERA_START)
        commissioner = cells.optional_code("commissioner", "commissioner")
        details = Details(
            name=cells.name("name"),
            address=_address(cells),
            postcode=cells.name("postcode", POSTCODE_MAX).upper(),
            open_date=opened,
            close_date=closed,
            status="C" if closed else "A",
        )
        commissioner_name = cells.name("commissioner_name")
        if len(problems.items) > before:
            continue
        net = NetworkRow(code, details, commissioner, commissioner_name, subtype)
        if first_seen(problems, seen, code, number, net, "PCN"):
            networks.append(net)
    return networks


def _address(cells: Cells) -> str:
    return "\n".join(
        line
        for i in range(1, 6)
        if (line := cells.name(f"address_{i}", ADDRESS_LINE_MAX))
    )


def _read_memberships(
    rows: list[tuple], problems: Problems, networks: set[str]
) -> dict[str, list[Membership]]:
    if not rows:
        problems.reject(None, None, "sheet PCN Core Partner Details is empty")
    _, positions = match_layout(rows[0], PARTNER_LAYOUTS, problems)
    headings = {
        f: f"PCN Core Partner Details: {normalise_header(rows[0][i])}"
        for f, i in positions.items()
    }
    seen: dict = {}
    by_practice: dict[str, list[Membership]] = defaultdict(list)
    for number, row in numbered(rows[1:], 2):
        cells = cells_for(number, row, positions, headings, problems)
        before = len(problems.items)
        practice = cells.code("practice", "practice")
        network = cells.code("network", "network")
        commissioner = cells.optional_code("practice_commissioner", "commissioner")
        start, end = cells.period("start", "end", NETWORK_ERA_START)
        name = cells.name("practice_name")
        if start is None and len(problems.items) == before:
            problems.add(number, headings["start"], "a relationship needs a start date")
        if network and network not in networks and len(problems.items) == before:
            problems.add(
                number,
                headings["network"],
                f"PCN {network} is not listed in sheet PCNDetails",
            )
        if len(problems.items) > before:
            continue
        item = Membership(
            number,
            practice,
            name,
            commissioner,
            network,
            start,
            end,
        )
        key = (practice, network, start)
        content = (end, commissioner)
        if first_seen(problems, seen, key, number, content, "relationship"):
            by_practice[practice].append(item)
    for practice, items in by_practice.items():
        items.sort(key=lambda m: m.start)
        _move_shared_end_days(items, problems)
        for a, b in zip(items, items[1:], strict=False):
            if a.end is None or b.start <= a.end:
                problems.add(
                    b.row,
                    headings["start"],
                    f"practice {practice} would be in two PCNs on {b.start}: "
                    f"{a.network} (row {a.row}) and {b.network} (row {b.row})",
                )
    return by_practice


def _move_shared_end_days(items: list[Membership], problems: Problems) -> None:
    """A membership that ends on the day the next one starts ends the day before.

    ODS end dates are the day before the next start; the February 2023 workbook
    has one move in 648 written with the same day for both (F82001: U86966 ends
    20220701, U11211 starts 20220701). One shared day is that slip, not a
    practice in two networks; a longer overlap is still rejected.
    """
    for i, (a, b) in enumerate(zip(items, items[1:], strict=False)):
        if a.end is not None and a.end == b.start and a.start < b.start:
            items[i] = replace(a, end=a.end - ONE_DAY)
            problems.tolerate(MOVED_END, f"{a.practice} (row {a.row})")


def _oversee(writer: RegisterWriter, net: NetworkRow, day: date) -> None:
    close = end_inclusive_to_exclusive(net.details.close_date)
    if close is not None and close <= day:
        # A closed PCN: its commissioner is the one it had when it closed.
        last_day = net.details.close_date
        segment = Segment(net.commissioner, last_day, close)
        writer.link_history(
            Rel.NETWORK_COMMISSIONER, net.code, [segment], last_day, day
        )
    else:
        writer.link_snapshot(Rel.NETWORK_COMMISSIONER, net.code, net.commissioner, day)


def _apply_practice(
    writer: RegisterWriter, practice: str, items: list[Membership], day: date
) -> None:
    writer.organisation(practice, Kind.PRACTICE)
    segments = [
        Segment(m.network, m.start, end_inclusive_to_exclusive(m.end)) for m in items
    ]
    writer.link_history(Rel.PRACTICE_NETWORK, practice, segments, items[0].start, day)
    latest = items[-1]
    current = latest.end is None or latest.end >= day
    if current:
        writer.details(practice, Kind.PRACTICE, day, Details(name=latest.name), None)
        if latest.commissioner:
            writer.organisation(latest.commissioner, Kind.COMMISSIONER)
            writer.link_snapshot(
                Rel.PRACTICE_COMMISSIONER, practice, latest.commissioner, day
            )
