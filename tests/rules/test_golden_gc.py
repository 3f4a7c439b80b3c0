"""The entitlements run pauses the garbage collector and leaves it as it was."""

from __future__ import annotations

import gc

from pcnhub.rules.dues import _no_collection


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


def _is_frozen(thing: object) -> bool:
    # gc.get_objects() lists the three generations, not the permanent one.
    return not any(o is thing for o in gc.get_objects())


def test_objects_frozen_by_someone_else_stay_frozen() -> None:
    held = [object() for _ in range(10)]
    gc.freeze()
    try:
        assert _is_frozen(held)
        with _no_collection():
            held.append([])
        # Not the freeze count itself: a frozen object that dies (anywhere in
        # the process) lowers it, which made this test flaky.
        assert _is_frozen(held)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert not _is_frozen(held)
