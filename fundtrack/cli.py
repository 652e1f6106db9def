"""Command-line entry points, grouped by domain and registered on the app."""

from flask import Flask


def register(app: Flask) -> None:
    from fundtrack.auth.cli import users

    app.cli.add_command(users)
