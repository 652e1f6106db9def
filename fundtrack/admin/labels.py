"""Gone to fundtrack.labels: only fundtrack/income/wording.py still imports COLUMN_LABELS
from here, and that module is being removed; delete this file with it."""

from fundtrack.labels import COLUMN_LABELS  # noqa: F401
