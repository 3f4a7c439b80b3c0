"""``pcnhub import arrs-payments PATH``: the ``PCN Workforce`` column of NHS
Digital's "NHS Payments to General Practice" practice CSV, as ARRS actually paid
per network in a contract year. All or nothing.

Network-level lines are booked to whichever practice received them (usually the
network's nominated payee), so the file's practice rows are summed per ``PCN
Code``; the payee practices are kept so that users see where the money went
(docs/data-formats.md, "NHS Payments to General Practice: the PCN Workforce
column"). The contract year comes from the file's name
(``nhspaymentsgp-2020-21-prac.csv``) or, for a file named otherwise, from
``--as-at`` (any day of the year). Named by ``PCNHUB_EXTRA_IMPORTS``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from pcnhub.audit.services import Actor
from pcnhub.core import codes
from pcnhub.register.importers.errors import ImportRejected, Problem, Problems, shown
from pcnhub.register.importers.reading import (
    MAX_CSV_ROWS,
    normalise_header,
    read_text_as,
)
from pcnhub.register.imports import wait_for_imports
from pcnhub.rules.periods import ContractYear
from pcnhub.workforce.file_imports import (
    file_counts,
    file_sha256,
    record_import,
    record_rejected,
)
from pcnhub.workforce.models import ArrsPayment, PaymentsFile

KIND = "arrs-payments"
FACTS = ("payments file", "ARRS paid by PCN code")
#: The headings read; the rest of the file's ~70 columns are not.
PCN_CODE = "PCN Code"
PCN_NAME = "PCN Name"
PRACTICE = "Practice Code"
COMMISSIONER = "CCG Code"
WORKFORCE = "PCN Workforce"
HEADINGS = (PCN_CODE, PCN_NAME, PRACTICE, COMMISSIONER, WORKFORCE)
#: Pounds, to at most 2 places, possibly negative (an adjustment).
MONEY = re.compile(r"^-?[0-9]+(?:\.[0-9]{1,2})?$")
YEAR_IN_NAME = re.compile(r"(?<![0-9])(20[0-9]{2})[-_](?:20)?([0-9]{2})(?![0-9])")
NAME_MAX = 200
NOT_A_NETWORK = "PCN Code not a network code (kept as the file gives it)"
NO_CODE = "practice row with no PCN Code (kept under a blank code)"
TWO_NAMES = "one PCN Code under two PCN Names (the first kept)"
ZERO = Decimal("0.00")


@dataclass
class Group:
    """The practice rows naming one ``PCN Code``."""

    name: str
    paid: Decimal = ZERO
    practices: int = 0
    payees: list[dict[str, str]] = field(default_factory=list)
    commissioners: set[str] = field(default_factory=set)


@dataclass
class ParsedPayments:
    year: ContractYear
    records: int
    groups: dict[str, Group]


@dataclass(frozen=True)
class PaymentsImport:
    """What ``pcnhub import`` prints, as :class:`~pcnhub.workforce.imports.
    CensusImport` gives it: the file, the counts, and whether it was new."""

    payments_file: PaymentsFile
    counts: dict[str, Any]
    unchanged: bool
    #: Whether an import of another file for the year, made later, counts instead.
    superseded: bool = False

    @property
    def as_at(self) -> date | None:
        return None  # a payments file covers a contract year, not a day

    @property
    def label(self) -> str:
        f = self.payments_file
        return (
            f"{f.contract_year} payments file {f.pk}"
            + (", unchanged" if self.unchanged else "")
            + (
                f"; a later import counts for {f.contract_year}"
                if self.superseded
                else ""
            )
        )


def contract_year_of(
    path: Path, as_at: date | None, problems: Problems
) -> ContractYear:
    """The year the file's name gives (``2020-21``), checked against ``as_at``;
    or ``as_at``'s contract year for a file whose name gives none."""
    match = YEAR_IN_NAME.search(path.name)
    named = None
    if match:
        first, second = int(match.group(1)), int(match.group(2))
        if (first + 1) % 100 != second:
            problems.reject(
                None,
                None,
                f"the name's year {match.group(0)!r} is not a contract year "
                "(e.g. 2020-21)",
            )
        named = ContractYear(first)
    given = ContractYear.containing(as_at) if as_at is not None else None
    if named and given and named != given:
        problems.reject(
            None,
            None,
            f"--as-at {as_at} is in {given}, but the file's name says "
            f"{named}: a payments file covers the year its name gives",
        )
    year = named or given
    if year is None:
        problems.reject(
            None,
            None,
            "the file's name gives no contract year (as in "
            "nhspaymentsgp-2020-21-prac.csv): rename it, or give --as-at with "
            "any day of the year it covers (e.g. --as-at 2020-04-01 for 2020/21)",
        )
    assert year is not None
    return year


def read_payments(
    path: Path, problems: Problems, as_at: date | None = None
) -> ParsedPayments:
    """The file's ``PCN Workforce`` summed per ``PCN Code``, or
    :class:`ImportRejected` naming every problem (file, row, column)."""
    year = contract_year_of(path, as_at, problems)
    text, _ = read_text_as(path, problems)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    groups: dict[str, Group] = {}
    seen: dict[str, int] = {}
    records = 0
    try:
        header = next(reader, None)
        if header is None:
            problems.reject(None, None, "the file is empty")
        assert header is not None
        positions = _positions(header, problems)
        for record in reader:
            if reader.line_num > MAX_CSV_ROWS:
                problems.reject(
                    reader.line_num, None, f"more than {MAX_CSV_ROWS:,} rows"
                )
            if not any(cell.strip() for cell in record):
                continue
            records += 1
            if len(record) != len(header):
                problems.add(
                    reader.line_num,
                    None,
                    f"{len(record)} cells, but the header has {len(header)}: is a "
                    "comma missing, or a name with a comma not quoted?",
                )
                continue
            cells = {h: record[i].strip() for h, i in positions.items()}
            _row(reader.line_num, cells, groups, seen, problems)
    except csv.Error as exc:
        problems.reject(reader.line_num, None, f"not a readable CSV file: {exc}")
    problems.raise_if_any()
    if not records:
        problems.reject(None, None, "the file has a header but no practice rows")
    return ParsedPayments(year, records, groups)


def _positions(header: Sequence[str], problems: Problems) -> dict[str, int]:
    given = [normalise_header(cell.lstrip("\ufeff")) for cell in header]
    wanted = {h: normalise_header(h) for h in HEADINGS}
    if wanted[WORKFORCE] not in given and wanted[PRACTICE] in given:
        problems.reject(
            1,
            WORKFORCE,
            "the file has no PCN Workforce column: NHS Payments to General "
            "Practice shows ARRS payments from 2020/21 on (the 2019/20 file has "
            "no network-level lines), so there is nothing to import",
        )
    for heading, key in wanted.items():
        if given.count(key) > 1:
            problems.add(1, heading, f"heading {heading!r} is given twice")
    missing = [h for h, key in wanted.items() if key not in given]
    if missing:
        problems.add(
            1,
            None,
            "not the NHS Payments to General Practice practice layout: missing "
            + ", ".join(repr(m) for m in missing),
        )
    problems.raise_if_any()
    return {h: given.index(key) for h, key in wanted.items()}


def _row(
    number: int,
    cells: dict[str, str],
    groups: dict[str, Group],
    seen: dict[str, int],
    problems: Problems,
) -> None:
    practice, code = cells[PRACTICE].upper(), cells[PCN_CODE]
    amount = _money(number, cells[WORKFORCE], problems)
    if not practice:
        problems.add(number, PRACTICE, "missing code")
    elif not codes.is_valid("practice", practice):
        problems.add(number, PRACTICE, f"{shown(practice)} is not a practice code")
    elif practice in seen:
        problems.add(
            number, PRACTICE, f"{practice} is given twice (also row {seen[practice]})"
        )
    seen.setdefault(practice, number)
    if len(code) > 100 or len(cells[PCN_NAME]) > NAME_MAX:
        problems.add(number, PCN_CODE, "code or name too long")
        return
    if not code:
        problems.tolerate(NO_CODE, f"row {number}")
    elif not codes.is_valid("network", code):
        problems.tolerate(NOT_A_NETWORK, f"row {number} ({code})")
    group = groups.setdefault(code, Group(cells[PCN_NAME]))
    if cells[PCN_NAME] != group.name:
        problems.tolerate(TWO_NAMES, f"row {number} ({code})")
    group.practices += 1
    group.commissioners.add(cells[COMMISSIONER].upper())
    if amount:
        group.paid += amount
        group.payees.append({"practice": practice, "paid": f"{amount:.2f}"})


def _money(number: int, text: str, problems: Problems) -> Decimal:
    if not text:
        problems.add(number, WORKFORCE, "missing (a practice paid nothing shows 0)")
        return ZERO
    if not MONEY.match(text):
        problems.add(
            number,
            WORKFORCE,
            f"{shown(text)} is not an amount in pounds (e.g. 38522.66 or -9415)",
        )
        return ZERO
    return Decimal(text)


def import_arrs_payments(
    path: Path,
    *,
    actor: Actor,
    as_at: date | None = None,
    progress: Any = None,
) -> PaymentsImport:
    """Import one payments file's ``PCN Workforce`` column; raise
    :class:`ImportRejected`, writing nothing of it, if it is bad. The same file
    again changes nothing (reported unchanged)."""
    problems = Problems(path.name)
    try:
        if not path.is_file():
            problems.reject(None, None, "no such file")
        parsed = read_payments(path, problems, as_at)
        sha = file_sha256(path)
        with transaction.atomic():
            wait_for_imports(f"pcnhub import {KIND} by {actor.label}")
            done = PaymentsFile.objects.filter(file_sha256=sha).first()
            if done is not None:
                return _unchanged(done, actor, path, problems)
            return _create(parsed, path, sha, actor, problems)
    except ImportRejected as rejected:
        _record_failure(actor, path, rejected)
        raise
    except IntegrityError as exc:  # the same file, imported meanwhile
        problem = Problem(path.name, None, None, f"not imported: {exc}")
        raise ImportRejected([problem]) from exc


def _create(
    parsed: ParsedPayments, path: Path, sha: str, actor: Actor, problems: Problems
) -> PaymentsImport:
    counts = file_counts(FACTS, len(parsed.groups), False, problems)
    payments_file = PaymentsFile.objects.create(
        contract_year=str(parsed.year),
        file_name=path.name,
        file_sha256=sha,
        imported_at=timezone.now(),
        actor=actor.user,
        system_actor=actor.system,
        records=parsed.records,
        counts=counts,
    )
    ArrsPayment.objects.bulk_create(
        (
            ArrsPayment(
                payments_file=payments_file,
                pcn_code=code,
                pcn_name=group.name,
                is_network=codes.is_valid("network", code),
                paid=group.paid,
                practices=group.practices,
                payees=group.payees,
                commissioners=sorted(group.commissioners - {""}),
            )
            for code, group in sorted(parsed.groups.items())
        ),
        batch_size=2000,
    )
    _audit(actor, payments_file, path, counts, "import")
    return PaymentsImport(payments_file, counts, unchanged=False)


def _unchanged(
    payments_file: PaymentsFile, actor: Actor, path: Path, problems: Problems
) -> PaymentsImport:
    counts = file_counts(FACTS, payments_file.networks.count(), True, problems)
    _audit(actor, payments_file, path, counts, "import unchanged")
    latest = latest_file(payments_file.contract_year)
    return PaymentsImport(
        payments_file,
        counts,
        unchanged=True,
        superseded=latest is not None and latest.pk != payments_file.pk,
    )


def latest_file(contract_year: str) -> PaymentsFile | None:
    """The payments file that counts for the year: the latest imported."""
    return (
        PaymentsFile.objects.filter(contract_year=contract_year)
        .order_by("-imported_at", "-id")
        .first()
    )


def _audit(
    actor: Actor,
    payments_file: PaymentsFile,
    path: Path,
    counts: dict[str, Any],
    action: str,
) -> None:
    details = {
        "kind": KIND,
        "sha256": payments_file.file_sha256,
        "contract_year": payments_file.contract_year,
        "records": payments_file.records,
    }
    record_import(
        actor,
        action,
        "workforce_payments_file",
        str(payments_file.pk),
        path,
        details,
        counts,
    )


def _record_failure(actor: Actor, path: Path, rejected: ImportRejected) -> None:
    record_rejected(actor, "workforce_payments_file", KIND, path, rejected)
