"""Settings for django-helpdesk as the bench's peer: its API on, DEBUG off, PostgreSQL.

Only what the API needs is installed. DATABASE_URL is the one input; the secret key is
random per process because nothing signed outlives a bench run.
"""

import secrets
from os import environ
from urllib.parse import urlsplit

_db = urlsplit(environ["DATABASE_URL"])

SECRET_KEY = secrets.token_urlsafe(40)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "helpdesk_site.urls"
ASGI_APPLICATION = "helpdesk_site.asgi.application"
USE_TZ = True
TIME_ZONE = "UTC"
SITE_ID = 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _db.path.lstrip("/"),
        "USER": _db.username or "postgres",
        "PASSWORD": _db.password or "",
        "HOST": _db.hostname or "127.0.0.1",
        "PORT": _db.port or 5432,
        # The pool tierdesk's settings give each process: under ASGI each request runs in a
        # thread of its own, and a connection per thread would exhaust the server's slots.
        "CONN_MAX_AGE": 0,
        "OPTIONS": {"pool": {"min_size": 1, "max_size": 8}},
        "CONN_HEALTH_CHECKS": True,
    }
}

# The same credential shape as tierdesk's API: a bearer token in the Authorization header.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["helpdesk_site.auth.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

HELPDESK_API_ENABLED = True
HELPDESK_TEAMS_MODE_ENABLED = False  # teams need pinax-teams, which the API does not use
# Mail a new ticket or follow-up triggers is rendered, then dropped: no SMTP in the bench.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@bench.example"
MEDIA_ROOT = environ.get("HELPDESK_MEDIA_ROOT", "/tmp/helpdesk-bench-media")
LOGGING = {
    "version": 1,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
