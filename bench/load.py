"""gunicorn on loopback under 20 concurrent connections, from a second process.

gunicorn starts with the repository's gunicorn.conf.py and the production settings
(REGISTRY_ENV=production, DATABASE_URL), signs in through the real login form, then a
bounded load runs against it: `wrk` when it is installed (Debian package `wrk`; the bench
installs nothing), else the small generator below (threads with keep-alive http.client
connections, bounded in requests and in time, 127.0.0.1 only). The URLs are those of
the test-client scenarios: list pages, filters, searches, candidate pages.

The load generator shares the machine's cores with gunicorn and the database, so the
CPU time it used during the measured load is reported beside the figures
(`generator_cpu_s`, and its share of the cores), as is the CPU time of gunicorn and its
workers over the whole run (`gunicorn_cpu_s`, warm-up included). With
BENCH_LOAD_PROFILE=1 each worker runs under cProfile and `profile` lists where their
time went (the functions of the product and the libraries by own time, and the
product's by cumulative time); the profiler slows the workers, so that run's latencies
are not the figures to compare.
"""

from __future__ import annotations

import http.client
import json
import os
import pstats
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from itertools import cycle
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlencode

from bench.common import ROOT, SECRET, percentiles

HOST = "127.0.0.1"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Who is signed in at once, in proportion: a few province-wide officers, mostly commune
# officers, some cell secretaries, each asking within their own scope (bench_list.user_urls).
ROLE_MIX = {"tinh": 2, "xa": 5, "chibo": 3}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


_PROFILED_CONF = """
exec(compile(open({conf!r}).read(), "gunicorn.conf.py", "exec"))
import cProfile as _cprofile

_post_fork_before = globals().get("post_fork")
_worker_exit_before = globals().get("worker_exit")


def post_fork(server, worker):
    if _post_fork_before:
        _post_fork_before(server, worker)
    worker.bench_profile = _cprofile.Profile()
    worker.bench_profile.enable()


def worker_exit(server, worker):
    worker.bench_profile.disable()
    worker.bench_profile.dump_stats({out!r} + f"/worker-{{worker.pid}}.prof")
    if _worker_exit_before:
        _worker_exit_before(server, worker)
"""


def _config(profile_dir: Path | None) -> str:
    """gunicorn.conf.py, or a config running it and then profiling each worker."""
    conf = str(ROOT / "gunicorn.conf.py")
    if profile_dir is None:
        return conf
    path = profile_dir / "gunicorn-profiled.conf.py"
    path.write_text(_PROFILED_CONF.format(conf=conf, out=str(profile_dir)))
    return str(path)


def profile_summary(profile_dir: Path, top: int = 15) -> dict[str, Any]:
    """The workers' profiles merged: the heaviest functions by own and cumulative time."""
    files = sorted(profile_dir.glob("worker-*.prof"))
    if not files:
        return {"error": "no worker wrote a profile"}
    stats = pstats.Stats(*map(str, files))
    table = stats.stats  # type: ignore[attr-defined]  # pstats keeps its table there

    def name(key) -> str:
        filename, line, func = key
        short = filename.split("site-packages/")[-1].removeprefix(str(ROOT) + "/")
        return f"{short}:{line}({func})"

    def heaviest(index: int, keep=lambda key: True) -> list[dict[str, Any]]:
        rows = sorted((k for k in table if keep(k)), key=lambda k: -table[k][index])[:top]
        return [
            {"function": name(k), "calls": table[k][1], "own_s": round(table[k][2], 3),
             "cumulative_s": round(table[k][3], 3)}
            for k in rows
        ]  # fmt: skip

    ours = str(ROOT / "registry")
    total = sum(v[2] for v in table.values())
    return {
        "workers": len(files),
        "profiled_s": round(total, 1),
        "by_own_time": heaviest(2),
        "product_by_cumulative_time": heaviest(3, lambda k: k[0].startswith(ours)),
    }


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def start_gunicorn(
    url: str, port: int, log: Path, profile_dir: Path | None = None
) -> subprocess.Popen:
    """gunicorn with gunicorn.conf.py and production settings; waits for /health."""
    env = {
        **os.environ,
        "REGISTRY_ENV": "production",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": url,
        "BIND": f"{HOST}:{port}",
        "LOG_LEVEL": "WARNING",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    with log.open("w") as out:
        proc = subprocess.Popen(
            [gunicorn, "-c", _config(profile_dir), "--access-logfile", "-"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=out,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            status, _body, _headers = _get(port, "/health", None)
            if status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    stop(proc)
    raise RuntimeError("gunicorn did not answer /health within 60 s")


def stop(proc: subprocess.Popen) -> None:
    """Stop the gunicorn we started (its own process group: the arbiter and its workers)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _get(port: int, path: str, cookie: str | None):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = {"Connection": "close", **({"Cookie": cookie} if cookie else {})}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read(), response.getheaders()
    finally:
        conn.close()


def _cookies(headers) -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return {k: m.value for k, m in jar.items()}


def sign_in(port: int, username: str, password: str) -> str:
    """The session cookie after the real login form (CSRF token and all)."""
    _status, body, headers = _get(port, "/login", None)
    token = _CSRF.search(body.decode())
    jar = _cookies(headers)
    form = {"username": username, "password": password}
    if token:
        form["csrf_token"] = token.group(1)
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        conn.request(
            "POST",
            "/login",
            body=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
        response = conn.getresponse()
        response.read()
        jar |= _cookies(response.getheaders())
    finally:
        conn.close()
    if response.status != 302 or "session" not in jar:
        raise RuntimeError(f"sign-in as {username} failed (HTTP {response.status})")
    return f"session={jar['session']}"


def python_load(
    port: int, items: list[tuple[str, str]], connections: int, requests: int, seconds: float
) -> dict[str, Any]:
    """`connections` threads sending the (cookie, path) items in turn until `requests` are
    done or `seconds` have passed, one connection per request as nginx does by default
    (gunicorn sits behind nginx, which speaks HTTP/1.0 without keep-alive upstream)."""
    samples: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    feed = iter(cycle(items))
    deadline = time.monotonic() + seconds
    remaining = [requests]

    def take() -> tuple[str, str] | None:
        with lock:
            if remaining[0] <= 0 or time.monotonic() > deadline:
                return None
            remaining[0] -= 1
            return next(feed)

    def client() -> None:
        while (item := take()) is not None:
            start = time.perf_counter()
            try:
                status, _body, _headers = _get(port, item[1], item[0])
                problem = None if status == 200 else f"HTTP {status}"
            except (OSError, http.client.HTTPException) as error:
                problem = type(error).__name__
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                samples.append(elapsed)
                if problem:
                    errors[problem] = errors.get(problem, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "generator": "python threads + http.client",
        **percentiles(samples),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "rps": round(len(samples) / wall, 1) if wall else None,
        "seconds": round(wall, 1),
    }


_WRK_SCRIPT = """
local paths, cookies, i = {%s}, {%s}, 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Cookie"] = cookies[i], ["Connection"] = "close"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"n": %%d, "p50_ms": %%.1f, "p95_ms": %%.1f, "p99_ms": %%.1f, "max_ms": %%.1f,'
    .. ' "errors": %%d, "non_200": %%d, "seconds": %%.1f}\\n',
    summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout + e.status, e.status, summary.duration / 1e6))
end
"""


def wrk_load(port: int, items: list[tuple[str, str]], connections: int, seconds: float):
    """The same load with wrk (2 threads, `connections` connections, `seconds` long)."""
    paths = ", ".join(json.dumps(path) for _cookie, path in items[:3000])
    cookies = ", ".join(json.dumps(cookie) for cookie, _path in items[:3000])
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT % (paths, cookies))
    try:
        done = subprocess.run(
            [shutil.which("wrk") or "wrk", "-t2", f"-c{connections}", f"-d{max(1, int(seconds))}s",
             "--timeout", "10s", "-s", script.name, f"http://{HOST}:{port}/"],
            capture_output=True, text=True, timeout=seconds + 60, check=False,
        )  # fmt: skip
    finally:
        os.unlink(script.name)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        return {"error": "wrk failed", "stderr": done.stderr[-500:]}
    result = json.loads(line.removeprefix("WRKJSON "))
    result["rps"] = round(result["n"] / result["seconds"], 1) if result["seconds"] else None
    return {"generator": "wrk", **result}


def mixed_items(cookies: dict[str, str], urls: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(cookie, path) pairs interleaving the users in the ROLE_MIX proportions."""
    out: list[tuple[str, str]] = []
    for i in range(max(len(v) for v in urls.values())):
        for name, weight in ROLE_MIX.items():
            pool = urls[name]
            out += [(cookies[name], pool[(i * weight + k) % len(pool)]) for k in range(weight)]
    return out


def gunicorn_settings(url: str) -> dict[str, Any]:
    """workers, threads and timeout as gunicorn.conf.py computes them here for `url`."""
    namespace: dict[str, Any] = {}
    with mock.patch.dict(os.environ, {"DATABASE_URL": url}):
        code = compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec")
        exec(code, namespace)
    return {k: namespace.get(k) for k in ("workers", "threads", "timeout", "worker_class")}


def run(
    url: str, connections: int, requests: int, seconds: float, log_dir: Path, sample: int = 200
) -> dict[str, Any]:
    """Start gunicorn on `url`, sign in, warm it up, load it, stop it; the figures."""
    urls = _user_urls(url, sample)
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"gunicorn-{os.getpid()}.log"  # kept only when something failed
    profiling = os.environ.get("BENCH_LOAD_PROFILE") == "1"
    profile_dir = Path(tempfile.mkdtemp(prefix="profile-", dir=log_dir)) if profiling else None
    children_before = _cpu(resource.RUSAGE_CHILDREN)
    proc = start_gunicorn(url, port, log, profile_dir)
    try:
        result, wrk_cpu = _signed_in_load(port, urls, connections, requests, seconds)
    finally:
        stop(proc)
    # gunicorn and its workers, once stopped and reaped (the load's child wrk excluded).
    server = _cpu(resource.RUSAGE_CHILDREN) - children_before - wrk_cpu
    result["gunicorn_cpu_s"] = round(server, 1)
    if profile_dir is not None:
        result["profile"] = profile_summary(profile_dir)
        shutil.rmtree(profile_dir, ignore_errors=True)
    if not result.get("errors"):
        log.unlink(missing_ok=True)
    return {
        "connections": connections,
        "users": {name: f"{weight}/{sum(ROLE_MIX.values())} of the requests"
                  for name, weight in ROLE_MIX.items()},
        **gunicorn_settings(url),
        **result,
    }  # fmt: skip


def _user_urls(url: str, sample: int) -> dict[str, list[str]]:
    """The paths each user of ROLE_MIX will ask for, read before gunicorn starts (this
    process's connections closed after)."""
    from bench import bench_list
    from bench.common import bench_app
    from registry.extensions import db
    from registry.models import User

    app = bench_app(url)
    with app.app_context():
        users = {u.username: u for u in db.session.query(User)}
        urls = {
            name: bench_list.user_urls(db.session, users[name], max(1, sample // 7), seed=11)
            for name in ROLE_MIX
        }
        db.session.remove()
        db.engine.dispose()
    return urls


def _signed_in_load(
    port: int, urls: dict[str, list[str]], connections: int, requests: int, seconds: float
) -> tuple[dict[str, Any], float]:
    """Sign the users in, warm the workers up, then the measured load: its figures, with
    the generator's CPU time and /health after it, and the CPU time of wrk (a child of
    this process, not to be counted as gunicorn's)."""
    from bench import world

    cookies = {name: sign_in(port, name, world.PASSWORD) for name in ROLE_MIX}
    items = mixed_items(cookies, urls)
    # Every worker imports, connects and compiles its templates on its first requests.
    python_load(port, items, connections, connections * 5, min(10.0, seconds))
    own, children = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    if shutil.which("wrk"):
        result = wrk_load(port, items, connections, seconds)
    else:
        result = python_load(port, items, connections, requests, seconds)
    # wrk is a child that has ended; the Python generator is this process.
    wrk_cpu = _cpu(resource.RUSAGE_CHILDREN) - children
    used = _cpu(resource.RUSAGE_SELF) - own + wrk_cpu
    result["generator_cpu_s"] = round(used, 1)
    if result.get("seconds"):
        cores = os.cpu_count() or 1
        result["generator_cpu_share"] = round(used / (result["seconds"] * cores), 2)
    status, body, _headers = _get(port, "/health", None)
    result["health"] = {"status": status, "body": json.loads(body or b"{}")}
    return result, wrk_cpu
