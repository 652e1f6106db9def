"""gunicorn's settings for fundtrack in production: `gunicorn --config deploy/gunicorn.conf.py`.

Every value can be set from the environment the systemd unit or the container gives.
"""

import multiprocessing
import os

wsgi_app = "wsgi:app"
bind = os.environ.get("FUNDTRACK_BIND", "127.0.0.1:8000")
# Two per core and one, at most eight: the app waits on PostgreSQL and WeasyPrint, not the CPU.
workers = int(os.environ.get("FUNDTRACK_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
# A centre's PDF report renders in a few seconds; big imports and the national report go to
# the job worker, so two minutes is a hung request, not a slow one.
timeout = int(os.environ.get("FUNDTRACK_TIMEOUT", 120))
# `systemctl reload fundtrack-web` (SIGHUP) starts new workers and lets the old ones finish.
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, so a slow leak in a library never grows for weeks.
max_requests = 2000
max_requests_jitter = 200
# The TLS proxy in front; set FUNDTRACK_PROXIES as well so that the app trusts its headers.
forwarded_allow_ips = os.environ.get("FUNDTRACK_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# The request line without its query string: a query can hold a name or an e-mail address.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'

# Metrics from every worker process, summed at each scrape (fundtrack/metrics.py).
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.environ.get("FUNDTRACK_METRICS_DIR", "/tmp/fundtrack-metrics")
)
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)


def on_starting(_server):
    # Counts of processes from an earlier start would be summed in forever.
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    for name in os.listdir(folder):
        if name.endswith(".db"):
            os.remove(os.path.join(folder, name))


def child_exit(_server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
