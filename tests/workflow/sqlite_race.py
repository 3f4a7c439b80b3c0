"""Two reviewers decide one application at once, on a file SQLite database.

Run by tests/workflow/test_concurrency.py as ``python -m tests.workflow.sqlite_race
DIRECTORY``: its own process, because two SQLite connections need a database
file (the test-suite's in-memory SQLite is one shared cache with different
locking), and Django's connections are set up once per process.

The first reviewer is held inside its decision, after writing it and so holding
SQLite's write lock, until the second reviewer has started to decide; then it
is let go. Prints what happened as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any


def main(directory: Path) -> dict[str, Any]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "pcnhub.settings_test"
    os.environ["PCNHUB_TEST_DATABASE_URL"] = f"sqlite:///{directory / 'race.sqlite3'}"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.models.signals import post_save

    from pcnhub.access.roles import Role
    from pcnhub.access.services import grant
    from pcnhub.audit.services import Actor
    from pcnhub.workflow import services
    from pcnhub.workflow.models import Application, Decision
    from tests.web.conftest import load_demo
    from tests.workflow.conftest import registration

    call_command("migrate", verbosity=0, interactive=False)
    load_demo(directory / "demo")

    def person(name: str, role: Role, org: str) -> Any:
        user = get_user_model().objects.create_user(name)
        grant(Actor(system="race"), user, role, org, valid_from=date(2019, 4, 1))
        return user

    manager = person("manager", Role.NETWORK_MANAGER, "U99001")
    practice = person("practice", Role.PRACTICE_MANAGER, "Z93030")
    first = person("first", Role.COMMISSIONER, "99Z")
    second = person("second", Role.COMMISSIONER, "99Z")
    application = services.create(manager, registration("a remote valley"))
    services.confirm(practice, application, "Z93030")
    application.refresh_from_db()
    services.submit(manager, application, application.version)
    application.refresh_from_db()

    holding, go = threading.Event(), threading.Event()

    def hold(sender: Any, **kwargs: Any) -> None:
        if threading.current_thread().name == "first":
            holding.set()
            go.wait(60)

    post_save.connect(hold, sender=Decision, weak=False)
    results: dict[str, str] = {}

    def decide(name: str, user: Any, outcome: str) -> None:
        try:
            services.decide(
                user,
                Application.objects.get(pk=application.pk),
                outcome=outcome,
                reasons=f"{name} decided",
                network_code="U99013",
                expected_version=application.version,
            )
            results[name] = "decided"
        except services.Conflict as exc:
            results[name] = f"conflict: {exc}"
        except Exception as exc:  # noqa: BLE001 - anything else is the defect
            results[name] = f"error: {type(exc).__name__}: {exc}"
        finally:
            if name == "second":
                go.set()
            connection.close()

    winner = threading.Thread(
        target=decide, args=("first", first, "approved"), name="first"
    )
    winner.start()
    holding.wait(60)
    # Let the first reviewer finish soon after the second has started (if the
    # second is still waiting for the lock then, it waits on; either way it
    # must end in a conflict naming the first).
    threading.Timer(0.5, go.set).start()
    decide("second", second, "rejected")
    winner.join(60)
    return {
        "results": results,
        "decisions": Decision.objects.filter(application=application).count(),
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
