"""Settings for the holding-to-account minutes and action tracker.

Everything that differs between a laptop and production comes from the environment
(django-environ); the defaults are safe for local development only.
"""

import sys
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
# A development key only ever stands in when DEBUG is on; production must set its own.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "assurance.apps.AssuranceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    # Ours, from the bottom up: each imports only those above it in this list (CONTRIBUTING.md).
    "operations",
    "core",
    "people",
    "meetings",
    "actions",
    "judgements",
    "papers",
    "publication",
    "circulation",
    "search",
    "themes",
    "signin",
    "kept",
    "room",
    "demo",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # 503 for everything while the maintenance switch is on (a restore), before the session.
    "operations.middleware.MaintenanceMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The session's idle expiry moved on at most once a minute, not saved on every request.
    "core.sessions.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # A new session key when a login's role changes; enrolment when two factors are required.
    "signin.middleware.SessionRoleMiddleware",
    "signin.middleware.TwoFactorRequiredMiddleware",
    # Cache-Control: private, no-store on every signed-in response.
    "signin.middleware.NoStoreWhenSignedInMiddleware",
    # Django's LoginRequiredMiddleware, answering htmx without swapping in the sign-in page.
    "core.keep_typed.SignInRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Each row's latest progress update, filled in as a page leaves (kept pages hold a mark).
    "actions.latest.LatestUpdatesMiddleware",
    "meetings.middleware.MinutesLockedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "assurance.urls"

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
                "people.context_processors.permissions",
                "people.context_processors.office",
            ],
        },
    },
]

WSGI_APPLICATION = "assurance.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite as a web server's database: readers do not wait for the writer (WAL), a write
    # syncs at checkpoints rather than at every commit (NORMAL, safe with WAL), and each
    # request's transaction takes the write lock when it starts (IMMEDIATE). A deferred one
    # that reads and then writes cannot wait for another writer: SQLite answers "database is
    # locked" at once, whatever the timeout. With IMMEDIATE, writers queue for up to 20 s.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Named in pg_stat_activity, so that `manage.py restore` can say who is still at work.
    # "assurance gunicorn", "assurance manage.py run_worker"...
    program = Path(sys.argv[0]).name if sys.argv else "python"
    if program == "manage.py" and len(sys.argv) > 1:
        program += f" {sys.argv[1]}"
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "application_name", f"assurance {program}"[:63]
    )
    # A worker keeps its connection between requests: opening one cost a signed-in page more
    # than everything else it did once its content was kept (bench/pages.py: 115 against 342
    # requests/s for a trivial page). The health check notices a connection the server closed
    # (a restart, a restore) before a request uses it, and opens another. An idle connection
    # holds no lock, so `manage.py restore` does not wait for it. `?conn_max_age=0` in
    # DATABASE_URL opens one per request again.
    DATABASES["default"].setdefault(
        "CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=5 * 60)
    )
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "signin.throttle.LoginThrottleBackend",
    # Django's ModelBackend, loading each request's login with its roles in one statement.
    "signin.backends.PasswordBackend",
    # The organisation's identity provider (OpenID Connect, signin.oidc): only ever answers
    # the callback from a provider configured below.
    "signin.oidc.OrganisationBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Two factors (signin.two_factor): a code from an authenticator app (TOTP, django-otp) after
# the password, with one-time recovery codes. Required of OPCC staff and the Commissioner
# signing in with a password when REQUIRE_TWO_FACTOR is on; anyone may turn it on.
REQUIRE_TWO_FACTOR = env.bool("REQUIRE_TWO_FACTOR", default=False)
# The name the authenticator app shows beside the code.
OTP_TOTP_ISSUER = env("TWO_FACTOR_ISSUER", default="OPCC assurance")
# How long, after the password, the code may be given.
TWO_FACTOR_PENDING_SECONDS = 5 * 60

# The organisation's identity provider (OpenID Connect, mozilla-django-oidc; README, "Signing
# in with the organisation's identity provider"). OIDC_PROVIDERS names each one; each has its
# own settings, OIDC_<NAME>_ISSUER and so on. None unless the deployment names some.
OIDC_PROVIDERS = {}
for _name in env.list("OIDC_PROVIDERS", default=[]):
    _prefix = f"OIDC_{_name.upper()}_"
    _domains = [d.strip().lower() for d in env.list(_prefix + "ALLOWED_DOMAINS", default=[])]
    if not _domains:
        raise ImproperlyConfigured(f"{_prefix}ALLOWED_DOMAINS must name at least one domain.")
    OIDC_PROVIDERS[_name.lower()] = {
        "label": env(_prefix + "LABEL", default=_name),
        "issuer": env(_prefix + "ISSUER").rstrip("/"),
        "client_id": env(_prefix + "CLIENT_ID"),
        "client_secret": env(_prefix + "CLIENT_SECRET"),
        "allowed_domains": _domains,
        "groups_claim": env(_prefix + "GROUPS_CLAIM", default="groups"),
        # Entra ID's ID token has no email_verified claim: its directory's administrators
        # set the addresses, and a deployment that trusts them says so.
        "trust_email": env.bool(_prefix + "TRUST_EMAIL", default=False),
        "scopes": env(_prefix + "SCOPES", default="openid email profile"),
    }
# Short: a provider that does not answer should show a message while the person still waits.
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT_SECONDS", default=5)
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "signin:oidc_callback"
OIDC_RP_SIGN_ALGO = "RS256"
LOGIN_REDIRECT_URL_FAILURE = "login"

# Failed sign-ins (django-axes): five for one user from one address, then a cool-off.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = env.float("LOGIN_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "signin.throttle.locked_out"
# Failures count per client address. X-Forwarded-For is believed only as far as the proxies
# the deployment says it has (README, "nginx"); without them anyone can write it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "signin.throttle.client_address"
# Refused sign-ins with an identity provider are counted per person there, not per address
# under no name (signin.throttle.counted_elsewhere).
AXES_WHITELIST_CALLABLE = "signin.throttle.counted_elsewhere"

# HTTPS, cookies and sessions. Production sits behind a proxy that terminates TLS and sets
# X-Forwarded-Proto; with DEBUG on (a laptop) none of this applies.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A session ends after two hours without a request (to within a minute: core.sessions), and
# when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# How long before the idle limit the page offers to keep the session (static/js/keep-typed.js).
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=5 * 60)
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere (django-csp); Bootstrap's icons are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# Uploaded papers (the ``papers`` app) go through the default storage: files on disk under
# MEDIA_ROOT unless FILE_STORAGE_BACKEND names another, such as django-storages'
# "storages.backends.s3.S3Storage" with its options as JSON (README, "Papers"). MEDIA_ROOT is
# never served by the web server: papers are served by the app, to those who may see them.
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {
        "BACKEND": env(
            "FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env.json("FILE_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="assurance@opcc.example")
# Where the site is, for links in emails that a command sends (a page's own address is used
# when an officer sends from the site).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Files attached to each agenda: dotted paths of callables (meeting, user) returning
# (filename, bytes, mimetype) or None, built for that recipient (circulation.services).
# The agenda carries the meeting pack, built for each recipient (papers/pack.py), and the
# papers the pack cannot show (Word, Excel, PowerPoint), which it says are circulated
# separately.
CIRCULATION_AGENDA_ATTACHMENTS = env.list(
    "CIRCULATION_AGENDA_ATTACHMENTS",
    default=["papers.kept_pack.pack_attachment", "papers.pack.separate_papers"],
)
# The largest an agenda email may be with its attachments, in MB as a mail relay counts it
# (an attached file travels a third larger than it is): the files that would take it over
# are sent as links instead, each working for its recipient for MAIL_FILE_LINK_DAYS.
MAIL_ATTACHMENTS_MAX_MB = env.float("MAIL_ATTACHMENTS_MAX_MB", default=10)
MAIL_FILE_LINK_DAYS = env.int("MAIL_FILE_LINK_DAYS", default=60)

# The largest paper that may be attached to an item or an update, in bytes.
PAPERS_MAX_BYTES = env.int("PAPERS_MAX_BYTES", default=20 * 1024 * 1024)
# The largest image that may be a paper, in pixels (width x height): the meeting pack draws
# every image, and a few kilobytes of PNG can hold a picture too large to draw in time.
PAPERS_MAX_PIXELS = env.int("PAPERS_MAX_PIXELS", default=40_000_000)

# Long work (a meeting's emails, large exports) goes to the task queue: django-tasks, the
# backport of Django 6.0's django.tasks. By default each task runs at once, in the process
# that asks for it, so `make run` needs nothing else; TASK_BACKEND=database keeps the queue in
# the database (django-tasks-db) for `manage.py run_worker` processes to run (README).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASK_BACKEND = env("TASK_BACKEND", default="immediate")
if TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASK_BACKEND must be one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND]}}
# Long documents (agreed minutes' PDF and Word, the theme report's PDF) are never made inside
# the request that asks for them: with the immediate backend, in a thread after the request's
# commit (core.background).
IMMEDIATE_TASKS_IN_THREAD = env.bool("IMMEDIATE_TASKS_IN_THREAD", default=True)
# /readyz answers 503 while a queued task has waited longer than this: no worker is taking
# them (README, "The worker").
READY_QUEUE_WAIT_SECONDS = env.int("READY_QUEUE_WAIT_SECONDS", default=300)
# An owner without a login reports on an action through a link in an email, good this long.
UPDATE_LINK_DAYS = env.int("UPDATE_LINK_DAYS", default=14)
# `manage.py run_worker` stops a task that runs longer than this and marks it failed. A task
# still "running" well past it has lost its worker (killed, or its host gone): the next
# worker gives it back to the queue, up to TASK_ATTEMPTS runs in all, then marks it failed.
TASK_TIME_LIMIT_SECONDS = env.int("TASK_TIME_LIMIT_SECONDS", default=600)
TASK_ATTEMPTS = env.int("TASK_ATTEMPTS", default=2)
# The maintenance switch (operations.maintenance): a file every host can see. Empty means
# ".maintenance" in MEDIA_ROOT.
MAINTENANCE_FILE = env("MAINTENANCE_FILE", default="")

# An export of the action log of more rows than this is prepared in the background and kept
# for the person who asked; smaller ones stream to the browser at once.
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=20_000)
# An export still "being prepared" after this long has lost its worker (killed, or its host
# restarted): it is failed, and the person who asked is offered to ask again.
KEPT_EXPORT_LEASE_SECONDS = env.int("KEPT_EXPORT_LEASE_SECONDS", default=600)
# How long a prepared export is kept for its owner (manage.py prune_storage, run daily).
KEPT_EXPORT_DAYS = env.int("KEPT_EXPORT_DAYS", default=7)

# The dashboard, the action log and My actions keep what they show for each version of the
# record (actions/record.py); a new version is a new key, so this only bounds how long a
# change could go unseen should the version miss it: two writes committed in the other order
# from the one their history rows were numbered in.
CONTENT_CACHE_SECONDS = env.int("CONTENT_CACHE_SECONDS", default=120)

# A cache shared by every application host (Redis): sessions are read from it (and written
# through to the database), so several gunicorn hosts behind one proxy share them. Without
# it, each process has its own small cache and sessions live in the database alone, which
# every host shares too. Failed sign-ins (django-axes) are always counted in the database.
CACHE_URL = env("CACHE_URL", default="") or env("REDIS_URL", default="")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a Redis address: redis://host:6379/0.")
    # How long a connect to Redis, or a read from it, may take before the page goes on
    # without the cache (assurance/cache.py): a hung Redis costs a request this much at most.
    CACHE_TIMEOUT_SECONDS = env.float("CACHE_TIMEOUT_SECONDS", default=0.25)
    CACHES = {
        "default": {
            "BACKEND": "assurance.cache.FailSoftRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="assurance"),
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_TIMEOUT_SECONDS,
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every PDF step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes logs every successful sign-in at INFO; failures still show.
        "axes": {"level": "WARNING"},
    },
}
