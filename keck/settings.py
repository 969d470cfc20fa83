"""Django settings for KECK, read from the environment (12-factor) with safe laptop defaults."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("KECK_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set and DEBUG is off: refusing to start. "
            "Set SECRET_KEY to a long random value in production, or DEBUG=true for "
            "local development (make run does this for you)."
        )
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "keck-insecure-development-key-do-not-use-in-production"  # noqa: S105
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY is too short or insecure for production: use at least 50 random characters."
    )

ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "keck.apps.KeckStaticFilesConfig",  # django.contrib.staticfiles, see keck/apps.py
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "axes",  # login throttling: locks a username at an address after repeated failures
    "csp",
    "leaflet",  # ships Leaflet's JS and CSS as static files
    "viewflow",
    "viewflow.workflow",
    "accounts",
    "atlas_data",
    "conferences",
    "measures",
    "workflow",
    "keck",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "keck.middleware.RequestSizeLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "keck.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "keck.middleware.GermanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.CurrentMunicipalityMiddleware",
    "accounts.middleware.SupportAccessMiddleware",  # operators: read-only, logged (issue 11)
    "viewflow.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    # Last, as django-axes asks: turns a refused login of a locked-out user into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "keck.urls"
WSGI_APPLICATION = "keck.wsgi.application"
ASGI_APPLICATION = "keck.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.municipality",
            ],
        },
    },
]

# SQLite in var/ by default; DATABASE_URL=postgres://… switches to PostgreSQL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'keck.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker) share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["TEST"] = {"NAME": ""}
else:
    # Persistent connections: each thread of a web process keeps its connection for 60 s instead
    # of opening one per request (a new PostgreSQL connection costs a process fork on the
    # server, a few milliseconds). The health check (one `SELECT 1` on the first query of a
    # request that reuses a connection) replaces a connection that PostgreSQL, a restart or a
    # pooler closed in the meantime, instead of failing that request with a 500.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault(
        "CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator"},
]
# Axes first: it refuses a locked-out user before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing directory
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "keck.staticfiles.PackageFileFinder",  # plotly.js from the plotly package
]
# Production serves hashed, compressed files after `collectstatic`; development and tests serve
# them straight from the apps (STATIC_MANIFEST=false).
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Security: strict in production, relaxed only where DEBUG says so.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no KECK page uses (keck.middleware.PermissionsPolicyMiddleware).
KECK_PERMISSIONS_POLICY = "camera=(), geolocation=(), microphone=(), payment=(), usb=()"

# Sessions end when the browser closes (shared office computers) and at the latest one working
# day after the login; the expiry is not renewed on every request, which would turn every page
# view into a database write.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling (django-axes): 5 failed logins of one username from one address lock that
# combination for 15 minutes, counted from the last failure. Locking by username and address
# together keeps one attacker from locking a colleague out and a town hall behind one NAT
# address from locking everyone out. A municipal admin unlocks members on the members page;
# operators use `manage.py axes_reset_username NAME` (README).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Data minimisation: only the failures that count towards a lock are stored, no log of every
# successful login.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# Behind a reverse proxy the client's address is in X-Forwarded-For; KECK_PROXY_COUNT says how
# many proxies (trusted, setting the header) stand in front, 0: none, use REMOTE_ADDR.
KECK_PROXY_COUNT = env.int("KECK_PROXY_COUNT", default=0)
if KECK_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = KECK_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Content-Security-Policy (django-csp): scripts only from our own static files, no inline
# scripts and no eval; data for scripts travels in <script type="application/json"> blocks.
# Inline styles stay allowed: Leaflet, plotly and viewflow's components position with them.
# The maps need no images from elsewhere unless a base map is configured (KECK_TILE_URL below).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Uploads: limits in MB, checked with the content type by keck.uploads.check_upload.
KECK_MAX_IMPORT_MB = env.int("KECK_MAX_IMPORT_MB", default=50)
KECK_MAX_TEMPLATE_MB = env.int("KECK_MAX_TEMPLATE_MB", default=10)
KECK_ZIP_MAX_MEMBERS = env.int("KECK_ZIP_MAX_MEMBERS", default=1000)
KECK_ZIP_MAX_UNPACKED_MB = env.int("KECK_ZIP_MAX_UNPACKED_MB", default=500)
KECK_ZIP_MAX_RATIO = env.int("KECK_ZIP_MAX_RATIO", default=100)
# Requests larger than the largest upload (plus its form) are refused before their body is read
# (keck.middleware.RequestSizeLimitMiddleware), so a huge upload cannot fill the disk.
KECK_MAX_REQUEST_MB = max(KECK_MAX_IMPORT_MB, KECK_MAX_TEMPLATE_MB) + 1
# Files above this size go to a temporary file instead of memory; form fields and JSON bodies
# above DATA_UPLOAD_MAX_MEMORY_SIZE are refused (Django's defaults, stated on purpose).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="keck@localhost")

LOCMEM_BACKEND = "django.core.cache.backends.locmem.LocMemCache"
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://"),
    # Results of the atlas (atlas_data/cache.py): shared by web and Celery workers, since an
    # import in a worker must outdate what the web processes cached. Files in var/ by default.
    "atlas": env.cache_url("ATLAS_CACHE_URL", default=f"filecache://{VAR_DIR / 'cache' / 'atlas'}"),
}
CACHES["atlas"].setdefault("TIMEOUT", 7 * 24 * 3600)
# A national atlas stores about 5,000 tables per data version (atlas_data/selectors.py).
CACHES["atlas"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 100_000)
if CACHES["atlas"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache":
    # The same files, without listing the directory on every write (keck/filecache.py).
    CACHES["atlas"]["BACKEND"] = "keck.filecache.FileCache"
# The data versions of the municipalities (atlas_data/cache.py) apart from the results: a full
# cache culls entries at random, and a lost version would outdate every result at once (and
# stop a warm-up that is running). Same kind of store, one entry per municipality.
CACHES["atlas_versions"] = {
    **CACHES["atlas"],
    "LOCATION": (
        f"{CACHES['atlas']['LOCATION']}-versions"
        if CACHES["atlas"]["BACKEND"] in ("keck.filecache.FileCache", LOCMEM_BACKEND)
        else CACHES["atlas"]["LOCATION"]
    ),
    "TIMEOUT": None,
}
# After a committed change of atlas data a Celery job computes the suppressed tables again, so
# that the first viewer does not wait for them (atlas_data/cache.py `warm_soon`).
ATLAS_WARM_UP = env.bool("ATLAS_WARM_UP", default=True)

# Background jobs. With CELERY_BROKER_URL set (redis://…, amqp://…) real workers consume it.
# Without one, an SQLite file in var/ serves as broker (kombu's SQLAlchemy transport) and
# `make run` starts a worker beside the web server, so jobs still run off the request.
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Periodic jobs for `celery -A keck beat` (times in CELERY_TIMEZONE, Europe/Berlin); sites without
# beat run `manage.py send_reminders` from cron instead (README, Betrieb).
CELERY_BEAT_SCHEDULE = {
    "action-item-reminders": {
        "task": "conferences.tasks.send_action_item_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "measure-reminders": {
        "task": "measures.tasks.send_measure_reminders",
        "schedule": crontab(hour=7, minute=5),
    },
    "step-reminders": {
        "task": "workflow.tasks.send_step_reminders",
        "schedule": crontab(hour=7, minute=10),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KECK API",
    "DESCRIPTION": (
        "Sozialraum-Atlas, Konferenzen und Maßnahmen der KECK-Kommunen. "
        "Öffentliche Endpunkte liefern nur freigegebene Daten."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a field "kind"; name their enums instead of letting hashes decide.
    "ENUM_NAME_OVERRIDES": {
        "IndicatorKindEnum": "atlas_data.models.Indicator.Kind",
        "ImportRunKindEnum": "atlas_data.models.ImportRun.Kind",
        "ConferenceKindEnum": "conferences.models.Conference.Kind",
        "ActionItemStatusEnum": "conferences.models.ActionItem.Status",
        "AttendanceStatusEnum": "conferences.selectors_meetings.ATTENDANCE_STATUSES",
        "ValueStatusEnum": "atlas_data.api._STATUSES",
        "FindingKindEnum": "conferences.models.analysis.Finding.Kind",
        "FindingStateEnum": "conferences.models.analysis.Finding.State",
        "CatalogueKindEnum": "conferences.models.Catalogue.Kind",
        "SheetStateEnum": "conferences.models.Sheet.State",
        "MeasureStatusEnum": "measures.models.Measure.Status",
        "AttainmentStatusEnum": "measures.attainment.STATUS_ORDER",
    },
    # The default hook plus the error answers every operation can give (keck/api_schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "keck.api_schema.document_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# KECK's own settings.
KECK_DEMO_PASSWORD = "KeckDemo-2026"  # noqa: S105 - documented demo password, refused without DEBUG
KECK_BKG_SOURCE_NOTE = "© GeoBasis-DE / BKG 2021"
# An optional base map below the atlas maps, e.g. https://tile.example.org/{z}/{x}/{y}.png;
# empty: the maps draw only our own geometries and work without internet.
KECK_TILE_URL = env.str("KECK_TILE_URL", default="")
KECK_TILE_ATTRIBUTION = env.str("KECK_TILE_ATTRIBUTION", default="")
if KECK_TILE_URL:
    # The tile server's origin, with Leaflet's {s} subdomain placeholder as a CSP wildcard.
    _tiles = urlsplit(KECK_TILE_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(
        f"{_tiles.scheme}://{_tiles.netloc}".replace("{s}", "*")
    )
