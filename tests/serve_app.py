"""A fundtrack server in a process of its own, for tests that must see it survive a request.

`python -m tests.serve_app DATABASE_URL` migrates the (empty) database, adds a centre and
its treasurer (treasurer@serve.test / "correct horse battery"), prints the port it serves on
and serves until it is killed. The instance folder is FUNDTRACK_INSTANCE.
"""

import sys

from flask_migrate import upgrade
from werkzeug.serving import make_server

from fundtrack import create_app
from fundtrack.extensions import db
from tests import factories

EMAIL = "treasurer@serve.test"
PASSWORD = "correct horse battery"


def main(url: str) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "serve-test",
            "WTF_CSRF_ENABLED": False,
            "BABEL_DEFAULT_LOCALE": "en",
            "PASSWORD_HASH_PROFILE": "cheap",
        }
    )
    with app.app_context():
        upgrade()
        factories.network(db.session)
        centre = factories.centre(db.session, code="SRV")
        factories.user(db.session, centre=centre, email=EMAIL, password=PASSWORD)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
