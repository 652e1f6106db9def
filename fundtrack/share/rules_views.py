"""The classification rules screen: the national office's rule per funder type and its
overrides of single agreements. Reading and changing both belong to the national office and
admins; the service checks that again, and the audit hook records who changed what."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from fundtrack.auth.access import NotAllowed
from fundtrack.auth.forms import ButtonForm
from fundtrack.centres.models import Centre
from fundtrack.errors import field_and_message
from fundtrack.extensions import db
from fundtrack.income.models import Funder, FunderType, FundingAgreement, StructuralRule
from fundtrack.labels import FUNDER_TYPE_LABELS
from fundtrack.share import bp
from fundtrack.share.classification import RULE_COLUMNS, explain_row, join_rule, rule_in_words
from fundtrack.share.forms import OverrideForm, RuleForm
from fundtrack.share.rules import closed_years_under_rule
from fundtrack.share.service import confirm_agreement, override_agreement, set_structural_rule
from fundtrack.share.views import AGREEMENTS_SHOWN, screen_wording


def _require_rule_owner() -> None:
    if not current_user.can_manage_network:
        abort(403)


def _require_rule_reader() -> None:
    # The auditor reads the rules that decide what counts as structural; only the national
    # office and admins change them.
    if not current_user.sees_all_centres:
        abort(403)


def _agreement_rows(where):
    """Agreements with their centre, funder and why they count as they do (one statement)."""
    stmt = join_rule(
        select(
            FundingAgreement.id,
            FundingAgreement.title,
            FundingAgreement.annual_amount,
            FundingAgreement.currency,
            Centre.code.label("centre_code"),
            Funder.name.label("funder_name"),
            *RULE_COLUMNS,
        ).join(Centre, Centre.id == FundingAgreement.centre_id)
    )
    stmt = stmt.where(where).order_by(Centre.code, FundingAgreement.start_date)
    wording = screen_wording()
    return [
        (row, explain_row(row, wording=wording))
        for row in db.session.execute(stmt.limit(AGREEMENTS_SHOWN))
    ]


def _render(rule_form: RuleForm, override_form: OverrideForm, status: int = 200):
    rules = {rule.funder_type: rule for rule in db.session.scalars(select(StructuralRule))}
    centre_code = request.args.get("centre") or None
    centre_rows = _agreement_rows(Centre.code == centre_code) if centre_code is not None else None
    page = render_template(
        "share/rules.html",
        rule_steps=rule_in_words(screen_wording()),
        funder_types=list(FunderType),
        rules=rules,
        rule_form=rule_form,
        override_form=override_form,
        overridden=_agreement_rows(FundingAgreement.structural_override.is_not(None)),
        centre_code=centre_code,
        centre_rows=centre_rows,
    )
    return page, status


def _field_error(form, error: Exception, fallback: str) -> None:
    # The service's ValidationError names the field; one the form lacks goes on `fallback`.
    name, message = field_and_message(error, fallback)
    target = getattr(form, name, None)
    if target is None:
        target = getattr(form, fallback)
    target.errors = [*target.errors, message]


@bp.route("/rules")
@login_required
def rules():
    _require_rule_reader()
    rule_form = RuleForm(formdata=None)
    wanted = request.args.get("funder_type")
    if wanted in {t.value for t in FunderType}:
        rule_form.funder_type.data = wanted
        existing = db.session.get(StructuralRule, FunderType(wanted))
        if existing is not None:
            rule_form.structural_by_default.data = "yes" if existing.structural_by_default else "no"
            rule_form.note.data = existing.note
    override_form = OverrideForm(formdata=None)
    if request.args.get("agreement", type=int):
        override_form.agreement_id.data = request.args.get("agreement", type=int)
    return _render(rule_form, override_form)


@bp.route("/rules", methods=["POST"])
@login_required
def change_rule():
    _require_rule_owner()
    form = RuleForm()
    if form.validate_on_submit():
        structural = form.structural_by_default.data == "yes"
        try:
            set_structural_rule(
                db.session, current_user, form.funder_type.data, structural, form.note.data
            )
        except NotAllowed:
            abort(403)
        except ValueError as error:
            db.session.rollback()
            _field_error(form, error, "funder_type")
        else:
            db.session.commit()
            label = FUNDER_TYPE_LABELS[form.funder_type.data]
            if structural:
                message = gettext(
                    "Agreed income from %(type)s funders now counts as structural by default.",
                    type=label,
                )
            else:
                message = gettext(
                    "Agreed income from %(type)s funders now counts as incidental by default.",
                    type=label,
                )
            flash(message)
            rewritten = closed_years_under_rule(db.session, form.funder_type.data)
            if rewritten:
                # A policy change may reach back; the office should see that it did.
                flash(
                    gettext(
                        "This changes the figures of closed fiscal years: %(years)s.",
                        years=", ".join(str(year) for year in rewritten),
                    ),
                    "warning",
                )
            return redirect(url_for("share.rules"))
    return _render(form, OverrideForm(formdata=None), 400)


@bp.route("/rules/agreements", methods=["POST"])
@login_required
def override():
    _require_rule_owner()
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            agreement = override_agreement(
                db.session,
                current_user,
                form.agreement_id.data,
                form.structural_value,
                form.reason.data,
            )
        except NotAllowed:
            abort(403)
        except LookupError:
            db.session.rollback()
            form.agreement_id.errors = [
                *form.agreement_id.errors,
                gettext("no agreement with this number"),
            ]
        except ValueError as error:
            db.session.rollback()
            _field_error(form, error, "structural")
        else:
            db.session.commit()
            messages = {
                "yes": gettext("Agreement %(number)s now counts as structural."),
                "no": gettext("Agreement %(number)s now counts as incidental."),
            }
            default = gettext("Agreement %(number)s now follows its funder type's rule.")
            flash(messages.get(form.structural.data, default) % {"number": agreement.id})
            return redirect(url_for("share.rules", centre=request.args.get("centre")))
    return _render(RuleForm(formdata=None), form, 400)


@bp.route("/agreements/<int:agreement_id>/confirm", methods=["POST"])
@login_required
def confirm(agreement_id: int):
    """The national office confirms an agreement a treasurer added (four eyes)."""
    _require_rule_owner()
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        confirm_agreement(db.session, current_user, agreement_id)
    except NotAllowed:
        abort(403)
    except LookupError:
        abort(404)
    except ValueError as error:
        db.session.rollback()
        _field, message = field_and_message(error, "agreement")
        flash(message, "error")
    else:
        db.session.commit()
        flash(gettext("Agreement %(number)s is confirmed.", number=agreement_id))
    return redirect(url_for("share.dashboard", _anchor="awaiting"))
