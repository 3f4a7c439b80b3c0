"""The demo area written in the real NHS layouts: one writer per file kind.

Byte-reproducible: the same area and lists always give the same bytes (see
:func:`_reproducible_xlsx`). :func:`pcnhub.register.demo.write_demo_files` calls
these in import order.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from pcnhub.register.demo_area import (
    _KM_PER_DEGREE_LATITUDE,
    _KM_PER_DEGREE_LONGITUDE_AT_EQUATOR,
    _ORIGIN_DEGREES,
    _ORIGIN_GRID,
    _OUTCODE_OFFSETS_KM,
    _PCN_BY_CODE,
    _PCNS,
    _PRACTICE_BY_CODE,
    _PRACTICES,
    ASHBY_VALE,
    DEMO_COMMISSIONERS,
    DEMO_COUNTY,
    DEMO_OUTCODES,
    DEMO_PCNS,
    DEMO_REGION_CODE,
    DEMO_REGION_NAME,
    DEMO_REGION_ONS_CODE,
    DEMO_SYSTEM_CODE,
    DEMO_SYSTEM_NAME,
    DEMO_SYSTEM_ONS_CODE,
    MERGED_COMMISSIONERS,
    PCN_START_DATE,
    _commissioner_on,
    _is_open,
    _memberships,
    _Pcn,
    _pcn_on,
    _Practice,
)

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

    # Networks sorted as the real workbook: by commissioner name, then network name.
    pcns = sorted(_PCNS, key=lambda n: (_pcn_ccg(n, as_at)[1], n.name.upper()))
    details.append(EPCN_DETAILS_HEADERS)
    for pcn in pcns:
        details.append(_epcn_details_row(pcn, as_at))
    partners.append(EPCN_CORE_PARTNER_HEADERS)
    for row in _epcn_partner_rows(pcns, as_at):
        partners.append(row)

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


def _practice_ccg(code: str, as_at: date) -> tuple[str, str]:
    """A practice's commissioner on ``as_at``: its code and upper-case name."""
    commissioner, _joined = _commissioner_on(_PRACTICE_BY_CODE[code], as_at)
    return commissioner, DEMO_COMMISSIONERS[commissioner][0].upper()


def _pcn_ccg(pcn: _Pcn, as_at: date) -> tuple[str, str]:
    """A network's commissioner on ``as_at`` (after the merger, its successor)."""
    merger = MERGED_COMMISSIONERS
    code = pcn.commissioner
    if code in merger.predecessors and as_at >= merger.effective:
        code = merger.successor
    return code, DEMO_COMMISSIONERS[code][0].upper()


def _epcn_details_row(pcn: _Pcn, as_at: date) -> tuple[str, ...]:
    """A network's row of PCNDetails, at its first member's address."""
    lead = next(p for p in _PRACTICES if p.pcn == pcn.code)
    building, street, town, _county, _line5 = _address(lead)
    return (
        pcn.code,
        pcn.name.upper(),
        *_pcn_ccg(pcn, as_at),
        _yyyymmdd(PCN_START_DATE),
        "",
        building,
        street,
        "",
        town,
        "",
        _postcode(lead),
    )


def _epcn_partner_rows(
    pcns: list[_Pcn], as_at: date
) -> list[tuple[str | bool | None, ...]]:
    """The memberships started by ``as_at``, in the networks' order."""
    order = {pcn.code: index for index, pcn in enumerate(pcns)}
    memberships = sorted(
        (m for m in _memberships() if m.start <= as_at),
        key=lambda m: (order[m.pcn], m.practice, m.start),
    )
    rows: list[tuple[str | bool | None, ...]] = []
    for membership in memberships:
        practice = _PRACTICE_BY_CODE[membership.practice]
        pcn = _PCN_BY_CODE[membership.pcn]
        end = membership.end if membership.end and membership.end < as_at else None
        practice_ccg = _practice_ccg(practice.code, as_at)
        network_ccg = _pcn_ccg(pcn, as_at)
        rows.append(
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
    return rows


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
