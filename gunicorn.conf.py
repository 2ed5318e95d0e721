"""gunicorn settings for one province on one small server (see README, Deployment).

Sync workers, one request at a time each: the work is Python (templates, workbooks) held
by the GIL, so processes give the parallelism, and an idle worker takes the next
connection from the shared queue. Threaded workers (GUNICORN_THREADS > 1) accept
connections while their threads are busy and queue them inside one process, which left
a long tail under load (bench: p95 1.4 s against 0.9 s at 20 connections). nginx in front
buffers slow clients, so no worker waits on the network. Every setting can be
overridden from the environment.
"""

import multiprocessing
import os
from urllib.parse import urlsplit

bind = os.environ.get("BIND", "127.0.0.1:8000")


def default_workers(database_url: str, cores: int) -> int:
    """One worker a core when the database runs on this host, else 2 × cores + 1 (at most 9).

    A worker waiting on a distant database leaves its core to another, hence gunicorn's
    2 × cores + 1. A local PostgreSQL needs the same cores for every request: at 1,000,000
    candidates on 2 cores, 20 connections got 85–89 requests/s with 2 workers against
    69–72 with 5 and 76–78 with 3, and a lower p95 (docs/DECISIONS.md "gunicorn: one worker
    a core beside a local database"). SQLite is always local."""
    parts = urlsplit(database_url)
    local = parts.scheme.startswith("sqlite") or (parts.hostname or "localhost") in {
        "localhost",
        "127.0.0.1",
        "::1",
    }
    return cores if local else min(2 * cores + 1, 9)


workers = int(
    os.environ.get(
        "WEB_CONCURRENCY",
        default_workers(os.environ.get("DATABASE_URL", ""), multiprocessing.cpu_count()),
    )
)
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))  # a province-wide report or import
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory: a worker is never killed because a disk was slow to write.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
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
    from registry.extensions import db

    with create_app().app_context():
        upgrade()
        # The arbiter serves no requests: close its connections before the workers fork.
        db.engine.dispose()
