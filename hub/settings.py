"""Settings for the supplier hub, all from the environment (django-environ).

Defaults are the embedded ones that ``make run`` uses on a bare machine: SQLite in
``var/`` and a filesystem Celery broker. Production points ``DATABASE_URL`` at
PostgreSQL and ``CELERY_BROKER_URL`` at Redis.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("HUB_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)


def _local_secret_key() -> str:
    # No SECRET_KEY given: keep a random one in var/ so sessions survive restarts of a
    # local hub, and no key is ever committed.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # trigram indexes for the search (hub.trigram); harmless on SQLite
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "hub.apps.HubConfig",
    "suppliers.apps.SuppliersConfig",
    "orders.apps.OrdersConfig",
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
    "hub.replica.ReplicaReadsMiddleware",
    # the API's own: Idempotency-Key on POST, ETags on GET, problem details for every error
    "hub.api.middleware.ApiMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",  # request.htmx: live parts of portal pages answer alone
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # last: turns a login refused by the lockout into the page that says so (429)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"
AUTH_USER_MODEL = "suppliers.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/portal/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

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

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hub.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write at the same time: wait for locks, take the
    # write lock up front (no upgrade deadlocks), and let readers run beside a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    # Covering indexes and NULLS DISTINCT constraints are PostgreSQL's (the group's
    # database); on the embedded default SQLite they are plain indexes, which is fine.
    SILENCED_SYSTEM_CHECKS = ["models.W040", "models.W047"]
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A host cut off the network in the middle of a transaction holds its row locks until
    # the server notices: PostgreSQL ends a session idle inside a transaction after this
    # long, so the other workers' claims and writes go on (docs/deployment.md).
    _idle = env.int("HUB_DB_IDLE_IN_TRANSACTION_SECONDS", default=300)
    if _idle > 0 and DATABASES["default"]["ENGINE"].endswith("postgresql"):
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c idle_in_transaction_session_timeout={_idle * 1000}".strip()
# A streaming replica for read-heavy pages (hub/replica.py): the overview, the lists and
# the API's reads. Writes, logins and everything the engine reads stay on the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["hub.replica.ReplicaRouter"]
HUB_REPLICA_READ_PATHS = env.list(
    "HUB_REPLICA_READ_PATHS",
    default=["/staff/overview/", "/staff/search/", "/portal/call-offs/", "/api/v1/overview/", "/api/v1/call-offs/", "/api/v1/despatch-advices/", "/api/v1/purchase-orders/"],
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The lockout backend comes first: it refuses a locked-out login before any password
# is checked. API tokens do not go through authenticate(), so portal failures never
# lock out a token (docs/security.md).
AUTHENTICATION_BACKENDS = ["suppliers.lockout.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("HUB_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Raw files (and acknowledgements) go through Django's storage API: the local disk by
# default (HUB_MEDIA_ROOT; shared storage when web and workers are different hosts), or
# S3-compatible object storage with HUB_STORAGE=s3 (django-storages; credentials from the
# standard AWS_* environment or the machine's role).
HUB_STORAGE = env.str("HUB_STORAGE", default="filesystem")
if HUB_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("HUB_S3_BUCKET"),
            "endpoint_url": env.str("HUB_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("HUB_S3_REGION", default="") or None,
            "location": env.str("HUB_S3_PREFIX", default=""),
            # content-addressed keys: the same key always holds the same bytes
            "file_overwrite": True,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
elif HUB_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"HUB_STORAGE must be 'filesystem' or 's3', not {HUB_STORAGE!r}")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Security: secure by default; DEBUG=true (make run) or SECURE_SSL_REDIRECT=false
# (behind a TLS-terminating proxy, and in local checks) relaxes the redirect only.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content Security Policy (django-csp): every page runs only the hub's own static
# scripts and styles; no inline script, no inline style, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Swagger UI draws its icons as data: URIs
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login lockout (django-axes), on /accounts/login/ and /admin/login/ alike: after
# AXES_FAILURE_LIMIT failed logins for one user name, or from one IP address, within
# the cool-off, further logins for that name / from that address are refused until the
# cool-off has passed since the last failure, also with the right password. Failures
# during a lockout do not prolong it (an attacker cannot keep a user locked out for
# ever), and a success does not wipe the count (else an attacker with an account of his
# own could reset it). Admins unlock early: `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "suppliers.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The client address for lockout and rate limits: REMOTE_ADDR, or behind a proxy the
# header it sets (as request.META key, e.g. HTTP_X_REAL_IP); never a header by default.
HUB_CLIENT_IP_HEADER = env.str("HUB_CLIENT_IP_HEADER", default="")
AXES_CLIENT_IP_CALLABLE = "suppliers.lockout.client_ip"
RATELIMIT_IP_META_KEY = "suppliers.lockout.client_ip"

# Rate limits of the anonymous account pages (suppliers/ratelimits.py holds the rates).
# The counters live in the cache: one process (make run) may use local memory; with
# several web processes set CACHE_URL to Redis (e.g. redis://redis:6379/2) so they
# share the counts.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# API rate limits (hub/api/throttling.py) count in Redis whenever the hub has one, so all
# web processes share one count per token: HUB_THROTTLE_CACHE_URL, else CACHE_URL where
# that is shared, else the broker's Redis.
_cache_url = env.str("CACHE_URL", default="locmemcache://")
_broker_url = env.str("CELERY_BROKER_URL", default="")
_throttle_default = (
    _cache_url if not _cache_url.startswith(("locmem", "dummy")) else _broker_url if _broker_url.startswith("redis") else "locmemcache://"
)
CACHES["throttle"] = env.cache("HUB_THROTTLE_CACHE_URL", default=_throttle_default)
CACHES["throttle"].setdefault("KEY_PREFIX", "hub-throttle")
HUB_API_RATE = env.str("HUB_API_RATE", default="1200/min")  # per token (or session user); empty: no limit
HUB_API_ANON_RATE = env.str("HUB_API_ANON_RATE", default="120/min")  # per address, callers without credentials
# How long a POST's first answer is replayed to retries with the same Idempotency-Key.
HUB_IDEMPOTENCY_HOURS = env.int("HUB_IDEMPOTENCY_HOURS", default=24)

# Uploads: files are streamed to disk; the API enforces HUB_MAX_INTERCHANGE_BYTES.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
HUB_MAX_INTERCHANGE_BYTES = env.int("HUB_MAX_INTERCHANGE_BYTES", default=200 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "suppliers.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "hub.api.access.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["hub.api.throttling.TokenRateThrottle", "hub.api.throttling.AnonymousRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "hub.api.pagination.CreatedCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "hub.api.schema.HubAutoSchema",
    "EXCEPTION_HANDLER": "hub.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # ?format= never switches the renderer (the API speaks JSON); the interchange filter on the
    # detected format is ?message_format=, so the two can never be confused.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Supplier hub API",
    "DESCRIPTION": "Upload EDI/XML/CSV interchanges, read call-offs and deliveries. Token: `Authorization: Bearer TOKEN`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "InterchangeStatusEnum": "hub.models.Interchange.Status",
        "DeliveryStatusEnum": "hub.models.Delivery.Status",
        "CallOffStatusEnum": "orders.models.DeliverySchedule.Status",
        "SupplierStatusEnum": "suppliers.models.Supplier.Status",
        "OrderResponseStatusEnum": "orders.models.OrderResponse.Status",
    },
}

# Celery: at-least-once. Tasks are acknowledged after they ran, returned to the queue
# when their worker dies, fetched one at a time, JSON only. The delivery row, not the
# message, is the truth: every task re-reads it, so a redelivered task is harmless.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
BROKER_FOLDER = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (BROKER_FOLDER / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_FOLDER / "queue"),
        "data_folder_out": str(BROKER_FOLDER / "queue"),
        "processed_folder": str(BROKER_FOLDER / "processed"),
        "control_folder": str(BROKER_FOLDER / "control"),
        "store_processed": False,
        # the embedded broker polls its folder; 1 s (the default) makes every task and
        # a worker's shutdown wait that long
        "polling_interval": 0.2,
    }
else:
    # visibility_timeout is above the longest task (an HTTP delivery times out after
    # 30 s); unacked messages are scanned for every 5 s. Recovery of a delivery whose
    # worker was killed does not wait for it: the outbox sweeper re-sends rows whose
    # lease has run out (HUB_DISPATCH_LEASE_SECONDS).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300),
        "unacked_restore_interval": 5,
        "unacked_restore_throttle": 1,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_DEFAULT_QUEUE = "ingest"
# Plants can be pinned to their own dispatch queues (Plant.queue) so that a worker can
# serve a subset of plants (`celery -A hub worker -Q dispatch.mx`); every queue listed
# here is consumed by a worker started without -Q.
HUB_DISPATCH_QUEUES = env.list("HUB_DISPATCH_QUEUES", default=["dispatch"])
if "dispatch" not in HUB_DISPATCH_QUEUES:
    HUB_DISPATCH_QUEUES.insert(0, "dispatch")
HUB_QUEUES = ("ingest", *HUB_DISPATCH_QUEUES, "maintenance", "onboarding")
# On RabbitMQ (amqp://) every queue is a quorum queue: replicated over the cluster's
# nodes and durable, which is what a plant's call-offs need when a broker node dies.
# Quorum queues have no global QoS and no per-message TTL for ETA; Celery detects the
# first and moves countdowns (retry backoff) to RabbitMQ's native delayed delivery.
BROKER_IS_AMQP = CELERY_BROKER_URL.startswith(("amqp://", "amqps://", "pyamqp://"))
if BROKER_IS_AMQP:
    # Topic exchanges: RabbitMQ's native delayed delivery binds queues by topic.
    CELERY_TASK_QUEUES = [
        Queue(name, Exchange(name, type="topic"), routing_key=name, queue_arguments={"x-queue-type": "quorum"}, durable=True)
        for name in HUB_QUEUES
    ]
    CELERY_TASK_DEFAULT_EXCHANGE_TYPE = "topic"
    CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True}
    CELERY_BROKER_NATIVE_DELAYED_DELIVERY_QUEUE_TYPE = "quorum"
    CELERY_WORKER_DETECT_QUORUM_QUEUES = True
else:
    CELERY_TASK_QUEUES = [Queue(name) for name in HUB_QUEUES]
CELERY_TASK_ROUTES = {
    "hub.ingest.tasks.sweep": {"queue": "maintenance"},
    "hub.ingest.tasks.*": {"queue": "ingest"},
    "hub.dispatch.tasks.deliver": {"queue": "dispatch"},
    "hub.dispatch.tasks.deliver_batch": {"queue": "dispatch"},
    "hub.dispatch.tasks.deliver_many": {"queue": "dispatch"},
    "hub.dispatch.tasks.deliver_fanout": {"queue": "dispatch"},
    "hub.dispatch.tasks.sweep": {"queue": "maintenance"},
    "hub.alerts.tasks.*": {"queue": "maintenance"},
    "hub.tasks.maintain": {"queue": "maintenance"},
    "hub.channels.tasks.*": {"queue": "dispatch"},
    "suppliers.tasks.*": {"queue": "onboarding"},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Cold shutdown (SIGQUIT) lets running tasks end for this long before cancelling them
# (they return to the queue: acks late); scripts/run.sh uses it to stop on Ctrl-C.
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = env.float("CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT", default=0.0)

# Dispatch
# Hosts, addresses or CIDR ranges (optionally with :port) connectors may reach although not
# public; see hub/dispatch/connectors/outbound.py for what a plain host opens.
HUB_OUTBOUND_ALLOWLIST = env.list("HUB_OUTBOUND_ALLOWLIST", default=[])
# A CA bundle for plants' HTTPS endpoints signed by a private CA (empty: the system's CAs).
HUB_OUTBOUND_CA_BUNDLE = env.str("HUB_OUTBOUND_CA_BUNDLE", default="")
HUB_DISPATCH_TIMEOUT_SECONDS = env.float("HUB_DISPATCH_TIMEOUT_SECONDS", default=30.0)
HUB_DISPATCH_LEASE_SECONDS = env.int("HUB_DISPATCH_LEASE_SECONDS", default=45)
HUB_DISPATCH_MAX_ATTEMPTS = env.int("HUB_DISPATCH_MAX_ATTEMPTS", default=10)
HUB_DISPATCH_BACKOFF_SECONDS = env.float("HUB_DISPATCH_BACKOFF_SECONDS", default=5.0)
HUB_DISPATCH_BACKOFF_MAX_SECONDS = env.float("HUB_DISPATCH_BACKOFF_MAX_SECONDS", default=900.0)
HUB_SWEEP_INTERVAL_SECONDS = env.float("HUB_SWEEP_INTERVAL_SECONDS", default=10.0)
HUB_SWEEP_STALE_SECONDS = env.int("HUB_SWEEP_STALE_SECONDS", default=30)
# Retention (hub/retention.py): days a partner's interchanges and deliveries are kept unless
# its Supplier/Plant.retention_days says otherwise; the maintenance task applies it once a
# day and keeps this many months of partitions created ahead (hub/partitions.py).
HUB_RETENTION_DAYS = env.int("HUB_RETENTION_DAYS", default=730)
HUB_PARTITION_MONTHS_AHEAD = env.int("HUB_PARTITION_MONTHS_AHEAD", default=3)
# Ingest: a worker's claim on an interchange is taken over only when its heartbeat (refreshed
# while it parses and persists) stopped for this long; a file that failed processing this
# many times ends failed with a negative acknowledgement; messages persisted per transaction.
HUB_INGEST_LEASE_SECONDS = env.float("HUB_INGEST_LEASE_SECONDS", default=120.0)
HUB_INGEST_MAX_ATTEMPTS = env.int("HUB_INGEST_MAX_ATTEMPTS", default=3)
HUB_INGEST_BATCH_MESSAGES = env.int("HUB_INGEST_BATCH_MESSAGES", default=500)
# A plant that failed this many times in a row is left alone for HUB_CIRCUIT_OPEN_SECONDS:
# its deliveries wait without holding a worker, and the other plants' go on.
HUB_CIRCUIT_FAILURES = env.int("HUB_CIRCUIT_FAILURES", default=5)
HUB_CIRCUIT_OPEN_SECONDS = env.float("HUB_CIRCUIT_OPEN_SECONDS", default=30.0)
HUB_FILEDROP_ROOT = Path(env.str("HUB_FILEDROP_ROOT", default=str(VAR_DIR / "drop")))

# The live overview and alerts (hub/overview.py, hub/alerts/): an ASN covers a firm quantity
# when it arrives on its date or up to HUB_ASN_MATCH_DAYS before; it is missing when the
# firm date is at most HUB_ASN_LEAD_DAYS ahead, late when the date passed (looked back
# HUB_ASN_LATE_LOOKBACK_DAYS); a call-off is overdue unacknowledged after HUB_CALL_OFF_ACK_HOURS.
HUB_ASN_MATCH_DAYS = env.int("HUB_ASN_MATCH_DAYS", default=3)
HUB_ASN_LEAD_DAYS = env.int("HUB_ASN_LEAD_DAYS", default=1)
HUB_ASN_LATE_LOOKBACK_DAYS = env.int("HUB_ASN_LATE_LOOKBACK_DAYS", default=7)
HUB_CALL_OFF_ACK_HOURS = env.int("HUB_CALL_OFF_ACK_HOURS", default=24)
HUB_OVERVIEW_REFRESH_SECONDS = env.int("HUB_OVERVIEW_REFRESH_SECONDS", default=30)
# The overview's figures and charts are cached per scope this long (hub/overview.py); 0: off.
HUB_OVERVIEW_CACHE_SECONDS = env.int("HUB_OVERVIEW_CACHE_SECONDS", default=10)
# Alerts are grouped per kind over this interval (one e-mail per recipient, kind and interval);
# a supplier "keeps failing" with this many failed files in one interval; the optional webhook
# gets every grouped alert as JSON.
HUB_ALERT_INTERVAL_SECONDS = env.int("HUB_ALERT_INTERVAL_SECONDS", default=900)
HUB_ALERT_FAILURE_THRESHOLD = env.int("HUB_ALERT_FAILURE_THRESHOLD", default=3)
HUB_ALERT_WEBHOOK_URL = env.str("HUB_ALERT_WEBHOOK_URL", default="")

# Onboarding
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="supplier-hub@localhost")
HUB_PUBLIC_URL = env.str("HUB_PUBLIC_URL", default="http://127.0.0.1:8000")  # where invitation links point
# Channels (docs/channels.md): the hub's AS2 name and Message-ID domain; where SFTP homes live.
HUB_AS2_ID = env.str("HUB_AS2_ID", default="SUPPLIERHUB")
HUB_AS2_DOMAIN = env.str("HUB_AS2_DOMAIN", default="supplierhub.local")
HUB_SFTP_ROOT = Path(env.str("HUB_SFTP_ROOT", default=str(VAR_DIR / "sftp")))
# What the portal tells suppliers to connect to (the server itself listens where sftp_server --host/--port say).
HUB_SFTP_PUBLIC_HOST = env.str("HUB_SFTP_PUBLIC_HOST", default="127.0.0.1")
HUB_SFTP_PUBLIC_PORT = env.int("HUB_SFTP_PUBLIC_PORT", default=8022)
HUB_SFTP_HOST_KEY = Path(env.str("HUB_SFTP_HOST_KEY", default=str(VAR_DIR / "sftp_host_key")))
HUB_INVITATION_DAYS = env.int("HUB_INVITATION_DAYS", default=14)
HUB_ONBOARDING_CLEAN_FILES = env.int("HUB_ONBOARDING_CLEAN_FILES", default=3)  # clean test files per message type before go-live
# Trust on the way in (hub/ingest/authority.py): the envelope sender ids the group's plant
# systems send with. Plant-side accounts (buyers, admins, plant systems) must put one of
# these in UNB 0004 / ISA06 / the VDA customer number; no supplier may claim them.
HUB_PLANT_SENDER_IDS = env.list("HUB_PLANT_SENDER_IDS", default=["OEMPLANTS"])
SIMPLE_HISTORY_REVERT_DISABLED = True  # history is a record, not an undo button
HUB_CORPUS_DIR = env.str("HUB_CORPUS_DIR", default=str(BASE_DIR.parent / "shared" / "corpus"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
