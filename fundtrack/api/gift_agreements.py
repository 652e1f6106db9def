"""/api/v1/gift-agreements: Dutch periodic gifts and Norwegian pledges, with their years.

An agreement is a yearly recurring gift (/recurring-gifts) with its signed agreement; its
years expected and received are under /gift-agreements/ID/years, its form to sign under
/gift-agreements/ID/form.pdf.
"""

import marshmallow as ma
from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from fundtrack.api.auth import api_user
from fundtrack.api.common import PageArgs, api_blueprint, page_answer, page_of, page_window, saved
from fundtrack.api.schemas import Choice, Id, IsoDate, Money, Strict, Text
from fundtrack.auth.access import load_visible
from fundtrack.downloads import download
from fundtrack.errors import NotFound
from fundtrack.extensions import db
from fundtrack.giving import agreements as operations
from fundtrack.giving.agreement_form import agreement_pdf
from fundtrack.giving.agreement_queries import (
    agreement_years,
    count_agreements,
    gift_agreement,
    gift_agreements,
)
from fundtrack.giving.models import AgreementKind, GiftAgreement, PaymentMethod

blp = api_blueprint(
    "gift_agreements", "/gift-agreements", "Periodic gifts and pledges, with their years."
)


class GiftAgreementPatch(Strict):
    transaction_number = Text(40, metadata={"description": "empty: keep the number"})
    centre_signed_on = IsoDate(allow_none=True)
    centre_signatory = Text(200)


class GiftAgreementIn(GiftAgreementPatch):
    kind = Choice(AgreementKind, required=True)
    donor = Id(required=True)
    amount = Money(required=True, metadata={"description": "the fixed amount a year"})
    start = IsoDate(required=True, metadata={"description": "the first year's due date"})
    years = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(1, 50))
    donor_signed_on = IsoDate(required=True)
    fund = Id(allow_none=True)
    payment_method = Choice(PaymentMethod)
    reference = Text(200)


class GiftAgreementSchema(ma.Schema):
    id = ma.fields.Integer()
    recurring_gift = ma.fields.Integer(attribute="gift")
    centre = ma.fields.String(attribute="centre_code")
    kind = ma.fields.String(metadata={"enum": [k.value for k in AgreementKind]})
    transaction_number = ma.fields.String()
    donor = ma.fields.Integer()
    donor_name = ma.fields.String()
    amount = Money()
    currency = ma.fields.String()
    start = IsoDate(attribute="start_date")
    end = IsoDate(attribute="end_date")
    years = ma.fields.Integer()
    donor_signed_on = IsoDate()
    centre_signed_on = IsoDate(allow_none=True)
    years_due = ma.fields.Integer(metadata={"description": "years whose payment fell due"})
    years_received = ma.fields.Integer()
    received = Money()


class GiftYearSchema(ma.Schema):
    number = ma.fields.Integer()
    due_date = IsoDate()
    expected = Money()
    paid_on = IsoDate(allow_none=True)
    received = Money(allow_none=True)
    state = ma.fields.String(metadata={"enum": ["received", "missed", "expected"]})


class GiftYearListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(GiftYearSchema))


class GiftAgreementQuery(PageArgs):
    centre = Text(20, metadata={"description": "the centre's code"})


class GiftFormQuery(ma.Schema):
    lang = ma.fields.String(validate=ma.validate.OneOf(("nl", "nb", "en")))


def _shown(agreement_id: int):
    row = gift_agreement(db.session, api_user(), agreement_id)
    if row is None:
        raise NotFound("id", _l("no gift agreement with id %(id)s", id=agreement_id))
    return row


@blp.route("")
class Agreements(MethodView):
    @blp.arguments(GiftAgreementQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(GiftAgreementSchema))
    def get(self, args):
        """List the agreements the caller may see, newest first."""
        page, size = page_window(args)
        total = count_agreements(db.session, api_user(), args.get("centre"))
        items = gift_agreements(
            db.session, api_user(), centre_code=args.get("centre"), limit=size,
            offset=(page - 1) * size,
        )  # fmt: skip
        return page_answer(items, page, size, total)

    @blp.arguments(GiftAgreementIn)
    @blp.response(201, GiftAgreementSchema)
    def post(self, values):
        """Record a signed agreement; its years are planned as a yearly recurring gift."""
        agreement = saved(lambda: operations.create_gift_agreement(db.session, api_user(), values))
        return _shown(agreement.id)


@blp.route("/<int:agreement_id>")
class AgreementById(MethodView):
    @blp.response(200, GiftAgreementSchema)
    def get(self, agreement_id):
        """One agreement with its years due and received."""
        load_visible(db.session, GiftAgreement, agreement_id, api_user())
        return _shown(agreement_id)

    @blp.arguments(GiftAgreementPatch)
    @blp.response(200, GiftAgreementSchema)
    def patch(self, values, agreement_id):
        """Countersign, or correct the transaction number."""
        agreement = load_visible(db.session, GiftAgreement, agreement_id, api_user())
        saved(lambda: operations.update_gift_agreement(db.session, api_user(), agreement, values))
        return _shown(agreement_id)

    @blp.response(204)
    def delete(self, agreement_id):
        """Delete an agreement and its gift while none of its years is paid."""
        agreement = load_visible(db.session, GiftAgreement, agreement_id, api_user())
        saved(lambda: operations.delete_gift_agreement(db.session, api_user(), agreement))


@blp.route("/<int:agreement_id>/years")
class AgreementYears(MethodView):
    @blp.response(200, GiftYearListSchema)
    def get(self, agreement_id):
        """Each year: its due date, the amount expected, and what came in."""
        load_visible(db.session, GiftAgreement, agreement_id, api_user())
        row = _shown(agreement_id)
        return {"items": agreement_years(db.session, row.gift)}


@blp.route("/<int:agreement_id>/form.pdf")
class AgreementFormPdf(MethodView):
    @blp.arguments(GiftFormQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, content_type="application/pdf")
    def get(self, args, agreement_id):
        """The agreement form to sign: Dutch for a periodic gift, Norwegian for a pledge."""
        load_visible(db.session, GiftAgreement, agreement_id, api_user())
        row = _shown(agreement_id)
        pdf = agreement_pdf(db.session, api_user(), agreement_id, args.get("lang"))
        return download(pdf, "agreement", row.transaction_number, row.donor_name, kind="pdf")
