"""A region's name as a report's heading (the reports' words for stored codes are in
fundtrack.labels)."""

from flask_babel import gettext


def region_title(name: str) -> str:
    """A region as a heading: its name as stored when the name already says it is a region
    ("Regio Noord", "Region Sør-Øst"), else "Region Noord" in the reader's language; never
    "Regio NOORD Regio Noord"."""
    if {"regio", "region", "regione", "région"} & set(name.lower().split()):
        return name
    return gettext("Region %(region)s", region=name)
