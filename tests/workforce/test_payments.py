"""``pcnhub import arrs-payments``: the PCN Workforce column of NHS Payments to
General Practice summed per PCN Code, all or nothing, idempotent, audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.register.importers.errors import ImportRejected
from pcnhub.workforce.models import ArrsPayment, PaymentsFile
from pcnhub.workforce.payments import import_arrs_payments, latest_file

pytestmark = pytest.mark.django_db
ACTOR = Actor(system="tests")

HEADER = (
    "NHS England (Region) code,CCG Code,CCG NAME,PCN Code,PCN Name,Practice Code,"
    "Practice Name,PCN Leadership,PCN Workforce,"
    '"Total NHS Payments including PCN Workforce, Leadership and Support"'
)
#: U11111's lines are booked to one practice (A81001); U22222's include a
#: negative adjustment at A81003; two practices are in no network.
ROWS = [
    "Y56,00K,NHS NORTH CCG,U11111,NORTH PCN,A81001,THE SURGERY,1200.00,1000.50,9",
    "Y56,00K,NHS NORTH CCG,U11111,NORTH PCN,A81002,THE CLINIC,0,0,9",
    "Y56,00K,NHS NORTH CCG,U11111,NORTH PCN,A81007,THE PRACTICE,0,0.00,9",
    'Y56,00L,NHS SOUTH CCG,U22222,SOUTH PCN,A81003,"SMITH, JONES",0,-250.25,9',
    "Y56,00L,NHS SOUTH CCG,U22222,SOUTH PCN,A81004,HIGH STREET,0,5000,9",
    "Y56,00L,NHS SOUTH CCG,Unknown or no PCN,Unknown or no PCN,A81005,LONE,0,0,9",
    "Y56,00L,NHS SOUTH CCG,,,A81006,NEW,0,12.00,9",
]
WorkforceFile = Callable[..., Path]


@pytest.fixture
def payments_file(tmp_path: Path) -> WorkforceFile:
    """The fixture as NHS Digital writes it (UTF-8 BOM, CRLF); ``change`` maps
    a data row number (2 on) to the line to put there."""

    def write(
        name: str = "nhspaymentsgp-2020-21-prac.csv",
        change: dict[int, str] | None = None,
        header: str = HEADER,
    ) -> Path:
        lines = [header, *ROWS]
        for row, line in (change or {}).items():
            lines[row - 1] = line
        path = tmp_path / name
        path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode())
        return path

    return write


def paid(payments_file: PaymentsFile) -> dict[str, ArrsPayment]:
    return {p.pcn_code: p for p in payments_file.networks.all()}


def test_the_column_is_summed_per_pcn_code_with_its_payees(
    payments_file: WorkforceFile,
) -> None:
    done = import_arrs_payments(payments_file(), actor=ACTOR)
    assert not done.unchanged and done.as_at is None
    assert done.payments_file.contract_year == "2020/21"
    assert done.payments_file.records == len(ROWS)
    found = paid(done.payments_file)
    north, south = found["U11111"], found["U22222"]
    assert north.paid == Decimal("1000.50") and north.practices == 3
    assert north.payees == [{"practice": "A81001", "paid": "1000.50"}]
    assert north.commissioners == ["00K"] and north.pcn_name == "NORTH PCN"
    assert south.paid == Decimal("4749.75")
    assert [p["paid"] for p in south.payees] == ["-250.25", "5000.00"]
    # Practices in no network are kept as the file gives them, not as networks.
    assert not found["Unknown or no PCN"].is_network
    assert found[""].paid == Decimal("12.00") and not found[""].is_network
    assert north.is_network and south.is_network
    assert done.counts["by_fact"]["ARRS paid by PCN code"]["created"] == 4
    tolerated = done.counts["tolerated"]
    assert list(tolerated.values()) == [["row 7 (Unknown or no PCN)"], ["row 8"]]
    entry = AuditEntry.objects.get(action="import")
    assert entry.entity_type == "workforce_payments_file"
    assert entry.after["contract_year"] == "2020/21"


def test_the_same_file_again_changes_nothing(payments_file: WorkforceFile) -> None:
    first = import_arrs_payments(payments_file(), actor=ACTOR)
    again = import_arrs_payments(payments_file(), actor=ACTOR)
    assert again.unchanged and again.payments_file.pk == first.payments_file.pk
    assert "unchanged" in again.label
    assert PaymentsFile.objects.count() == 1 and ArrsPayment.objects.count() == 4
    assert again.counts["by_fact"]["ARRS paid by PCN code"]["unchanged"] == 4
    assert AuditEntry.objects.filter(action="import unchanged").count() == 1


def test_a_bad_amount_rejects_the_whole_file_naming_row_and_column(
    payments_file: WorkforceFile,
) -> None:
    bad = ROWS[3].replace("-250.25", "£250")
    path = payments_file(change={5: bad, 6: ROWS[4].replace(",5000,", ",,")})
    with pytest.raises(ImportRejected) as rejected:
        import_arrs_payments(path, actor=ACTOR)
    messages = [str(p) for p in rejected.value.problems]
    assert messages == [
        "nhspaymentsgp-2020-21-prac.csv, row 5, column 'PCN Workforce': '£250' is "
        "not an amount in pounds (e.g. 38522.66 or -9415)",
        "nhspaymentsgp-2020-21-prac.csv, row 6, column 'PCN Workforce': missing (a "
        "practice paid nothing shows 0)",
    ]
    assert not PaymentsFile.objects.exists() and not ArrsPayment.objects.exists()
    assert AuditEntry.objects.filter(action="import rejected").count() == 1


def test_a_practice_given_twice_is_rejected(payments_file: WorkforceFile) -> None:
    path = payments_file(change={3: ROWS[0]})
    with pytest.raises(ImportRejected, match=r"row 3, column 'Practice Code': "):
        import_arrs_payments(path, actor=ACTOR)
    assert not PaymentsFile.objects.exists()


def test_a_file_without_the_column_is_refused_clearly(
    payments_file: WorkforceFile,
) -> None:
    # As the 2019/20 file: no network-level lines at all.
    header = HEADER.replace("PCN Workforce,", "PCN Participation,")
    path = payments_file("nhspaymentsgp-2019-20-prac.csv", header=header)
    with pytest.raises(ImportRejected, match="has no PCN Workforce column"):
        import_arrs_payments(path, actor=ACTOR)


def test_the_year_comes_from_the_name_or_as_at(payments_file: WorkforceFile) -> None:
    unnamed = payments_file("payments.csv")
    with pytest.raises(ImportRejected, match="name gives no contract year"):
        import_arrs_payments(unnamed, actor=ACTOR)
    with pytest.raises(ImportRejected, match="--as-at 2021-04-01 is in 2021/22"):
        import_arrs_payments(payments_file(), actor=ACTOR, as_at=date(2021, 4, 1))
    done = import_arrs_payments(unnamed, actor=ACTOR, as_at=date(2021, 3, 31))
    assert done.payments_file.contract_year == "2020/21"


def test_a_later_file_for_the_year_counts_and_both_are_kept(
    payments_file: WorkforceFile, tmp_path: Path
) -> None:
    first = import_arrs_payments(payments_file(), actor=ACTOR)
    revised = payments_file(
        "nhspaymentsgp-2020-21-prac-revised.csv",
        change={2: ROWS[0].replace("1000.50", "1100.50")},
    )
    second = import_arrs_payments(revised, actor=ACTOR)
    assert latest_file("2020/21") == second.payments_file
    assert paid(second.payments_file)["U11111"].paid == Decimal("1100.50")
    assert paid(first.payments_file)["U11111"].paid == Decimal("1000.50")
    # The earlier file again: unchanged, and it says the later one counts.
    again = import_arrs_payments(payments_file(), actor=ACTOR)
    assert again.unchanged and again.superseded
    assert "a later import counts for 2020/21" in again.label
    assert latest_file("2020/21") == second.payments_file


def test_the_import_command_runs_it(payments_file: WorkforceFile) -> None:
    out = StringIO()
    call_command("import", "arrs-payments", str(payments_file()), "--quiet", stdout=out)
    assert "as arrs-payments (2020/21 payments file" in out.getvalue()
    assert "ARRS paid by PCN code" in out.getvalue()
    bad = payments_file("nhspaymentsgp-2020-21-bad.csv", change={2: "x,y"})
    with pytest.raises(CommandError, match="row 2: 2 cells, but the header has 10"):
        call_command("import", "arrs-payments", str(bad), "--quiet")
