"""Settings for the test-suite.

SQLite by default; PostgreSQL when ``PCNHUB_TEST_DATABASE_URL`` is set (pytest-django
creates and drops a ``test_``-prefixed database beside the one named there).
"""

import os

from pcnhub.settings import *  # noqa: F403
from pcnhub.settings import database_from_url

_test_url = os.environ.get("PCNHUB_TEST_DATABASE_URL")
DATABASES = {
    # A connection per request, as the test database is dropped at the end.
    "default": database_from_url(
        _test_url or "sqlite:///:memory:", keep_connections=False
    ),
}
# The tests see what a server sees by default: debug off, whatever the shell says.
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True
# A name pcnhub's templates use that no view gave fails the test (pcnhub.ui.undefined).
PCNHUB_STRICT_TEMPLATES = True

# Sign-in throttling stays on in tests; the test client's ``client.login`` has no
# request, so it goes through a backend that counts it as from 127.0.0.1.
AUTHENTICATION_BACKENDS = [
    "pcnhub.access.lockout.RequestlessSignInThrottle",
    *(
        backend
        for backend in AUTHENTICATION_BACKENDS  # noqa: F405
        if backend != "axes.backends.AxesStandaloneBackend"
    ),
]
