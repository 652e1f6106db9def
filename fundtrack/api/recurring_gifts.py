"""/api/v1/recurring-gifts: donors' monthly, quarterly and yearly gifts, with what came in.

Each gift carries its state (running, late, lapsed, ended: fundtrack.giving.queries), the
instalments paid, the amount received and the next one due; its instalments are listed
under /recurring-gifts/ID/instalments with the income line that paid each.
"""

import marshmallow as ma
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from fundtrack.api.auth import api_user
from fundtrack.api.common import PageArgs, api_blueprint, page_answer, page_of, page_window, saved
from fundtrack.api.schemas import Choice, Currency, Id, IsoDate, Money, Strict, Text
from fundtrack.auth.access import load_visible
from fundtrack.errors import NotFound
from fundtrack.extensions import db
from fundtrack.giving import operations
from fundtrack.giving.models import Frequency, Instalment, PaymentMethod, RecurringGift
from fundtrack.giving.queries import GRACE_DAYS, STATES, gift_state, recurring_gifts, state_counts
from fundtrack.giving.sepa_models import CollectionItem

blp = api_blueprint(
    "recurring_gifts", "/recurring-gifts", "Donors' recurring gifts and their instalments."
)


class RecurringGiftIn(Strict):
    donor = Id(required=True)
    amount = Money(required=True, metadata={"description": "each instalment"})
    currency = Currency(metadata={"description": "the centre's; may be left out"})
    frequency = Choice(Frequency, required=True)
    start = IsoDate(required=True, metadata={"description": "the first instalment's due date"})
    end = IsoDate(allow_none=True, metadata={"description": "none: until the donor stops"})
    fund = Id(allow_none=True, metadata={"description": "the earmarked fund it goes to"})
    payment_method = Choice(PaymentMethod, required=True)
    reference = Text(200)


class RecurringGiftSchema(ma.Schema):
    id = ma.fields.Integer()
    centre = ma.fields.String(attribute="centre_code")
    donor = ma.fields.Integer()
    donor_name = ma.fields.String()
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    amount = Money()
    currency = ma.fields.String()
    frequency = ma.fields.String(metadata={"enum": [f.value for f in Frequency]})
    payment_method = ma.fields.String(metadata={"enum": [m.value for m in PaymentMethod]})
    start = IsoDate(attribute="start_date")
    end = IsoDate(attribute="end_date", allow_none=True)
    fund = ma.fields.Integer(allow_none=True)
    paid = ma.fields.Integer(metadata={"description": "instalments paid"})
    received = Money()
    last_paid_on = IsoDate(allow_none=True)
    missed = ma.fields.Integer(
        metadata={
            "description": f"instalments unpaid {GRACE_DAYS} days after their due date, "
            "since the last one paid"
        }
    )
    next_due = IsoDate(allow_none=True)
    state = ma.fields.String(
        metadata={"enum": list(STATES), "description": "late: one missed; lapsed: two or more"}
    )


class RecurringGiftQuery(PageArgs):
    centre = Text(20, metadata={"description": "the centre's code"})
    state = ma.fields.String(validate=ma.validate.OneOf(STATES))


class InstalmentSchema(ma.Schema):
    id = ma.fields.Integer()
    due_date = IsoDate()
    amount = Money()
    income_line = ma.fields.Integer(attribute="income_line_id", allow_none=True)
    returned_on = IsoDate(
        allow_none=True, metadata={"description": "its direct debit came back: it failed"}
    )
    return_reason = ma.fields.String(
        metadata={"description": "the bank's ISO reason code (AM04, AC04, MD06...)"}
    )


class InstalmentListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(InstalmentSchema))


def _shown(gift_id: int):
    row = gift_state(db.session, api_user(), gift_id)
    if row is None:
        raise NotFound("id", _l("no recurring gift with id %(id)s", id=gift_id))
    return row


@blp.route("")
class RecurringGifts(MethodView):
    @blp.arguments(RecurringGiftQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(RecurringGiftSchema))
    def get(self, args):
        """List the recurring gifts the caller may see, lapsed and late first."""
        page, size = page_window(args)
        counts = state_counts(db.session, api_user(), centre_code=args.get("centre"))
        total = counts[args["state"]] if args.get("state") else sum(counts.values())
        items = recurring_gifts(
            db.session, api_user(), centre_code=args.get("centre"), state=args.get("state"),
            limit=size, offset=(page - 1) * size,
        )  # fmt: skip
        return page_answer(items, page, size, total)

    @blp.arguments(RecurringGiftIn)
    @blp.response(201, RecurringGiftSchema)
    def post(self, values):
        """Register a recurring gift; its instalments are planned to its end, or two years ahead."""
        gift = saved(lambda: operations.create_recurring_gift(db.session, api_user(), values))
        return _shown(gift.id)


@blp.route("/<int:gift_id>")
class RecurringGiftById(MethodView):
    @blp.response(200, RecurringGiftSchema)
    def get(self, gift_id):
        """One recurring gift with its state."""
        load_visible(db.session, RecurringGift, gift_id, api_user())
        return _shown(gift_id)

    @blp.arguments(RecurringGiftIn(partial=True))
    @blp.response(200, RecurringGiftSchema)
    def patch(self, values, gift_id):
        """Change a gift (amount, end, fund...); its unpaid instalments follow."""
        gift = load_visible(db.session, RecurringGift, gift_id, api_user())
        saved(lambda: operations.update_recurring_gift(db.session, api_user(), gift, values))
        return _shown(gift_id)

    @blp.response(204)
    def delete(self, gift_id):
        """Delete a gift none of whose instalments is paid (give a paid one an end date)."""
        gift = load_visible(db.session, RecurringGift, gift_id, api_user())
        saved(lambda: operations.delete_recurring_gift(db.session, api_user(), gift))


@blp.route("/<int:gift_id>/instalments")
class GiftInstalments(MethodView):
    @blp.response(200, InstalmentListSchema)
    def get(self, gift_id):
        """The gift's instalments in due order, each with the income line that paid it, or
        the bank's return of its direct debit."""
        gift = load_visible(db.session, RecurringGift, gift_id, api_user())
        rows = db.session.execute(
            select(
                Instalment.id,
                Instalment.due_date,
                Instalment.amount,
                Instalment.income_line_id,
                CollectionItem.returned_on,
                func.coalesce(CollectionItem.return_reason, "").label("return_reason"),
            )  # fmt: skip
            .outerjoin(CollectionItem, CollectionItem.instalment_id == Instalment.id)
            .where(Instalment.recurring_gift_id == gift.id)
            .order_by(Instalment.due_date)
        )
        return {"items": [row._asdict() for row in rows]}
