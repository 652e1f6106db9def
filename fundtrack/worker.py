"""What the job worker runs: `python -m huey.bin.huey_consumer fundtrack.worker.huey`.

A worker knows only the tasks of the modules it imported, so this module imports every
package that defines tasks on the queue of `fundtrack.jobs`.
"""

from fundtrack.imports import jobs as _import_jobs  # noqa: F401  (registers its tasks)
from fundtrack.imports.onboarding import jobs as _onboarding_jobs  # noqa: F401
from fundtrack.jobs import huey
from fundtrack.reports import jobs as _report_jobs  # noqa: F401

__all__ = ["huey"]
