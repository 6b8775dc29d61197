"""The one settings module of CCHC Portal, read from environment variables.

Defaults give the embedded set-up (SQLite file, Celery tasks run in-process,
console e-mail). ``DATABASE_URL`` switches to PostgreSQL and ``REDIS_URL`` to a
Celery broker and cache on Redis. Bad values fail loudly at start-up.
"""

from __future__ import annotations

import os
from datetime import timedelta as _timedelta
from pathlib import Path

import csp.constants as _csp
import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} is required")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Local state (SQLite file, uploaded files, the generated secret key): one directory.
STATE_DIR = Path(env_str("CCHC_STATE_DIR", str(BASE_DIR / "var")))
STATE_DIR.mkdir(parents=True, exist_ok=True)


def _state_secret_key(path: Path) -> str:
    """The secret key kept in ``path``, generated there (mode 0600) on the first start.

    Several processes may start at once (web + in-process tasks, gunicorn workers):
    the file is created exclusively, and whoever loses the race reads the winner's."""
    from django.core.management.utils import get_random_secret_key

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if len(key) < 50:
            raise ImproperlyConfigured(f"{path} does not hold a secret key (delete it to generate one)") from None
        return key
    key = get_random_secret_key() + get_random_secret_key()  # 100 characters
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key


# Debug pages (tracebacks, settings) only when explicitly asked for: DJANGO_DEBUG=1.
DEBUG = env_bool("DJANGO_DEBUG", False)
# Given by the deployment (several hosts must share one), else generated once into
# the state directory so that a single-machine install is safe without a step.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip() or _state_secret_key(STATE_DIR / "secret_key")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a long random value (at least 50 characters)")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "import_export",
    "axes",  # sign-in lockout (issue 12)
    "django_otp",  # second factor (issue 12)
    "django_otp.plugins.otp_totp",
    "csp",  # Content-Security-Policy (issue 12)
    "core",
    "audit",
    "notifications",  # the bell and its e-mails (issue 13); a low layer beside audit
    "organization",
    "campaigns",
    "scoring.onestop",
    "scoring",
    "awards",
    "contests",
    "par_index",
    "cchc_portal",  # the project, the top layer: home page, to-do collection, demo loader
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "organization.signin.SecondFactorMiddleware",  # after OTP and messages (issue 12)
    "organization.signin.MustChangePasswordMiddleware",  # temporary password set by staff (issue 13)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "cchc_portal.urls"
WSGI_APPLICATION = "cchc_portal.wsgi.application"

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
                "organization.context_processors.portal_user",
                "notifications.context_processors.bell",  # notifications (issue 13)
            ],
        },
    },
]

# --- database -------------------------------------------------------------
SQLITE_PATH = env_str("SQLITE_PATH", str(STATE_DIR / "db.sqlite3"))
_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except Exception as exc:  # dj-database-url raises several types
        raise ImproperlyConfigured(f"DATABASE_URL is not valid: {exc}") from exc
else:
    Path(SQLITE_PATH).parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # Celery runs in-process here, so a short lock wait avoids spurious
            # "database is locked" when a request and a task write together.
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and Celery ------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# --- Celery delivery after a worker dies (issue 10; README "Worker Celery") ---
# Long tasks (import parse, recompute run) are acks_late + reject_on_worker_lost:
# a pool child that dies has its message re-queued at once; a whole worker that
# dies leaves it in Redis' "unacked" set, which every worker sweeps each
# CELERY_UNACKED_RESTORE_INTERVAL seconds, giving back the messages delivered more
# than CELERY_VISIBILITY_TIMEOUT seconds ago: redelivery within about
# visibility + interval (70 s) of the delivery, not an hour. A task still running
# when its visibility timeout passes is delivered a second time: tasks are
# therefore idempotent and claim their work (a recompute run's claim lock, see
# scoring/runs.py), so the duplicate does nothing. The time limits bound a stuck
# task; they may exceed the visibility timeout for that reason.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 1800)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 1700)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 1_000_000)  # KiB
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 60)
CELERY_UNACKED_RESTORE_INTERVAL = env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10)
if not 0 < CELERY_UNACKED_RESTORE_INTERVAL < CELERY_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured("CELERY_UNACKED_RESTORE_INTERVAL must be positive and below CELERY_VISIBILITY_TIMEOUT")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # kombu sweeps every interval × throttle seconds (defaults 10 × 10): throttle 1
    # makes the sweep period the interval itself.
    "unacked_restore_interval": CELERY_UNACKED_RESTORE_INTERVAL,
    "unacked_restore_throttle": 1,
}
# One message per pool process at a time: a busy process does not hold queued
# messages (each reserved message ages towards the visibility timeout unstarted).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE = {
    # Every day at 08:00 the task checks whether today is UPLOAD_REMINDER_DAY, so
    # changing that setting needs no new schedule.
    "scoring-upload-reminders": {
        "task": "scoring.tasks.send_upload_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Runs whose worker died after a duplicate delivery was acknowledged.
    "scoring-requeue-orphaned-runs": {
        "task": "scoring.tasks.requeue_orphaned_runs",
        "schedule": 60.0,
    },
    # Notifications (issue 13): the daily digest for users who chose it, before office hours.
    "notifications-daily-digest": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
}

# --- Recompute runs (issue 10; scoring/runs.py) ---
# Starts of one run (a worker death or a lost race starts another) before it is
# failed with the reason; the first retry after a lost race waits BACKOFF seconds,
# doubling; a run waits at most LOCK_WAIT seconds for the writers' lock.
SCORING_RUN_MAX_ATTEMPTS = env_int("SCORING_RUN_MAX_ATTEMPTS", 3)
SCORING_RUN_RETRY_BACKOFF = env_int("SCORING_RUN_RETRY_BACKOFF", 2)
SCORING_RUN_LOCK_WAIT = env_int("SCORING_RUN_LOCK_WAIT", 600)
# How often a run's PostgreSQL backend checks that its worker is still there.
SCORING_RUN_CLIENT_CHECK_SECONDS = env_int("SCORING_RUN_CLIENT_CHECK_SECONDS", 5)

# PostgreSQL work_mem for the recomputation's transaction (its sorts and hashes).
SCORING_RECOMPUTE_WORK_MEM = env_str("SCORING_RECOMPUTE_WORK_MEM", "64MB")

# Day of the month after which units that have not uploaded get a reminder.
UPLOAD_REMINDER_DAY = env_int("UPLOAD_REMINDER_DAY", 5)

# --- auth -----------------------------------------------------------------
# Django's validators; at least 10 characters (NIST SP 800-63B §5.1.1.2 asks for ≥ 8
# and a check against common passwords; 10 for accounts that sign decisions).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "organization.signin.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes checks the lockout first; then the ordinary password check.
AUTHENTICATION_BACKENDS = [
    "organization.signin.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- i18n / l10n ----------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Django's vi locale leaves NUMBER_GROUPING unset: our own formats fix it.
FORMAT_MODULE_PATH = ["cchc_portal.formats"]
# Our own catalogue fills gaps in third-party translations (django-import-export has no vi).
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- static and media ------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(STATE_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
# Uploaded and generated files are private: no URL serves MEDIA_ROOT, in any mode.
# Each file goes out through its object's permission-checked view (core.files).
# MEDIA_URL only names the prefix a FieldFile.url would carry; nothing routes it.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(STATE_DIR / "media")))
# Who sends the bytes of a checked download: "" Django itself (embedded default),
# "nginx" X-Accel-Redirect to the internal location PRIVATE_FILES_INTERNAL_URL
# (aliased to MEDIA_ROOT, see the README), "sendfile" X-Sendfile (Apache, lighttpd).
PRIVATE_FILES_SERVER = env_str("PRIVATE_FILES_SERVER", "").strip().lower()
if PRIVATE_FILES_SERVER not in ("", "nginx", "sendfile"):
    raise ImproperlyConfigured(f"PRIVATE_FILES_SERVER={PRIVATE_FILES_SERVER!r}: use nginx, sendfile or nothing")
PRIVATE_FILES_INTERNAL_URL = env_str("PRIVATE_FILES_INTERNAL_URL", "/_private_files/")
# Uploads are named <folder>/<uuid4>.<ext>; a file cannot be found by guessing.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# Uploaded spreadsheets are capped here and checked again before parsing.
# 32 MB (issue 14): a 300,000-row per-dossier export is ~20 MB; 10 MB stopped at ~149,000.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 32 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- One-stop parse limits (issue 10) -----------------------------------------
# Measured from each sheet's own XML records before any cell is read (a used range
# is rows x columns: python-calamine allocates it densely), then the parse runs in
# a child process under RLIMIT_AS / RLIMIT_CPU (scoring/onestop/sandbox.py). A
# real 100,000-dossier export is ~100,000 x 20; the defaults are far above it.
ONESTOP_MAX_ROWS = env_int("ONESTOP_MAX_ROWS", 1_000_000)
ONESTOP_MAX_COLUMNS = env_int("ONESTOP_MAX_COLUMNS", 200)
ONESTOP_MAX_CELLS = env_int("ONESTOP_MAX_CELLS", 10_000_000)  # used range area, all sheets together
ONESTOP_MAX_MERGES = env_int("ONESTOP_MAX_MERGES", 20_000)  # merged ranges per sheet
# Sum of the xlsx parts' uncompressed sizes (issue 14: a 300,000-row export, about
# 200 MB of sheet XML, is accepted by default; was a fixed 100 MB, ~149,000 rows).
ONESTOP_MAX_UNCOMPRESSED_MB = env_int("ONESTOP_MAX_UNCOMPRESSED_MB", 400)
ONESTOP_PARSE_MEMORY_MB = env_int("ONESTOP_PARSE_MEMORY_MB", 2048)  # address space the child may add
ONESTOP_PARSE_CPU_SECONDS = env_int("ONESTOP_PARSE_CPU_SECONDS", 120)
# A parse whose worker died is started again this many times, then the batch fails
# with the reason (a message redelivered forever would kill worker after worker).
ONESTOP_PARSE_RETRIES = env_int("ONESTOP_PARSE_RETRIES", 2)

# --- e-mail -----------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "cchc-portal@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
# --- notifications (issue 13) --------------------------------------------
# The portal's address as users reach it: e-mails (sent by Celery, with no request
# to read a host from) link to pages under it.
PORTAL_URL = env_str("PORTAL_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}")

# --- security (production) -----------------------------------------------
# DJANGO_HTTPS=1 when the portal is reached over HTTPS (production): secure cookies,
# redirect to HTTPS, HSTS. Off by default because the embedded set-up (demo, tests)
# answers plain http://127.0.0.1, where secure cookies would never come back.
HTTPS = env_bool("DJANGO_HTTPS", False)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- sign-in (issue 12): lockout, second factor, Content-Security-Policy ----------
# django-axes: the AXES_FAILURE_LIMIT-th failed sign-in (password or TOTP code) in a
# row locks that account and, separately, that address for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 6)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be at least 1")
AXES_COOLOFF_TIME = _timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: per account, per address
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "organization.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "organization.signin.client_ip"
AXES_ENABLE_ADMIN = False  # unlock with `manage.py axes_reset_username NAME` (logged by the shell)
AXES_VERBOSE = False
# django-otp: staff and leader accounts (and Django admin accounts) must give a TOTP
# code after the password. On by default wherever the portal is served over HTTPS
# (production); CCHC_OTP_REQUIRED=0/1 overrides.
OTP_REQUIRED = env_bool("CCHC_OTP_REQUIRED", env_bool("DJANGO_HTTPS", False))
OTP_TOTP_ISSUER = "CCHC Portal"
# django-csp: scripts and style elements only from the portal itself or with the
# request's nonce; no inline event handlers. Inline style *attributes* stay allowed
# (style-src-attr): the templates set computed widths and indents with them, and an
# attribute cannot run script or load anything (img-src/font-src/connect-src still
# apply). The one hash is django-import-export's "select all" checkbox handler in its
# export form (admin), which the library writes inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_csp.SELF],
        "script-src": [_csp.SELF, _csp.NONCE, "'unsafe-hashes'", "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"],
        "style-src": [_csp.SELF, _csp.NONCE],
        "style-src-attr": [_csp.UNSAFE_INLINE],
        "img-src": [_csp.SELF, "data:"],
        "font-src": [_csp.SELF],
        "connect-src": [_csp.SELF],
        "object-src": [_csp.NONE],
        "base-uri": [_csp.SELF],
        "form-action": [_csp.SELF],
        "frame-ancestors": [_csp.NONE],
    },
}

# --- WeasyPrint -----------------------------------------------------------
FONT_DIR = BASE_DIR / "static" / "fonts"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "axes": {"level": "WARNING"},  # lockouts only, not every sign-in (issue 12)
        "fontTools": {"level": "ERROR"},
        # In-process tasks would print a "Task … succeeded" line and kombu's note on
        # the in-memory broker for every upload; a real worker keeps its own logs.
        **({"celery.app.trace": {"level": "WARNING"}, "kombu.connection": {"level": "ERROR"}}
           if CELERY_TASK_ALWAYS_EAGER else {}),
    },
}
