"""Report downloads from the screens."""

from fundtrack.reports import bp  # noqa: F401
