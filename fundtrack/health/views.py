"""`/healthz` (the process answers) and `/readyz` (it can serve: database, migrations, Redis),
for load balancers and orchestrators: no session, no cookie, nothing about the books."""

from flask import Blueprint, Flask, jsonify

from fundtrack.health.checks import readiness

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.route("/readyz")
def readyz():
    checks = readiness()
    ready = all(check.ok for check in checks)
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
    }
    return jsonify(body), 200 if ready else 503


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
