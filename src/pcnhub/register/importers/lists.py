"""List sizes: registered patients by practice, and weighted (global-sum) lists.

* ``registrations``: NHS Digital "Patients Registered at a GP Practice",
  ``gp-reg-pat-prac-all`` (dated by ``EXTRACT_DATE``); the same command also takes
  the publication's ``gp-reg-pat-prac-map`` mapping file. The list file's
  commissioner column is checked but not used: on the same day it can disagree
  with the mapping files (QOF's 2020/21 mapping already shows the April 2021 CCG
  mergers), and membership of an area is the mapping and ODS files' to say.
* ``payments``: NHS Digital "NHS Payments to General Practice" practice CSV, whose
  weighted list is the only public source of weighted lists (give ``--as-at``).
* ``weighted-lists``: a simple CSV, ``practice_code,effective_date,weighted_patients``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from pcnhub.register.importers.base import Progress, cells_for, first_seen
from pcnhub.register.importers.errors import Problems
from pcnhub.register.importers.mapping import (
    MAP_LAYOUTS,
    Mapping,
    apply_mapping,
    read_mapping,
)
from pcnhub.register.importers.reading import (
    Layout,
    csv_rows,
    match_layout,
    normalise_header,
)
from pcnhub.register.importers.writer import RegisterWriter, without_cycle_collection
from pcnhub.register.models import ListMeasure, OrganisationKind
from pcnhub.register.models import RelationshipKind as Rel


def _registrations(name: str, commissioner: str) -> Layout:
    return Layout(
        name,
        {
            "extract_date": "EXTRACT_DATE",
            "commissioner": commissioner,
            "practice": "CODE",
            "sex": "SEX",
            "age": "AGE",
            "patients": "NUMBER_OF_PATIENTS",
        },
    )


REGISTRATION_LAYOUTS = [
    _registrations("gp-reg-pat-prac-all, CCG headings", "CCG_CODE"),
    _registrations("gp-reg-pat-prac-all, sub-ICB headings", "SUB_ICB_LOCATION_CODE"),
    _registrations("gp-reg-pat-prac-all, sub-ICB (LOC) headings", "SUB_ICB_LOC_CODE"),
]


@dataclass(frozen=True)
class PracticeList:
    practice: str
    day: date
    value: Decimal
    commissioner: str | None = None


class RegistrationsImporter:
    kind = "registrations"
    description = "Patients Registered at a GP Practice (gp-reg-pat-prac-all or -map)"
    as_at = "ignored"
    relationship_kinds = tuple(Rel)
    version_kinds = tuple(OrganisationKind)
    list_measures = (ListMeasure.REGISTERED,)

    def read(
        self, path: Path, problems: Problems, as_at: date | None
    ) -> list[PracticeList] | Mapping:
        rows = csv_rows(path, problems)
        header = {normalise_header(h) for h in rows[0]}
        if "practice_code" in header and "pcn_code" in header:
            return read_mapping(path, problems, None, MAP_LAYOUTS)
        layout, positions = match_layout(rows[0], REGISTRATION_LAYOUTS, problems)
        headings = {f: rows[0][i].strip() for f, i in positions.items()}
        seen: dict = {}
        lists: list[PracticeList] = []
        day: date | None = None
        for number, row in enumerate(rows[1:], start=2):
            cells = cells_for(number, row, positions, headings, problems)
            if (cells.text("sex").upper(), cells.text("age").upper()) != ("ALL", "ALL"):
                problems.skip("breakdown by sex or age (the list is the ALL/ALL row)")
                continue
            before = len(problems.items)
            row_day = cells.extract_date("extract_date")
            if row_day is None:
                continue
            if day is None:
                day = row_day
            elif row_day != day:
                problems.add(
                    number,
                    headings["extract_date"],
                    f"extract date {row_day} differs from {day} in row 2 "
                    "(one file describes one day)",
                )
            practice = cells.code("practice", "practice")
            commissioner = cells.optional_code("commissioner", "commissioner")
            value = cells.count("patients")
            if len(problems.items) > before or value is None:
                continue
            item = PracticeList(practice, row_day, value, commissioner)
            if first_seen(problems, seen, practice, number, item, "practice"):
                lists.append(item)
        if day is None and not problems.items:
            problems.reject(None, None, "the file has no all-persons rows")
        if as_at is not None and day is not None and as_at != day:
            problems.add(
                None,
                "EXTRACT_DATE",
                f"--as-at {as_at} disagrees with the file's extract date {day}; "
                "this file carries its own date, so leave --as-at out",
            )
        problems.raise_if_any()
        return lists

    @without_cycle_collection
    def apply(
        self,
        parsed: list[PracticeList] | Mapping,
        writer: RegisterWriter,
        progress: Progress,
    ) -> None:
        if isinstance(parsed, Mapping):
            apply_mapping(parsed, writer, progress)
            return
        apply_lists(parsed, ListMeasure.REGISTERED, writer, progress)


UNKNOWN_PRACTICE = (
    "practice not in the register (import epraccur, ePCN or a mapping first)"
)


def apply_lists(
    lists: list[PracticeList], measure: str, writer: RegisterWriter, progress: Progress
) -> None:
    # A list file names practices but says nothing else about them: a code the
    # register does not hold would become a practice with no name, network or
    # commissioner. Such rows are skipped and counted, as national files name a
    # few practices newer than the structure files imported before them.
    for item in progress(lists, "practices", len(lists)):
        if not writer.knows(item.practice, OrganisationKind.PRACTICE):
            writer.counts.skip(UNKNOWN_PRACTICE)
            continue
        writer.list_size(item.practice, measure, item.day, item.value)


def _read_weighted(
    path: Path,
    problems: Problems,
    as_at: date | None,
    layouts: list[Layout],
) -> list[PracticeList]:
    rows = csv_rows(path, problems)
    layout, positions = match_layout(rows[0], layouts, problems)
    if len(rows) == 1:
        problems.reject(None, None, "the file has headings but no rows")
    headings = {f: rows[0][i].strip() for f, i in positions.items()}
    if "date" not in positions and as_at is None:
        problems.reject(None, None, "this file carries no date: give --as-at")
    if "date" in positions and as_at is not None:
        problems.reject(
            None,
            headings["date"],
            "this file carries its own dates, so leave --as-at out",
        )
    seen: dict = {}
    lists: list[PracticeList] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = cells_for(number, row, positions, headings, problems)
        before = len(problems.items)
        practice = cells.code("practice", "practice")
        day = cells.iso_date("date") if "date" in positions else as_at
        if not cells.text("weighted"):
            problems.add(number, headings["weighted"], "no weighted list given")
            continue
        value = cells.number("weighted")
        if len(problems.items) > before or value is None or day is None:
            continue
        item = PracticeList(practice, day, value)
        if first_seen(
            problems, seen, (practice, day), number, item, "practice and date"
        ):
            lists.append(item)
    problems.raise_if_any()
    return lists


class _WeightedImporter:
    as_at = "optional"
    relationship_kinds = ()
    version_kinds = ()
    list_measures = (ListMeasure.WEIGHTED,)
    layouts: list[Layout] = []

    def read(self, path: Path, problems: Problems, as_at: date | None) -> list:
        return _read_weighted(path, problems, as_at, self.layouts)

    @without_cycle_collection
    def apply(
        self, parsed: list[PracticeList], writer: RegisterWriter, progress: Progress
    ) -> None:
        apply_lists(parsed, ListMeasure.WEIGHTED, writer, progress)


class PaymentsImporter(_WeightedImporter):
    kind = "payments"
    description = "NHS Payments to General Practice, practice CSV (weighted lists)"
    as_at = "required"
    layouts = [
        Layout(
            "NHS Payments to General Practice (last known figure)",
            {
                "practice": "Practice Code",
                "weighted": "Number of Weighted Patients (Last Known Figure)",
            },
        ),
        Layout(
            "NHS Payments to General Practice (average)",
            {
                "practice": "Practice Code",
                "weighted": "Average Number of Weighted Patients",
            },
        ),
    ]


class WeightedListsImporter(_WeightedImporter):
    kind = "weighted-lists"
    description = (
        "Weighted lists, simple CSV: practice_code,effective_date,weighted_patients"
    )
    layouts = [
        Layout(
            "weighted lists with dates",
            {
                "practice": "practice_code",
                "date": "effective_date",
                "weighted": "weighted_patients",
            },
        ),
        Layout(
            "weighted lists without dates (give --as-at)",
            {"practice": "practice_code", "weighted": "weighted_patients"},
        ),
    ]
