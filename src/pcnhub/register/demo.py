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

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pcnhub.register.demo_area import (
    _EPCN_AS_AT,
    _EPRACCUR_DATES,
    _QOF_AS_AT,
    ABSORBING_PRACTICE_CODE,
    ASHBY_VALE,
    CLOSING_PRACTICE_CLOSE_DATE,
    CLOSING_PRACTICE_CODE,
    DEMO_COMMISSIONERS,
    DEMO_COUNTY,
    DEMO_OUTCODES,
    DEMO_PCNS,
    DEMO_PRACTICES,
    DEMO_REGION_CODE,
    DEMO_REGION_NAME,
    DEMO_REGION_ONS_CODE,
    DEMO_SYSTEM_CODE,
    DEMO_SYSTEM_NAME,
    DEMO_SYSTEM_ONS_CODE,
    FAR_PRACTICE_CODE,
    FAR_PRACTICE_PCN_CODE,
    LARGE_PCN_CODES,
    LONG_CLOSED_PRACTICE_CLOSE_DATE,
    LONG_CLOSED_PRACTICE_CODE,
    LYNDALE,
    MERGED_COMMISSIONERS,
    MOVE_DATE,
    MOVED_FROM_PCN_CODE,
    MOVED_PRACTICE_CODE,
    MOVED_TO_PCN_CODE,
    PCN_START_DATE,
    REGISTRATION_DATES,
    SMALL_PCN_CODES,
    UNCOVERED_PRACTICE_CODE,
    WENDMOOR,
    CommissionerMerger,
    _generate_lists,
    _Lists,
)
from pcnhub.register.demo_files import (
    CENTROIDS_HEADER,
    EPCN_CORE_PARTNER_HEADERS,
    EPCN_CORE_PARTNER_SHEET,
    EPCN_DETAILS_HEADERS,
    EPCN_DETAILS_SHEET,
    QOF_MAPPING_HEADER,
    REGISTRATIONS_HEADER,
    WEIGHTED_LISTS_HEADER,
    _write_centroids,
    _write_epcn,
    _write_epraccur,
    _write_qof_mapping,
    _write_registrations,
    _write_weighted,
)

__all__ = [
    "ABSORBING_PRACTICE_CODE",
    "ASHBY_VALE",
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
    "LYNDALE",
    "MERGED_COMMISSIONERS",
    "MOVED_FROM_PCN_CODE",
    "MOVED_PRACTICE_CODE",
    "MOVED_TO_PCN_CODE",
    "MOVE_DATE",
    "PCN_START_DATE",
    "QOF_MAPPING_HEADER",
    "REGISTRATIONS_HEADER",
    "REGISTRATION_DATES",
    "SMALL_PCN_CODES",
    "UNCOVERED_PRACTICE_CODE",
    "WEIGHTED_LISTS_HEADER",
    "WENDMOOR",
    "CommissionerMerger",
    "DemoFile",
    "write_demo_files",
]


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
    qof = _qof_file(directory)
    for extract, reg_date in ((early, first), (late, second)):
        files.append(_epraccur_file(directory, extract))
        files.append(_registrations_file(directory, reg_date, lists))
        files.append(_weighted_file(directory, reg_date, lists))
    # Import in date order: the 2020-12 practice extract, then the 2021 mapping.
    files.insert(1, qof)
    files.append(_epcn_file(directory))
    files.append(_centroids_file(directory))
    return files


def _qof_file(directory: Path) -> DemoFile:
    path = directory / "MAPPING_NHS_GEOGRAPHIES_2021.csv"
    _write_qof_mapping(path, _QOF_AS_AT)
    return DemoFile(
        "qof-mapping",
        path,
        _QOF_AS_AT,
        "QOF 2020/21 organisation mapping: practices, networks and commissioners"
        " on 2021-01-01 (before the commissioner merger)",
    )


def _epraccur_file(directory: Path, extract: date) -> DemoFile:
    path = directory / f"epraccur-{extract:%Y-%m}.csv"
    _write_epraccur(path, extract, crlf=extract < MERGED_COMMISSIONERS.effective)
    return DemoFile(
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


def _registrations_file(directory: Path, reg_date: date, lists: _Lists) -> DemoFile:
    path = directory / f"gp-reg-pat-prac-all-{reg_date:%Y-%m}.csv"
    _write_registrations(path, reg_date, lists.registered[reg_date])
    return DemoFile(
        "registrations",
        path,
        None,
        f"Patients registered at a GP practice on {reg_date.isoformat()}",
    )


def _weighted_file(directory: Path, reg_date: date, lists: _Lists) -> DemoFile:
    path = directory / f"weighted-lists-{reg_date:%Y-%m}.csv"
    _write_weighted(path, reg_date, lists.weighted[reg_date])
    return DemoFile(
        "weighted-lists",
        path,
        None,
        f"Global sum weighted lists on {reg_date.isoformat()}",
    )


def _epcn_file(directory: Path) -> DemoFile:
    path = directory / f"ePCN-{_EPCN_AS_AT:%Y-%m}.xlsx"
    _write_epcn(path, _EPCN_AS_AT)
    return DemoFile(
        "epcn",
        path,
        _EPCN_AS_AT,
        "ODS ePCN workbook: networks and practice memberships with their dates",
    )


def _centroids_file(directory: Path) -> DemoFile:
    path = directory / "postcode-district-centroids.csv"
    _write_centroids(path)
    return DemoFile(
        "postcode-districts",
        path,
        None,
        "Postcode district centroids of the demo's ZZ outcodes (where practices"
        " are placed to check that networks are contiguous)",
    )
