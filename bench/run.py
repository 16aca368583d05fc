"""The benchmark suite: `make bench` (or `.venv/bin/python bench/run.py`).

One run: create the PostgreSQL database if needed, migrate, `seed_demo --scale
20`, prepare bench data (bench/prepare.py), start gunicorn with production
settings (bench/settings.py: production minus the feed rate limits) on
127.0.0.1, measure every endpoint with wrk (bench/stats.lua gives
p95 and error counts), measure booking throughput with concurrent API
clients on different slots, and write bench/RESULTS.md.

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/weiai_bench;
the database is created when missing, never dropped), REDIS_URL (used when
it answers; default redis://127.0.0.1:6379/3 is tried), BENCH_PORT (8106),
BENCH_SECONDS per endpoint (8), BENCH_CONNECTIONS (16), BENCH_WORKERS
(gunicorn workers, default 2 x cores), BENCH_ONLY (while working on
some endpoints: measure /healthz and the endpoints whose name contains one of
these comma-separated texts, skip the booking run, and write
bench/out/RESULTS-partial.md instead).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
ONLY = os.environ.get("BENCH_ONLY", "")
PY = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8106"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WARMUP_SECONDS = int(os.environ.get("BENCH_WARMUP_SECONDS", "3"))
CORES = os.cpu_count() or 1
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * CORES)))
BASE = f"http://127.0.0.1:{PORT}"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/weiai_bench"

# Aims from the issue (11): ratio of /healthz throughput. Anonymous pages
# (text search included), calendar feeds, API slot searches; then pages for a
# signed-in family, and the counsellor's week and coordinator lists.
AIM_PAGE, AIM_FEED, AIM_SLOTS, AIM_POOLED = 0.6, 0.4, 0.4, 0.3
AIM_SIGNED_IN, AIM_STAFF = 0.1, 0.05


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


SETTLE_LOAD = 1.5
SETTLE_SECONDS = 60


def settle(url: str) -> None:
    """Let the seeding's after-work finish before measuring: PostgreSQL writes
    its dirty pages and updates statistics now (else a checkpoint or an
    autovacuum lands in the first rows measured), then wait until the 1-minute
    load falls under SETTLE_LOAD (at most SETTLE_SECONDS)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
        conn.execute("VACUUM ANALYZE")
    deadline = time.monotonic() + SETTLE_SECONDS
    while os.getloadavg()[0] > SETTLE_LOAD and time.monotonic() < deadline:
        time.sleep(2)
    log(f"settled: load {os.getloadavg()[0]:.1f}")


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [name]).fetchone()
        if not exists:
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3")
    parts = urlparse(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1",
                                       parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return url
    except OSError:
        pass
    return ""


def bench_secret_key() -> str:
    """A random key kept in bench/out/ (git-ignored): feed URLs are derived
    from SECRET_KEY, so the bench feed made by an earlier run must stay valid."""
    path = ROOT / "bench" / "out" / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("bench-" + secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def bench_env(db_url: str, redis: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": bench_secret_key(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Fixed: the bench database's case rows must stay readable across runs.
        "FIELD_ENCRYPTION_SALT": "bench-only-field-salt",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # No SMS provider on a bench machine: phone sign-in off.
        "DJANGO_SMS_DISABLED": "1",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DATABASE_URL": db_url,
        "SITE_BASE_URL": BASE,
    }
    if redis:
        env["REDIS_URL"] = redis
    else:
        env.pop("REDIS_URL", None)
    return env


def manage(env, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_until_up(timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(BASE + "/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not come up")


def warm(path: str, token: str = "", cookie: str = "") -> int:
    request = urllib.request.Request(BASE + path)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=60) as r:  # noqa: S310
            r.read()
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def run_wrk(paths: list[str], token: str = "", cookie: str = "",
            seconds: int = SECONDS) -> dict:
    # Calendar clients (Apple, Google, Outlook, Thunderbird) all ask for gzip.
    gzip = all(p.startswith("/calendar/") for p in paths)
    env = {**os.environ, "WRK_PATHS": "|".join(paths) if len(paths) > 1 else "",
           "WRK_BEARER": token, "WRK_COOKIE": cookie, "WRK_GZIP": "1" if gzip else ""}
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
           "-s", str(ROOT / "bench" / "stats.lua"), BASE + paths[0]]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("WRKJSON "))
    data = json.loads(line[len("WRKJSON "):])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["errors"] = sum(data[k] for k in ("connect", "read", "write", "status",
                                           "timeout"))
    return data


def booking_throughput(clients: list[dict]) -> dict:
    """Each client books its own counsellor's slots, all clients at once."""
    latencies: list[float] = []
    outcomes: dict[str, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients))

    def worker(client: dict) -> None:
        barrier.wait()
        for start in client["slots"]:
            body = json.dumps({
                "counsellor": client["counsellor"], "session_type": client["session_type"],
                "start": start, "mode": "in_person", "consent": True,
                "concern": "压测预约（虚构）",
            }).encode()
            request = urllib.request.Request(
                BASE + "/api/v1/bookings", data=body, method="POST",
                headers={"Content-Type": "application/json",
                         "Authorization": f"Bearer {client['token']}"})
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
                    r.read()
                    code = str(r.status)
            except urllib.error.HTTPError as exc:
                code = f"{exc.code}: {exc.read()[:200]!r}"
            except OSError as exc:
                code = f"error: {exc}"
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                outcomes[code] = outcomes.get(code, 0) + 1

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    ok = outcomes.get("201", 0)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0
    return {
        "clients": len(clients), "attempted": len(latencies), "created": ok,
        "errors": len(latencies) - ok, "rps": ok / wall if wall else 0.0,
        "p95_ms": p95 * 1000, "median_ms": statistics.median(latencies) * 1000
        if latencies else 0.0, "outcomes": outcomes,
    }


def write_results(rows: list[dict], booking: dict, meta: dict) -> Path:
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {meta['date']}",
        f"- Machine: {meta['cores']} cores ({meta['machine']}); load average "
        f"{meta['load_before']:.1f} before and {meta['load_after']:.1f} after the run "
        "(the run's own load included; a load above ~1 before it means other work "
        "shared the machine, and ratios of rendered pages suffer most)",
        f"- Server: gunicorn {meta['workers']} sync workers, production settings, "
        f"PostgreSQL {meta['pg']}, cache: {meta['cache']}",
        f"- Data: `seed_demo --scale 20` ({meta['counsellors']} counsellors) plus "
        "bench/prepare.py (bench counsellors, a 500-event personal feed, sessions "
        "for the demo family, counsellor and coordinator)",
        f"- Load: wrk, 2 threads, {CONNECTIONS} connections, {SECONDS} s per endpoint "
        f"after a {WARMUP_SECONDS} s warm-up (`make bench`)",
        "",
        "| endpoint | req/s | × /healthz | aim | p95 ms | errors | met |",
        "|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for row in rows:
        aim = row["aim"]
        met = "—" if aim is None else ("yes" if row["ratio"] >= aim and not row["errors"]
                                       else "**no**")
        lines.append(
            f"| {row['name']} | {row['rps']:.0f} | {row['ratio']:.2f} | "
            f"{'' if aim is None else f'≥ {aim}'} | {row['p95_us'] / 1000:.1f} | "
            f"{row['errors']} | {met} |")
    lines += [
        "",
        "## Booking throughput",
        "",
        f"{booking['clients']} concurrent API clients (bearer tokens), each booking its "
        "own counsellor's free slots:",
        "",
        "| bookings attempted | created | errors | bookings/s | median ms | p95 ms |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {booking['attempted']} | {booking['created']} | {booking['errors']} | "
        f"{booking['rps']:.1f} | {booking['median_ms']:.0f} | {booking['p95_ms']:.0f} |",
        "",
        f"Outcomes: `{json.dumps(booking['outcomes'], ensure_ascii=False)}`",
        "",
        f"Aims (issue 11): anonymous pages (text search included) ≥ {AIM_PAGE} × "
        f"/healthz, feeds ≥ {AIM_FEED} ×, API slot search ≥ {AIM_SLOTS} ×; signed in "
        f"as the demo family, its pages ≥ {AIM_SIGNED_IN} ×; the counsellor's week "
        f"and the coordinator's lists ≥ {AIM_STAFF} ×; zero errors. /healthz does no "
        "work at all (no session, no database), so the ratios are a strict measure "
        "of per-request cost. `robots.txt` signed in has no aim: it measures what "
        "the signed-in request itself costs (session, user, middleware) before any "
        "page is rendered.",
        "",
        "Signed-in rows (\"signed in as …\") send the cookie of a session that "
        "bench/prepare.py makes through Django's `login()` for the demo account, "
        "with allauth's record of a password step (and, for staff, a TOTP step) "
        "added as allauth's own sign-in writes it; every request of a row reuses "
        "that one session.",
        "",
        "The feed endpoints are requested with `Accept-Encoding: gzip`, as calendar "
        "apps send it; everything else without. Gunicorn runs with `--preload`, so "
        "jieba's dictionary is loaded once before the workers fork.",
        "",
    ]
    path = ROOT / "bench" / ("out/RESULTS-partial.md" if ONLY else "RESULTS.md")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: install Debian's 'wrk' package (make bench "
                         "does it when run as root)")
    db_url = os.environ.get("DATABASE_URL", "") or DEFAULT_DB
    if not db_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    load_before = os.getloadavg()[0]
    ensure_database(db_url)
    redis = redis_url()
    env = bench_env(db_url, redis)
    log(f"database {urlparse(db_url).path.lstrip('/')}, cache "
        f"{'redis' if redis else 'local memory'}")
    if redis:
        subprocess.run(["redis-cli", "-u", redis, "FLUSHDB"], capture_output=True,
                       check=False)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    log("seed_demo --scale 20")
    manage(env, "seed_demo", "--scale", "20")
    out = subprocess.run([PY, str(ROOT / "bench" / "prepare.py")], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout
    data = json.loads(next(ln for ln in out.splitlines()
                           if ln.startswith("BENCHJSON "))[len("BENCHJSON "):])

    settle(db_url)
    log(f"gunicorn with {WORKERS} workers on {BASE}")
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "portal.wsgi:application", "-b",
         f"127.0.0.1:{PORT}", "-w", str(WORKERS), "--preload", "--log-level", "warning",
         "--timeout", "60"],
        cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_until_up()
        token = data["reader_token"]
        anonymous = [
            ("/healthz", ["/healthz"], "", None),
            ("home page /", ["/"], "", AIM_PAGE),
            ("module page", [data["module"]] if data["module"] else [], "", AIM_PAGE),
            ("lesson page", [data["lesson"]] if data["lesson"] else [], "", AIM_PAGE),
            ("search ?q=情绪", [data["search"]], "", AIM_PAGE),
            ("slot search: 1 counsellor, 4 weeks (API)", [data["slots_one"]], token,
             AIM_SLOTS),
            ("slot search: topic's counsellors, 2 weeks (API)", data["slots_topic"],
             token, AIM_SLOTS),
            ("pooled slot search: topic at one point, 4 weeks (API)",
             [data["slots_pooled"]] if data.get("slots_pooled") else [], token, AIM_POOLED),
            ("service point page", [data["point_page"]] if data.get("point_page") else [],
             "", AIM_PAGE),
            ("workshop feed", [data["workshop_feed"]], "", AIM_FEED),
            ("personal feed, 500 events", [data["personal_feed"]], "", AIM_FEED),
            ("robots.txt", ["/robots.txt"], "", None),
        ]
        targets = [(name, paths, bearer, "", aim) for name, paths, bearer, aim in anonymous]
        signed_in = data["signed_in"]
        for role, pages, aim in (("family", signed_in["family_pages"], AIM_SIGNED_IN),
                                 ("counsellor", signed_in["counsellor_pages"], AIM_STAFF),
                                 ("coordinator", signed_in["coordinator_pages"],
                                  AIM_STAFF)):
            cookie = signed_in["cookies"][role]
            targets.append((f"signed in as {role}: robots.txt", ["/robots.txt"], "",
                            cookie, None))
            targets += [(f"signed in as {role}: {name}", [path] if path else [], "",
                         cookie, aim) for name, path in pages.items()]
        rows = []
        healthz_rps = None
        if ONLY:
            wanted = [w.strip() for w in ONLY.split(",") if w.strip()]
            targets = [t for t in targets
                       if t[0] == "/healthz" or any(w in t[0] for w in wanted)]
        for name, paths, bearer, cookie, aim in targets:
            if not paths:
                log(f"skip {name}: no such page in the demo data")
                continue
            statuses = {warm(p, bearer, cookie) for p in paths}
            if statuses != {200}:
                log(f"warning: {name} answered {statuses} before measuring")
            # Every worker renders the page once before the clock starts (the
            # first request in a worker loads templates, jieba's dictionary...).
            run_wrk(paths, bearer, cookie, seconds=WARMUP_SECONDS)
            result = run_wrk(paths, bearer, cookie)
            if healthz_rps is None:
                healthz_rps = result["rps"]
            result.update(name=name, aim=aim, ratio=result["rps"] / healthz_rps)
            rows.append(result)
            log(f"{name}: {result['rps']:.0f} req/s, x{result['ratio']:.2f}, "
                f"p95 {result['p95_us'] / 1000:.1f} ms, errors {result['errors']}")
        booking = (booking_throughput(data["clients"]) if not ONLY else
                   {"clients": 0, "attempted": 0, "created": 0, "errors": 0, "rps": 0.0,
                    "median_ms": 0,
                    "p95_ms": 0, "outcomes": {}})
        log(f"bookings: {booking['created']}/{booking['attempted']} created, "
            f"{booking['rps']:.1f}/s, errors {booking['errors']}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    pg = subprocess.run(
        [PY, "-c", "import psycopg,sys;c=psycopg.connect(sys.argv[1]);"
         "print(c.execute('show server_version').fetchone()[0].split()[0])", db_url],
        capture_output=True, text=True, check=False).stdout.strip() or "?"
    meta = {
        "load_before": load_before, "load_after": os.getloadavg()[0],
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": CORES, "machine": platform.machine(), "workers": WORKERS, "pg": pg,
        "cache": "Redis" if redis else "local memory",
        "counsellors": data["counsellors_total"],
    }
    path = write_results(rows, booking, meta)
    log(f"wrote {path.relative_to(ROOT)}")
    failed = [r["name"] for r in rows if r["errors"]] + (
        ["bookings"] if booking["errors"] else [])
    if failed:
        log(f"errors in: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
