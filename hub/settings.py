"""Settings, all from the environment (CONTRACT section 10, docs/operations.md).

Embedded default: SQLite (WAL) under var/ and the in-memory channel layer.
Production: DATABASE_URL=postgres://... and REDIS_URL=redis://...
"""

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HUB_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """HUB_SECRET_KEY, or a random key generated once into var/ (never committed)."""
    if key := os.environ.get("HUB_SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_flag("HUB_DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("HUB_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "daphne",
    "hub.apps.HubAdminConfig",  # django.contrib.admin with the hub's site (docs/admin.md)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served by the hub itself: works on an offline LAN
    "channels",
    "hub",
    "pos_api",
    "realtime",
    "displays",
    "printers",
]

MIDDLEWARE = [
    # First: the request id of every log line, the access line, HTTP metrics.
    "hub.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (admin, screens) served by the hub itself, no separate web server needed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pos_api.middleware.ApiEnvelopeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hub.urls"
ASGI_APPLICATION = "hub.asgi.application"
WSGI_APPLICATION = None
APPEND_SLASH = False

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
]

# --- database -------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "hub.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("HUB_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets screens read while a cashier writes; IMMEDIATE takes the write
        # lock at BEGIN, which is SQLite's stand-in for SELECT ... FOR UPDATE.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-hub.sqlite3")}
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if IS_POSTGRES:
    # Why a pool and prepared statements (docs/performance.md, "What profiling showed"):
    # under ASGI every request runs in a thread of its own, and Django's connections are
    # per thread, so CONN_MAX_AGE kept nothing: each request opened a new PostgreSQL
    # session (measured: 300 requests, 300 sessions). psycopg's pool hands a thread an
    # open connection and takes it back when Django closes it at the end of the
    # request; it checks a connection before lending it (conn_health_checks), so a
    # restarted PostgreSQL is survived without restarting the hub.
    # Server-side parameters let psycopg prepare a statement once it has run a few
    # times on a (now long-lived) connection, so PostgreSQL stops re-planning the order
    # representation's 8-table join on every request. Django turns preparing off by
    # default for transaction-pooling proxies (PgBouncer); the hub talks to PostgreSQL
    # directly. HUB_DB_POOL=0 goes back to a connection per request.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if _env_flag("HUB_DB_POOL", True):
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # required with a pool: the pool keeps them
        _options["pool"] = {
            "min_size": int(os.environ.get("HUB_DB_POOL_MIN_SIZE", "2")),
            "max_size": int(os.environ.get("HUB_DB_POOL_MAX_SIZE", "10")),
            # A request waits at most this long for a connection, then answers 503
            # service_unavailable (pos_api/envelope.py): also what a client sees while
            # PostgreSQL is unreachable.
            "timeout": float(os.environ.get("HUB_DB_POOL_TIMEOUT", "10")),
        }
    if _env_flag("HUB_DB_SERVER_SIDE_BINDING", True):
        _options["server_side_binding"] = True
        _options["prepare_threshold"] = int(os.environ.get("HUB_DB_PREPARE_THRESHOLD", "2"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "hub.Staff"

# --- channel layer --------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    from redis.asyncio.retry import Retry as _RedisRetry
    from redis.backoff import NoBackoff as _NoBackoff
    from redis.exceptions import ConnectionError as _RedisConnectionError

    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s socket timeout by default, exactly the
                # blocking time of channels-redis's BZPOPMIN: every idle receive would
                # time out and close the socket (redis/redis-py#4091). 30 s keeps a
                # dead Redis detectable without tripping on idle screens.
                # retry: a pooled connection that Redis closed (a restart) fails its next
                # command; one immediate retry on a fresh connection makes the first
                # WebSocket after Redis returns join its group (docs/realtime.md).
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 30,
                        "socket_connect_timeout": 5,
                        "retry": _RedisRetry(_NoBackoff(), 1, (_RedisConnectionError,)),
                    }
                ],
                # Why these numbers: docs/realtime.md ("Channel layer settings"). In
                # short: a screen's queue holds 1000 events (minutes of a rush); an
                # event nobody read in 30 s is better replayed from the outbox; group
                # membership lasts a day and consumers refresh it (a screen stays
                # connected for days), so only crashed workers' channels expire.
                "capacity": int(os.environ.get("HUB_CHANNEL_CAPACITY", "1000")),
                "expiry": int(os.environ.get("HUB_CHANNEL_EXPIRY", "30")),
                "group_expiry": 86400,
                "prefix": os.environ.get("HUB_CHANNEL_PREFIX", "hub"),
            },
        }
    }
    if os.environ.get("HUB_CHANNEL_LAYER", "core") == "pubsub":
        # channels-redis's Pub/Sub layer, for comparison (docs/performance.md, "Channel
        # layer: core or pub/sub"): one PUBLISH per group_send, fanned out in each
        # worker's memory; no capacity or expiry (they are the core layer's).
        CHANNEL_LAYERS["default"] = {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": CHANNEL_LAYERS["default"]["CONFIG"]["hosts"],
                "prefix": CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
            },
        }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- i18n / time ----------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploads (the outlet's logo, docs/printing.md "Logo"): under var/ like the hub's other files.
MEDIA_ROOT = Path(os.environ.get("HUB_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
STATIC_ROOT.mkdir(exist_ok=True)
# Serve straight from the apps' static/ folders: no collectstatic step for the demo.
WHITENOISE_USE_FINDERS = True
if _env_flag("HUB_STATIC_MANIFEST"):
    # The deploy kit (docs/operations.md "Deploy kit"): collectstatic at build into
    # STATIC_ROOT with hashed names, served from there with far-future caching.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    STATIC_ROOT = Path(os.environ.get("HUB_STATIC_ROOT", BASE_DIR / "var" / "static"))
    WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # CONTRACT 1: 413 over 1 MB
API_MAX_BODY_BYTES = 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["pos_api.auth.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["pos_api.permissions.HubPermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSONParser that also refuses NUL, lone surrogates and deep nesting: pos_api/parsers.py
    "DEFAULT_PARSER_CLASSES": ["pos_api.parsers.HubJSONParser"],
    "EXCEPTION_HANDLER": "pos_api.envelope.exception_handler",
    # Envelope, errors, Bearer auth added to every operation: pos_api/schema.py
    "DEFAULT_SCHEMA_CLASS": "pos_api.schema.HubAutoSchema",
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "POS hub API",
    "DESCRIPTION": "REST API of the restaurant POS hub. Envelope, errors and rules: docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayOperationId": False},
    # One stable enum name per domain status, whichever serializer uses it.
    "ENUM_NAME_OVERRIDES": {
        "TableStatusEnum": "pos_api.schema.table_statuses",
        "OrderStatusEnum": "pos_api.schema.order_statuses",
        "PaymentStatusEnum": "pos_api.schema.payment_statuses",
        "DeliveryStatusEnum": "pos_api.schema.delivery_statuses",
        "KotStatusEnum": "pos_api.schema.kot_statuses",
        # two fields named `kind`: each its own name
        "KotKindEnum": "pos_api.schema.kot_kinds",
        "CashMovementKindEnum": "pos_api.schema.cash_movement_kinds",
        "ItemStatusEnum": "pos_api.schema.item_statuses",
        "ItemBumpStatusEnum": "pos_api.schema.item_bump_statuses",
        "OrderActionEnum": "pos_api.schema.order_actions",
    },
}

# Hub specifics
HUB_BENCH_FLOOR = _env_flag("HUB_BENCH_FLOOR")  # exposes /bench/floor for bench/ only
HUB_EVENT_RETENTION_HOURS = int(os.environ.get("HUB_EVENT_RETENTION_HOURS", "48"))
# Live streams (docs/realtime.md): how often a connection compares its last sent seq
# with the stream (recovers a dropped LAST event), and re-joins its group.
HUB_STREAM_TAIL_CHECK_SECONDS = float(os.environ.get("HUB_STREAM_TAIL_CHECK_SECONDS", "15"))
HUB_STREAM_GROUP_REFRESH_SECONDS = 3600
# How often each worker checks its open sockets' tokens (revoked ones close with 4401),
# and how often sockets whose channel layer fails (Redis down) get events from the outbox.
HUB_STREAM_TOKEN_CHECK_SECONDS = float(os.environ.get("HUB_STREAM_TOKEN_CHECK_SECONDS", "1"))
HUB_STREAM_FALLBACK_SECONDS = float(os.environ.get("HUB_STREAM_FALLBACK_SECONDS", "1"))
# How often each worker refreshes the kitchen screens it holds (GET /kitchens
# screens_connected; a screen whose worker missed three beats no longer counts).
HUB_KITCHEN_SCREEN_BEAT_SECONDS = float(os.environ.get("HUB_KITCHEN_SCREEN_BEAT_SECONDS", "5"))
HUB_IDEMPOTENCY_RETENTION_HOURS = 24
HUB_LOGIN_MAX_FAILURES = 10
HUB_LOGIN_WINDOW_SECONDS = 300
# Load balancers whose X-Forwarded-For is believed (hub/client_address.py): addresses or
# CIDR networks, comma-separated. Unset: the socket's peer is the client.
HUB_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("HUB_TRUSTED_PROXIES", "").split(",") if p.strip()
]
for _proxy in HUB_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:  # a typo must stop the start, not silently trust nobody
        raise ImproperlyConfigured(f"HUB_TRUSTED_PROXIES: {_exc}") from _exc
# A token unused for this many days answers 401 (REST) / 4401 (WebSocket); 0: never.
HUB_TOKEN_IDLE_DAYS = int(os.environ.get("HUB_TOKEN_IDLE_DAYS", "0") or 0)
# The admin's sign-in shares the API login's throttle (hub/auth_backends.py).
AUTHENTICATION_BACKENDS = ["hub.auth_backends.ThrottledModelBackend"]
HUB_PRINT_SPOOL_DIR = VAR_DIR / "print-spool"
# Webhooks (docs/integrations.md): refuse receivers on private/loopback addresses
HUB_WEBHOOK_DENY_PRIVATE = _env_flag("HUB_WEBHOOK_DENY_PRIVATE")

# Configures LOGGING, then redacts token= values from every log record and from
# daphne's access log (hub/log_redaction.py). Every line: time, level, logger, request
# id (hub/request_id.py); HUB_LOG_FORMAT=json writes one JSON object per line
# (python-json-logger), for a log shipper (docs/operations.md "Logs").
HUB_LOG_FORMAT = os.environ.get("HUB_LOG_FORMAT", "text").strip().lower()
if HUB_LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("HUB_LOG_FORMAT: text or json")
LOGGING_CONFIG = "hub.log_redaction.configure_logging"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "hub.request_id.RequestIdFilter"}},
    "formatters": {
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": HUB_LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("HUB_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# /metrics (docs/operations.md "Metrics"): off unless a scrape token is set.
HUB_METRICS_TOKEN = os.environ.get("HUB_METRICS_TOKEN", "")

# Error tracking, optional (`pip install -e '.[sentry]'`): only when SENTRY_DSN is set.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    try:
        import sentry_sdk
    except ImportError as _exc:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: pip install -e '.[sentry]'"
        ) from _exc
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,  # no staff names, tokens or addresses leave the hub
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
    )

SPECTACULAR_SETTINGS["PREPROCESSING_HOOKS"] = ["pos_api.routes.exclude_trailing_slash_duplicates"]
