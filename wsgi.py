"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from fundtrack import create_app

app = create_app()
