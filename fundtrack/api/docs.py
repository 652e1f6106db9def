"""Swagger UI's own files for /api/v1/docs, so the docs page works without internet.

flask-swagger-ui ships swagger-ui-dist 5.x (which reads OpenAPI 3.1); only its files are used,
served under /api/v1/docs/static/, and flask-smorest's docs page points there.
"""

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint

SWAGGER_UI_FILES = Path(flask_swagger_ui.__file__).resolve().parent / "dist"
STATIC_URL_PATH = "/api/v1/docs/static"


def swagger_ui_files() -> Blueprint:
    """A blueprint serving Swagger UI's scripts and styles at STATIC_URL_PATH."""
    return Blueprint(
        "swagger_ui_files",
        __name__,
        static_folder=str(SWAGGER_UI_FILES),
        static_url_path=STATIC_URL_PATH,
    )
