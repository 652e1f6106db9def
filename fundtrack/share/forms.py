"""The classification rule forms of the national office (CSRF through Flask-WTF)."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from fundtrack.income.models import FunderType

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # WTForms before 3.3 takes (value, label) pairs

    def SelectChoice(value, label):  # noqa: N802
        return (value, label)


FUNDER_TYPE_CHOICES = [SelectChoice(t.value, t.value.replace("_", " ")) for t in FunderType]


class RuleForm(FlaskForm):
    """Is agreed income from this funder type structural by default?"""

    funder_type = SelectField("Funder type", choices=FUNDER_TYPE_CHOICES)
    structural_by_default = SelectField(
        "Structural by default",
        choices=[SelectChoice("yes", "structural"), SelectChoice("no", "incidental")],
        validators=[InputRequired()],
    )
    note = StringField("Note", validators=[Length(max=500)])


class OverrideForm(FlaskForm):
    """Make one agreement structural or incidental whatever its funder's rule, with a reason."""

    agreement_id = IntegerField(
        "Agreement number", validators=[InputRequired(), NumberRange(min=1)]
    )
    structural = SelectField(
        "Counts as",
        choices=[
            SelectChoice("rule", "follow the funder type's rule"),
            SelectChoice("yes", "structural (override)"),
            SelectChoice("no", "incidental (override)"),
        ],
        validators=[InputRequired()],
    )
    reason = StringField("Reason", validators=[Length(max=500)])

    @property
    def structural_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.structural.data)
