"""The strict parameter loader: every way a file can be wrong, and the real files.

Each bad file is a small edit of a good one, written to ``tmp_path``; the loader
must raise :class:`ParameterError` with a message that starts with the file's
name and names the key (or date) at fault.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from pcnhub.rules.params import (
    PARAMETERS_DIR,
    UNITS,
    Parameter,
    ParameterError,
    Parameters,
    load_parameter,
    load_parameters,
    require,
)
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.registry import ALWAYS, check_parameters, default_parameters

BAD = "bad_rate.yaml"

#: A good money parameter: two dated values, each with a source.
GOOD = """\
description: A test rate.
metadata:
  unit: GBP-per-registered-patient
  label: Test rate
values:
  2020-04-01:
    value: 1.50
    per: year
    source: {document: Test document, section: "§1"}
  2021-04-01:
    value: 1.75
    per: year
    source: {document: Test document, section: "§2"}
"""

#: A good parameter in a unit that takes no ``per``.
GOOD_COUNT = """\
description: A test population.
metadata:
  unit: patients
  label: Test population
values:
  2020-04-01:
    value: 30000
    source: {document: Test document, section: "§1"}
"""

GOOD_FLAG = GOOD_COUNT.replace("unit: patients", "unit: flag").replace(
    "value: 30000", "value: true"
)

GOOD_INDEX = """\
description: Years covered.
years:
  2020/21:
    source: {document: Test document, section: "§1"}
  2021/22:
    source: {document: Test document, section: "§2"}
"""


def edit(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` (which must be there, once) replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} not found once in the template"
    return text.replace(old, new)


def write(directory: Path, text: str, name: str = BAD) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_text(tmp_path: Path, text: str) -> Parameter:
    return load_parameter(write(tmp_path, text), "test.rate")


def rejected(tmp_path: Path, text: str, *fragments: str) -> str:
    """Load ``text``; it must fail naming the file and every fragment."""
    with pytest.raises(ParameterError) as caught:
        load_text(tmp_path, text)
    message = str(caught.value)
    assert message.startswith(f"{BAD}: "), message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


def test_good_templates_load(tmp_path: Path) -> None:
    rate = load_text(tmp_path, GOOD)
    assert [v.value for v in rate.values] == [Decimal("1.50"), Decimal("1.75")]
    assert load_text(tmp_path, GOOD_COUNT).values[0].value == 30000
    assert load_text(tmp_path, GOOD_FLAG).values[0].value is True


# --- one test per failure mode of a parameter file ---------------------------

_SECOND_SOURCE = '    source: {document: Test document, section: "§2"}\n'

CASES = [
    pytest.param(
        edit(
            GOOD,
            "description: A test rate.\n",
            "description: A test rate.\ncolour: blue\n",
        ),
        ("top level", "unknown key 'colour'"),
        id="unknown-top-level-key",
    ),
    pytest.param(
        edit(GOOD, "  label: Test rate\n", "  label: Test rate\n  colour: blue\n"),
        ("metadata", "unknown key 'colour'"),
        id="unknown-metadata-key",
    ),
    pytest.param(
        edit(GOOD, "    value: 1.75\n", "    value: 1.75\n    colour: blue\n"),
        ("values.2021-04-01", "unknown key 'colour'"),
        id="unknown-key-in-value",
    ),
    pytest.param(
        edit(GOOD, 'section: "§2"}', 'section: "§2", colour: blue}'),
        ("values.2021-04-01.source", "unknown key 'colour'"),
        id="unknown-key-in-source",
    ),
    pytest.param(
        edit(GOOD, "unit: GBP-per-registered-patient", "unit: GBP-per-dog"),
        ("metadata.unit", "unknown unit 'GBP-per-dog'"),
        id="unknown-unit",
    ),
    pytest.param(
        edit(GOOD, "  unit: GBP-per-registered-patient\n", ""),
        ("metadata.unit", "unknown unit None"),
        id="missing-unit",
    ),
    pytest.param(
        edit(
            GOOD,
            "metadata:\n  unit: GBP-per-registered-patient\n  label: Test rate\n",
            "",
        ),
        ("metadata", "missing"),
        id="missing-metadata",
    ),
    pytest.param(
        edit(GOOD, "  label: Test rate\n", ""),
        ("metadata.label", "missing"),
        id="missing-label",
    ),
    pytest.param(
        edit(GOOD, "  label: Test rate\n", "  label: ''\n"),
        ("metadata.label", "missing"),
        id="empty-label",
    ),
    pytest.param(
        edit(GOOD, "description: A test rate.\n", ""),
        ("description", "missing"),
        id="missing-description",
    ),
    pytest.param(
        edit(GOOD, "description: A test rate.\n", "description: '   '\n"),
        ("description", "missing"),
        id="blank-description",
    ),
    pytest.param(
        GOOD.split("values:")[0] + "values: {}\n",
        ("values", "at least one dated value"),
        id="no-values",
    ),
    pytest.param(
        GOOD.split("values:")[0],
        ("values", "at least one dated value"),
        id="values-key-missing",
    ),
    pytest.param(
        edit(GOOD, _SECOND_SOURCE, ""),
        ("values.2021-04-01", "needs a source"),
        id="value-without-source",
    ),
    pytest.param(
        edit(GOOD, _SECOND_SOURCE, "    source: Test document\n"),
        ("values.2021-04-01", "needs a source"),
        id="source-not-a-mapping",
    ),
    pytest.param(
        edit(GOOD, _SECOND_SOURCE, '    source: {section: "§2"}\n'),
        ("values.2021-04-01.source", "needs a document"),
        id="source-without-document",
    ),
    pytest.param(
        edit(GOOD, _SECOND_SOURCE, '    source: {document: " ", section: "§2"}\n'),
        ("values.2021-04-01.source", "needs a document"),
        id="source-with-blank-document",
    ),
    pytest.param(
        edit(GOOD, _SECOND_SOURCE, "    source: {document: Test document}\n"),
        ("values.2021-04-01.source", "needs a section"),
        id="source-without-section",
    ),
    pytest.param(
        edit(GOOD, 'section: "§2"}', 'section: "§2", refs: N1}'),
        ("values.2021-04-01.source.refs", "list"),
        id="refs-not-a-list",
    ),
    pytest.param(
        edit(GOOD, "  2021-04-01:\n", "  2020-04-01:\n"),
        ("line 10", "2020-04-01 appears twice", "overlap"),
        id="same-date-twice",
    ),
    pytest.param(
        edit(GOOD, "  2020-04-01:\n", "  2022-04-01:\n"),
        ("values", "in order"),
        id="dates-out-of-order",
    ),
    pytest.param(
        edit(GOOD, "  2021-04-01:\n", "  April 2021:\n"),
        ("values.April 2021", "YYYY-MM-DD"),
        id="key-not-a-date",
    ),
    pytest.param(
        edit(GOOD, "  2021-04-01:\n", "  2021-4-1:\n"),
        ("values.2021-4-1", "YYYY-MM-DD"),
        id="key-date-not-zero-padded",
    ),
    pytest.param(
        edit(GOOD, "  2021-04-01:\n", "  2021-04-01 09:30:00:\n"),
        ("values.2021-04-01 09:30:00", "YYYY-MM-DD"),
        id="key-datetime-not-date",
    ),
    pytest.param(
        edit(GOOD, "  2021-04-01:\n", "  2021:\n"),
        ("values.2021", "YYYY-MM-DD"),
        id="key-a-bare-year",
    ),
    pytest.param(
        edit(
            GOOD,
            "  2021-04-01:\n    value: 1.75\n    per: year\n" + _SECOND_SOURCE,
            "  2021-04-01: 1.75\n",
        ),
        ("values.2021-04-01", "a value is a mapping"),
        id="value-not-a-mapping",
    ),
    pytest.param(
        edit(GOOD, "    value: 1.75\n", ""),
        ("values.2021-04-01", "missing 'value'"),
        id="value-key-missing",
    ),
    pytest.param(
        edit(GOOD, "    value: 1.75\n", '    value: "£1.75"\n'),
        ("values.2021-04-01", "must be a number", "'£1.75'"),
        id="money-value-is-text",
    ),
    pytest.param(
        edit(GOOD, "    value: 1.75\n", '    value: "1.75"\n'),
        ("values.2021-04-01", "must be a number", "'1.75'"),
        id="money-value-is-quoted-number",
    ),
    pytest.param(
        edit(GOOD, "    value: 1.75\n", "    value: true\n"),
        ("values.2021-04-01", "must be a number", "True"),
        id="money-value-is-a-flag",
    ),
    pytest.param(
        edit(GOOD, "    value: 1.75\n", "    value: .nan\n"),
        ("not valid YAML",),
        id="money-value-is-nan",
    ),
    pytest.param(
        edit(GOOD, "    value: 1.75\n", "    value: .inf\n"),
        ("not valid YAML",),
        id="money-value-is-infinite",
    ),
    pytest.param(
        edit(GOOD, "    value: 1.75\n", "    value: -1.75\n"),
        ("values.2021-04-01", "cannot be negative", "-1.75"),
        id="negative-money",
    ),
    pytest.param(
        edit(GOOD_COUNT, "value: 30000", "value: -1"),
        ("values.2020-04-01", "cannot be negative", "-1"),
        id="negative-count",
    ),
    pytest.param(
        edit(GOOD_COUNT, "value: 30000", "value: 30000.5"),
        ("values.2020-04-01", "whole number", "30000.5"),
        id="fractional-patients",
    ),
    pytest.param(
        edit(GOOD_FLAG, "value: true", 'value: "yes"'),
        ("values.2020-04-01", "true or false", "'yes'"),
        id="flag-is-text",
    ),
    pytest.param(
        edit(GOOD_FLAG, "value: true", "value: 1"),
        ("values.2020-04-01", "true or false", "1"),
        id="flag-is-a-number",
    ),
    pytest.param(
        edit(GOOD, "    value: 1.75\n    per: year\n", "    value: 1.75\n"),
        ("values.2021-04-01", "needs per: year or per: period", "None"),
        id="rate-without-per",
    ),
    pytest.param(
        edit(GOOD_COUNT, "    value: 30000\n", "    value: 30000\n    per: year\n"),
        ("values.2020-04-01", "patients value takes no 'per'"),
        id="per-on-a-count",
    ),
    pytest.param(
        edit(
            edit(GOOD_COUNT, "unit: patients", "unit: km"),
            "    value: 30000\n",
            "    value: 10\n    per: period\n",
        ),
        ("values.2020-04-01", "km value takes no 'per'"),
        id="per-on-a-distance",
    ),
    pytest.param(
        edit(
            GOOD,
            "    value: 1.75\n    per: year\n",
            "    value: 1.75\n    per: month\n",
        ),
        ("values.2021-04-01", "needs per: year or per: period", "'month'"),
        id="bad-per",
    ),
    pytest.param(
        edit(
            GOOD,
            "    value: 1.75\n    per: year\n",
            "    value: 1.75\n    per: period\n",
        ),
        ("values.2021-04-01", "end of its contract year (2022-04-01)"),
        id="per-period-with-no-later-key",
    ),
    pytest.param(
        edit(
            edit(
                GOOD,
                "    value: 1.50\n    per: year\n",
                "    value: 1.50\n    per: period\n",
            ),
            "  2021-04-01:\n",
            "  2021-10-01:\n",
        ),
        ("values.2020-04-01", "end of its contract year (2021-04-01)"),
        id="per-period-next-key-after-year-end",
    ),
    pytest.param(
        "- description\n- metadata\n",
        ("expected a mapping at the top",),
        id="top-level-not-a-mapping",
    ),
    pytest.param(
        GOOD + "  2022-04-01: [unclosed\n",
        ("not valid YAML",),
        id="invalid-yaml",
    ),
]


@pytest.mark.parametrize(("text", "fragments"), CASES)
def test_bad_parameter_file_is_rejected(
    tmp_path: Path, text: str, fragments: tuple[str, ...]
) -> None:
    rejected(tmp_path, text, *fragments)


def test_per_period_amount_ending_on_the_year_end_loads(tmp_path: Path) -> None:
    text = GOOD.split("values:")[0] + (
        "values:\n"
        "  2020-10-01:\n"
        "    value: 60\n"
        "    per: period\n"
        '    source: {document: Test document, section: "§1"}\n'
        "  2021-04-01: null\n"
    )
    (value,) = load_text(tmp_path, text).values
    assert (value.start, value.end, value.per) == (
        dt.date(2020, 10, 1),
        dt.date(2021, 4, 1),
        "period",
    )


def test_per_period_amount_ended_early_by_the_next_value_loads(tmp_path: Path) -> None:
    text = edit(
        edit(
            GOOD,
            "    value: 1.50\n    per: year\n",
            "    value: 1.50\n    per: period\n",
        ),
        "  2021-04-01:\n",
        "  2021-01-01:\n",
    )
    first, second = load_text(tmp_path, text).values
    assert first.end == second.start == dt.date(2021, 1, 1)


# --- bugs: input the loader does not turn into a ParameterError ---------------


def test_impossible_date_key_is_a_parameter_error(tmp_path: Path) -> None:
    rejected(tmp_path, edit(GOOD, "  2021-04-01:\n", "  2021-02-30:\n"), "2021-02-30")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param(
            edit(GOOD, "unit: GBP-per-registered-patient", "unit: [GBP]"),
            "metadata.unit",
            id="unit-is-a-list",
        ),
        pytest.param(
            edit(
                GOOD,
                "    value: 1.75\n    per: year\n",
                "    value: 1.75\n    per: [year]\n",
            ),
            "values.2021-04-01",
            id="per-is-a-list",
        ),
        pytest.param(
            edit(
                GOOD,
                "    value: 1.75\n",
                "    value: 1.75\n    2: x\n    colour: blue\n",
            ),
            "values.2021-04-01",
            id="unknown-keys-of-mixed-types",
        ),
    ],
)
def test_malformed_types_are_parameter_errors(
    tmp_path: Path, text: str, fragment: str
) -> None:
    rejected(tmp_path, text, fragment)


def test_empty_description_is_missing(tmp_path: Path) -> None:
    rejected(
        tmp_path,
        edit(GOOD, "description: A test rate.\n", "description:\n"),
        "description",
        "missing",
    )


# --- index.yaml --------------------------------------------------------------


def parameters_dir(tmp_path: Path, index: str = GOOD_INDEX) -> Path:
    directory = tmp_path / "parameters"
    write(directory, GOOD, "test/rate.yaml")
    write(directory, index, "index.yaml")
    return directory


def index_rejected(tmp_path: Path, index: str, *fragments: str) -> str:
    with pytest.raises(ParameterError) as caught:
        load_parameters(parameters_dir(tmp_path, index))
    message = str(caught.value)
    assert message.startswith("index.yaml: "), message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


def test_good_index_loads(tmp_path: Path) -> None:
    parameters = load_parameters(parameters_dir(tmp_path))
    assert parameters.years == (ContractYear(2020), ContractYear(2021))
    assert parameters.year_sources[ContractYear(2021)].section == "§2"
    assert set(parameters.by_name) == {"test.rate"}


@pytest.mark.parametrize(
    ("index", "fragments"),
    [
        pytest.param(
            edit(GOOD_INDEX, "  2021/22:\n", "  2022/23:\n"),
            ("years", "no gaps"),
            id="gap-between-years",
        ),
        pytest.param(
            edit(GOOD_INDEX, "  2021/22:\n", "  2021-22:\n"),
            ("years.2021-22", "looks like 2020/21"),
            id="year-with-a-dash",
        ),
        pytest.param(
            edit(GOOD_INDEX, "  2021/22:\n", "  2021/23:\n"),
            ("years.2021/23", "the year after the first"),
            id="year-parts-not-consecutive",
        ),
        pytest.param(
            edit(GOOD_INDEX, "  2021/22:\n", "  21/22:\n"),
            ("years.21/22", "looks like 2020/21"),
            id="two-digit-year",
        ),
        pytest.param(
            edit(
                GOOD_INDEX, '    source: {document: Test document, section: "§2"}\n', ""
            ),
            ("years.2021/22", "needs a source"),
            id="year-without-source",
        ),
        pytest.param(
            "description: Years covered.\nyears: {}\n",
            ("years", "list the contract years"),
            id="no-years",
        ),
        pytest.param(
            GOOD_INDEX + "colour: blue\n",
            ("top level", "unknown key 'colour'"),
            id="unknown-top-level-key",
        ),
        pytest.param(
            edit(GOOD_INDEX, "  2021/22:\n", "  2020/21:\n"),
            ("2020/21 appears twice",),
            id="year-twice",
        ),
    ],
)
def test_bad_index_is_rejected(
    tmp_path: Path, index: str, fragments: tuple[str, ...]
) -> None:
    index_rejected(tmp_path, index, *fragments)


def test_index_year_entry_not_a_mapping(tmp_path: Path) -> None:
    index = GOOD_INDEX.split("  2021/22:")[0] + "  2021/22: yes\n"
    index_rejected(tmp_path, index, "years.2021/22")


def test_index_unknown_key_in_a_year_entry(tmp_path: Path) -> None:
    index = edit(GOOD_INDEX, '§2"}\n', '§2"}\n    colour: blue\n')
    index_rejected(tmp_path, index, "years.2021/22", "unknown key 'colour'")


def test_missing_index_is_a_parameter_error(tmp_path: Path) -> None:
    directory = parameters_dir(tmp_path)
    (directory / "index.yaml").unlink()
    with pytest.raises(ParameterError, match="index.yaml"):
        load_parameters(directory)


# --- require(): a parameter the rules need ----------------------------------


GAPPY = edit(
    GOOD,
    "  2021-04-01:\n",
    "  2020-07-01: null\n  2020-10-01:\n",
)


def test_require_passes_for_a_parameter_in_force_every_month(tmp_path: Path) -> None:
    parameters = load_parameters(parameters_dir(tmp_path))
    require(
        parameters,
        "test.rate",
        "GBP-per-registered-patient",
        [ContractYear(2020), ContractYear(2021), ContractYear(2022)],
    )


def test_require_names_the_first_missing_month(tmp_path: Path) -> None:
    directory = parameters_dir(tmp_path)
    write(directory, GAPPY, "test/rate.yaml")
    parameters = load_parameters(directory)
    with pytest.raises(ParameterError) as caught:
        require(
            parameters, "test.rate", "GBP-per-registered-patient", [ContractYear(2020)]
        )
    message = str(caught.value)
    assert message.startswith("rate.yaml: values: "), message
    assert "no value in force for 2020-07 (and 2 more months)" in message
    assert "test.rate" in message


def test_require_names_a_missing_year_before_the_first_value(tmp_path: Path) -> None:
    parameters = load_parameters(parameters_dir(tmp_path))
    with pytest.raises(ParameterError, match=r"2019-04 \(and 11 more months\)"):
        require(
            parameters,
            "test.rate",
            "GBP-per-registered-patient",
            [ContractYear(2019), ContractYear(2020)],
        )


def test_require_one_missing_month_says_no_more(tmp_path: Path) -> None:
    directory = parameters_dir(tmp_path)
    write(
        directory,
        edit(GOOD, "  2021-04-01:\n", "  2021-03-01: null\n  2021-04-01:\n"),
        "test/rate.yaml",
    )
    with pytest.raises(ParameterError) as caught:
        require(
            load_parameters(directory),
            "test.rate",
            "GBP-per-registered-patient",
            [ContractYear(2020)],
        )
    assert "no value in force for 2021-03;" in str(caught.value)


def test_require_rejects_the_wrong_unit(tmp_path: Path) -> None:
    parameters = load_parameters(parameters_dir(tmp_path))
    with pytest.raises(ParameterError) as caught:
        require(parameters, "test.rate", "GBP-per-weighted-patient", ())
    message = str(caught.value)
    assert message.startswith("rate.yaml: metadata.unit: "), message
    assert "test.rate in GBP-per-weighted-patient" in message
    assert "the file says GBP-per-registered-patient" in message


def test_require_an_unknown_parameter(tmp_path: Path) -> None:
    parameters = load_parameters(parameters_dir(tmp_path))
    with pytest.raises(ParameterError, match="no parameter called 'test.missing'"):
        require(parameters, "test.missing", "GBP", ())


# --- the registry's checks, on edited copies of the real parameters ----------


@pytest.fixture
def real_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "parameters"
    shutil.copytree(PARAMETERS_DIR, directory)
    return directory


def change(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    path.write_text(edit(path.read_text(encoding="utf-8"), old, new), "utf-8")


def test_registry_rejects_two_alternatives_in_force_at_once(real_copy: Path) -> None:
    change(
        real_copy,
        "arrs/rate.yaml",
        "  2021-04-01: null\n",
        "  2021-04-01:\n"
        "    value: 12.30\n"
        "    per: year\n"
        '    source: {document: Test document, section: "§1"}\n',
    )
    parameters = load_parameters(real_copy)
    with pytest.raises(ParameterError) as caught:
        check_parameters(parameters)
    message = str(caught.value)
    assert message.startswith("arrs_sum: "), message
    assert "arrs.rate and arrs.national_pot are both in force from 2021-04-01" in (
        message
    )


def test_registry_rejects_a_gap_in_a_parameter_needed_every_year(
    real_copy: Path,
) -> None:
    change(
        real_copy,
        "core/registered_rate.yaml",
        "  2024-04-01:\n",
        "  2022-09-01: null\n  2024-04-01:\n",
    )
    with pytest.raises(ParameterError) as caught:
        check_parameters(load_parameters(real_copy))
    message = str(caught.value)
    assert message.startswith("registered_rate.yaml: values: "), message
    assert "no value in force for 2022-09 (and 18 more months)" in message


def test_registry_rejects_a_parameter_in_the_wrong_unit(real_copy: Path) -> None:
    change(
        real_copy,
        "network_participation/rate.yaml",
        "unit: GBP-per-weighted-patient",
        "unit: GBP-per-registered-patient",
    )
    with pytest.raises(ParameterError) as caught:
        check_parameters(load_parameters(real_copy))
    message = str(caught.value)
    assert message.startswith("rate.yaml: metadata.unit: "), message
    assert "network_participation.rate in GBP-per-weighted-patient" in message


def test_registry_rejects_a_component_in_the_wrong_unit(real_copy: Path) -> None:
    change(
        real_copy,
        "care_home_premium/rate.yaml",
        "unit: GBP-per-bed",
        "unit: GBP-per-registered-patient",
    )
    with pytest.raises(ParameterError, match="care_home_premium.rate in GBP-per-bed"):
        check_parameters(load_parameters(real_copy))


def test_registry_rejects_iif_point_value_without_an_average_list(
    real_copy: Path,
) -> None:
    change(real_copy, "iif/average_list.yaml", "  2020-10-01:\n", "  2021-04-01:\n")
    with pytest.raises(ParameterError, match="average_list"):
        check_parameters(load_parameters(real_copy))


def test_error_in_a_nested_file_says_which_file(real_copy: Path) -> None:
    change(real_copy, "arrs/rate.yaml", "    value: 16.70\n", '    value: "16.70"\n')
    with pytest.raises(ParameterError) as caught:
        load_parameters(real_copy)
    message = str(caught.value)
    assert "arrs/rate.yaml" in message or "arrs.rate" in message, message


# --- the shipped parameters -------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> Parameters:
    return load_parameters()


def all_values(parameters: Parameters):
    for parameter in parameters.by_name.values():
        yield from parameter.values


def test_shipped_parameters_load_and_pass_the_registry_checks(
    shipped: Parameters,
) -> None:
    check_parameters(shipped)
    files = [p for p in PARAMETERS_DIR.rglob("*.yaml") if p.name != "index.yaml"]
    assert len(shipped.by_name) == len(files)
    assert set(ALWAYS) <= set(shipped.by_name)
    assert default_parameters().by_name.keys() == shipped.by_name.keys()


def test_parameter_names_are_their_paths(shipped: Parameters) -> None:
    for name, parameter in shipped.by_name.items():
        assert parameter.name == name
        assert parameter.file == PARAMETERS_DIR.joinpath(*name.split(".")).with_suffix(
            ".yaml"
        )
        assert all(v.parameter == name for v in parameter.values)


def test_shipped_decimals_are_exact(shipped: Parameters) -> None:
    npp = shipped.at("network_participation.rate", dt.date(2019, 4, 1))
    assert npp is not None
    assert type(npp.value) is Decimal
    assert npp.value == Decimal("1.761")
    assert str(npp.value) == "1.761"
    arrs = shipped.at("arrs.rate", dt.date(2022, 4, 1))
    assert arrs is not None and str(arrs.value) == "16.70"
    cd = shipped.at("clinical_director.rate", dt.date(2019, 7, 1))
    assert cd is not None and cd.value == Decimal("0.5143")


def test_shipped_values_have_the_type_of_their_unit(shipped: Parameters) -> None:
    for value in all_values(shipped):
        kind, _, needs_per = UNITS[value.unit]
        if value.not_published:  # no figure: nothing to type
            assert value.value == 0 and not value.provisional, value
            continue
        expected = {"money": Decimal, "number": Decimal, "count": int, "flag": bool}
        assert type(value.value) is expected[kind], value
        assert not isinstance(value.value, float)
        assert (value.per in {"year", "period"}) if needs_per else value.per is None


def test_every_shipped_value_cites_a_document_and_section(
    shipped: Parameters,
) -> None:
    count = 0
    for value in all_values(shipped):
        assert value.source.document.strip(), value
        assert value.source.section.strip(), value
        count += 1
    assert count > 50
    for year, source in shipped.year_sources.items():
        assert source.document.strip() and source.section.strip(), year


def test_shipped_parameters_have_labels_and_descriptions(shipped: Parameters) -> None:
    for parameter in shipped.by_name.values():
        assert parameter.label.strip() and parameter.label != "None"
        assert parameter.description.strip() and parameter.description != "None"
        assert parameter.unit in UNITS


def test_every_contract_year_2019_to_2026_is_covered(shipped: Parameters) -> None:
    expected = tuple(ContractYear(y) for y in range(2019, 2027))
    assert shipped.years == expected
    assert [str(y) for y in shipped.years] == [
        "2019/20",
        "2020/21",
        "2021/22",
        "2022/23",
        "2023/24",
        "2024/25",
        "2025/26",
        "2026/27",
    ]
    assert set(shipped.year_sources) == set(expected)
    assert all(shipped.covers(y) for y in expected)
    assert not shipped.covers(ContractYear(2018))
    assert not shipped.covers(ContractYear(2027))


def test_shipped_values_end_where_the_next_begins(shipped: Parameters) -> None:
    for parameter in shipped.by_name.values():
        values = parameter.values
        assert [v.start for v in values] == sorted(v.start for v in values)
        for a, b in zip(values, values[1:], strict=False):
            assert a.end is not None and a.end <= b.start
        for v in values:
            if v.per == "period":
                assert v.end is not None
                assert v.end <= ContractYear.containing(v.start).end


# --- Parameter.at ----------------------------------------------------------


def test_at_before_the_first_value_is_none(shipped: Parameters) -> None:
    assert shipped.at("network_participation.rate", dt.date(2019, 3, 31)) is None
    assert shipped.at("arrs.rate", dt.date(2020, 3, 31)) is None
    assert shipped.at("arrs.rate", dt.date(1900, 1, 1)) is None


def test_at_on_the_exact_start_date_and_the_day_before_the_next(
    shipped: Parameters,
) -> None:
    rate = shipped["arrs.rate"]
    first = rate.at(dt.date(2020, 4, 1))
    assert first is not None and first.value == Decimal("7.131")
    assert rate.at(dt.date(2021, 3, 31)) == first
    later = rate.at(dt.date(2022, 4, 1))
    assert later is not None and later.value == Decimal("16.70")
    assert rate.at(dt.date(2023, 3, 31)) == later
    after = rate.at(dt.date(2023, 4, 1))
    assert after is not None and after.value == Decimal("22.671")
    before = rate.at(dt.date(2026, 3, 31))
    assert before is not None and before.value == Decimal("26.631")
    last = rate.at(dt.date(2099, 1, 1))
    assert last is not None and last.value == Decimal("27.668") and last.provisional


def test_at_in_a_null_gap_is_none(shipped: Parameters) -> None:
    rate = shipped["arrs.rate"]
    assert rate.at(dt.date(2021, 4, 1)) is None
    assert rate.at(dt.date(2021, 10, 15)) is None
    assert rate.at(dt.date(2022, 3, 31)) is None
    points = shipped["iif.point_value"]
    assert points.at(dt.date(2022, 6, 1)) is None
    assert points.at(dt.date(2025, 4, 1)) is None


def test_at_after_a_closing_null_is_none(shipped: Parameters) -> None:
    support = shipped["support_payment.rate"]
    assert support.at(dt.date(2020, 9, 30)) is not None
    assert support.at(dt.date(2020, 10, 1)) is None
    assert support.at(dt.date(2030, 1, 1)) is None


def test_at_skips_a_leading_null(tmp_path: Path) -> None:
    text = edit(GOOD, "  2020-04-01:\n", "  2019-04-01: null\n  2020-04-01:\n")
    rate = load_text(tmp_path, text)
    assert rate.at(dt.date(2019, 6, 1)) is None
    value = rate.at(dt.date(2020, 4, 1))
    assert value is not None and value.value == Decimal("1.50")


def test_unknown_parameter_name(shipped: Parameters) -> None:
    with pytest.raises(ParameterError, match="no parameter called 'core.nope'"):
        shipped["core.nope"]


def test_with_values_replaces_one_parameter(shipped: Parameters) -> None:
    rate = shipped["network_participation.rate"]
    value = rate.values[0]
    changed = shipped.with_values(
        "network_participation.rate", [dataclasses.replace(value, value=Decimal(2))]
    )
    assert changed.at("network_participation.rate", dt.date(2020, 1, 1)).value == 2
    assert shipped.at("network_participation.rate", dt.date(2020, 1, 1)).value == (
        Decimal("1.761")
    )
    emptied = shipped.with_values("network_participation.rate", ())
    assert emptied.at("network_participation.rate", dt.date(2020, 1, 1)) is None


# --- publication, revisions, provisional and not-published values ----------------

REVISED = edit(
    GOOD,
    """  2021-04-01:
    value: 1.75
    per: year
    source: {document: Test document, section: "§2"}
""",
    """  2021-04-01:
    - value: 1.75
      per: year
      published: 2021-03-20
      source: {document: Test document, section: "§2"}
    - value: 1.80
      per: year
      published: 2021-09-26
      provisional: true
      source: {document: Update, section: "§3"}
      conflict: another source gives 1.79
""",
)


def test_a_revision_replaces_the_value_from_the_same_date(tmp_path: Path) -> None:
    parameter = load_text(tmp_path, REVISED)
    now = parameter.at(dt.date(2021, 6, 1))
    assert now is not None and now.value == Decimal("1.80") and now.provisional
    assert now.published == dt.date(2021, 9, 26) and "1.79" in now.conflict
    assert now.describe() == "£1.80 per registered patient a year (provisional)"
    assert [len(r) for r in parameter.history] == [1, 2]
    assert parameter.publications() == {dt.date(2021, 3, 20), dt.date(2021, 9, 26)}


def test_known_on_leaves_out_what_was_published_later(tmp_path: Path) -> None:
    parameter = load_text(tmp_path, REVISED)
    before = parameter.known_on(dt.date(2021, 9, 25)).at(dt.date(2021, 6, 1))
    assert before is not None and before.value == Decimal("1.75")
    assert not before.provisional
    unknown = parameter.known_on(dt.date(2021, 1, 1)).at(dt.date(2021, 6, 1))
    assert unknown is not None and unknown.not_published
    assert unknown.describe() == "not published in pcnhub yet"
    # a value with no published date is known from the start
    first = parameter.known_on(dt.date(2000, 1, 1)).at(dt.date(2020, 6, 1))
    assert first is not None and first.value == Decimal("1.50")


def test_not_published_is_a_value_with_no_figure(tmp_path: Path) -> None:
    text = edit(GOOD, "value: 1.75\n    per: year", "value: not published")
    value = load_text(tmp_path, text).at(dt.date(2021, 4, 1))
    assert value is not None and value.not_published and value.value == 0


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "      published: 2021-09-26",
            "      published: 2021-03-01",
            r"values.2021-04-01\[1\].published: a revision needs a published date "
            "after the one before it",
        ),
        (
            "      published: 2021-09-26\n",
            "",
            r"values.2021-04-01\[1\].published: a revision needs a published date",
        ),
        (
            "      provisional: true",
            "      provisional: maybe",
            r"values.2021-04-01\[1\].provisional: true or false",
        ),
        (
            "      published: 2021-03-20",
            "      published: soon",
            r"values.2021-04-01\[0\].published: a date written YYYY-MM-DD",
        ),
    ],
)
def test_bad_revisions_are_rejected_naming_the_entry(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    with pytest.raises(ParameterError, match=rf"^{BAD}: {message}"):
        load_text(tmp_path, edit(REVISED, old, new))


def test_a_single_revision_list_and_a_provisional_gap_are_rejected(
    tmp_path: Path,
) -> None:
    single = edit(
        GOOD,
        "  2021-04-01:\n    value: 1.75\n    per: year\n"
        '    source: {document: Test document, section: "§2"}\n',
        "  2021-04-01:\n    - value: 1.75\n      per: year\n"
        '      source: {document: Test document, section: "§2"}\n',
    )
    with pytest.raises(ParameterError, match="a list of revisions holds two or more"):
        load_text(tmp_path, single)
    text = edit(
        GOOD,
        "value: 1.75\n    per: year",
        "value: not published\n    provisional: true",
    )
    with pytest.raises(ParameterError, match="not published cannot be provisional"):
        load_text(tmp_path, text)


def test_shipped_2024_25_uplift_and_2026_27_values(shipped: Parameters) -> None:
    access = shipped["enhanced_access.rate"]
    (revisions,) = [r for r in access.history if r[0].start == dt.date(2024, 4, 1)]
    assert [v.value for v in revisions] == [Decimal("7.674"), Decimal("7.975")]
    assert revisions[1].published == dt.date(2024, 9, 26)
    beds = shipped.known_on(dt.date(2024, 9, 1)).at(
        "care_home_premium.rate", dt.date(2024, 4, 1)
    )
    assert beds is not None and beds.value == 120
    day = dt.date(2026, 4, 1)
    for name in ("capacity_access.support_rate", "capacity_access.improvement_rate"):
        assert shipped.at(name, day) is None
    for name in ("core.registered_rate", "care_home_premium.rate", "iif.point_value"):
        value = shipped.at(name, day)
        assert value is not None and value.not_published, name
    for name in ("arrs.rate", "enhanced_access.rate", "network_participation.rate"):
        value = shipped.at(name, day)
        assert value is not None and value.provisional, name
    assert shipped.at("arrs.gp_recent_cct_only", day).value is False
