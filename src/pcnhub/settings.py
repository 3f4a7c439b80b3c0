"""Django settings for pcnhub.

The database is chosen by ``PCNHUB_DATABASE_URL`` (any URL dj-database-url
understands, e.g. ``postgresql://postgres@127.0.0.1:5432/pcnhub``); without it
pcnhub uses the embedded default, ``./pcnhub.sqlite3`` in the working directory.
``PCNHUB_ENV=production`` switches on the production hardening. Debug is off
unless ``PCNHUB_DEBUG=1`` (``./dev demo`` sets it), and never in production.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF

PACKAGE_DIR = Path(__file__).resolve().parent
PRODUCTION = os.environ.get("PCNHUB_ENV", "development") == "production"

DEFAULT_DATABASE_URL = "sqlite:///" + str(Path.cwd() / "pcnhub.sqlite3")


#: How long a PostgreSQL connection is kept for the next request (seconds):
#: opening one costs a server process and several milliseconds, as much as a
#: kept page's whole answer. Checked before reuse, so a dropped one is replaced.
CONNECTION_SECONDS = int(os.environ.get("PCNHUB_DATABASE_CONNECTION_SECONDS", "60"))


def database_from_url(url: str, keep_connections: bool = True) -> dict:
    config = dj_database_url.parse(url, conn_max_age=0)
    if keep_connections and config["ENGINE"].endswith("postgresql"):
        config["CONN_MAX_AGE"] = CONNECTION_SECONDS
        config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"].endswith("sqlite3"):
        # Imports hold one long write transaction; wait for it rather than fail.
        config.setdefault("OPTIONS", {})["timeout"] = 30
    return config


DATABASES = {
    "default": database_from_url(
        os.environ.get("PCNHUB_DATABASE_URL") or DEFAULT_DATABASE_URL
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SECRET_KEY = os.environ.get("PCNHUB_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("PCNHUB_SECRET_KEY must be set when PCNHUB_ENV=production")
    SECRET_KEY = "pcnhub-development-only-key-not-for-production-use-0123456789"

# Off unless asked for: a server started without PCNHUB_DEBUG=1 never shows
# tracebacks or settings. ``./dev demo`` asks for it; production never has it.
DEBUG = not PRODUCTION and os.environ.get("PCNHUB_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("PCNHUB_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if h.strip()
]
if not PRODUCTION:
    ALLOWED_HOSTS += ["testserver", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.RulesConfig",
    "axes",
    "ninja",
    # Background jobs (pcnhub.jobs): django-tasks, its queue kept in the database.
    "django_tasks",
    "django_tasks_db",
    "pcnhub.core",
    "pcnhub.audit",
    "pcnhub.register",
    "pcnhub.access",
    "pcnhub.contract",
    "pcnhub.governance",
    "pcnhub.workflow",
    "pcnhub.workforce",
    "pcnhub.services",
    "pcnhub.schemes",
    "pcnhub.oversight",
    "pcnhub.geography",
    "pcnhub.dashboard",
    "pcnhub.jobs",
    "pcnhub.tokens",
    "pcnhub.web",
    "pcnhub.trail",
]
# pcnhub's data commands (pcnhub.cli sets PCNHUB_DATA_COMMAND=1) leave ninja out:
# only the API docs page needs its templates and static files, and importing it
# (with pydantic) is a quarter of a command's start-up.
if os.environ.get("PCNHUB_DATA_COMMAND") == "1":
    INSTALLED_APPS.remove("ninja")

# Long jobs (pcnhub.jobs) queue in pcnhub's own database and run in ``pcnhub worker``.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTHENTICATION_BACKENDS = [
    # Login throttling first: a locked-out user is refused before the password.
    "axes.backends.AxesStandaloneBackend",
    # Every permission in pcnhub is a django-rules predicate (pcnhub.access).
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pcnhub.core.middleware.PagesNeedSignIn",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside CSRF and CSP: each answer gets this request's token and nonce.
    "pcnhub.web.page_cache.FillRequestTokens",
    # Inside CSP (its 400 page has the nonce), before any view reads the request.
    "pcnhub.web.middleware.RefuseUnreadableRequests",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
    # Innermost: a kept page is answered after every check above has run.
    "pcnhub.web.page_cache.KeepPagesPerVersion",
]

ROOT_URLCONF = "pcnhub.urls"
WSGI_APPLICATION = "pcnhub.wsgi.application"

# Whole-country pages keep their check runs and entitlements per register version
# (pcnhub.contract.snapshots.per_version): in each process's memory, a few at once.


def pages_cache(setting: str) -> dict[str, Any]:
    if setting == "off":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    common = {
        "KEY_FUNCTION": "pcnhub.web.page_cache.make_key",
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
    if setting:
        backend = "django.core.cache.backends.filebased.FileBasedCache"
        return common | {"BACKEND": backend, "LOCATION": setting}
    backend = "django.core.cache.backends.locmem.LocMemCache"
    return common | {"BACKEND": backend, "LOCATION": "pcnhub-pages"}


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pcnhub",
        "OPTIONS": {"MAX_ENTRIES": 50},
    },
    # Each user's register pages per register version (pcnhub.web.page_cache).
    # PCNHUB_PAGE_CACHE: unset, this process's memory; a directory, files there
    # shared by every worker on the machine (``pcnhub serve`` gives one); "off".
    "pages": pages_cache(os.environ.get("PCNHUB_PAGE_CACHE", "")),
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "pcnhub.web.jinja2_env.environment",
            # The CSRF token as a placeholder, filled in per request (page_cache).
            "context_processors": ["pcnhub.web.page_cache.tokens"],
        },
    },
    {
        # Django's admin still renders with the Django template language.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path.cwd() / "staticfiles"
# Serve static files from the apps directly in development (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
if PRODUCTION:
    # Collected files (pcnhub collectstatic) compressed (gzip and Brotli where
    # available) for whitenoise to serve. Not the manifest storage: the vendored
    # NHS.UK stylesheet names a source map it does not ship.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }

# Uploaded governance documents: outside the static files, served only through a
# view that checks the user may see them (never by URL alone).
MEDIA_ROOT = Path(os.environ.get("PCNHUB_MEDIA_ROOT", Path.cwd() / "pcnhub-documents"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Login throttling (django-axes): 5 failures for a username from one address lock
# that pair out for 30 minutes (status 429, registration/locked_out.html); every
# attempt is logged in the database. Behind reverse proxies, set
# PCNHUB_PROXY_COUNT to how many append to X-Forwarded-For, so that the client's
# own address is the one counted (pcnhub.access.lockout.client_ip).
AXES_FAILURE_LIMIT = int(os.environ.get("PCNHUB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "pcnhub.access.lockout.client_ip"
PCNHUB_PROXY_COUNT = int(os.environ.get("PCNHUB_PROXY_COUNT", "0"))
# A directory of commissioners' local variation agreements (*.yaml), applied to
# every entitlement pcnhub works out (pages, API, exports, commands); empty: none.
# Read once per process, at start-up (docs/local-variations.md).
PCNHUB_LOCAL_PARAMETERS = os.environ.get("PCNHUB_LOCAL_PARAMETERS", "")

# Content security policy (django-csp): only our own scripts, styles and images.
# Inline scripts (the NHS.UK template's "js-enabled" switch, our module loader)
# carry the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Sessions end after a working day or when the browser closes; cookies are out of
# reach of scripts and not sent on cross-site requests.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    # HTTPS only: secure, host-only cookies ("__Host-"), HSTS, and plain HTTP
    # redirected (PCNHUB_SSL_REDIRECT=0 when the proxy in front redirects).
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = os.environ.get("PCNHUB_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A load balancer's plain-HTTP probe gets its answer, not a redirect.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if not SECURE_SSL_REDIRECT:
        # The operator says the proxy in front redirects HTTP to HTTPS.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Every audit append logs the trail's checkpoint, for a log kept elsewhere.
    "loggers": {"pcnhub.audit.checkpoint": {"level": "INFO"}},
}

# What other apps add to networks' facts for the contract checks, by dotted path
# (pcnhub.contract.snapshots.facts_sources): the contract does not import them.
PCNHUB_NETWORK_FACTS_SOURCES = [
    # a commissioner's small population approval, given with an application
    "pcnhub.workflow.approvals.small_population_reasons",
]

# The page header (service name, search, account, navigation) every page's frame
# shows, by dotted path: the UI kit (pcnhub.ui.frame) cannot import the site.
PCNHUB_PAGE_HEADER = "pcnhub.web.presenters.navigation.header"

# Import kinds of other apps that ``pcnhub import KIND PATH`` runs, by dotted
# path (pcnhub.register's command resolves them only when one is asked for): the
# register does not import them.
PCNHUB_EXTRA_IMPORTS = {
    "workforce-census": "pcnhub.workforce.imports.import_census",
    "arrs-payments": "pcnhub.workforce.payments.import_arrs_payments",
    "deprivation": "pcnhub.oversight.deprivation.import_deprivation",
    "district-outlines": "pcnhub.geography.outlines.import_outlines",
}
