"""Sign-in attempts are counted where every worker sees them: two application processes
on one database (as two gunicorn workers without Redis) share one limit."""

from __future__ import annotations

import subprocess
import sys

import pytest
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from tests.security.child import ROOT, child_env
from tests.security.routes import count

# One worker: a fresh application (the production factory, no test settings) posting
# wrong passwords for one name from one address; prints the status codes.
_WORKER = """
import sys
from registry import create_app
app = create_app()
app.config["WTF_CSRF_ENABLED"] = False
client = app.test_client()
codes = []
for attempt in range(int(sys.argv[1])):
    form = {"username": "ai-do", "password": f"sai-{attempt}"}
    codes.append(client.post("/login", data=form).status_code)
print(" ".join(str(code) for code in codes))
"""


def _worker(database_url: str, attempts: int) -> list[int]:
    env = child_env(database_url, LOGIN_RATE_LIMIT="5 per minute")
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", _WORKER, str(attempts)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [int(code) for code in done.stdout.split()]


def test_two_workers_without_redis_share_the_sign_in_limit(ctx, database_url):
    first = _worker(database_url, 3)
    second = _worker(database_url, 4)
    assert first == [200, 200, 200]
    # 5 attempts a minute in all: the second worker's third attempt is the sixth.
    assert second == [200, 200, 429, 429]
    count("rate_limit_shared", 7)


@pytest.fixture
def storage(ctx):
    return storage_from_string("database://")


def test_database_counters_keep_fixed_windows(storage, monkeypatch):
    import time

    now = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    limiter = FixedWindowRateLimiter(storage)
    limit = RateLimitItemPerMinute(2)
    assert [limiter.hit(limit, "10.0.0.1|an") for _ in range(3)] == [True, True, False]
    assert limiter.hit(limit, "10.0.0.2|an")  # another key has its own window
    assert storage.get_expiry(limit.key_for("10.0.0.1|an")) == pytest.approx(now[0] + 60)
    now[0] += 61
    assert limiter.hit(limit, "10.0.0.1|an")  # a new window
    assert storage.get(limit.key_for("10.0.0.1|an")) == 1
    storage.clear(limit.key_for("10.0.0.1|an"))
    assert storage.get(limit.key_for("10.0.0.1|an")) == 0
    assert limiter.hit(limit, "10.0.0.2|an")
    assert storage.check() and storage.reset() == 1
    assert storage.get(limit.key_for("10.0.0.2|an")) == 0


def test_a_very_long_user_name_still_counts(storage):
    limiter = FixedWindowRateLimiter(storage)
    limit = RateLimitItemPerMinute(1)
    key = "10.0.0.1|" + "x" * 10_000
    assert limiter.hit(limit, key) and not limiter.hit(limit, key)
