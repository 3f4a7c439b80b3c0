"""Every entitlement line of every contract year is what it was before the rules
were made faster (issue 16): same count, total and digest of every line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pcnhub.contract import snapshots
from tests.contract.test_national_contract import load_register
from tests.rules import golden
from tests.web.conftest import load_demo

pytestmark = pytest.mark.django_db

WRITE = os.environ.get("PCNHUB_GOLDEN_WRITE") == "1"


def check(dataset: str) -> None:
    found = golden.digests(lambda year: snapshots.networks_for_year(year).networks)
    if WRITE:
        golden.write(dataset, found)
        return
    expected = golden.read()[dataset]
    assert found.keys() == expected.keys()
    for run, digest in expected.items():
        assert found[run] == digest, run


def test_the_demo_area_gives_the_same_lines(tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")
    check("demo")


@pytest.mark.national
def test_the_national_register_gives_the_same_lines(shared_data: Path) -> None:
    load_register(shared_data)
    check("national")
