"""The classification rule forms of the national office (CSRF through Flask-WTF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from fundtrack.income.models import FunderType
from fundtrack.labels import FUNDER_TYPE_LABELS

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # WTForms before 3.3 takes (value, label) pairs

    def SelectChoice(value, label):  # noqa: N802
        return (value, label)


FUNDER_TYPE_CHOICES = [SelectChoice(t.value, FUNDER_TYPE_LABELS[t.value]) for t in FunderType]


class RuleForm(FlaskForm):
    """Is agreed income from this funder type structural by default?"""

    funder_type = SelectField(_l("Funder type"), choices=FUNDER_TYPE_CHOICES)
    structural_by_default = SelectField(
        _l("Structural by default"),
        choices=[SelectChoice("yes", _l("structural")), SelectChoice("no", _l("incidental"))],
        validators=[InputRequired()],
    )
    note = StringField(_l("Note"), validators=[Length(max=500)])


class OverrideForm(FlaskForm):
    """Make one agreement structural or incidental whatever its funder's rule, with a reason."""

    agreement_id = IntegerField(
        _l("Agreement number"), validators=[InputRequired(), NumberRange(min=1)]
    )
    structural = SelectField(
        _l("Counts as"),
        choices=[
            SelectChoice("rule", _l("follow the funder type's rule")),
            SelectChoice("yes", _l("structural (override)")),
            SelectChoice("no", _l("incidental (override)")),
        ],
        validators=[InputRequired()],
    )
    reason = StringField(_l("Reason"), validators=[Length(max=500)])

    @property
    def structural_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.structural.data)
