"""Registry of candidates for Party membership among students and workers."""

from __future__ import annotations

from flask import Flask

from config import INSTANCE_DIR, Config, config_from_env


def create_app(config: type[Config] | dict | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, CLI, error pages."""
    from registry.transaction import Registry

    app = Registry(__name__, instance_path=str(INSTANCE_DIR))
    settings = config or config_from_env()
    if isinstance(settings, dict):
        app.config.from_object(config_from_env())
        app.config.update(settings)
    else:
        if hasattr(settings, "check"):
            settings.check()
        app.config.from_object(settings)

    if app.config.get("PROXY_COUNT"):
        # Behind nginx: take the client address and scheme from its X-Forwarded headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask documents this wrapping
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )

    from registry import web
    from registry.scoping import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    web.configure_logging(app)
    web.register_extensions(app)
    web.register_blueprints(app)
    web.register_error_handlers(app)
    web.register_request_hooks(app)
    web.register_template_helpers(app)

    from registry.cli import register_cli

    register_cli(app)
    return app
