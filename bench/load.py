"""50 concurrent clients against the production server configuration (issue 9, "Load").

    .venv/bin/python bench/load.py [--clients 50] [--seconds 60] [--db PATH] [--workers N]
        [--feed-posts-per-second 2]

1. uses Redis as the shared cache, as production does (`REDIS_URL`, else the local Redis on
   127.0.0.1:6379 when one answers, else the database cache table), and prepares a database:
   a throw-away copy of `--db` (the demo database, `db.sqlite3`, by default), or the database
   `DATABASE_URL` names (PostgreSQL; feed posts add a few postings of a source named
   `load-bench` to it); creates the cache table, a feed source with a token and an API key;
   collects static files;
2. starts gunicorn with `config.gunicorn` and the production settings on a free port of
   127.0.0.1 (clients send `X-Forwarded-Proto: https`, as the TLS proxy in front would);
3. runs `--clients` threads for `--seconds` (after `--warmup` seconds not counted), each on its
   own keep-alive connection and its own client address (`X-Forwarded-For`, one proxy
   trusted), without pause, over a mix of the routes the issue names: home page, offer
   search, offer pages, skill pages, the search JSON, the public API (with a key) and the
   autocomplete; beside them, one feed posts five postings with its token
   `--feed-posts-per-second` times a second (2: 864,000 postings a day, far above Wallonia's
   volume), counted with the rest;
4. prints per route the requests, errors, p50 and p95, then the throughput, and ends with
   `RESULT clients=... requests=... errors=... p95_ms=...`.

An error is a connection failure or any status other than 200/201/202/301/302. The per-address
rate limits are raised for the run (they are tested in tests/hardening/test_rate_limits.py):
what is measured is the platform's capacity, not the limiter. Target (issue 9): 0 errors and
p95 <= 300 ms with the demo data.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OK_STATUSES = {200, 201, 202, 301, 302}
QUERIES = ["soudure", "montage vidéo", "comptabilité", "python", "cuisine", "cariste", "anglais"]
# The readers' route weights: mostly pages and searches, some JSON.
MIX = [
    ("home", 10),
    ("search", 20),
    ("offer", 20),
    ("skill", 15),
    ("search-json", 12),
    ("api-offers", 10),
    ("autocomplete", 10),
]
ROUTES = [route for route, _weight in MIX] + ["feed-post"]


from core.cache import reachable_redis_url  # noqa: E402  (after the path is set)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def forget_run_keys(url: str, prefix: str) -> None:
    """Delete this run's keys from Redis (the generation key never expires)."""
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def server_env(database_url: str, static_root: Path, cache_url: str) -> dict:
    return {
        **os.environ,
        "REDIS_URL": cache_url,
        # Entries of this run only (Redis keeps other runs' until they expire).
        "REDIS_KEY_PREFIX": f"load-bench-{os.getpid()}",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "load-bench-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "DJANGO_STATIC_ROOT": str(static_root),
        "WAKE_TRUSTED_PROXY_COUNT": "1",
        "WAKE_JSON_RATE_PER_MINUTE": "1000000",
        "WAKE_FEED_API_RATE_PER_MINUTE": "1000000",
        "WAKE_API_ANONYMOUS_RATE": "1000000/minute",
        "WAKE_API_KEY_RATE": "1000000/minute",
        "GUNICORN_ACCESS_LOG": "",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }


def prepare(env: dict) -> dict:
    """Cache table, static files, a feed token, an API key and the URLs to visit."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["createcachetable"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*manage, *command], env=env, check=True, cwd=ROOT)
    script = """
import json
from cms.services.api_keys import api_key_issue
from courses.models import OfferPage, OfferSkill
from jobs.models import FeedSource
from skills.models import Skill
source, _ = FeedSource.objects.get_or_create(name="load-bench")
offers = [p.url_path for p in OfferPage.objects.live().order_by("?")[:200]]
linked = OfferSkill.objects.values_list("skill_id", flat=True)
skills = [s.get_absolute_url() for s in Skill.objects.filter(pk__in=linked).order_by("?")[:200]]
print(json.dumps({"token": source.rotate_token(), "offers": offers, "skills": skills,
                  "api_key": api_key_issue(name="load-bench")[1]}))
"""
    out = subprocess.run(
        [*manage, "shell", "-c", script], env=env, check=True, cwd=ROOT, capture_output=True
    ).stdout
    found = json.loads(out.decode().strip().splitlines()[-1])
    # url_path includes the site root page's own path ("/home/…"): the public path drops it.
    found["offers"] = ["/" + p.strip("/").split("/", 1)[1] + "/" for p in found["offers"]]
    return found


def start_server(env: dict, port: int, workers: int | None, log: Path) -> subprocess.Popen:
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "python:config.gunicorn"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped:\n" + log.read_text(errors="replace")[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    sys.exit("gunicorn did not start within 120 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


class Client(threading.Thread):
    def __init__(self, number: int, port: int, targets: dict, stop_at: float, seed: int):
        super().__init__(daemon=True)
        self.number, self.port, self.targets, self.stop_at = number, port, targets, stop_at
        self.random = random.Random(seed + number)
        self.results: list[tuple[str, float, bool, bool]] = []
        self.failures: collections.Counter = collections.Counter()
        self.connection: http.client.HTTPConnection | None = None

    def pause(self) -> None:
        """Readers send their next request at once (closed loop, no think time)."""

    def request(self) -> tuple[str, str, str, bytes | None, dict]:
        route = self.random.choices([r for r, _w in MIX], [w for _r, w in MIX])[0]
        q = quote(self.random.choice(QUERIES))
        headers = {}
        if route == "home":
            return route, "GET", "/", None, headers
        if route == "search":
            return route, "GET", f"/formations/recherche/?q={q}", None, headers
        if route == "offer" and self.targets["offers"]:
            return route, "GET", self.random.choice(self.targets["offers"]), None, headers
        if route == "skill" and self.targets["skills"]:
            return route, "GET", self.random.choice(self.targets["skills"]), None, headers
        if route == "search-json":
            return route, "GET", f"/api/search/offers/?q={q}", None, headers
        if route == "api-offers":
            headers["X-API-Key"] = self.targets["api_key"]
            return route, "GET", f"/api/v1/offers/?q={q}&page_size=20", None, headers
        return "autocomplete", "GET", f"/api/taxonomy/autocomplete/?q={q[:4]}", None, headers

    def run(self) -> None:
        address = f"10.{self.number // 250}.{self.number % 250}.{7}"
        while time.monotonic() < self.stop_at:
            self.pause()
            route, method, path, body, headers = self.request()
            headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": address})
            started = time.perf_counter()
            ok = hit = False
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", self.port, 60)
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                response.read()
                ok = response.status in OK_STATUSES
                hit = response.getheader("X-Cache") == "HIT"
                if not ok:
                    self.failures[f"{route} {response.status}"] += 1
                if response.getheader("Connection", "").lower() == "close":
                    self.connection.close()
                    self.connection = None
            except (OSError, http.client.HTTPException) as error:
                self.failures[f"{route} {type(error).__name__}"] += 1
                if self.connection is not None:
                    self.connection.close()
                self.connection = None
            self.results.append((route, (time.perf_counter() - started) * 1000, ok, hit))


class FeedPoster(Client):
    """A feed pushing five postings at a time through the feed API, at a fixed rate beside the
    readers (open loop): a client posting without pause would make the ingested volume grow
    with the readers' throughput (10 posts/s is 4 million postings a day) and measure the
    duplicate index's lock rather than the site."""

    def __init__(self, *args, per_second: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.interval = 1 / per_second
        self.next_at = time.monotonic()
        self.posted = 0

    def pause(self) -> None:
        self.next_at += self.interval
        time.sleep(max(0.0, self.next_at - time.monotonic()))

    def request(self) -> tuple[str, str, str, bytes | None, dict]:
        self.posted += 1
        records = [
            {
                "id": f"load-{self.number}-{self.stop_at}-{self.posted}-{n}",
                "title": f"Soudeur TIG {self.posted} {n}",
                "description": "Soudure TIG sur inox en atelier, lecture de plans.",
                "commune": "Namur",
            }
            for n in range(5)
        ]
        headers = {
            "Authorization": f"Bearer {self.targets['token']}",
            "Content-Type": "application/x-ndjson",
        }
        body = "\n".join(json.dumps(record) for record in records).encode()
        return "feed-post", "POST", "/api/jobs/ingest/", body, headers


def start_load(args, port: int, targets: dict, stop_at: float, seed: int) -> list[Client]:
    """The readers and the feed poster, started."""
    clients = [Client(n, port, targets, stop_at, seed) for n in range(args.clients)]
    if args.feed_posts_per_second > 0:
        clients.append(
            FeedPoster(
                args.clients, port, targets, stop_at, seed, per_second=args.feed_posts_per_second
            )
        )
    for client in clients:
        client.start()
    return clients


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--db", type=Path, default=ROOT / "db.sqlite3")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn worker processes.")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument(
        "--feed-posts-per-second",
        type=float,
        default=2,
        help="Feed posts of five postings, beside the readers (0: none).",
    )
    parser.add_argument(
        "--warmup", type=float, default=20, help="Seconds of load first, not counted."
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="wake-load-"))
    server = None
    cache_url = ""
    try:
        database_url = os.environ.get("DATABASE_URL", "")
        if not database_url:
            if not args.db.is_file():
                sys.exit(f"{args.db} does not exist: build the demo database first (make setup).")
            copy = work / "load.sqlite3"
            shutil.copyfile(args.db, copy)
            database_url = f"sqlite:///{copy}"
        cache_url = reachable_redis_url()
        env = server_env(database_url, work / "static", cache_url)
        targets = prepare(env)
        port = free_port()
        log = work / "gunicorn.log"
        server = start_server(env, port, args.workers, log)
        engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(
            f"gunicorn (production settings, {engine}, cache: {cache_url or 'database'}) "
            f"on 127.0.0.1:{port}; "
            f"{len(targets['offers'])} offer pages, {len(targets['skills'])} skill pages"
        )
        # Warm up, not counted: every worker process loads its code, the extractor and the
        # search index before the measurement.
        for client in start_load(
            args, port, targets, time.monotonic() + args.warmup, args.seed + 1
        ):
            client.join()

        started = time.perf_counter()
        clients = start_load(args, port, targets, time.monotonic() + args.seconds, args.seed)
        for client in clients:
            client.join()
        elapsed = time.perf_counter() - started
        load = os.getloadavg()
        server_errors = [
            line
            for line in log.read_text(errors="replace").splitlines()
            if "[ERROR]" in line or "Error:" in line or line.startswith("Internal Server Error")
        ]
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(work, ignore_errors=True)
        if cache_url:
            forget_run_keys(cache_url, f"load-bench-{os.getpid()}")

    by_route: dict[str, list[float]] = collections.defaultdict(list)
    errors_by_route: collections.Counter = collections.Counter()
    hits_by_route: collections.Counter = collections.Counter()
    failures: collections.Counter = collections.Counter()
    everything: list[float] = []
    for client in clients:
        failures.update(client.failures)
        for route, ms, ok, hit in client.results:
            by_route[route].append(ms)
            everything.append(ms)
            errors_by_route[route] += not ok
            hits_by_route[route] += hit
    print(f"{'route':14} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'cached':>7}")
    for route in ROUTES:
        times = by_route.get(route, [])
        print(
            f"{route:14} {len(times):9} {errors_by_route[route]:7} "
            f"{percentile(times, 0.5):8.0f} {percentile(times, 0.95):8.0f} "
            f"{hits_by_route[route] / max(1, len(times)):7.0%}"
        )
    for failure, count in failures.most_common(10):
        print(f"  error: {failure} x{count}")
    for line in server_errors[:5]:
        print(f"  gunicorn: {line}")
    print(f"machine load average during the run: {load[0]:.1f} (1 min), {load[1]:.1f} (5 min)")
    requests, errors = len(everything), sum(errors_by_route.values())
    p50, p95 = percentile(everything, 0.5), percentile(everything, 0.95)
    print(
        f"all            {requests:9} {errors:7} {p50:8.0f} {p95:8.0f}   "
        f"throughput {requests / elapsed:.1f} requests/s over {elapsed:.0f} s"
    )
    print(f"RESULT clients={args.clients} requests={requests} errors={errors} p95_ms={p95:.0f}")


if __name__ == "__main__":
    main()
