"""Settings for the test-suite.

SQLite by default; PostgreSQL when ``PCNHUB_TEST_DATABASE_URL`` is set (pytest-django
creates and drops a ``test_``-prefixed database beside the one named there).
"""

import os

from pcnhub.settings import *  # noqa: F403
from pcnhub.settings import database_from_url

_test_url = os.environ.get("PCNHUB_TEST_DATABASE_URL")
DATABASES = {
    "default": database_from_url(_test_url or "sqlite:///:memory:"),
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True
