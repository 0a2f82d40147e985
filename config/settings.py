"""Cohort settings: one module; what varies per deployment comes from the environment.

See README.md for the table of variables. Secure defaults follow DEBUG, and values that
production cannot run without fail loudly when missing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from config.env import SettingError, env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules or env_bool("TESTING", False)

SECRET_KEY = env_secret("SECRET_KEY", default="dev-only-insecure-key" if DEBUG or TESTING else None)
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG or TESTING else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "django_countries",
    "ninja",
    "cohort.core",
    "cohort.terms",
    "cohort.projects",
    "cohort.proposals",
    "cohort.applications",
    "cohort.github",
    "cohort.selection",
    "cohort.notifications",
    "cohort.web",
    "cohort.console",
    "cohort.mentorship",
    "cohort.stipends",
    "cohort.stats",
    "cohort.retention",
    "cohort.calendars",
    "cohort.reminders",
    "cohort.demo",
    # After the cohort apps, so cohort/core/templates overrides allauth's templates.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # 413 for a body over its limit, on its Content-Length, before anything reads it.
    "cohort.core.request_limits.refuse_large_bodies",
    # 400 for NUL and other control characters, before anything reads the request's text.
    "cohort.core.middleware.refuse_control_characters",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cohort.web.navigation.navigation",
            ],
        },
    },
]


def sqlite_db(path: Path | str) -> dict[str, Any]:
    """SQLite tuned for a web app: WAL, a busy timeout, and IMMEDIATE writer transactions."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
    }


def postgres_db(url: str) -> dict[str, Any]:
    """PostgreSQL from a DATABASE_URL such as postgres://user:pass@host:5432/name."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SettingError(f"DATABASE_URL must start with postgres:// (got {parts.scheme}://).")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
    }


DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL.startswith(("postgres://", "postgresql://")):
    DATABASES = {"default": postgres_db(DATABASE_URL)}
elif DATABASE_URL.startswith("sqlite:///"):
    DATABASES = {"default": sqlite_db(DATABASE_URL.removeprefix("sqlite:///"))}
elif DATABASE_URL:
    raise SettingError("DATABASE_URL must be postgres://… or sqlite:///path.")
else:
    DATABASES = {"default": sqlite_db(BASE_DIR / "db.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url: str) -> dict[str, Any]:
    """The default cache: Redis from a CACHE_URL such as redis://host:6379/0 (shared by every
    process, so rate limits hold across workers), else each process's own memory."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if urlsplit(url).scheme not in {"redis", "rediss", "unix"}:
        raise SettingError("CACHE_URL must be redis://…, rediss://… or unix://… (Redis).")
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}


CACHES = {"default": cache_from_url(env_str("CACHE_URL", ""))}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Applicants' files (résumés, certificates): outside the static and media roots, never served
# by a URL of their own, only through access-checked views. Back this directory up.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Request bodies (cohort.core.request_limits refuses larger ones with 413 before reading them;
# set the proxy's limit to MAX_UPLOAD_REQUEST_BYTES too, docs/security.md). An upload is one
# PDF of at most 5 MiB plus its form; any other body (forms, JSON) at most 2.5 MiB.
MAX_UPLOAD_REQUEST_BYTES = env_int("MAX_UPLOAD_REQUEST_BYTES", 6 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
# Uploads larger than this are written to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Security: production defaults, relaxed only by DEBUG.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = not DEBUG and not TESTING
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
# On by default in production so `check --deploy` is clean; turn off when subdomains of the
# site's domain are not all served over HTTPS.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# The load balancer's health probe may speak plain HTTP to the app.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

_MAIL_BACKEND = env_str(
    "MAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _MAIL_BACKEND,
        "OPTIONS": (
            {
                "host": env_str("SMTP_HOST", "localhost"),
                "port": env_int("SMTP_PORT", 25),
                "username": env_str("SMTP_USER", ""),
                "password": env_str("SMTP_PASSWORD", ""),
                "use_tls": env_bool("SMTP_USE_TLS", False),
            }
            if _MAIL_BACKEND.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cohort <cohort@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            "django.tasks.backends.immediate.ImmediateBackend"
            if DEBUG or TESTING
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# GitHub as a front door for proposals (cohort.github, docs/github.md): the REST API's root
# (tests point it at a fake on loopback), and a dry run that logs each call instead of sending.
# The token is read, when a write is sent, from the variable each connection names.
GITHUB_API_URL = env_str("GITHUB_API_URL", "https://api.github.com")
GITHUB_DRY_RUN = env_bool("GITHUB_DRY_RUN", False)

# Accounts (django-allauth): local username + password, and GitHub when configured.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "cohort.core.accounts.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "cohort.core.accounts.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
# E-mail is for contact only: nothing logs in or links a Person by it, so it is not verified.
ACCOUNT_EMAIL_VERIFICATION = "none"
COHORT_SIGNUP_OPEN = env_bool("ACCOUNT_SIGNUP_OPEN", True)
# allauth's own limits, counted in the cache (per process unless CACHE_URL is set); the
# policy is in docs/security.md. 30 logins a minute per address; 10 failed logins a minute
# per address, and 5 a minute per account from one address (the "key" is the account and
# the address: cohort.core.accounts.AccountAdapter), so no stranger can lock an account's
# owner out; 10 sign-ups an hour per address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/m/key",
    "signup": "10/h/ip",
}
# Cohort's own limits (cohort.core.ratelimit), "N/period/scope" with period s, m, h or d and
# scope user or ip; several limits are separated by commas. Counted in the cache too.
COHORT_RATE_LIMITS = {
    "apply": env_str("RATE_LIMIT_APPLY", "20/h/user,60/h/ip"),
    "upload": env_str("RATE_LIMIT_UPLOAD", "30/h/user,100/h/ip"),
}
# Behind the proxy, count per client (the proxy's X-Forwarded-For), not per proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if env_bool("BEHIND_TLS_PROXY", False) else 0


def github_provider(client_id: str, secret: str) -> dict[str, Any]:
    """allauth's GitHub provider; it has an app (and so shows up) only when both are set."""
    if not (client_id and secret):
        return {}
    return {"APPS": [{"client_id": client_id, "secret": secret, "key": ""}]}


SOCIALACCOUNT_PROVIDERS = {
    "github": github_provider(env_str("GITHUB_CLIENT_ID"), env_str("GITHUB_SECRET"))
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never join a GitHub login to a local account by e-mail

# Demo users (admin, maintainer, mentor, mentee1…3 with password "demo") exist only with DEBUG.
COHORT_DEMO_USERS = DEBUG
