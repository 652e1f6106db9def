"""The grant panels of the landing pages: reports due, the pipeline and next year's forecast.

One call per page gathers what the dashboard (network or region) and a centre's page show,
from `obligations.reports_due`, `pipeline.pipeline` and `pipeline.share_forecast`; the
templates only print it.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fundtrack.auth.access import visible
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.errors import NotFound
from fundtrack.grants.obligations import ReportsDue, reports_due
from fundtrack.grants.pipeline import PipelineYear, ShareForecast, pipeline, share_forecast


@dataclass(frozen=True)
class GrantPanels:
    due: ReportsDue
    pipeline: list[PipelineYear]  # every year on record, oldest first
    year: int  # the page's year; the forecast is for the year after
    forecast: ShareForecast
    region_code: str | None = None
    centre_code: str | None = None

    @property
    def pipeline_year(self) -> PipelineYear | None:
        """The page's year in the pipeline (per region and centre), if any application."""
        return next((p for p in self.pipeline if p.year == self.year), None)


def landing_panels(
    session: Session,
    user: User,
    today: date,
    year: int,
    region_code: str | None = None,
    centre_code: str | None = None,
    share=None,
) -> GrantPanels:
    """The panels for the network (or a region, for the dashboard) or for one centre.

    Reports: unsent ones overdue on `today` and due within 60 days, of the grants the user
    may see (a centre's own on its page, a region's centres' on a region's dashboard).
    `share`: the page's `funding_share` for the same year and codes, if it has it. Raises
    LookupError for an unknown code, like the share service."""
    centre_id = None
    if centre_code is not None:
        centre = session.scalars(
            visible(Centre, user).where(Centre.code == centre_code)
        ).one_or_none()
        if centre is None:
            raise NotFound(
                "centre",
                _l("no centre with code %(code)s", code=centre_code),
                code="unknown_centre",
            )
        centre_id = centre.id
    return GrantPanels(
        due=reports_due(session, user, today, centre_id=centre_id, region_code=region_code),
        pipeline=pipeline(session, user, region_code=region_code, centre_code=centre_code),
        year=year,
        forecast=share_forecast(session, user, year, region_code, centre_code, share=share),
        region_code=region_code,
        centre_code=centre_code,
    )
