"""Any order, same register: importing a set of dated files in any order gives
the same effective-dated facts (docs/data-formats.md, "Importing in any order")."""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from pcnhub.register.models import (
    ListSize,
    Organisation,
    OrganisationVersion,
    Relationship,
    Succession,
)
from tests.conftest import need_shared_data
from tests.register.samples import load, write_epcn

pytestmark = pytest.mark.django_db

File = tuple[str, Path, date | None]


def _fold(value: object) -> object:
    # Names that differ only in capitals and spacing are one name to pcnhub
    # (docs/data-formats.md, "Details and names"): the spelling kept is the one
    # first held, so it is not an effective fact.
    return " ".join(value.split()).casefold() if isinstance(value, str) else value


def _merged(segments: Iterable[tuple[object, date, date | None]]) -> list[tuple]:
    """Adjacent periods with one value are one fact (out-of-order imports split
    records rather than rewrite them)."""
    out: list[list] = []
    for value, start, end in sorted(segments, key=lambda s: s[1]):
        if out and out[-1][0] == value and out[-1][2] == start:
            out[-1][2] = end
        else:
            out.append([value, start, end])
    return [tuple(s) for s in out]


DETAIL_COLUMNS = (
    "name",
    "subtype",
    "address",
    "postcode",
    "status",
    "open_date",
    "close_date",
    "prescribing_setting",
)


def effective_facts() -> dict[str, object]:
    """Every effective-dated fact: records that held (not those superseded at
    their start), adjacent equal periods merged."""
    links: dict[tuple, list] = defaultdict(list)
    for kind, child, parent, start, end in Relationship.objects.exclude(
        valid_to=models_f("valid_from")
    ).values_list("kind", "child_id", "parent_id", "valid_from", "valid_to"):
        links[(kind, child)].append((parent, start, end))
    versions: dict[str, list] = defaultdict(list)
    rows = OrganisationVersion.objects.exclude(valid_to=models_f("valid_from"))
    for org, start, end, *values in rows.values_list(
        "organisation_id", "valid_from", "valid_to", *DETAIL_COLUMNS
    ):
        versions[org].append((tuple(_fold(v) for v in values), start, end))
    return {
        "organisations": sorted(Organisation.objects.values_list("code", "kind")),
        "links": {k: _merged(v) for k, v in sorted(links.items())},
        "versions": {k: _merged(v) for k, v in sorted(versions.items())},
        "list_sizes": sorted(
            ListSize.objects.filter(superseded_by=None).values_list(
                "practice_id", "measure", "date", "value"
            )
        ),
        "successions": sorted(
            Succession.objects.values_list(
                "predecessor_id", "successor_id", "effective"
            )
        ),
    }


def models_f(name: str):  # type: ignore[no-untyped-def]
    from django.db.models import F

    return F(name)


def facts_after(files: Iterable[File]) -> dict[str, object]:
    """Import ``files`` in this order, read the facts, and undo the imports."""
    with transaction.atomic():
        for kind, path, as_at in files:
            load(kind, path, as_at)
        facts = effective_facts()
        transaction.set_rollback(True)
    return facts


def _difference(a: dict, b: dict) -> list[str]:
    out = []
    for part in a:
        left, right = a[part], b[part]
        if isinstance(left, dict):
            for key in sorted(set(left) | set(right), key=repr):
                if left.get(key) != right.get(key):
                    out.append(f"{part} {key}: {left.get(key)} != {right.get(key)}")
        elif left != right:
            out.append(f"{part}: {sorted(set(left) ^ set(right), key=repr)[:5]}")
    return out[:20]


# Generated files -------------------------------------------------------------------

EPRACCUR_COLUMNS = 27


def _epraccur(path: Path, rows: list[tuple]) -> Path:
    """rows: code, name, postcode, open, close, status, commissioner, joined, left."""
    with path.open("w", newline="") as handle:
        out = csv.writer(handle, quoting=csv.QUOTE_ALL)
        for code, name, postcode, opened, closed, status, comm, joined, left in rows:
            row = [""] * EPRACCUR_COLUMNS
            row[0], row[1], row[2], row[3] = code, name, "Y98", "QZZ"
            row[4], row[6], row[9] = "1 HIGH STREET", "NEWTOWN", postcode
            row[10], row[11], row[12], row[13] = opened, closed, status, "B"
            row[14], row[15], row[16], row[25] = comm, joined, left, "4"
            out.writerow(row)
    return path


def _qof(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """rows: practice, practice name, commissioner, PCN (U: none)."""
    header = (
        "REGION_ODS_CODE,REGION_NAME,STP_ODS_CODE,STP_NAME,CCG_ODS_CODE,CCG_NAME,"
        "PCN_ODS_CODE,PCN_NAME,PRACTICE_CODE,PRACTICE_NAME"
    )
    lines = [header] + [
        f"Y98,Test Region,QZZ,Test System,{comm},NHS Test {comm},{pcn},"
        f"{'Unallocated' if pcn == 'U' else pcn + ' PCN'},{code},{name}"
        for code, name, comm, pcn in rows
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


NAMES = {
    "Z10001": "HILLTOP MEDICAL CENTRE",
    "Z10002": "VALLEY SURGERY",
    "Z10005": "NEW TOWN SURGERY",
}


def _member(practice: str, network: str, start: str, end: str | None) -> tuple:
    return (
        practice,
        NAMES[practice],
        "97Z",
        "NHS TEST CCG",
        network,
        network + " PCN",
        "97Z",
        "NHS TEST CCG",
        start,
        end,
        True,
    )


def _network(code: str, opened: str, closed: str = "") -> tuple:
    return (
        code,
        code + " PCN",
        "97Z",
        "NHS TEST CCG",
        opened,
        closed,
        "1 HIGH STREET",
        "",
        "",
        "NEWTOWN",
        "",
        "ZZ1 1AA",
    )


def generated_files(folder: Path) -> dict[str, File]:
    """Dated files that disagree the way the national ones do: a restated join
    date after a merger, a rename, a move that one file dates and another shows
    early, a practice that leaves, one that opens and one that closes."""
    e19 = _epraccur(
        folder / "epraccur-2019-12.csv",
        [
            (
                "Z10001",
                "HILLTOP SURGERY",
                "ZZ1 1AA",
                "19740401",
                "",
                "A",
                "99Z",
                "20130401",
                "",
            ),
            (
                "Z10002",
                "VALLEY SURGERY",
                "ZZ1 2AB",
                "19800101",
                "",
                "A",
                "99Z",
                "20130401",
                "",
            ),
            (
                "Z10003",
                "OLD MILL SURGERY",
                "ZZ2 1AC",
                "19740401",
                "",
                "A",
                "98Z",
                "20130401",
                "",
            ),
            ("Z10004", "LONELY SURGERY", "ZZ3 1AD", "19900101", "", "A", "99Z", "", ""),
            (
                "Z10006",
                "LEAVER SURGERY",
                "ZZ3 1AE",
                "19900101",
                "",
                "A",
                "99Z",
                "20130401",
                "",
            ),
        ],
    )
    e22 = _epraccur(
        folder / "epraccur-2022-04.csv",
        [
            (
                "Z10001",
                "HILLTOP MEDICAL CENTRE",
                "ZZ1 1AA",
                "19740401",
                "",
                "A",
                "97Z",
                "20130401",
                "",
            ),
            (
                "Z10002",
                "Valley Surgery",
                "ZZ1 2AB",
                "19800101",
                "",
                "A",
                "97Z",
                "20210401",
                "",
            ),
            (
                "Z10003",
                "OLD MILL SURGERY",
                "ZZ2 1AC",
                "19740401",
                "20200331",
                "C",
                "98Z",
                "20130401",
                "20200331",
            ),
            ("Z10004", "LONELY SURGERY", "ZZ3 1AD", "19900101", "", "A", "97Z", "", ""),
            (
                "Z10005",
                "NEW TOWN SURGERY",
                "ZZ4 1AA",
                "20210101",
                "",
                "A",
                "97Z",
                "20210101",
                "",
            ),
            (
                "Z10006",
                "LEAVER SURGERY",
                "ZZ3 1AE",
                "19900101",
                "",
                "A",
                "97Z",
                "20210401",
                "",
            ),
        ],
    )
    q21 = _qof(
        folder / "MAPPING_NHS_GEOGRAPHIES_2021.csv",
        [
            ("Z10001", "Hilltop Surgery", "99Z", "U99001"),
            ("Z10002", "Valley Surgery", "99Z", "U99002"),
            ("Z10004", "Lonely Surgery", "99Z", "U"),
            ("Z10006", "Leaver Surgery", "99Z", "U99001"),
        ],
    )
    p22 = write_epcn(
        folder / "ePCN-2022-05.xlsx",
        networks=[_network("U99001", "20190701"), _network("U99002", "20200401")],
        members=[
            _member("Z10001", "U99001", "20190701", None),
            _member("Z10002", "U99001", "20190701", "20210331"),
            _member("Z10002", "U99002", "20210401", None),
            _member("Z10005", "U99002", "20210101", None),
        ],
    )
    reg = folder / "gp-reg-pat-prac-all-2021-01.csv"
    reg.write_text(
        "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,"
        "NUMBER_OF_PATIENTS\n"
        + "".join(
            f"GP_PRAC_PAT_LIST,01JAN2021,GP,99Z,E38999001,{code},ZZ1 1AA,ALL,ALL,{n}\n"
            for code, n in (("Z10001", 12000), ("Z10002", 9500), ("Z10004", 3100))
        )
    )
    weighted = folder / "weighted.csv"
    weighted.write_text(
        "practice_code,effective_date,weighted_patients\n"
        "Z10001,2021-01-01,12500.25\nZ10002,2020-01-01,9100.50\n"
    )
    return {
        "epraccur 2019-12": ("epraccur", e19, date(2019, 12, 1)),
        "QOF 2020/21": ("qof-mapping", q21, date(2021, 1, 1)),
        "registrations 2021-01": ("registrations", reg, None),
        "weighted lists": ("weighted-lists", weighted, None),
        "epraccur 2022-04": ("epraccur", e22, date(2022, 4, 1)),
        "ePCN 2022-05": ("epcn", p22, date(2022, 5, 1)),
    }


STRUCTURE = ("epraccur 2019-12", "QOF 2020/21", "epraccur 2022-04", "ePCN 2022-05")
LISTS = ("registrations 2021-01", "weighted lists")


def _orders() -> list[tuple[str, ...]]:
    """Every order of the four structure files (24), each followed by the list
    files, which come after the files that name their practices (a list file
    skips practices the register does not hold: docs/data-formats.md)."""
    orders = []
    for i, structure in enumerate(itertools.permutations(STRUCTURE)):
        lists = LISTS if i % 2 == 0 else LISTS[::-1]
        orders.append((*structure, *lists))
    return orders


def test_the_generated_files_disagree_so_order_could_matter(tmp_path: Path) -> None:
    files = generated_files(tmp_path)
    forward = facts_after(files[n] for n in (*STRUCTURE, *LISTS))
    assert forward["links"][("practice_commissioner", "Z10001")] == [
        ("97Z", date(2013, 4, 1), None)
    ]
    assert forward["links"][("practice_network", "Z10002")] == [
        ("U99001", date(2019, 7, 1), date(2021, 4, 1)),
        ("U99002", date(2021, 4, 1), None),
    ]
    # Z10006 is in QOF's network until the ePCN workbook, which omits it.
    assert forward["links"][("practice_network", "Z10006")] == [
        ("U99001", date(2021, 1, 1), date(2022, 5, 1))
    ]
    names = [v[0][0] for v in forward["versions"]["Z10001"]]
    assert names == ["hilltop surgery", "hilltop medical centre"]


@pytest.mark.parametrize("order", _orders(), ids=" > ".join)
def test_any_order_gives_the_same_register(
    tmp_path: Path, order: tuple[str, ...]
) -> None:
    files = generated_files(tmp_path)
    expected = facts_after(files[n] for n in (*STRUCTURE, *LISTS))
    got = facts_after(files[n] for n in order)
    assert _difference(got, expected) == []


# The real national files ----------------------------------------------------------

NATIONAL: dict[str, File] = {
    "E19": ("epraccur", Path("ods/epraccur-2019-12.csv"), date(2019, 12, 1)),
    "Q21": (
        "qof-mapping",
        Path("qof/MAPPING_NHS_GEOGRAPHIES_2021.csv"),
        date(2021, 1, 1),
    ),
    "E22": ("epraccur", Path("ods/epraccur-2022-04.csv"), date(2022, 4, 1)),
    "P22": ("epcn", Path("ods/ePCN-2022-05.xlsx"), date(2022, 5, 1)),
    "R21": (
        "registrations",
        Path("registrations/gp-reg-pat-prac-all-2021-01.csv"),
        None,
    ),
    "W19": (
        "payments",
        Path("payments/nhspaymentsgp-2019-20-prac.csv"),
        date(2019, 10, 1),
    ),
    "W20": (
        "payments",
        Path("payments/nhspaymentsgp-2020-21-prac.csv"),
        date(2020, 10, 1),
    ),
}
#: The reference: the structure files in date order, then the list files. List
#: files go after epraccur 2022-04, the extract that names every practice they
#: list (a list file skips a practice the register does not hold, and epraccur
#: 2019-12 and QOF 2020/21 miss the practices opened in 2020), in varying
#: places among the rest. Seven files have 5,040 orders and each takes about
#: 20 s to import, so the test checks the structure files in reverse date
#: order, then orders that put each older file after the newer ones (the
#: oldest last, ePCN before the epraccur it postdates, QOF after both epraccur
#: extracts).
DATE_ORDER = ("E19", "Q21", "E22", "P22", "R21", "W19", "W20")
NATIONAL_ORDERS = [
    ("P22", "E22", "R21", "W20", "W19", "Q21", "E19"),
    ("E22", "W19", "P22", "E19", "R21", "W20", "Q21"),
    ("Q21", "E22", "W20", "R21", "P22", "W19", "E19"),
    ("E22", "E19", "W19", "R21", "W20", "Q21", "P22"),
]


@pytest.mark.national
def test_national_files_in_several_orders_give_the_same_register() -> None:
    data = need_shared_data()

    def files(order: tuple[str, ...]) -> list[File]:
        return [
            (kind, data / path, as_at)
            for kind, path, as_at in (NATIONAL[n] for n in order)
        ]

    expected = facts_after(files(DATE_ORDER))
    assert len(expected["links"]) > 20000
    for order in NATIONAL_ORDERS:
        got = facts_after(files(order))
        assert _difference(got, expected) == [], order


@pytest.mark.national
def test_reimporting_epraccur_2019_after_2022_changes_nothing() -> None:
    # It changed 922 practice-commissioner records before the coverage rule
    # (benchmarks/README.md): the older extract restated the current ones.
    data = need_shared_data()
    e19, e22 = NATIONAL["E19"], NATIONAL["E22"]
    load(e19[0], data / e19[1], e19[2])
    load(e22[0], data / e22[1], e22[2])
    totals = load(e19[0], data / e19[1], e19[2]).counts["totals"]
    assert (totals["created"], totals["updated"], totals["closed"]) == (0, 0, 0)


def test_an_older_file_after_a_newer_one_reports_its_bounded_claims(
    tmp_path: Path,
) -> None:
    files = generated_files(tmp_path)
    forward = load(*files["epraccur 2019-12"]).counts
    assert forward["bounded"] == {}
    load(*files["epraccur 2022-04"])
    again = load(*files["epraccur 2019-12"]).counts
    # Every practice's commissioner and details: the 2022 extract speaks for them.
    assert again["bounded"] == {
        "Practice is commissioned by": 5,
        "practice details": 5,
    }
    totals = again["totals"]
    assert (totals["created"], totals["updated"], totals["closed"]) == (0, 0, 0)
    out = StringIO()
    kind, path, as_at = files["epraccur 2019-12"]
    call_command(
        "import", kind, str(path), "--as-at", str(as_at), "--quiet", stdout=out
    )
    assert "bounded by newer files: 10 claims" in out.getvalue()
