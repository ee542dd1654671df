"""Settings for the OCOP Portal, read from environment variables.

With nothing set, the portal runs for a trial: DEBUG on, SQLite file, Celery tasks run eagerly, e-mail printed to the
console. Production (DEBUG off) refuses to start without a real SECRET_KEY.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-dev-only-never-use-in-production"
# Placeholders and defaults printed in .env.example, docker-compose.yml and the README: never accepted in production.
_PUBLISHED_SECRETS = {"change-me", "changeme", "ocop", "postgres", "password", "secret", _DEV_SECRET_KEY}
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY phải được đặt khi DEBUG tắt / SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (
    SECRET_KEY.lower() in _PUBLISHED_SECRETS or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 40
):
    raise ImproperlyConfigured(
        "SECRET_KEY quá ngắn hoặc là khoá mặc định / SECRET_KEY is too short or the development default."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "bootstrap",
    "simple_history",
    "axes",
    "ocop_portal",
    "districts",
    "products",
    "evaluations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ocop_portal.language.PortalLocaleMiddleware",  # Vietnamese unless the visitor chose English
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ocop_portal.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "ocop_portal.wsgi.application"

# Database: DATABASE_URL (PostgreSQL in tests, CI and production), else a local SQLite file for a trial run.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if not DEBUG and (DATABASES["default"].get("PASSWORD") or "").lower() in _PUBLISHED_SECRETS - {""}:
    raise ImproperlyConfigured(
        "Mật khẩu cơ sở dữ liệu là giá trị mặc định / the database password is a published default "
        "(set POSTGRES_PASSWORD and DATABASE_URL)."
    )

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ocop_portal.auth.PortalModelBackend",  # refuses the published demo password under production settings
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ocop_portal.auth.PublishedPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the header's language switch is remembered for a year
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Public media (product photos). Dossier attachments live in PRIVATE_MEDIA_ROOT, never under a public URL.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Celery: with no REDIS_URL, tasks run eagerly in-process (trial runs); otherwise Redis is broker and result store.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "socket_timeout": 3,
    # A task taken by a worker that died (acks_late: never acknowledged) goes back to the queue after this many
    # seconds; keep it above the longest daily job, or a slow run is started a second time (harmless, but wasted).
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
}
CELERY_BEAT_SCHEDULE: dict = {}  # filled below, once the OCOP settings are read
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_DEFAULT_QUEUE", "celery")  # tests give their worker its own

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL and env_bool("CACHE_USE_REDIS", False)
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # API throttling counters: shared by every web worker through Redis when there is one.
    "throttle": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "throttle"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}
    ),
}

# E-mail (Django 6.1 MAILERS): console in trial runs; SMTP when EMAIL_HOST is set.
if not DEBUG and os.environ.get("EMAIL_HOST_PASSWORD", "").lower() in _PUBLISHED_SECRETS:
    raise ImproperlyConfigured("EMAIL_HOST_PASSWORD là giá trị mặc định / EMAIL_HOST_PASSWORD is a published default.")
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {
        "default": {"BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
    }
    if os.environ.get("EMAIL_FILE_PATH"):  # file backend: each message saved to a file (worker tests, staging)
        MAILERS["default"]["OPTIONS"] = {"file_path": os.environ["EMAIL_FILE_PATH"]}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "OCOP Portal <no-reply@ocop.local>")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # Per address for anonymous clients, per token (or session user) otherwise; counters in the "throttle" cache.
    "DEFAULT_THROTTLE_CLASSES": [
        "products.api.throttling.AnonThrottle",
        "products.api.throttling.TokenThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "120/min"),
        "user": os.environ.get("API_THROTTLE_USER", "600/min"),
        "export": os.environ.get("API_THROTTLE_EXPORT", "30/hour"),
    },
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OCOP Portal API",
    "DESCRIPTION": "Sản phẩm OCOP được công nhận, chủ thể, giấy chứng nhận và bộ tiêu chí / "
    "Recognised OCOP products, producers, certificates and score sheets.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "UnitLevelEnum": "districts.models.Level.choices",
        "CouncilLevelEnum": "districts.models.CouncilLevel.choices",
    },
}

# Security. Strict transport settings apply whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# Login throttling (django-axes): lock after repeated failures per user name and address.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]

# OCOP programme settings that councils and provinces may tune.
OCOP_EXPIRY_REMINDER_DAYS = [int(d) for d in env_list("OCOP_EXPIRY_REMINDER_DAYS", "90,30,7")]
OCOP_DAILY_JOB_HOUR = env_int("OCOP_DAILY_JOB_HOUR", 2)
# Daily certificate job: how far back a run re-checks due dates (from its last finished run) and how old a step may
# be and still be e-mailed (older ones are recorded without an e-mail, never sent in a flood).
OCOP_STEP_RECHECK_DAYS = env_int("OCOP_STEP_RECHECK_DAYS", 30)
OCOP_NOTICE_CATCH_UP_DAYS = env_int("OCOP_NOTICE_CATCH_UP_DAYS", 14)
CELERY_BEAT_SCHEDULE["certificate-daily-job"] = {
    "task": "evaluations.tasks.run_daily_certificate_job",
    "schedule": crontab(hour=OCOP_DAILY_JOB_HOUR, minute=0),  # CELERY_TIMEZONE: Asia/Ho_Chi_Minh
    "options": {"expires": 20 * 3600},  # a run left in a dead queue for a day is dropped; the next one catches up
}
OCOP_DEMO_DATA_ALLOWED = DEBUG
# Movable public holidays (Tết, Hùng Kings' day) skipped by the commune's 15-working-day review clock, ISO dates.
OCOP_PUBLIC_HOLIDAYS = env_list("OCOP_PUBLIC_HOLIDAYS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
