"""``pcnhub import deprivation``: practices' IMD 2019 deciles, all or nothing,
idempotent, superseded rows kept, audited."""

from __future__ import annotations

import csv
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.oversight.deprivation import current_deciles, import_deprivation
from pcnhub.oversight.models import PracticeDeprivation
from pcnhub.register.importers.errors import ImportRejected
from pcnhub.register.models import ImportRun
from tests.conftest import need_shared_data

pytestmark = pytest.mark.django_db
ACTOR = Actor(system="tests")
HEADER = (
    '"practice_code","practice_name","postcode","subicb_code","imd_score","imd_decile"'
)
ROWS = [
    '"A81001","THE DENSHAM SURGERY","TS18 1HU","16C",34.5687225678029,2',
    '"A81002","QUEENS PARK MEDICAL CENTRE","TS18 2AW","16C",32.4236615620214,3',
    '"A81005","SPRINGWOOD SURGERY","TS14 7DJ","16C",15.2501949701195,8',
]


def write(tmp_path: Path, rows: list[str], name: str = "imd.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_file_is_imported_with_its_run(tmp_path: Path) -> None:
    result = import_deprivation(write(tmp_path, ROWS), actor=ACTOR)
    assert current_deciles() == {"A81001": 2, "A81002": 3, "A81005": 8}
    row = PracticeDeprivation.objects.get(practice_code="A81001")
    assert row.imd_score == Decimal("34.569")
    assert row.recorded_by == result.run
    assert result.run.kind == "deprivation"
    assert result.run.status == ImportRun.Status.SUCCEEDED
    assert result.counts["totals"]["created"] == 3
    entry = AuditEntry.objects.get(action="import", entity_key=str(result.run.pk))
    assert entry.after["kind"] == "deprivation"


def test_the_same_file_again_changes_nothing_and_a_change_supersedes(
    tmp_path: Path,
) -> None:
    import_deprivation(write(tmp_path, ROWS), actor=ACTOR)
    again = import_deprivation(write(tmp_path, ROWS), actor=ACTOR)
    assert again.counts["totals"]["unchanged"] == 3
    assert again.counts["totals"]["created"] == 0
    changed = [ROWS[0].replace(",2", ",4"), '"B82001","X","Y","Z",50.1,1']
    third = import_deprivation(write(tmp_path, changed, "imd2.csv"), actor=ACTOR)
    assert third.counts["by_fact"]["practice deprivation"] == {
        "created": 1,
        "updated": 1,
        "closed": 0,
        "unchanged": 0,
    }
    # The old figure is kept, superseded by the run that changed it.
    old, new = PracticeDeprivation.objects.filter(practice_code="A81001")
    assert (old.imd_decile, old.superseded_by) == (2, third.run)
    assert (new.imd_decile, new.superseded_by) == (4, None)
    # Practices the file does not mention are left as they were.
    assert current_deciles() == {"A81001": 4, "A81002": 3, "A81005": 8, "B82001": 1}


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ('"A8100","X","Y","Z",3.2,2', "practice_code", "not a practice code"),
        ('"A81009","X","Y","Z",-3.2,2', "imd_score", "expected an IMD score"),
        ('"A81009","X","Y","Z",1e3,2', "imd_score", "expected an IMD score"),
        ('"A81009","X","Y","Z",101,2', "imd_score", "above 100"),
        ('"A81009","X","Y","Z",3.2,11', "imd_decile", "from 1 (most deprived) to 10"),
        ('"A81009","X","Y","Z",3.2,', "imd_decile", "from 1"),
    ],
)
def test_a_bad_row_rejects_the_whole_file_naming_row_and_column(
    tmp_path: Path, row: str, column: str, words: str
) -> None:
    path = write(tmp_path, [*ROWS, row])
    with pytest.raises(ImportRejected) as caught:
        import_deprivation(path, actor=ACTOR)
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("imd.csv", 5, column)
    assert words in problem.message
    assert not PracticeDeprivation.objects.exists()
    failed = ImportRun.objects.get(kind="deprivation")
    assert failed.status == ImportRun.Status.FAILED and "row 5" in failed.error
    assert AuditEntry.objects.filter(action="import rejected").count() == 1


def test_a_practice_given_twice_differently_and_a_wrong_layout(tmp_path: Path) -> None:
    twice = write(tmp_path, [*ROWS, ROWS[0].replace(",2", ",5")])
    with pytest.raises(ImportRejected, match="row 5.*disagrees with row 2"):
        import_deprivation(twice, actor=ACTOR)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("code,score\nA81001,3\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="layout"):
        import_deprivation(wrong, actor=ACTOR)
    with pytest.raises(ImportRejected, match="no such file"):
        import_deprivation(tmp_path / "none.csv", actor=ACTOR)
    assert not PracticeDeprivation.objects.exists()


def test_the_import_command_runs_it(tmp_path: Path) -> None:
    out = StringIO()
    call_command(
        "import", "deprivation", str(write(tmp_path, ROWS)), "--quiet", stdout=out
    )
    assert "Imported imd.csv as deprivation" in out.getvalue()
    assert "practice deprivation" in out.getvalue()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(
            "import", "deprivation", str(write(tmp_path, ["x"], "b.csv")), "--quiet"
        )


def test_the_shared_file_imports_whole() -> None:
    path = need_shared_data() / "deprivation/practice_imd2019.csv"
    result = import_deprivation(path, actor=ACTOR)
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert result.counts["totals"]["created"] == len(rows) == 6437
    assert current_deciles() == {r["practice_code"]: int(r["imd_decile"]) for r in rows}
