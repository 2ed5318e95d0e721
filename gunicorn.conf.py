"""gunicorn settings for one province on one small server (see README, Deployment)."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = 120  # a province-wide report or a large import may take a while
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "wsgi:app"


def on_starting(server):
    """Apply pending migrations once, before the workers start."""
    if os.environ.get("MIGRATE_ON_START", "1") != "1":
        return
    from flask_migrate import upgrade

    from registry import create_app

    with create_app().app_context():
        upgrade()
