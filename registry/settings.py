"""The rule values in force, read from the application's config (config.py, RULE_*)."""

from __future__ import annotations

from flask import current_app, has_app_context

from config import ConfigError
from registry.domain.rules.settings import DEFAULT_SETTINGS, RuleSettings


def rule_settings() -> RuleSettings:
    """The rule values in force: app.config["RULES"] (a RuleSettings or a dict of
    overrides, see config.py), else the defaults."""
    if not has_app_context():
        return DEFAULT_SETTINGS
    value = current_app.config.get("RULES")
    if isinstance(value, RuleSettings):
        return value
    if not value:
        return DEFAULT_SETTINGS
    built = current_app.extensions.get("rule_settings")
    if built is None or built[0] != value:
        try:
            built = (dict(value), RuleSettings(**value))
        except TypeError as error:
            raise ConfigError(f"RULE_* settings: {error}") from None
        current_app.extensions["rule_settings"] = built
    return built[1]
