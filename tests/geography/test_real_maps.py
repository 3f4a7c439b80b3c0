"""The maps over the real national files (skipped, with a message, without
them): every open practice of a commissioner is placed or said not placed, on
the real outlines, and the page stays small."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pcnhub.audit.services import Actor
from pcnhub.geography.maps import commissioner_map, network_map
from pcnhub.geography.outlines import import_outlines
from pcnhub.register import queries
from pcnhub.register.imports import run_import

pytestmark = pytest.mark.django_db
DAY = date(2022, 5, 1)
ACTOR = Actor(system="geography real-data tests")


@pytest.fixture
def real_register(shared_data: Path) -> None:
    geography = shared_data / "geography"
    run_import(
        "postcode-districts",
        geography / "postcode-district-centroids.csv",
        actor=ACTOR,
    )
    run_import(
        "epraccur",
        shared_data / "ods" / "epraccur-2022-04.csv",
        actor=ACTOR,
        as_at=date(2022, 4, 1),
    )
    run_import(
        "epcn", shared_data / "ods" / "ePCN-2022-05.xlsx", actor=ACTOR, as_at=DAY
    )
    import_outlines(geography / "postcode-districts", actor=ACTOR)


def test_a_real_commissioners_map(real_register: None, make_user: Any) -> None:
    networks = queries.networks_on(DAY)
    # The commissioner with the most networks: the map a key must cope with.
    commissioner, count = Counter(n.commissioner_code for n in networks).most_common(1)[
        0
    ]
    m = commissioner_map(make_user("national"), commissioner, DAY)
    area = queries.practices_on(DAY, commissioner=commissioner)
    assert len(m.practices) + len(m.not_placed) == len(area) > 50
    assert len(m.not_placed) <= 2  # a postcode missing from the extract, at most
    assert m.outlines_missing == []
    assert len([e for e in m.legend if e.pcn_code]) >= count
    own = {p.outcode for p in m.practices}
    drawn = {d.outcode for d in m.districts}
    assert own <= drawn and len(drawn) > len(own)  # and their neighbours
    # Every marker is on the page, and the page's outlines stay small.
    assert all(0 <= p.x <= m.width and 0 <= p.y <= m.height for p in m.practices)
    assert sum(len(d.path) for d in m.districts) < 250_000
    markers = {(p.marker.colour, p.marker.shape) for p in m.practices if p.pcn_code}
    assert len(markers) == len({p.pcn_code for p in m.practices if p.pcn_code})


def test_a_real_networks_map(real_register: None) -> None:
    network = queries.networks_on(DAY)[0].pcn_code
    m = network_map(network, DAY)
    members = queries.members_of(network, DAY)
    assert sorted(p.practice_code for p in m.practices) == sorted(members)
    assert m.bounds is not None
    west, south, east, north = m.bounds
    for p in m.practices:
        assert west < p.longitude < east and south < p.latitude < north
