"""Command-line entry points, grouped by domain and registered on the app."""

from flask import Flask


def register(app: Flask) -> None:
    from fundtrack.auth.cli import users
    from fundtrack.backup.cli import backup_command, restore_command
    from fundtrack.centres.cli import network
    from fundtrack.centres.codes_cli import codes
    from fundtrack.demo.cli import demo_command
    from fundtrack.giving.cli import giving
    from fundtrack.health.cli import doctor_command
    from fundtrack.imports.cli import import_command
    from fundtrack.imports.onboarding.cli import onboard_command
    from fundtrack.reports.cli import reports

    app.cli.add_command(users)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(network)
    app.cli.add_command(codes)
    app.cli.add_command(demo_command)
    app.cli.add_command(doctor_command)
    app.cli.add_command(reports)
    app.cli.add_command(import_command)
    app.cli.add_command(onboard_command)
    app.cli.add_command(giving)
