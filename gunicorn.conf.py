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

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
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
