"""Django settings, read from the environment.

OMBUDS_ENV selects the posture: "production" (the default) refuses to start with a
default secret or a cheap key-derivation cost; "demo" is the embedded single-machine
instance served on 127.0.0.1 over plain HTTP.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ombuds.lib.kdf import PRODUCTION_KDF, KdfCost

BASE_DIR = Path(__file__).resolve().parent
ENV = os.environ.get("OMBUDS_ENV", "production")
if ENV not in {"production", "demo", "test"}:
    raise ImproperlyConfigured(f"OMBUDS_ENV must be production, demo or test, not {ENV!r}")
PRODUCTION = ENV == "production"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ImproperlyConfigured(f"{name} must be a positive whole number, not {raw!r}")
    return int(raw)


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, not {raw!r}")


DATA_DIR = Path(os.environ.get("OMBUDS_DATA_DIR", Path.cwd() / "ombuds-data")).resolve()

_DEFAULT_SECRET = "insecure-default-secret-for-development-only"  # noqa: S105
SECRET_KEY = os.environ.get("OMBUDS_SECRET_KEY", _DEFAULT_SECRET)
if PRODUCTION and (SECRET_KEY == _DEFAULT_SECRET or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "Refusing to start: set OMBUDS_SECRET_KEY to a random value of at least 40 characters."
    )

DEBUG = False
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("OMBUDS_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ombuds.ledger",
    "ombuds.people",
    "ombuds.cases",
    "ombuds.intake",
    "ombuds.oversight",
    "ombuds.liaison",
    "ombuds.respondents",
    "ombuds.messaging",
    "ombuds.investigation",
    "ombuds.decisions",
    "ombuds.timetable",  # label "deadlines"; the delay pages in ombuds/deadlines have no tables
    "ombuds.notifications",
    "ombuds.escrow",
    "ombuds.checkins",
    "ombuds.survey",
    "ombuds.testimony",
    "ombuds.vetting",
    "ombuds.web",
    "ombuds.limits",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ombuds.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the address alone (/cy/... is Welsh): no cookie, no guess.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ombuds.people.session.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ombuds.web.middleware.DomainErrorMiddleware",
]

# One-off notices ("The report has been acknowledged.") travel in a signed, session-long
# cookie: they never hold case content, and showing one writes nothing to the database.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

ROOT_URLCONF = "ombuds.urls"
WSGI_APPLICATION = "ombuds.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ombuds.web.context.principal",
                "ombuds.web.context.language",
            ],
        },
    }
]


# A stalled process (paused, swapped out) must not hold the ledger head, or any row, for
# more than a few seconds: the server ends its transaction after 4 s idle, before anyone
# waiting for it gives up. A command that still waits 6 s for a lock (its holder stuck in
# a statement, cut off at 30 s) is refused with "try again" (web/middleware).
POSTGRESQL_TIMEOUTS = (
    "lock_timeout=6s",
    "idle_in_transaction_session_timeout=4s",
    "statement_timeout=30s",
)


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        config["ATOMIC_REQUESTS"] = False
        if config["ENGINE"] == "django.db.backends.postgresql":
            options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
            options["options"] = " ".join(
                [str(options.get("options", "")), *(f"-c {t}" for t in POSTGRESQL_TIMEOUTS)]
            ).strip()
            config["OPTIONS"] = options
        return config
    # Embedded default: SQLite in WAL mode; synchronous=FULL so that a report is only
    # acknowledged once it is on disk. IMMEDIATE transactions serialise ledger appends.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "ombuds.sqlite3",
        # Keep each server thread's connection: reopening runs the PRAGMAs again and
        # closing the last one checkpoints and deletes the WAL on every request.
        "CONN_MAX_AGE": 600,
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
            " PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        },
    }


DATABASES = {"default": _database()}


def _keys_beside_database() -> list[str]:
    """Key files in (or under) the SQLite database's directory: a copy of that directory
    would then carry the keys that keep the database honest and its tokens unlinkable."""
    database = DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return []
    folder = Path(str(database["NAME"])).resolve().parent
    # Every file `ombuds.keys.INSTANCE_KEYS` names; settings cannot import that module.
    keys = {name: Path(globals()[name]).resolve() for name in _INSTANCE_KEY_SETTINGS}
    return [name for name, path in keys.items() if folder in path.parents]


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
PASSWORD_HASHERS = ["ombuds.people.hashers.VaultArgon2idHasher"]
# ASVS 5.0 V6.2: at least 12 characters, not a common or breached password (Django's
# 20,000 and zxcvbn's 30,000 from breach corpora, both shipped offline), not close to
# the person's own names.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "display_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ombuds.people.passwords.BreachedPasswordValidator"},
]
LOGIN_URL = "people:sign_in"
# Administrator actions need the password typed within this many seconds (people/reauth).
OMBUDS_REAUTH_SECONDS = int(os.environ.get("OMBUDS_REAUTH_SECONDS", "300"))


def _site_origin() -> str:
    """Where staff reach Ombuds (scheme, host, port): a passkey is bound to this host, its
    WebAuthn "RP ID", so it must be a name, never an IP address (docs/DEPLOY.md)."""
    origin = os.environ.get("OMBUDS_SITE_ORIGIN", "").strip().rstrip("/")
    if not origin:
        named = [h for h in ALLOWED_HOSTS if h != "*" and h[:1] != "." and h[-1:].isalpha()]
        origin = f"https://{named[0] if named else 'localhost'}"
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path:
        raise ImproperlyConfigured(f"OMBUDS_SITE_ORIGIN must be like https://host, not {origin!r}")
    if PRODUCTION and parts.scheme != "https":
        raise ImproperlyConfigured("OMBUDS_SITE_ORIGIN must be an https:// address in production.")
    return origin


# Passkeys (people/passkeys.py): the origin their sign-ins must come from, and its host.
OMBUDS_SITE_ORIGIN = _site_origin()
OMBUDS_PASSKEY_RP_ID = urlsplit(OMBUDS_SITE_ORIGIN).hostname or "localhost"

# Argon2id cost for passwords, private keys and receipts. Only the test settings may
# lower it, and they must say so explicitly.
OMBUDS_KDF: KdfCost = PRODUCTION_KDF
if _env_bool("OMBUDS_INSECURE_FAST_KDF", False):
    if PRODUCTION:
        raise ImproperlyConfigured("OMBUDS_INSECURE_FAST_KDF is refused in production.")
    from ombuds.lib.kdf import TEST_KDF

    OMBUDS_KDF = TEST_KDF

# Checkpoint signing key (Ed25519 seed). Kept out of the database on purpose.
OMBUDS_SIGNING_KEY_FILE = Path(
    os.environ.get("OMBUDS_SIGNING_KEY_FILE", DATA_DIR / "checkpoint-signing.key")
).resolve()
# Key for conflict-of-interest tokens (keyed hashes of declared interests), also kept out
# of the database: with it and the database, reports naming the same person are linkable.
OMBUDS_CONFLICT_KEY_FILE = Path(
    os.environ.get("OMBUDS_CONFLICT_KEY_FILE", DATA_DIR / "conflict-token.key")
).resolve()
# The matching escrow's OPRF key: with it and the database, anyone could test guessed
# names of people named in the escrow, so it is kept apart like the keys above.
OMBUDS_ESCROW_KEY_FILE = Path(
    os.environ.get("OMBUDS_ESCROW_KEY_FILE", DATA_DIR / "escrow-oprf.key")
).resolve()
# How many distinct people must name the same person before an escrow entry can be read.
OMBUDS_ESCROW_THRESHOLD = int(os.environ.get("OMBUDS_ESCROW_THRESHOLD", "2"))
# Vetting checks one organisation liaison may make: a bucket of this many, refilled at this
# many a day (ombuds/vetting).
OMBUDS_VETTING_CHECKS_PER_DAY = float(os.environ.get("OMBUDS_VETTING_CHECKS_PER_DAY", "10"))
OMBUDS_LOG_ORIGIN = os.environ.get("OMBUDS_LOG_ORIGIN", "ombuds.local/ledger")
# Off unless a benchmark asks: where to append each ledger-head lock hold time (ledger/timing).
OMBUDS_HEAD_TIMING_FILE = os.environ.get("OMBUDS_HEAD_TIMING_FILE") or None
# Keys for TOTP seeds and receipt tags (see vault/server_secrets), outside the database.
OMBUDS_SECOND_FACTOR_KEY_FILE = Path(
    os.environ.get("OMBUDS_SECOND_FACTOR_KEY_FILE", DATA_DIR / "second-factor.key")
).resolve()
OMBUDS_RECEIPT_TAG_KEY_FILE = Path(
    os.environ.get("OMBUDS_RECEIPT_TAG_KEY_FILE", DATA_DIR / "receipt-tag.key")
).resolve()
_INSTANCE_KEY_SETTINGS = (
    "OMBUDS_SIGNING_KEY_FILE",
    "OMBUDS_CONFLICT_KEY_FILE",
    "OMBUDS_ESCROW_KEY_FILE",
    "OMBUDS_SECOND_FACTOR_KEY_FILE",
    "OMBUDS_RECEIPT_TAG_KEY_FILE",
    "OMBUDS_CONTACT_KEY_FILE",
)
# Key sealing people's contact addresses (vault/contacts.py), outside the database: an
# anonymous complainant's address in the clear would name her to anyone with a copy.
OMBUDS_CONTACT_KEY_FILE = Path(
    os.environ.get("OMBUDS_CONTACT_KEY_FILE", DATA_DIR / "contact-address.key")
).resolve()
# The global budget of Argon2id derivations strangers can ask for (sign-in passwords,
# receipts, invitation codes): 2.5 a second at ~0.19 s each is under half of one core.
OMBUDS_DERIVATIONS_PER_SECOND = float(os.environ.get("OMBUDS_DERIVATIONS_PER_SECOND", "2.5"))
OMBUDS_DERIVATIONS_BURST = float(os.environ.get("OMBUDS_DERIVATIONS_BURST", "10"))
OMBUDS_DERIVATION_PATIENCE = 4.0  # seconds a request waits for its turn before "busy"
# Staff sessions end after 30 idle minutes, and any session 10 hours after sign-in.
OMBUDS_STAFF_IDLE_SECONDS = 30 * 60
OMBUDS_SESSION_ABSOLUTE_SECONDS = 10 * 60 * 60
OMBUDS_BLOB_DIR = Path(os.environ.get("OMBUDS_BLOB_DIR", DATA_DIR / "blobs"))
if (
    PRODUCTION
    and _keys_beside_database()
    and not _env_bool("OMBUDS_ALLOW_KEYS_BESIDE_DATABASE", False)
):
    raise ImproperlyConfigured(
        "Refusing to start: "
        + " and ".join(_keys_beside_database())
        + " point into the SQLite database's directory, so one copy of it would carry the "
        "keys too. Keep the keys on another volume (see docs/DEPLOY.md), or set "
        "OMBUDS_ALLOW_KEYS_BESIDE_DATABASE=1 to accept the risk."
    )

# Database sessions whose rows are found by a keyed hash of the cookie (web/session_store).
SESSION_ENGINE = "ombuds.web.session_store"
SESSION_COOKIE_AGE = 60 * 60 * 4
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
# The CSRF cookie ends with the browser session: no token is left for a year on a shared
# device after someone visits /report/.
CSRF_COOKIE_AGE = None
CSRF_COOKIE_SAMESITE = "Strict"
_HTTPS = _env_bool("OMBUDS_HTTPS", PRODUCTION)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = _HTTPS and _env_bool("OMBUDS_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if _HTTPS else 0
BEHIND_PROXY = _env_bool("OMBUDS_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin", not "no-referrer": under no-referrer browsers send `Origin: null` on form
# posts, which CSRF protection must refuse. Other sites still never get a referrer.
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "ombuds.web.views.csrf_failure"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Stored in UTC; shown in the UK's time (GMT or BST).
TIME_ZONE = "Europe/London"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Serving (`ombuds serve`, waitress; see ombuds/web/serving.py and docs/DEPLOY.md).
# The one proxy whose X-Forwarded-Proto waitress believes (nginx on the same machine).
OMBUDS_TRUSTED_PROXY = os.environ.get("OMBUDS_TRUSTED_PROXY", "127.0.0.1")
# The largest request body: one 10 MiB evidence file with its form. Every buffer on the
# way (nginx, waitress, Django) holds this much in memory, so no body is spooled to disk.
OMBUDS_MAX_REQUEST_BYTES = 12 * 1024 * 1024
# The largest response: a decrypted 10 MiB attachment and its headers, kept in memory.
OMBUDS_MAX_RESPONSE_BYTES = 16 * 1024 * 1024
OMBUDS_CONNECTION_LIMIT = _env_int("OMBUDS_CONNECTION_LIMIT", 500)
OMBUDS_CHANNEL_TIMEOUT = _env_int("OMBUDS_CHANNEL_TIMEOUT", 30)  # seconds idle, then closed
# Published counts from 1 to this minus one are hidden (oversight/suppression.py); never
# below 5. Parliament's scheme publishes with 10.
OMBUDS_STATISTICS_THRESHOLD = _env_int("OMBUDS_STATISTICS_THRESHOLD", 10)
if OMBUDS_STATISTICS_THRESHOLD < 5:
    raise ImproperlyConfigured(
        f"OMBUDS_STATISTICS_THRESHOLD must be at least 5 (it is {OMBUDS_STATISTICS_THRESHOLD}):"
        " smaller published counts could identify people."
    )
# Uploads stay in memory whatever their size (the request limit bounds them): Django's
# temporary-file handler would write evidence to disk in the clear.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = OMBUDS_MAX_REQUEST_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = OMBUDS_MAX_REQUEST_BYTES

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# E-mail (notifications/): only "there is an update, please sign in", never case content.
# OMBUDS_SMTP_URL = smtp://user:password@host:port (smtps:// for implicit TLS,
# ?starttls=1 for STARTTLS); without it, the EMAIL_* variables; the demo prints e-mails.
from ombuds.notifications.smtp_url import email_settings, site_url  # noqa: E402

globals().update(email_settings(os.environ, demo=ENV == "demo"))
OMBUDS_SITE_URL = site_url(os.environ, origin=OMBUDS_SITE_ORIGIN, production=PRODUCTION)

# No request logging (it would carry addresses). Errors, Django's security warnings and
# Ombuds's own security events go to stderr as one JSON object per line, without request
# bodies, local variables or exception messages, so case content cannot leak into logs.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ombuds.lib.logs.JsonLineFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json",
        }
    },
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        # 5xx only: a 404 or 403 logs the path a visitor typed, which is noise.
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "waitress": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "ombuds": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}

# Static files are served by WhiteNoise from the package itself (no collectstatic step).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
