import pytest

from config import Config, ConfigError, ProductionConfig, config_from_env
from registry import create_app


def test_production_refuses_to_start_without_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY, DATABASE_URL"):
        create_app(ProductionConfig)


def test_production_refuses_without_database_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        create_app(ProductionConfig)


def test_production_with_secrets_uses_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1/db")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("REGISTRY_ENV", "staging")
    with pytest.raises(ConfigError):
        config_from_env()


def test_default_database_is_sqlite_in_instance():
    assert Config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert Config.SQLALCHEMY_DATABASE_URI.endswith("instance/registry.db")
