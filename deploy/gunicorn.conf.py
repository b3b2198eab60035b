"""gunicorn settings for SmartGov (used in production and by the benchmarks).

Threads (gthread) because a request mostly waits on PostgreSQL and Redis: a few processes with several threads
each use memory better than many single-threaded processes. Access logging is off: the application writes one
JSON line per request with its request id (logger ``smartgov.access``).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
max_requests = 10_000
max_requests_jitter = 1_000
accesslog = None
errorlog = "-"
# The proxies whose X-Forwarded-Proto is believed: the same as the application's for X-Forwarded-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or os.environ.get("SMARTGOV_TRUSTED_PROXIES") or "127.0.0.1"
wsgi_app = "smartgov.wsgi:application"


def child_exit(server: object, worker: object) -> None:
    """With PROMETHEUS_MULTIPROC_DIR set, forget a dead worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
