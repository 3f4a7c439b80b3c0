"""The entitlements run pauses the garbage collector and leaves it as it was."""

from __future__ import annotations

import gc

from pcnhub.rules.entitlements import _no_collection


def test_the_collector_is_paused_and_then_back_on() -> None:
    assert gc.isenabled()
    with _no_collection():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with _no_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_frozen_by_someone_else_stay_frozen() -> None:
    held = [object() for _ in range(10)]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with _no_collection():
            held.append([])
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
