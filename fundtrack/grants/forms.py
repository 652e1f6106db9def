"""The grant page's form for a counted goal's measurement: which goal, where, when, how many."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired

from fundtrack.forms import DayField, MoneyField
from fundtrack.grants.models import GoalKind, Grant

WHOLE_PROJECT = ""


class MeasurementForm(FlaskForm):
    goal = SelectField(_l("Goal"), coerce=int, validators=[InputRequired()])
    place = SelectField(_l("Where"))
    measured_on = DayField(_l("Measured on"), validators=[InputRequired()])
    value = MoneyField(_l("Count"), validators=[InputRequired()])


def measurement_form(grant: Grant, formdata=None) -> MeasurementForm:
    """The form with this grant's counted goals and its places: the whole project, the
    applicant centre, or an office the award is shared with."""
    form = MeasurementForm(formdata=formdata)
    form.goal.choices = [
        (g.id, g.description) for g in grant.goals if g.kind == GoalKind.QUANTITATIVE
    ]
    centres = [grant.centre] if grant.centre else []
    centres += [a.centre for a in grant.allocations]
    form.place.choices = [(WHOLE_PROJECT, _l("The project as a whole"))] + [
        (c.code, f"{c.code} {c.name}") for c in centres
    ]
    return form
