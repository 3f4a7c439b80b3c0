"""The demo area, loaded through the real importers by ``pcnhub demo``."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from pcnhub.register import demo, queries
from tests.register.samples import register_state

pytestmark = pytest.mark.django_db


def test_demo_command_loads_area_and_is_idempotent() -> None:
    call_command("demo", stdout=StringIO())
    state = register_state()
    out = StringIO()
    call_command("demo", stdout=out)
    assert register_state() == state
    assert "created 0, updated 0, closed 0" in out.getvalue()

    moved = demo.MOVED_PRACTICE_CODE
    assert queries.network_of(moved, date(2021, 6, 1)) == "U99010"
    assert queries.network_of(moved, date(2022, 1, 1)) == "U99011"
    uncovered = [u.practice_code for u in queries.uncovered_on(date(2021, 6, 1))]
    assert uncovered == [demo.UNCOVERED_PRACTICE_CODE]
    merger = demo.MERGED_COMMISSIONERS
    for old in merger.predecessors:
        _, after = queries.successions_of(old)
        assert [(s.successor_id, s.effective) for s in after] == [
            (merger.successor, merger.effective)
        ]
    networks = queries.networks_on(date(2021, 1, 1))
    assert len(networks) == 12
    assert any(n.registered_population < 30000 for n in networks)
    assert all(n.weighted_population > 0 for n in networks)
