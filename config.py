"""Application settings, read from the environment.

`Config` serves development (`make run`), `TestConfig` the test suite and
`ProductionConfig` gunicorn; `config_from_env()` picks one from REGISTRY_ENV.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


class ConfigError(RuntimeError):
    """Raised when the settings cannot run the application safely."""


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _rule_overrides() -> dict[str, int]:
    """Admission-rule values that the sources leave unconfirmed, from RULE_<FIELD> variables
    (e.g. RULE_CERTIFICATE_VALID_MONTHS=60); the fields are those of rules.RuleSettings."""
    prefix = "RULE_"
    return {
        name[len(prefix) :].lower(): int(value)
        for name, value in os.environ.items()
        if name.startswith(prefix) and value.strip()
    }


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    # Hosting panels hand out postgres:// URLs; SQLAlchemy wants the driver named.
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url or f"sqlite:///{INSTANCE_DIR / 'registry.db'}"


def engine_options(url: str) -> dict:
    """Pool settings. PostgreSQL: a bounded pool per gunicorn worker (at most DB_POOL_SIZE
    + DB_MAX_OVERFLOW connections; keep workers × that under max_connections or the
    pgbouncer pool) and a connect timeout, so a database that is down answers 503 at once."""
    options: dict = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        options |= {
            "pool_size": _int("DB_POOL_SIZE", 5),
            "max_overflow": _int("DB_MAX_OVERFLOW", 5),
            "pool_timeout": _int("DB_POOL_TIMEOUT", 10),
            "pool_recycle": _int("DB_POOL_RECYCLE", 1800),
            "connect_args": {"connect_timeout": _int("DB_CONNECT_TIMEOUT", 5)},
        }
    return options


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = engine_options(SQLALCHEMY_DATABASE_URI)
    # Demo mode allows the printed demo passwords; elsewhere they must be changed.
    DEMO_MODE = os.environ.get("DEMO_MODE", "1") == "1"

    # Sessions end after this much inactivity (the cookie is refreshed on each request).
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=_int("SESSION_MINUTES", 60))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Uploads: the whole request body is capped; spreadsheets are checked again by shape.
    MAX_CONTENT_LENGTH = _int("MAX_UPLOAD_MB", 20) * 1024 * 1024
    IMPORT_MAX_ROWS = _int("IMPORT_MAX_ROWS", 200_000)
    IMPORT_MAX_COLS = _int("IMPORT_MAX_COLS", 200)
    # Reading an uploaded spreadsheet (registry.spreadsheet, Limits): cells holding a
    # value per sheet; the grid past which a sheet must be filled one cell in
    # IMPORT_SPARSE_RATIO; the child process's memory ceiling and time limit.
    IMPORT_MAX_CELLS = _int("IMPORT_MAX_CELLS", 8_000_000)
    IMPORT_GRID_CELLS = _int("IMPORT_GRID_CELLS", 2_000_000)
    IMPORT_SPARSE_RATIO = _int("IMPORT_SPARSE_RATIO", 8)
    IMPORT_READ_MEMORY_MB = _int("IMPORT_READ_MEMORY_MB", 1536)
    IMPORT_READ_SECONDS = _int("IMPORT_READ_SECONDS", 60)
    IMPORT_FILE_RETENTION_DAYS = _int("IMPORT_FILE_RETENTION_DAYS", 365)

    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None

    # Login attempts: per IP and user name, counted where every gunicorn worker sees them:
    # in Redis when REDIS_URL is set, else in the database (registry.rate_limits).
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "database://"
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute")
    LOCKOUT_THRESHOLD = _int("LOCKOUT_THRESHOLD", 10)
    LOCKOUT_MINUTES = _int("LOCKOUT_MINUTES", 15)
    # The JSON API (/api/v1): calls per token (or per address without one), and the
    # longest life a new token may be given.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")
    API_TOKEN_MAX_DAYS = _int("API_TOKEN_MAX_DAYS", 366)

    # Background jobs (registry.services.jobs): imports of files over BACKGROUND_IMPORT_KB,
    # rollbacks and detail lists of more than BACKGROUND_ROWS lines run off the request,
    # on huey: Redis when REDIS_URL is set, else the SQLite file JOBS_FILE. An exported
    # workbook is kept JOB_RESULT_DAYS for its download.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    JOBS_FILE = os.environ.get("JOBS_FILE", "")
    JOBS_IMMEDIATE = False
    BACKGROUND_IMPORT_KB = _int("BACKGROUND_IMPORT_KB", 1024)
    BACKGROUND_ROWS = _int("BACKGROUND_ROWS", 20_000)
    JOB_RESULT_DAYS = _int("JOB_RESULT_DAYS", 7)
    # Report queries and exports read here when set (a read replica, a read-only role).
    REPORTS_DATABASE_URL = os.environ.get("REPORTS_DATABASE_URL", "")

    # How many reverse proxies (nginx) stand in front of gunicorn; 0 when none.
    PROXY_COUNT = _int("PROXY_COUNT", 0)
    TIMEZONE = "Asia/Ho_Chi_Minh"
    PAGE_SIZE = 50
    # Overrides of registry.domain.rules.settings.RuleSettings (a RuleSettings instance is
    # accepted too).
    RULES: ClassVar[dict[str, int]] = _rule_overrides()
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Reminders of reporting rounds by e-mail: off unless a mail server is named.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_FROM = os.environ.get("MAIL_FROM", "bao-cao@localhost")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL_SQLITE", "sqlite://")
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    WTF_CSRF_ENABLED = False  # tests that check CSRF switch it on
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_RATE_LIMIT = "1000 per minute"  # the rate-limit test sets the real one
    API_RATE_LIMIT = "1000 per minute"
    DEMO_MODE = True
    LOG_LEVEL = "WARNING"
    MAIL_SERVER = None  # a test names its own local server
    JOBS_IMMEDIATE = True  # jobs run in the process, when their request commits
    REDIS_URL = ""
    REPORTS_DATABASE_URL = ""


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    DEMO_MODE = os.environ.get("DEMO_MODE", "0") == "1"

    @classmethod
    def check(cls) -> None:
        """Refuse to run without the secrets production needs."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise ConfigError(
                "ProductionConfig needs these environment variables: " + ", ".join(missing)
            )


CONFIGS = {"development": Config, "test": TestConfig, "production": ProductionConfig}


def config_from_env() -> type[Config]:
    """The settings class named by REGISTRY_ENV (default: development)."""
    name = os.environ.get("REGISTRY_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"REGISTRY_ENV must be one of {', '.join(CONFIGS)}") from None
