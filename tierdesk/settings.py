"""Django settings, read from the environment; the defaults run tierdesk embedded on SQLite."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("TIERDESK_VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no), got {raw!r}")


def env_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None


def env_secret(name: str) -> str:
    """The secret from the environment, or one generated once and kept in ./var/."""
    raw = os.environ.get(name)
    if raw:
        if len(raw) < 32:
            raise ImproperlyConfigured(f"{name} must be at least 32 characters long")
        return raw
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / f"{name.lower()}.txt"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_secret("SECRET_KEY")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "channels",
    "django_tasks_db",
    "axes",
    "tierdesk.idempotency",
    "tierdesk.accounts",
    "tierdesk.audit",
    "tierdesk.tiers",
    "tierdesk.customers",
    "tierdesk.tickets",
    "tierdesk.sla",
    "tierdesk.workforce",
    "tierdesk.kpis",
    "tierdesk.mail",
    "tierdesk.live",
    "tierdesk.surveys",
    "tierdesk.reports",
    "tierdesk.web",
    "tierdesk.chat",
    "tierdesk.dashboard",
    "tierdesk.manage",
]

MIDDLEWARE = [
    "tierdesk.request_log.RequestId",
    "tierdesk.metrics.RequestMetrics",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tierdesk.api_guard.ApiGuard",
    "tierdesk.idempotency.middleware.IdempotencyKeys",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tierdesk.web.middleware.UserTimeZone",
    "tierdesk.web.middleware.HtmxSignIn",
    "axes.middleware.AxesMiddleware",
    # Last, so that it sees a dropped connection's error before anything turns it into a 500.
    "tierdesk.db_retry.RetryReadsOnDroppedConnection",
]

ROOT_URLCONF = "tierdesk.urls"
ASGI_APPLICATION = "tierdesk.asgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "dashboard:landing"
# A refused token is explained beside the form (htmx) or on a styled page, never Django's.
CSRF_FAILURE_VIEW = "tierdesk.web.errors.csrf_failure"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # Compiled templates (`<app>/jinja2/`) for the parts drawn many times a page.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "tierdesk.web.jinja.environment"},
    },
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'tierdesk.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _default_sqlite, conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a pool that recovers from a restart at once (tierdesk/postgres).
    DATABASES["default"]["ENGINE"] = "tierdesk.postgres"
    from tierdesk.db_pool import check_if_idle

    # A pool per process: under ASGI a connection per request would cost a backend fork each.
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": 1,
            "max_size": env_int("TIERDESK_DB_POOL_SIZE", default=8),
            # A connection that died while idle (a database restart, a failover, a proxy's
            # timeout) is replaced before use; one in use a moment ago is not asked again.
            "check": check_if_idle,
        },
        # No JIT: compiling a KPI query's expressions took longer than running it (up to
        # 0.9 s of a 1.5 s query at a million tickets, docs/kpis.md); tierdesk asks no
        # query long enough to win it back.
        "options": "-c jit=off",
        # Parameters bound by the server, and a statement run five times on a connection
        # prepared there: the API's hot queries are planned once per connection, not per
        # request (planning a list page's joins cost more than running them). Behind a
        # pooler that cannot keep prepared statements (PgBouncer before 1.21 in transaction
        # mode), set TIERDESK_DB_PREPARED_STATEMENTS=0.
        "server_side_binding": True,
        "prepare_threshold": (
            5 if env_bool("TIERDESK_DB_PREPARED_STATEMENTS", default=True) else None
        ),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at
    # BEGIN so that two writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not shared-cache memory: tests with several threads then see real SQLite locking.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-tierdesk.sqlite3")}
# SQLite has no connection to lose; PostgreSQL's pool checks with its own "check" above.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Threads per server process running plain HTTP requests (tierdesk/http_bridge.py): no
# more than the database pool holds (TIERDESK_DB_POOL_SIZE, 8), so none waits for one.
TIERDESK_HTTP_THREADS = env_int("TIERDESK_HTTP_THREADS", default=8)
# The KPI indexes carry non-key columns on PostgreSQL (an index-only read); on SQLite they
# are the same indexes without them, as intended: no warning about it.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Sign-in throttling (tierdesk.accounts.lockout): after AXES_FAILURE_LIMIT failed passwords
# for one account from one address, that pair is refused (429) for the cool-off time; a
# success resets the count; an admin unlocks early by deleting the attempt in the admin.
AUTHENTICATION_BACKENDS = [
    "tierdesk.accounts.lockout.SignInLockout",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("TIERDESK_SIGNIN_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TIERDESK_SIGNIN_LOCK_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "tierdesk.redis_layer.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s socket timeout, the same 5 s that channels-redis
                # blocks in BZPOPMIN waiting for a message: an idle socket would time out.
                # redis-py's pool refuses (MaxConnectionsError) past 100 connections at once
                # instead of waiting: a thousand chats joining or leaving together need more.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 15,
                        "max_connections": env_int("TIERDESK_REDIS_MAX_CONNECTIONS", default=1000),
                    }
                ],
                "prefix": os.environ.get("TIERDESK_CHANNEL_PREFIX", "asgi"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "tierdesk.inmemory_layer.InMemoryChannelLayer"}}

# Counters of the public contact form's rate limits (tierdesk.web.ratelimit): shared by
# every process through Redis when REDIS_URL is set, else kept per process.
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TIERDESK_CONTACT_FORM_PER_IP = env_int("TIERDESK_CONTACT_FORM_PER_IP", default=10)
TIERDESK_CONTACT_FORM_PER_ADDRESS = env_int("TIERDESK_CONTACT_FORM_PER_ADDRESS", default=5)
TIERDESK_CONTACT_FORM_WINDOW_SECONDS = env_int("TIERDESK_CONTACT_FORM_WINDOW_SECONDS", default=3600)

# Live chat (docs/chat.md): sites allowed to embed the widget (origins, as channels'
# OriginValidator reads them: "https://shop.example", "*.example.com"), the reconnect grace
# before a dropped customer counts as gone, and chat starts per client address per window.
TIERDESK_CHAT_ORIGINS = [
    o.strip() for o in os.environ.get("TIERDESK_CHAT_ORIGINS", "").split(",") if o.strip()
]
TIERDESK_CHAT_RECONNECT_SECONDS = env_int("TIERDESK_CHAT_RECONNECT_SECONDS", default=20)
TIERDESK_CHAT_STARTS_PER_IP = env_int("TIERDESK_CHAT_STARTS_PER_IP", default=20)
TIERDESK_CHAT_WINDOW_SECONDS = env_int("TIERDESK_CHAT_WINDOW_SECONDS", default=3600)
TIERDESK_CHAT_IDENTITY_MAX_AGE = env_int("TIERDESK_CHAT_IDENTITY_MAX_AGE", default=86400)

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TIERDESK_TASK_BACKEND", "django_tasks_db.DatabaseBackend")
    }
}

# Tier review PDFs queued by the workers' schedule (docs/tier-review.md): quarterly|yearly|off.
TIERDESK_TIER_REVIEW_SCHEDULE = os.environ.get("TIERDESK_TIER_REVIEW_SCHEDULE", "quarterly")
if TIERDESK_TIER_REVIEW_SCHEDULE not in ("quarterly", "yearly", "off"):
    raise ImproperlyConfigured(
        "TIERDESK_TIER_REVIEW_SCHEDULE must be quarterly, yearly or off, "
        f"got {TIERDESK_TIER_REVIEW_SCHEDULE!r}"
    )

# Bodies above these sizes are refused with 413 before anything is written.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("TIERDESK_MAX_BODY_BYTES", default=1_048_576)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "tierdesk.uploads.AttachmentSizeLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
TIERDESK_MAX_ATTACHMENT_BYTES = env_int("TIERDESK_MAX_ATTACHMENT_BYTES", default=10_485_760)
TIERDESK_MAX_MESSAGE_CHARS = 65_536
# Uploads per user in any 24 hours, and how long an upload no message took is kept
# (tierdesk.tickets.upload_limits).
TIERDESK_UPLOAD_QUOTA_BYTES = env_int("TIERDESK_UPLOAD_QUOTA_BYTES", default=209_715_200)
TIERDESK_ORPHAN_UPLOAD_HOURS = env_int("TIERDESK_ORPHAN_UPLOAD_HOURS", default=24)

# Email (docs/email.md). Outbound over SMTP; inbound through `tierdesk mail serve|fetch`.
TIERDESK_SMTP_HOST = os.environ.get("TIERDESK_SMTP_HOST", "127.0.0.1")
TIERDESK_SMTP_PORT = env_int("TIERDESK_SMTP_PORT", default=25)
TIERDESK_SMTP_USER = os.environ.get("TIERDESK_SMTP_USER", "")
TIERDESK_SMTP_PASSWORD = os.environ.get("TIERDESK_SMTP_PASSWORD", "")
TIERDESK_SMTP_STARTTLS = env_bool("TIERDESK_SMTP_STARTTLS", default=False)
TIERDESK_MAIL_FROM = os.environ.get("TIERDESK_MAIL_FROM", "Support <support@localhost>")
# Customers' replies come back here; a ticket's reply address adds "+t<id>" to it.
TIERDESK_MAIL_REPLY_TO = os.environ.get("TIERDESK_MAIL_REPLY_TO", "")
TIERDESK_MAIL_LISTEN_HOST = os.environ.get("TIERDESK_MAIL_LISTEN_HOST", "127.0.0.1")
TIERDESK_MAIL_LISTEN_PORT = env_int("TIERDESK_MAIL_LISTEN_PORT", default=2525)
TIERDESK_MAIL_MAX_ATTEMPTS = env_int("TIERDESK_MAIL_MAX_ATTEMPTS", default=10)
# How long an API write's Idempotency-Key is remembered (tierdesk.idempotency).
TIERDESK_IDEMPOTENCY_HOURS = env_int("TIERDESK_IDEMPOTENCY_HOURS", default=24)
# The bearer token Prometheus sends to /metrics; without it only this machine, not through the
# proxy, may read them (tierdesk.metrics).
TIERDESK_METRICS_TOKEN = os.environ.get("TIERDESK_METRICS_TOKEN", "")
# A task RUNNING longer than this lost its worker: it is queued again once (tierdesk.stale_tasks).
TIERDESK_TASK_STALE_MINUTES = env_int("TIERDESK_TASK_STALE_MINUTES", default=30)

# Phone events (docs/phone.md): the HMAC secret shared with the telephony system. Unset,
# the endpoint answers 503; never generated, since the other side must be told it.
TIERDESK_PHONE_WEBHOOK_SECRET = os.environ.get("TIERDESK_PHONE_WEBHOOK_SECRET", "")
# Where customers reach tierdesk: the start of links in emails (surveys).
TIERDESK_PUBLIC_URL = os.environ.get("TIERDESK_PUBLIC_URL", "http://localhost:8000").rstrip("/")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Pages run only scripts and styles served by tierdesk itself (docs/deploy.md): no inline
# script, no inline style, nothing from another origin. WebSockets to this host are 'self'.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Behind a TLS-terminating proxy (TIERDESK_BEHIND_TLS=1, docs/deploy.md): trust its
# X-Forwarded-Proto, send plain HTTP to HTTPS, cookies only over TLS, and HSTS. The probes
# stay reachable over plain HTTP, since load balancers check backends without TLS.
TIERDESK_BEHIND_TLS = env_bool("TIERDESK_BEHIND_TLS", default=False)
if TIERDESK_BEHIND_TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("TIERDESK_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TIERDESK_HSTS_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("TIERDESK_HSTS_PRELOAD", default=True)

# One JSON object per line with the request id (tierdesk.request_log); TIERDESK_LOG_FORMAT=text
# for a person reading a terminal. TIERDESK_ACCESS_LOG=0 drops the line per request.
TIERDESK_LOG_FORMAT = os.environ.get("TIERDESK_LOG_FORMAT", "json")
if TIERDESK_LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(
        f"TIERDESK_LOG_FORMAT must be json or text, got {TIERDESK_LOG_FORMAT!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "tierdesk.request_log.JsonLines"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": TIERDESK_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "tierdesk.access": {
            "level": "INFO" if env_bool("TIERDESK_ACCESS_LOG", default=True) else "WARNING"
        },
    },
}
