"""A synthetic demonstration area, written as files in the real NHS formats.

:func:`write_demo_files` writes an imaginary but realistic area (one region, one
system, three commissioners, 12 networks, 61 practices) as the same files users
download from NHS England / NHS Digital, so that the normal importers load it and
the demo exercises the same code paths as real data. Every name, code and postcode
is invented; none of the codes exists in the real national files.

The area's *structure* (codes, names, addresses, memberships, dates) is fixed and
described by the module constants below. The *numbers* (list sizes, weighted lists)
are drawn from ``random.Random(seed)``, so the same seed always gives byte-identical
files and a different seed gives different numbers with the same properties.

The story the files tell
------------------------
* Region ``Y98``, system (STP / ICB) ``QZZ``, commissioners ``99Z`` (NHS Wendmoor
  CCG), ``98Z`` (NHS Lyndale CCG) and ``97Z`` (NHS Ashby Vale CCG).
* On 2021-04-01 ``98Z`` and ``97Z`` merge into ``99Z`` (:data:`MERGED_COMMISSIONERS`):
  the later epraccur extract shows their practices under ``99Z`` with join date
  ``20210401``, and the predecessor codes no longer appear in any later file.
* 12 networks ``U99001``-``U99012``, all started 2019-07-01: most have 30,000-50,000
  registered patients, three are under 30,000 (rural) and one is over 50,000.
* :data:`MOVED_PRACTICE_CODE` leaves :data:`MOVED_FROM_PCN_CODE` and joins
  :data:`MOVED_TO_PCN_CODE` on :data:`MOVE_DATE` (the ePCN workbook ends the old
  relationship the day before). It lies in the new network's outcode (Ormston,
  ``ZZ11``, about 8 km from Ashby), so before the move it is its old network's
  one member outside Ashby, though within 10 km of the others.
* Geography: a practice is placed at its postcode district's centroid. Every
  network's members lie within 10 km of one another (most share one outcode),
  except :data:`FAR_PRACTICE_CODE` of :data:`FAR_PRACTICE_PCN_CODE`: its village,
  Fernham (``ZZ13``), is about 25.5 km from the other members in Keston
  (``ZZ4``). So exactly one network, on every day, is not geographically
  contiguous at 10 km (nor at 20 km); at 30 km all are.
* :data:`UNCOVERED_PRACTICE_CODE` is in no network (QOF mapping ``U`` /
  "Unallocated"; no ePCN relationship).
* :data:`CLOSING_PRACTICE_CODE` closes on :data:`CLOSING_PRACTICE_CLOSE_DATE`
  (after the merger); most of its patients move to :data:`ABSORBING_PRACTICE_CODE`
  in the same network. :data:`LONG_CLOSED_PRACTICE_CODE` closed in 2018 and only
  appears, status ``C``, in the epraccur extracts.

Files, in the order they must be imported
-----------------------------------------
1. ``MAPPING_NHS_GEOGRAPHIES_2021.csv`` (kind ``qof-mapping``, as at 2021-01-01):
   QOF organisation mapping, header row, minimal quoting, LF line endings, sorted
   by practice code; the 60 practices open on 2021-01-01.
2. ``epraccur-2020-12.csv`` (kind ``epraccur``, as at 2020-12-01): no header,
   27 fields all quoted, CRLF line endings (as the real 2019-12 extract), sorted by
   code; all 61 practices.
3. ``gp-reg-pat-prac-all-2021-01.csv`` (kind ``registrations``, dated by its
   ``EXTRACT_DATE`` column ``01JAN2021``): header row, CRLF, sorted by commissioner
   then practice code; ``SEX`` and ``AGE`` are ``ALL``.
4. ``weighted-lists-2021-01.csv`` (kind ``weighted-lists``, dated by its rows):
   ``practice_code,effective_date,weighted_patients`` with ISO dates and 2 decimals.
5. ``epraccur-2022-04.csv`` (as at 2022-04-01; LF line endings, as the real 2022-04
   extract), 6. ``gp-reg-pat-prac-all-2022-01.csv``, 7. ``weighted-lists-2022-01.csv``.
8. ``ePCN-2022-05.xlsx`` (kind ``epcn``, as at 2022-05-01): sheets ``PCNDetails``
   and ``PCN Core Partner Details`` with the real header cells; dates are
   ``YYYYMMDD`` strings; in ``PCNDetails`` empty fields are empty strings, in the
   partner sheet an open relationship's end date is an empty cell, and the match
   flag is a boolean, as in the real workbook.
9. ``postcode-district-centroids.csv`` (kind ``postcode-districts``, reference
   data, undated): the header of the real centroid file
   (``postcode,eastings,northings,latitude,longitude,town,region,uk_region,
   country,country_string``), minimal quoting, LF line endings, sorted by outcode
   as text; one row per outcode in :data:`DEMO_OUTCODES`, with invented
   coordinates in the English Midlands laid out by ``_OUTCODE_OFFSETS_KM``
   (eastings and northings to 100 m, latitude and longitude to 5 decimals,
   approximately consistent), the outcode's town, the county as ``region`` and the
   NHS region's name as ``uk_region``.

epraccur columns (0-based positions, following the real extract)
----------------------------------------------------------------
0 practice code; 1 name (upper case); 2 national grouping (region code);
3 high-level health geography (system code); 4-8 address lines 1-5 (building,
street, town, county, always empty); 9 postcode; 10 open date ``YYYYMMDD``;
11 close date; 12 status (``A`` active, ``C`` closed, ``D`` dormant, ``P``
proposed); 13 organisation sub-type ``B``; 14 commissioner code; 15 date the
practice joined that commissioner; 16 date it left (the close date when closed);
17 telephone; 18-20 empty; 21 ``0``; 22 empty; 23 commissioner code again;
24 empty; 25 prescribing setting (``4`` = GP practice); 26 empty.

Postcodes use the fictional postcode area ``ZZ`` (outcodes in :data:`DEMO_OUTCODES`,
each a town of the imaginary county of Wendshire; ``ZZ99``, which the NHS uses for
pseudo-postcodes, is avoided). Telephone numbers are in Ofcom's drama range
``01632 960xxx``. ONS codes use the unused ``E38999``/``E40999``/``E54999`` ranges.
"""

from __future__ import annotations

import csv
import io
import math
import random
import re
import statistics
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple

import openpyxl
from openpyxl.utils import get_column_letter

__all__ = [
    "ABSORBING_PRACTICE_CODE",
    "CENTROIDS_HEADER",
    "CLOSING_PRACTICE_CLOSE_DATE",
    "CLOSING_PRACTICE_CODE",
    "DEMO_COMMISSIONERS",
    "DEMO_COUNTY",
    "DEMO_OUTCODES",
    "DEMO_PCNS",
    "DEMO_PRACTICES",
    "DEMO_REGION_CODE",
    "DEMO_REGION_NAME",
    "DEMO_REGION_ONS_CODE",
    "DEMO_SYSTEM_CODE",
    "DEMO_SYSTEM_NAME",
    "DEMO_SYSTEM_ONS_CODE",
    "EPCN_CORE_PARTNER_HEADERS",
    "EPCN_CORE_PARTNER_SHEET",
    "EPCN_DETAILS_HEADERS",
    "EPCN_DETAILS_SHEET",
    "FAR_PRACTICE_CODE",
    "FAR_PRACTICE_PCN_CODE",
    "LARGE_PCN_CODES",
    "LONG_CLOSED_PRACTICE_CLOSE_DATE",
    "LONG_CLOSED_PRACTICE_CODE",
    "MERGED_COMMISSIONERS",
    "MOVE_DATE",
    "MOVED_FROM_PCN_CODE",
    "MOVED_PRACTICE_CODE",
    "MOVED_TO_PCN_CODE",
    "PCN_START_DATE",
    "QOF_MAPPING_HEADER",
    "REGISTRATIONS_HEADER",
    "REGISTRATION_DATES",
    "SMALL_PCN_CODES",
    "UNCOVERED_PRACTICE_CODE",
    "WEIGHTED_LISTS_HEADER",
    "CommissionerMerger",
    "DemoFile",
    "write_demo_files",
]

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
# Real layouts
# --------------------------------------------------------------------------------

QOF_MAPPING_HEADER: tuple[str, ...] = (
    "NAT_ONS_CODE", "NAT_CODE", "COUNTRY", "REGION_ODS_CODE", "REGION_ONS_CODE",
    "REGION_NAME", "STP_ODS_CODE", "STP_ONS_CODE", "STP_NAME", "CCG_ODS_CODE",
    "CCG_ONS_CODE", "CCG_NAME", "PCN_ODS_CODE", "PCN_NAME", "PRACTICE_CODE",
    "PRACTICE_NAME",
)  # fmt: skip
REGISTRATIONS_HEADER: tuple[str, ...] = (
    "PUBLICATION", "EXTRACT_DATE", "TYPE", "CCG_CODE", "ONS_CCG_CODE", "CODE",
    "POSTCODE", "SEX", "AGE", "NUMBER_OF_PATIENTS",
)  # fmt: skip
CENTROIDS_HEADER: tuple[str, ...] = (
    "postcode", "eastings", "northings", "latitude", "longitude", "town", "region",
    "uk_region", "country", "country_string",
)  # fmt: skip
WEIGHTED_LISTS_HEADER: tuple[str, ...] = (
    "practice_code",
    "effective_date",
    "weighted_patients",
)
EPCN_DETAILS_SHEET = "PCNDetails"
EPCN_CORE_PARTNER_SHEET = "PCN Core Partner Details"
EPCN_DETAILS_HEADERS: tuple[str, ...] = (
    "PCN Code", "PCN Name", "Current Clinical \nCommissioning \nGroup Code",
    "Clinical\nCommissioning\nGroup Name", "Open Date", "Close Date",
    "Address Line 1", "Address Line 2", "Address Line 3", "Address Line 4",
    "Address Line 5", "Postcode",
)  # fmt: skip
EPCN_CORE_PARTNER_HEADERS: tuple[str, ...] = (
    "Partner\nOrganisation\nCode", "Partner\nName", "Practice\nParent\nCCG Code",
    "Practice\nParent\nCCG Name", "PCN Code", "PCN Name", "PCN Parent\nCCG Code",
    "PCN Parent\nCCG Name", "Practice to PCN\nRelationship\nStart Date",
    "Practice to PCN\nRelationship\nEnd Date", "Practice CCG and PCN\nCCG Match ",
)  # fmt: skip
# Column widths of the real workbook, for a familiar look when opened.
_EPCN_DETAILS_WIDTHS = (8.63, 27.0, 15.54, 24.36, 11.09, 11.0, 28.09, 19.63, 17.73,
                        19.54, 15.73, 10.18)  # fmt: skip
_EPCN_PARTNER_WIDTHS = (13.27, 32.18, 11.36, 18.63, 9.27, 33.09, 10.36, 32.63,
                        15.91, 15.91, 13.45)  # fmt: skip

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
           "NOV", "DEC")  # fmt: skip
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the inward code
_FIXED_ZIP_TIME = (2022, 5, 1, 0, 0, 0)
_FIXED_CORE_TIME = "2022-05-01T00:00:00Z"


# --------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoFile:
    """One file of the demo area and how to import it."""

    kind: str  # "qof-mapping", "epraccur", "registrations", "epcn", ...
    path: Path
    as_at: date | None  # --as-at for the importer; None when the file carries dates
    description: str


def write_demo_files(directory: Path, seed: int = 2019) -> list[DemoFile]:
    """Write the demo area's files into directory; return them IN THE ORDER THEY
    MUST BE IMPORTED.

    The directory is created if needed; files of the same names are overwritten.
    The same seed always writes byte-identical files.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    lists = _generate_lists(random.Random(seed))
    first, second = REGISTRATION_DATES
    early, late = _EPRACCUR_DATES
    files: list[DemoFile] = []

    path = directory / "MAPPING_NHS_GEOGRAPHIES_2021.csv"
    _write_qof_mapping(path, _QOF_AS_AT)
    qof = DemoFile(
        "qof-mapping",
        path,
        _QOF_AS_AT,
        "QOF 2020/21 organisation mapping: practices, networks and commissioners"
        " on 2021-01-01 (before the commissioner merger)",
    )
    for extract, reg_date in ((early, first), (late, second)):
        path = directory / f"epraccur-{extract:%Y-%m}.csv"
        _write_epraccur(path, extract, crlf=extract < MERGED_COMMISSIONERS.effective)
        files.append(
            DemoFile(
                "epraccur",
                path,
                extract,
                f"ODS GP practices extract as at {extract.isoformat()}"
                + (
                    " (after the commissioner merger)"
                    if extract >= MERGED_COMMISSIONERS.effective
                    else ""
                ),
            )
        )
        path = directory / f"gp-reg-pat-prac-all-{reg_date:%Y-%m}.csv"
        _write_registrations(path, reg_date, lists.registered[reg_date])
        files.append(
            DemoFile(
                "registrations",
                path,
                None,
                f"Patients registered at a GP practice on {reg_date.isoformat()}",
            )
        )
        path = directory / f"weighted-lists-{reg_date:%Y-%m}.csv"
        _write_weighted(path, reg_date, lists.weighted[reg_date])
        files.append(
            DemoFile(
                "weighted-lists",
                path,
                None,
                f"Global sum weighted lists on {reg_date.isoformat()}",
            )
        )
    # Import in date order: the 2020-12 practice extract, then the 2021 mapping.
    files.insert(1, qof)
    path = directory / f"ePCN-{_EPCN_AS_AT:%Y-%m}.xlsx"
    _write_epcn(path, _EPCN_AS_AT)
    files.append(
        DemoFile(
            "epcn",
            path,
            _EPCN_AS_AT,
            "ODS ePCN workbook: networks and practice memberships with their dates",
        )
    )
    path = directory / "postcode-district-centroids.csv"
    _write_centroids(path)
    files.append(
        DemoFile(
            "postcode-districts",
            path,
            None,
            "Postcode district centroids of the demo's ZZ outcodes (where practices"
            " are placed to check that networks are contiguous)",
        )
    )
    return files


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


# --------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------


def _yyyymmdd(day: date | None) -> str:
    return "" if day is None else f"{day:%Y%m%d}"


def _postcode(practice: _Practice) -> str:
    """A fixed, made-up inward code for each practice."""
    n = int(practice.code[1:])
    letters = _INWARD_LETTERS
    return (
        f"{practice.outcode} {n % 9 + 1}"
        f"{letters[(n * 7) % len(letters)]}{letters[(n * 13 + 5) % len(letters)]}"
    )


def _phone(practice: _Practice) -> str:
    return f"01632 960{_PRACTICES.index(practice) * 7 + 100:03d}"


def _address(practice: _Practice) -> tuple[str, str, str, str, str]:
    """Address lines 1-5 as epraccur lays them out (building, street, town, county)."""
    county = "" if practice.commissioner == ASHBY_VALE else DEMO_COUNTY
    return (
        (practice.building or practice.name).upper(),
        practice.street.upper(),
        DEMO_OUTCODES[practice.outcode].upper(),
        county.upper(),
        "",
    )


def _write_csv(
    path: Path,
    rows: Iterable[Sequence[str]],
    *,
    lineterminator: str,
    quoting: int = csv.QUOTE_MINIMAL,
) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator=lineterminator, quoting=quoting)
        writer.writerows(rows)


def _write_qof_mapping(path: Path, as_at: date) -> None:
    rows: list[Sequence[str]] = [QOF_MAPPING_HEADER]
    for practice in _PRACTICES:
        if not _is_open(practice, as_at):
            continue
        commissioner, _joined = _commissioner_on(practice, as_at)
        ccg_name, ccg_ons = DEMO_COMMISSIONERS[commissioner]
        pcn = _pcn_on(practice, as_at)
        pcn_code, pcn_name = (
            ("U", "Unallocated") if pcn is None else (pcn, DEMO_PCNS[pcn])
        )
        rows.append(
            (
                "E92000001",
                "ENG",
                "England",
                DEMO_REGION_CODE,
                DEMO_REGION_ONS_CODE,
                DEMO_REGION_NAME,
                DEMO_SYSTEM_CODE,
                DEMO_SYSTEM_ONS_CODE,
                DEMO_SYSTEM_NAME,
                commissioner,
                ccg_ons,
                ccg_name,
                pcn_code,
                pcn_name,
                practice.code,
                practice.name,
            )
        )
    _write_csv(path, rows, lineterminator="\n")


def _epraccur_row(practice: _Practice, as_at: date) -> list[str]:
    commissioner, joined = _commissioner_on(practice, as_at)
    closed = practice.closed if practice.closed and practice.closed < as_at else None
    return [
        practice.code,
        practice.name.upper(),
        DEMO_REGION_CODE,
        DEMO_SYSTEM_CODE,
        *_address(practice),
        _postcode(practice),
        _yyyymmdd(practice.opened),
        _yyyymmdd(closed),
        "A" if closed is None else "C",
        "B",
        commissioner,
        _yyyymmdd(joined),
        _yyyymmdd(closed),
        _phone(practice),
        "",
        "",
        "",
        "0",
        "",
        commissioner,
        "",
        "4",
        "",
    ]


def _write_epraccur(path: Path, as_at: date, *, crlf: bool) -> None:
    rows = [_epraccur_row(p, as_at) for p in _PRACTICES if p.opened <= as_at]
    _write_csv(
        path, rows, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_ALL
    )


def _write_registrations(path: Path, on: date, sizes: dict[str, int]) -> None:
    extract_date = f"{on.day:02d}{_MONTHS[on.month - 1]}{on.year}"
    body: list[tuple[str, ...]] = []
    for code, size in sizes.items():
        practice = _PRACTICE_BY_CODE[code]
        commissioner, _joined = _commissioner_on(practice, on)
        body.append(
            (
                "GP_PRAC_PAT_LIST",
                extract_date,
                "GP",
                commissioner,
                DEMO_COMMISSIONERS[commissioner][1],
                code,
                _postcode(practice),
                "ALL",
                "ALL",
                str(size),
            )
        )
    body.sort(key=lambda row: (row[3], row[5]))
    _write_csv(path, [REGISTRATIONS_HEADER, *body], lineterminator="\r\n")


def _write_weighted(path: Path, on: date, weighted: dict[str, Decimal]) -> None:
    rows: list[Sequence[str]] = [WEIGHTED_LISTS_HEADER]
    rows += [(code, on.isoformat(), str(weighted[code])) for code in sorted(weighted)]
    _write_csv(path, rows, lineterminator="\n")


def _centroid(outcode: str) -> tuple[int, int, float, float]:
    """(eastings, northings, latitude, longitude) of an outcode's centroid."""
    east, north = _OUTCODE_OFFSETS_KM[outcode]
    latitude0, longitude0 = _ORIGIN_DEGREES
    per_degree_east = _KM_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(
        math.radians(latitude0)
    )
    return (
        _ORIGIN_GRID[0] + round(east * 10) * 100,  # to 100 m, as the real file
        _ORIGIN_GRID[1] + round(north * 10) * 100,
        round(latitude0 + north / _KM_PER_DEGREE_LATITUDE, 5),
        round(longitude0 + east / per_degree_east, 5),
    )


def _write_centroids(path: Path) -> None:
    rows: list[Sequence[str]] = [CENTROIDS_HEADER]
    for outcode in sorted(DEMO_OUTCODES):  # sorted as text, as the real file
        eastings, northings, latitude, longitude = _centroid(outcode)
        rows.append(
            (
                outcode,
                str(eastings),
                str(northings),
                f"{latitude:.5f}",
                f"{longitude:.5f}",
                DEMO_OUTCODES[outcode],
                DEMO_COUNTY,
                DEMO_REGION_NAME,
                "ENG",
                "England",
            )
        )
    _write_csv(path, rows, lineterminator="\n")


def _write_epcn(path: Path, as_at: date) -> None:
    workbook = openpyxl.Workbook()
    details = workbook.active
    assert details is not None
    details.title = EPCN_DETAILS_SHEET
    partners = workbook.create_sheet(EPCN_CORE_PARTNER_SHEET)

    def ccg(code: str) -> tuple[str, str]:
        commissioner, _joined = _commissioner_on(_PRACTICE_BY_CODE[code], as_at)
        return commissioner, DEMO_COMMISSIONERS[commissioner][0].upper()

    def pcn_ccg(pcn: _Pcn) -> tuple[str, str]:
        merger = MERGED_COMMISSIONERS
        code = pcn.commissioner
        if code in merger.predecessors and as_at >= merger.effective:
            code = merger.successor
        return code, DEMO_COMMISSIONERS[code][0].upper()

    # Networks sorted as the real workbook: by commissioner name, then network name.
    pcns = sorted(_PCNS, key=lambda n: (pcn_ccg(n)[1], n.name.upper()))
    details.append(EPCN_DETAILS_HEADERS)
    for pcn in pcns:
        lead = next(p for p in _PRACTICES if p.pcn == pcn.code)
        building, street, town, _county, _line5 = _address(lead)
        details.append(
            (
                pcn.code,
                pcn.name.upper(),
                *pcn_ccg(pcn),
                _yyyymmdd(PCN_START_DATE),
                "",
                building,
                street,
                "",
                town,
                "",
                _postcode(lead),
            )
        )

    partners.append(EPCN_CORE_PARTNER_HEADERS)
    order = {pcn.code: index for index, pcn in enumerate(pcns)}
    memberships = sorted(
        (m for m in _memberships() if m.start <= as_at),
        key=lambda m: (order[m.pcn], m.practice, m.start),
    )
    for membership in memberships:
        practice = _PRACTICE_BY_CODE[membership.practice]
        pcn = _PCN_BY_CODE[membership.pcn]
        end = membership.end if membership.end and membership.end < as_at else None
        practice_ccg = ccg(practice.code)
        network_ccg = pcn_ccg(pcn)
        partners.append(
            (
                practice.code,
                practice.name.upper(),
                *practice_ccg,
                pcn.code,
                pcn.name.upper(),
                *network_ccg,
                _yyyymmdd(membership.start),
                None if end is None else _yyyymmdd(end),
                practice_ccg[0] == network_ccg[0],
            )
        )

    for sheet, widths in (
        (details, _EPCN_DETAILS_WIDTHS),
        (partners, _EPCN_PARTNER_WIDTHS),
    ):
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.auto_filter.ref = sheet.dimensions

    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(_reproducible_xlsx(buffer.getvalue()))


_EMPTY_INLINE = re.compile(rb'(<c r="[A-Z]+[0-9]+"[^>]*? t="inlineStr")\s*/>')
_CORE_TIMES = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def _reproducible_xlsx(data: bytes) -> bytes:
    """Repack an openpyxl workbook so the same content gives the same bytes.

    openpyxl stamps the save time into docProps/core.xml and into every zip entry;
    both are replaced by a fixed time. It also writes an empty string as an empty
    cell; the real workbook holds empty strings in PCNDetails, so those cells are
    given an explicit empty text.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = _CORE_TIMES.sub(
                    rb"\g<1>" + _FIXED_CORE_TIME.encode() + rb"\g<2>", content
                )
            elif entry.filename.startswith("xl/worksheets/"):
                content = _EMPTY_INLINE.sub(rb"\1><is><t></t></is></c>", content)
            info = zipfile.ZipInfo(entry.filename, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = entry.external_attr
            target.writestr(info, content)
    return output.getvalue()
