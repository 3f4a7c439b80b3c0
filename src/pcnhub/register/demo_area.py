"""The demo area's structure: its organisations, dates and story, and its list sizes.

The fixed tables and the area over time, read by :mod:`pcnhub.register.demo_files`
to write the files; :mod:`pcnhub.register.demo` describes the story and is where
callers import the names from.
"""

from __future__ import annotations

import math
import random
import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

# --------------------------------------------------------------------------------
# The area
# --------------------------------------------------------------------------------

DEMO_REGION_CODE = "Y98"
DEMO_REGION_ONS_CODE = "E40999901"
DEMO_REGION_NAME = "Wendshire and the Vales"

DEMO_SYSTEM_CODE = "QZZ"
DEMO_SYSTEM_ONS_CODE = "E54999901"
DEMO_SYSTEM_NAME = "Wendmoor, Lyndale and Ashby Vale"

DEMO_COUNTY = "Wendshire"

WENDMOOR = "99Z"
LYNDALE = "98Z"
ASHBY_VALE = "97Z"

#: Commissioner code -> (name as the QOF mapping prints it, ONS code).
DEMO_COMMISSIONERS: dict[str, tuple[str, str]] = {
    WENDMOOR: ("NHS Wendmoor CCG", "E38999001"),
    LYNDALE: ("NHS Lyndale CCG", "E38999002"),
    ASHBY_VALE: ("NHS Ashby Vale CCG", "E38999003"),
}


class CommissionerMerger(NamedTuple):
    """Commissioners that merged: the predecessors' practices pass to successor."""

    predecessors: tuple[str, ...]
    successor: str
    effective: date


#: 98Z and 97Z merge into 99Z (which keeps its code and name) on 2021-04-01.
MERGED_COMMISSIONERS = CommissionerMerger(
    predecessors=(LYNDALE, ASHBY_VALE), successor=WENDMOOR, effective=date(2021, 4, 1)
)

#: Outcode -> town. All in the fictional postcode area "ZZ".
DEMO_OUTCODES: dict[str, str] = {
    "ZZ1": "Wendmoor",
    "ZZ2": "Northvale",
    "ZZ3": "Millbrook",
    "ZZ4": "Keston",
    "ZZ5": "Wendmoor East",
    "ZZ6": "Lyndale",
    "ZZ7": "Holbeck",
    "ZZ8": "Lynhead",
    "ZZ9": "Brackenford",
    "ZZ10": "Ashby",
    "ZZ11": "Ormston",
    "ZZ12": "Thornby",
    "ZZ13": "Fernham",
}

#: Outcode -> where its centroid lies, in km east and north of Wendmoor's (ZZ1).
#: Every network's members are within 10 km of one another except the far
#: practice's: Fernham (ZZ13) is about 25.5 km from Keston (ZZ4). Ormston (ZZ11)
#: is about 8 km from Ashby (ZZ10).
_OUTCODE_OFFSETS_KM: dict[str, tuple[float, float]] = {
    "ZZ1": (0.0, 0.0),
    "ZZ2": (1.0, 7.0),
    "ZZ3": (-6.0, 3.0),
    "ZZ4": (-8.0, -5.0),
    "ZZ5": (6.0, -1.0),
    "ZZ6": (15.0, 9.0),
    "ZZ7": (21.0, 13.0),
    "ZZ8": (17.0, 19.0),
    "ZZ9": (25.0, 5.0),
    "ZZ10": (-3.0, -16.0),
    "ZZ11": (4.0, -20.0),
    "ZZ12": (-12.0, -24.0),
    "ZZ13": (-26.0, 13.0),
}
#: Wendmoor's invented centroid: an Ordnance Survey grid reference in the English
#: Midlands and (approximately) the same point in latitude and longitude.
_ORIGIN_GRID = (430_000, 300_000)
_ORIGIN_DEGREES = (52.59662, -1.55716)
_KM_PER_DEGREE_LATITUDE = 111.25
_KM_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111.32

#: First day of every network and of the original memberships (Network Contract
#: DES go-live). The real ePCN workbook records most relationships from 20191001.
PCN_START_DATE = date(2019, 7, 1)

#: The deliberately far member: its village is about 25 km from the rest of its
#: network, which is therefore not geographically contiguous (at 10 or 20 km).
FAR_PRACTICE_CODE = "Z91031"
FAR_PRACTICE_PCN_CODE = "U99004"

MOVED_PRACTICE_CODE = "Z93005"
MOVED_FROM_PCN_CODE = "U99010"
MOVED_TO_PCN_CODE = "U99011"
#: First day in the new network; the old relationship ends the day before.
MOVE_DATE = date(2021, 10, 1)

UNCOVERED_PRACTICE_CODE = "Z93030"

CLOSING_PRACTICE_CODE = "Z92006"
CLOSING_PRACTICE_CLOSE_DATE = date(2021, 9, 30)
#: Takes most (70%) of the closing practice's patients by the 2022 list.
ABSORBING_PRACTICE_CODE = "Z92002"

LONG_CLOSED_PRACTICE_CODE = "Z91008"
LONG_CLOSED_PRACTICE_CLOSE_DATE = date(2018, 3, 31)

#: Registered list dates (1 January: the basis for the following financial year).
REGISTRATION_DATES = (date(2021, 1, 1), date(2022, 1, 1))

_QOF_AS_AT = date(2021, 1, 1)
_EPRACCUR_DATES = (date(2020, 12, 1), date(2022, 4, 1))
_EPCN_AS_AT = date(2022, 5, 1)

_CCG_ESTABLISHED = date(2013, 4, 1)


@dataclass(frozen=True)
class _Pcn:
    code: str
    name: str
    commissioner: str
    kind: str  # "small" (< 30,000), "normal" (30,000-50,000) or "large" (> 50,000)
    target: tuple[int, int]  # range the 1 Jan 2021 population is drawn from


@dataclass(frozen=True)
class _Practice:
    code: str
    name: str
    commissioner: str
    pcn: str | None  # network on 2021-01-01
    street: str
    outcode: str
    building: str = ""  # address line 1 when not the practice's own name
    opened: date = date(1974, 4, 1)
    closed: date | None = None
    size_hint: float = 1.0  # relative list size within its network


_PCNS: tuple[_Pcn, ...] = (
    _Pcn("U99001", "Wendmoor Central PCN", WENDMOOR, "large", (55_000, 62_000)),
    _Pcn("U99002", "Northvale PCN", WENDMOOR, "normal", (38_000, 47_000)),
    _Pcn("U99003", "Millbrook PCN", WENDMOOR, "normal", (37_000, 46_000)),
    _Pcn("U99004", "Keston, Fernham & Dale PCN", WENDMOOR, "small", (23_000, 28_000)),
    _Pcn("U99005", "Wendmoor East PCN", WENDMOOR, "normal", (37_000, 47_000)),
    _Pcn("U99006", "Lyndale Town PCN", LYNDALE, "normal", (40_000, 47_000)),
    _Pcn("U99007", "Holbeck and Shaw PCN", LYNDALE, "normal", (36_000, 46_000)),
    _Pcn("U99008", "Upper Lyn PCN", LYNDALE, "small", (21_000, 27_000)),
    _Pcn("U99009", "Brackenford PCN", LYNDALE, "normal", (37_000, 46_000)),
    _Pcn("U99010", "Ashby PCN", ASHBY_VALE, "normal", (43_000, 47_500)),
    _Pcn("U99011", "Ormston PCN", ASHBY_VALE, "normal", (33_000, 38_000)),
    _Pcn("U99012", "Vale Rural PCN", ASHBY_VALE, "small", (23_000, 28_000)),
)

_P = _Practice
_D = date
# fmt: off
_PRACTICE_TABLE: tuple[_Practice, ...] = (
    # 99Z NHS Wendmoor CCG
    _P("Z91001", "Castle Street Surgery", WENDMOOR, "U99001", "14 Castle Street",
       "ZZ1"),
    _P("Z91002", "Wendmoor Health Centre", WENDMOOR, "U99001", "Lawton Road", "ZZ1",
       building="The Health Centre", size_hint=3.2),
    _P("Z91003", "Market Square Medical Practice", WENDMOOR, "U99001",
       "2 Market Square", "ZZ1", opened=_D(1996, 4, 1)),
    _P("Z91004", "St Aldhelm's Surgery", WENDMOOR, "U99001", "Aldhelm Close", "ZZ1"),
    _P("Z91005", "Priory Lane Surgery", WENDMOOR, "U99001", "31 Priory Lane", "ZZ1",
       size_hint=0.6),
    _P("Z91006", "The Cornmarket Practice", WENDMOOR, "U99001", "7 Cornmarket",
       "ZZ1"),
    _P("Z91007", "Bridge End Medical Centre", WENDMOOR, "U99001", "Bridge End",
       "ZZ1", size_hint=1.3),
    _P("Z91008", "Tanners Yard Surgery", WENDMOOR, None, "4 Tanners Yard", "ZZ1",
       closed=LONG_CLOSED_PRACTICE_CLOSE_DATE),
    _P("Z91010", "Northvale Surgery", WENDMOOR, "U99002", "Northvale Road", "ZZ2",
       size_hint=1.4),
    _P("Z91011", "Hillcrest Medical Centre", WENDMOOR, "U99002", "Hillcrest Avenue",
       "ZZ2"),
    _P("Z91012", "Beacon Road Surgery", WENDMOOR, "U99002", "88 Beacon Road", "ZZ2"),
    _P("Z91013", "Larkfield Practice", WENDMOOR, "U99002", "Larkfield Way", "ZZ2",
       opened=_D(2004, 10, 1), size_hint=0.7),
    _P("Z91014", "The Ridgeway Surgery", WENDMOOR, "U99002", "The Ridgeway", "ZZ2"),
    _P("Z91020", "Millbrook Surgery", WENDMOOR, "U99003", "1 Mill Lane", "ZZ3",
       size_hint=1.5),
    _P("Z91021", "Mill Race Medical Practice", WENDMOOR, "U99003", "Mill Race",
       "ZZ3"),
    _P("Z91022", "Willow Bank Surgery", WENDMOOR, "U99003", "Willow Bank", "ZZ3"),
    _P("Z91023", "Riverside Health Centre", WENDMOOR, "U99003", "Riverside Walk",
       "ZZ3", building="Riverside Health Centre"),
    _P("Z91024", "Orchard House Surgery", WENDMOOR, "U99003", "Orchard Street",
       "ZZ3", building="Orchard House", size_hint=0.8),
    _P("Z91030", "Keston Surgery", WENDMOOR, "U99004", "High Street", "ZZ4",
       building="The Surgery", size_hint=1.4),
    _P("Z91031", "Fernham Village Surgery", WENDMOOR, "U99004", "Village Street",
       "ZZ13", building="The Surgery", size_hint=0.7),
    _P("Z91032", "Dale Medical Practice", WENDMOOR, "U99004", "Dale Road", "ZZ4"),
    _P("Z91033", "The Old Forge Surgery", WENDMOOR, "U99004", "Forge Lane", "ZZ4",
       opened=_D(1988, 1, 1), size_hint=0.8),
    _P("Z91040", "Eastgate Medical Centre", WENDMOOR, "U99005", "Eastgate", "ZZ5",
       size_hint=1.5),
    _P("Z91041", "Moorside Surgery", WENDMOOR, "U99005", "Moorside Road", "ZZ5"),
    _P("Z91042", "Heathfield Surgery", WENDMOOR, "U99005", "Heathfield Drive",
       "ZZ5"),
    _P("Z91043", "Station Road Surgery", WENDMOOR, "U99005", "12 Station Road",
       "ZZ5", size_hint=0.7),
    _P("Z91044", "Abbey View Practice", WENDMOOR, "U99005", "Abbey View", "ZZ5"),
    # 98Z NHS Lyndale CCG
    _P("Z92001", "Lyndale Medical Centre", LYNDALE, "U99006", "Lyn Street", "ZZ6",
       size_hint=1.6),
    _P("Z92002", "Church Lane Surgery", LYNDALE, "U99006", "3 Church Lane", "ZZ6"),
    _P("Z92003", "Kingsway Practice", LYNDALE, "U99006", "140 Kingsway", "ZZ6"),
    _P("Z92004", "The Maltings Surgery", LYNDALE, "U99006", "The Maltings", "ZZ6",
       opened=_D(2010, 7, 1)),
    _P("Z92005", "Lyn Valley Surgery", LYNDALE, "U99006", "Valley Road", "ZZ6"),
    _P("Z92006", "Well Street Surgery", LYNDALE, "U99006", "22 Well Street", "ZZ6",
       closed=CLOSING_PRACTICE_CLOSE_DATE, size_hint=0.35),
    _P("Z92010", "Holbeck Surgery", LYNDALE, "U99007", "Holbeck Road", "ZZ7",
       size_hint=1.3),
    _P("Z92011", "Shaw Green Medical Practice", LYNDALE, "U99007", "Shaw Green",
       "ZZ7"),
    _P("Z92012", "Brookside Surgery", LYNDALE, "U99007", "Brookside", "ZZ7"),
    _P("Z92013", "Elm Tree Surgery", LYNDALE, "U99007", "9 Elm Tree Road", "ZZ7",
       size_hint=0.8),
    _P("Z92014", "Parkview Medical Centre", LYNDALE, "U99007", "Park Road", "ZZ7"),
    _P("Z92020", "Lynhead Surgery", LYNDALE, "U99008", "Lynhead", "ZZ8",
       building="The Surgery", size_hint=1.3),
    _P("Z92021", "Fellside Practice", LYNDALE, "U99008", "Fellside", "ZZ8"),
    _P("Z92022", "Greystone Surgery", LYNDALE, "U99008", "Greystone Lane", "ZZ8",
       size_hint=0.6),
    _P("Z92023", "The Dales Practice", LYNDALE, "U99008", "Dales Road", "ZZ8"),
    _P("Z92030", "Brackenford Health Centre", LYNDALE, "U99009", "Quay Street",
       "ZZ9", building="The Health Centre", size_hint=1.7),
    _P("Z92031", "Ferry Lane Surgery", LYNDALE, "U99009", "Ferry Lane", "ZZ9"),
    _P("Z92032", "Quayside Medical Practice", LYNDALE, "U99009", "The Quayside",
       "ZZ9"),
    _P("Z92033", "Harbour Road Surgery", LYNDALE, "U99009", "45 Harbour Road", "ZZ9",
       size_hint=0.7),
    _P("Z92034", "Saltmarsh Surgery", LYNDALE, "U99009", "Saltmarsh Lane", "ZZ9"),
    # 97Z NHS Ashby Vale CCG
    _P("Z93001", "Ashby Medical Centre", ASHBY_VALE, "U99010", "Ashby Road", "ZZ10",
       size_hint=1.5),
    _P("Z93002", "Vale House Surgery", ASHBY_VALE, "U99010", "Vale Street", "ZZ10",
       building="Vale House"),
    _P("Z93003", "Chantry Surgery", ASHBY_VALE, "U99010", "Chantry Lane", "ZZ10"),
    _P("Z93004", "Three Bridges Practice", ASHBY_VALE, "U99010", "Three Bridges",
       "ZZ10", size_hint=0.8),
    _P("Z93005", "Ormston Road Surgery", ASHBY_VALE, "U99010", "210 Ormston Road",
       "ZZ11", size_hint=0.9),
    _P("Z93010", "Ormston Surgery", ASHBY_VALE, "U99011", "Market Place", "ZZ11",
       building="The Surgery", size_hint=1.3),
    _P("Z93011", "The Green Practice", ASHBY_VALE, "U99011", "The Green", "ZZ11"),
    _P("Z93012", "Meadowbank Surgery", ASHBY_VALE, "U99011", "Meadowbank", "ZZ11"),
    _P("Z93013", "Cross Keys Medical Practice", ASHBY_VALE, "U99011", "Cross Keys",
       "ZZ11", opened=_D(2005, 4, 1)),
    _P("Z93020", "Thornby Surgery", ASHBY_VALE, "U99012", "Church Street", "ZZ12",
       building="The Surgery", size_hint=1.3),
    _P("Z93021", "Little Ashby Practice", ASHBY_VALE, "U99012", "Little Ashby",
       "ZZ12", size_hint=0.7),
    _P("Z93022", "Copse Hill Surgery", ASHBY_VALE, "U99012", "Copse Hill", "ZZ12"),
    _P("Z93023", "Westwold Surgery", ASHBY_VALE, "U99012", "Westwold Road", "ZZ12"),
    _P("Z93030", "Hartley Road Surgery", ASHBY_VALE, None, "61 Hartley Road", "ZZ10",
       opened=_D(1999, 10, 1)),
)
# fmt: on
_PRACTICES: tuple[_Practice, ...] = tuple(sorted(_PRACTICE_TABLE, key=lambda p: p.code))
_PRACTICE_BY_CODE: dict[str, _Practice] = {p.code: p for p in _PRACTICES}
_PCN_BY_CODE: dict[str, _Pcn] = {n.code: n for n in _PCNS}

#: PCN code -> name (as the QOF mapping prints it; ODS files use upper case).
DEMO_PCNS: dict[str, str] = {n.code: n.name for n in _PCNS}
#: Practice code -> name (QOF style), every practice in the epraccur extracts.
DEMO_PRACTICES: dict[str, str] = {p.code: p.name for p in _PRACTICES}
SMALL_PCN_CODES: tuple[str, ...] = tuple(n.code for n in _PCNS if n.kind == "small")
LARGE_PCN_CODES: tuple[str, ...] = tuple(n.code for n in _PCNS if n.kind == "large")


# --------------------------------------------------------------------------------
# The area over time
# --------------------------------------------------------------------------------


def _is_open(practice: _Practice, on: date) -> bool:
    """Open on the day (a practice is open on its close date, closed after it)."""
    return practice.opened <= on and (practice.closed is None or on <= practice.closed)


def _commissioner_on(practice: _Practice, on: date) -> tuple[str, date]:
    """The practice's commissioner on the day (or at closure) and its join date."""
    merger = MERGED_COMMISSIONERS
    last_day = on if practice.closed is None else min(on, practice.closed)
    if practice.commissioner in merger.predecessors and last_day >= merger.effective:
        return merger.successor, merger.effective
    return practice.commissioner, max(_CCG_ESTABLISHED, practice.opened)


def _pcn_on(practice: _Practice, on: date) -> str | None:
    """The practice's network on the day, None when in none (or not open)."""
    if not _is_open(practice, on) or practice.pcn is None:
        return None
    if practice.code == MOVED_PRACTICE_CODE and on >= MOVE_DATE:
        return MOVED_TO_PCN_CODE
    return practice.pcn


@dataclass(frozen=True)
class _Membership:
    practice: str
    pcn: str
    start: date
    end: date | None  # last day (inclusive, as the ePCN workbook records it)


def _memberships() -> list[_Membership]:
    rows: list[_Membership] = []
    for practice in _PRACTICES:
        if practice.pcn is None:
            continue
        start = max(PCN_START_DATE, practice.opened)
        if practice.code == MOVED_PRACTICE_CODE:
            last = MOVE_DATE - timedelta(days=1)
            rows.append(_Membership(practice.code, practice.pcn, start, last))
            rows.append(_Membership(practice.code, MOVED_TO_PCN_CODE, MOVE_DATE, None))
        else:
            rows.append(
                _Membership(practice.code, practice.pcn, start, practice.closed)
            )
    return rows


# --------------------------------------------------------------------------------
# List sizes
# --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lists:
    registered: dict[date, dict[str, int]]
    weighted: dict[date, dict[str, Decimal]]


def _generate_lists(rng: random.Random) -> _Lists:
    """Draw list sizes until every network and practice is in its band."""
    for _ in range(1000):
        lists = _draw_lists(rng)
        if _lists_ok(lists):
            return lists
    raise RuntimeError("could not draw list sizes in their bands")  # pragma: no cover


def _draw_lists(rng: random.Random) -> _Lists:
    first, second = REGISTRATION_DATES
    start: dict[str, int] = {}
    for pcn in _PCNS:
        members = [p for p in _PRACTICES if p.pcn == pcn.code]
        target = rng.uniform(*pcn.target)
        weights = [p.size_hint * rng.lognormvariate(0.0, 0.4) for p in members]
        total = sum(weights)
        for practice, weight in zip(members, weights, strict=True):
            start[practice.code] = round(target * weight / total)
    start[UNCOVERED_PRACTICE_CODE] = round(rng.lognormvariate(math.log(4200), 0.15))
    registered = {
        first: {p.code: start[p.code] for p in _PRACTICES if _is_open(p, first)}
    }
    later: dict[str, int] = {}
    for practice in _PRACTICES:
        if not _is_open(practice, second):
            continue
        growth = min(1.07, max(0.95, rng.gauss(1.01, 0.02)))
        later[practice.code] = round(start[practice.code] * growth)
    later[ABSORBING_PRACTICE_CODE] += round(0.7 * start[CLOSING_PRACTICE_CODE])
    registered[second] = later

    weighted: dict[date, dict[str, Decimal]] = {first: {}, second: {}}
    for practice in _PRACTICES:
        base = rng.uniform(0.87, 1.21)
        for day in REGISTRATION_DATES:
            factor = base + rng.uniform(-0.02, 0.02)
            size = registered[day].get(practice.code)
            if size is not None:
                weighted[day][practice.code] = Decimal(repr(size * factor)).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP
                )
    return _Lists(registered, weighted)


def _lists_ok(lists: _Lists) -> bool:
    for day, sizes in lists.registered.items():
        if not all(1_500 <= size <= 30_000 for size in sizes.values()):
            return False
        totals: dict[str, int] = {}
        for code, size in sizes.items():
            pcn = _pcn_on(_PRACTICE_BY_CODE[code], day)
            if pcn is not None:
                totals[pcn] = totals.get(pcn, 0) + size
        for pcn in _PCNS:
            total = totals[pcn.code]
            if pcn.kind == "small" and not 15_000 <= total < 29_000:
                return False
            if pcn.kind == "normal" and not 31_000 <= total <= 49_000:
                return False
            if pcn.kind == "large" and not 51_000 <= total <= 65_000:
                return False
    first = sorted(lists.registered[REGISTRATION_DATES[0]].values())
    return 7_000 <= statistics.median(first) <= 9_500 and first[-1] >= 18_000
