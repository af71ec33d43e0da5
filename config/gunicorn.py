"""gunicorn settings for `make serve-prod` (each can be overridden from the environment).

GUNICORN_BIND (127.0.0.1:8000; a reverse proxy terminates TLS in front), WEB_CONCURRENCY
(worker processes, 2 × cores + 1 by default), GUNICORN_THREADS (threads per worker),
GUNICORN_TIMEOUT (seconds before a stuck request's worker is restarted),
FORWARDED_ALLOW_IPS (proxies trusted for X-Forwarded-Proto).
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then: bounded memory whatever a long-lived process accumulates.
max_requests = 2000
max_requests_jitter = 200
# Load the application before forking: a configuration error stops the server at once, and the
# workers share the loaded code.
preload_app = True
# Bounded request lines and headers (the feed API bounds bodies itself).
limit_request_line = 8190
limit_request_fields = 100
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"


def when_ready(server):
    """In the master, after the application is loaded and before any worker is forked."""
    from config.warmup import warm_up

    warm_up()
