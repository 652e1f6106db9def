"""/api/v1/income: income lines; POST takes one line or a list booked all-or-nothing."""

import marshmallow as ma
from flask import jsonify, request
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import BadRequest

from fundtrack.api.auth import api_user
from fundtrack.api.common import PageArgs, api_blueprint, page_of, paginate, saved
from fundtrack.api.schemas import (
    Choice,
    Currency,
    Flag,
    Id,
    IsoDate,
    Money,
    QueryFlag,
    Strict,
    Text,
    Year,
)
from fundtrack.auth.access import load_visible, visible
from fundtrack.centres.models import Centre
from fundtrack.errors import Conflict, ValidationError
from fundtrack.extensions import db
from fundtrack.income import operations
from fundtrack.income.models import (
    IncomeCategory,
    IncomeLine,
    IncomeSource,
)
from fundtrack.income.splits import PARTS_MAX, parts_of
from fundtrack.share.classification import (
    RULE_COLUMNS,
    join_classification,
    structural_expression,
    verdict_row,
)

blp = api_blueprint("income", "/income", "Income lines of the centres.")


class FundPart(Strict):
    fund_id = Id(required=True, metadata={"description": "an earmarked fund of the line's centre"})
    amount = Money(required=True, metadata={"description": "more than 0"})


class IncomeIn(Strict):
    centre = Text(20, 1, required=True, metadata={"description": "the centre's code"})
    date = IsoDate(required=True, metadata={"description": "booking date"})
    amount = Money(required=True, metadata={"description": "more than 0"})
    currency = Currency(metadata={"description": "must be the centre's; defaults to it"})
    category = Choice(IncomeCategory, required=True)
    funder = Id(allow_none=True, metadata={"description": "a funder, or a donor, not both"})
    donor = Id(allow_none=True)
    agreement = Id(allow_none=True, metadata={"description": "makes the line structural or not"})
    fund = Id(allow_none=True, metadata={"description": "earmarked fund the money is for"})
    funds = ma.fields.List(
        ma.fields.Nested(FundPart),
        allow_none=True,
        validate=ma.validate.Length(max=PARTS_MAX),
        metadata={
            "description": "the money split over earmarked funds: parts adding up to `amount`"
            " exactly, each fund once (give this or `fund`). A list of one part is that fund;"
            " an empty list takes the line out of every fund. A line answers its parts here,"
            " or all of it for its one fund. Changing the amount of a split line needs its"
            " parts again."
        },
    )
    grant = Id(allow_none=True, metadata={"description": "the grant it disburses or co-funds"})
    reference = Text(200)
    description = Text(10_000)
    external_id = Text(
        200,
        allow_none=True,
        metadata={"description": "your id for the line: unique per centre, so retries are safe"},
    )
    confirm_incidental = Flag(
        load_only=True,
        metadata={
            "description": "when booking a line to a funder without an agreement: a funder's only"
            " agreement running on the date is filled in; with several of which one is"
            " structural the line is refused on `agreement` unless this is true (then it is"
            " booked to the funder alone, incidental)"
        },
    )


class IncomeSchema(IncomeIn):
    id = ma.fields.Integer(dump_only=True)
    centre = ma.fields.String(attribute="centre.code")
    date = IsoDate(attribute="booking_date")
    funder = ma.fields.Integer(attribute="funder_id", allow_none=True)
    donor = ma.fields.Integer(attribute="donor_id", allow_none=True)
    agreement = ma.fields.Integer(attribute="agreement_id", allow_none=True)
    fund = ma.fields.Integer(attribute="earmarked_fund_id", allow_none=True)
    funds = ma.fields.List(ma.fields.Nested(FundPart), attribute="fund_split")
    grant = ma.fields.Integer(attribute="grant_id", allow_none=True)
    fiscal_year = ma.fields.Integer(dump_only=True)
    source = Choice(IncomeSource, dump_only=True)
    structural = Flag(dump_only=True)
    structural_reason = ma.fields.String(dump_only=True)


class IncomeBatchSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(IncomeSchema), required=True)


class IncomeQuery(PageArgs):
    centre = Text(20, metadata={"description": "the centre's code"})
    year = Year(strict=False, metadata={"description": "fiscal year"})
    category = Choice(IncomeCategory)
    structural = QueryFlag()
    date_from = IsoDate(metadata={"description": "booked on or after"})
    date_to = IsoDate(metadata={"description": "booked on or before"})
    funder = Id(strict=False)
    donor = Id(strict=False)
    grant = Id(strict=False, metadata={"description": "booked against this grant"})
    external_id = Text(200)


def with_classification(lines: list[IncomeLine]) -> list[IncomeLine]:
    """Attach `structural` and `structural_reason` to the lines, in one query, and where
    their money goes (`fund_split`, from parts the caller loaded with the lines)."""
    if not lines:
        return lines
    rows = db.session.execute(
        join_classification(select(IncomeLine.id, IncomeLine.agreement_id, *RULE_COLUMNS)).where(
            IncomeLine.id.in_([line.id for line in lines])
        )
    )
    verdicts = {
        row.id: verdict_row(row, has_agreement=row.agreement_id is not None) for row in rows
    }
    for line in lines:
        line.structural = verdicts[line.id].structural
        line.structural_reason = verdicts[line.id].words
        line.fund_split = parts_of(line)
    return lines


def _filtered(args: dict):
    stmt = visible(IncomeLine, api_user()).options(selectinload(IncomeLine.fund_parts))
    if args.get("centre"):
        stmt = stmt.join(Centre, Centre.id == IncomeLine.centre_id).where(
            Centre.code == args["centre"]
        )
    if args.get("structural") is not None:
        structural = structural_expression()
        stmt = join_classification(stmt).where(structural if args["structural"] else ~structural)
    simple = {
        "year": IncomeLine.fiscal_year,
        "category": IncomeLine.category,
        "funder": IncomeLine.funder_id,
        "donor": IncomeLine.donor_id,
        "grant": IncomeLine.grant_id,
        "external_id": IncomeLine.external_id,
    }
    for name, column in simple.items():
        if args.get(name) is not None:
            stmt = stmt.where(column == args[name])
    if args.get("date_from"):
        stmt = stmt.where(IncomeLine.booking_date >= args["date_from"])
    if args.get("date_to"):
        stmt = stmt.where(IncomeLine.booking_date <= args["date_to"])
    return stmt


_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    {"$ref": "#/components/schemas/IncomeIn"},
                    {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/IncomeIn"},
                        "minItems": 1,
                        "maxItems": operations.BATCH_MAX,
                    },
                ]
            }
        }
    },
}
_CREATED = {
    "description": "The booked line, or {items: [...]} for a batch",
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Income"},
                    {"$ref": "#/components/schemas/IncomeBatch"},
                ]
            }
        }
    },
}


def document(api) -> None:
    """Register the schemas the hand-written POST description refers to."""
    api.spec.components.schema("IncomeIn", schema=IncomeIn)
    api.spec.components.schema("IncomeBatch", schema=IncomeBatchSchema)


def _load_body() -> dict | list:
    try:
        data = request.get_json()
    except BadRequest:
        abort(400, errors={"json": ["Invalid JSON body."]})  # as the other resources say it
    try:
        if isinstance(data, list):
            operations.check_batch_size(data)
            return IncomeIn(many=True).load(data)
        if isinstance(data, dict):
            return IncomeIn().load(data)
    except ma.ValidationError as error:
        raise _Invalid(error.messages) from None
    raise ValidationError(
        "body", _l("send an income line (an object) or a list of them"), code="not_a_line"
    )


class _Invalid(ValidationError):
    def __init__(self, messages: dict):
        super().__init__("body", _l("Some values are invalid; see errors."))
        self.errors = {str(key): value for key, value in messages.items()}


@blp.route("")
class Income(MethodView):
    @blp.arguments(IncomeQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(IncomeSchema))
    def get(self, args):
        """List income lines the caller may see, newest booking first."""
        page = paginate(_filtered(args), args, IncomeLine.booking_date.desc(), IncomeLine.id)
        with_classification(page["items"])
        return page

    @blp.doc(requestBody=_BODY, responses={"201": _CREATED})
    def post(self):
        """Book one line, or a list all-or-nothing (409 if an external_id is already booked)."""
        values = _load_body()
        user = api_user()
        try:
            if isinstance(values, list):
                # The API keeps booking lines alike: platforms send an external_id to be safe.
                lines = saved(
                    lambda: operations.book_income_batch(
                        db.session, user, values, IncomeSource.API, confirm_duplicate=True
                    )
                )
                body = IncomeBatchSchema().dump({"items": with_classification(lines)})
            else:
                confirm_incidental = values.pop("confirm_incidental", False)
                line = saved(
                    lambda: operations.book_income(
                        db.session,
                        user,
                        values,
                        IncomeSource.API,
                        confirm_duplicate=True,
                        confirm_incidental=confirm_incidental,
                    )  # fmt: skip
                )
                body = IncomeSchema().dump(with_classification([line])[0])
        except IntegrityError:
            # A simultaneous retry got past the check; tell the platform which line it repeats.
            db.session.rollback()
            items = values if isinstance(values, list) else [values]
            raise operations.booked_twice(db.session, items) or Conflict(
                "external_id", _l("already booked by a simultaneous request"),
                code="already_booked",
            ) from None  # fmt: skip
        response = jsonify(body)
        response.status_code = 201
        return response


@blp.route("/<int:line_id>")
class IncomeById(MethodView):
    @blp.response(200, IncomeSchema)
    def get(self, line_id):
        """One income line."""
        return with_classification([load_visible(db.session, IncomeLine, line_id, api_user())])[0]

    @blp.arguments(IncomeIn(partial=True))
    @blp.response(200, IncomeSchema)
    def patch(self, values, line_id):
        """Change an income line (not in a closed year)."""
        line = load_visible(db.session, IncomeLine, line_id, api_user())
        values.pop("confirm_incidental", None)  # a question of booking, not of changing
        saved(lambda: operations.update_income(db.session, api_user(), line, values))
        return with_classification([line])[0]

    @blp.response(204)
    def delete(self, line_id):
        """Delete an income line (not in a closed year)."""
        line = load_visible(db.session, IncomeLine, line_id, api_user())
        saved(lambda: operations.delete_income(db.session, api_user(), line))
