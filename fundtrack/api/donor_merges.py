"""/api/v1/donors/...: likely duplicates, merging one donor into another, and undoing it."""

import marshmallow as ma
from flask.views import MethodView

from fundtrack.api.auth import api_user
from fundtrack.api.common import PageArgs, api_blueprint, page_of, paginate, saved
from fundtrack.api.donors import DonorSchema
from fundtrack.api.schemas import Id, Moment, Strict, Text
from fundtrack.auth.access import load_visible, visible
from fundtrack.centres.models import Centre
from fundtrack.extensions import db
from fundtrack.income import duplicates, merge
from fundtrack.income.merge_models import DonorMerge
from fundtrack.income.models import Donor
from fundtrack.operations import centre_by_code, referenced

blp = api_blueprint(
    "donor_merges", "/donors", "Donors who are one person: likely duplicates, merges, undo."
)


class MergeIn(Strict):
    donor = Id(
        required=True,
        metadata={"description": "the donor merged into this one (same centre); marked merged"},
    )
    from_merged = ma.fields.List(
        Text(64, 1),
        allow_none=True,
        metadata={
            "description": "the fields whose value the merged donor gives (name, kind, email,"
            " phone, address, postcode, city, iban, consent_contact, consent_newsletter);"
            " left out: the fields this donor leaves empty and the merged donor has"
        },
    )


class UndoIn(Strict):
    """Nothing to send but {}: the merge is named by the path."""


class RowsMoved(ma.Schema):
    table = ma.fields.String()
    column = ma.fields.String()
    rows = ma.fields.Integer(metadata={"description": "how many rows"})


def _counted(entries: list) -> list[dict]:
    return [{"table": e["table"], "column": e["column"], "rows": len(e["keys"])} for e in entries]


class MergeSchema(ma.Schema):
    id = ma.fields.Integer()
    centre = ma.fields.String(attribute="centre.code")
    survivor = ma.fields.Integer(attribute="survivor_id")
    merged = ma.fields.Integer(attribute="merged_id")
    merged_at = Moment()
    fiscal_year = ma.fields.Integer(metadata={"description": "undone only while it is open"})
    from_merged = ma.fields.Function(
        lambda record: sorted(f for f in record.survivor_after if f != "consent_recorded_at"),
        metadata={"description": "the survivor's fields that took the merged donor's value"},
    )
    moved = ma.fields.Function(
        lambda record: _counted(record.moved), metadata={"description": "rows moved"}
    )
    kept = ma.fields.Function(
        lambda record: _counted(record.kept),
        metadata={"description": "one-per-donor rows the survivor has its own of: parked"},
    )
    undone_at = Moment(allow_none=True)


class MergeQuery(PageArgs):
    centre = Text(20, metadata={"description": "the centre's code"})


class DuplicateQuery(ma.Schema):
    centre = Text(20, metadata={"description": "the centre's code"})


class DuplicateSchema(ma.Schema):
    first = ma.fields.Nested(DonorSchema, metadata={"description": "the older donor"})
    second = ma.fields.Nested(DonorSchema)
    score = ma.fields.Integer(metadata={"description": "higher is more likely one person"})
    reasons = ma.fields.List(
        ma.fields.String(), metadata={"description": "iban, email, address, name"}
    )


class Duplicates(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DuplicateSchema))


@blp.route("/duplicates")
class LikelyDuplicates(MethodView):
    @blp.arguments(DuplicateQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, Duplicates)
    def get(self, args):
        """Pairs of donors of one centre that are likely one person, most likely first."""
        user = api_user()
        centre_id = None
        if args.get("centre"):
            centre_id = centre_by_code(db.session, user, args["centre"]).id
        return {"items": duplicates.likely_duplicates(db.session, user, centre_id)}


@blp.route("/<int:donor_id>/merge")
class MergeInto(MethodView):
    @blp.arguments(MergeIn)
    @blp.response(201, MergeSchema)
    def post(self, values, donor_id):
        """Merge another donor of the same centre into this one: every gift, recurring gift,
        mandate and agreement moves here; the other is marked merged."""
        user = api_user()
        survivor = load_visible(db.session, Donor, donor_id, user)
        merged = referenced(db.session, user, Donor, values["donor"], "donor", "donor")
        return saved(
            lambda: merge.merge_donors(
                db.session, user, survivor, merged, values.get("from_merged")
            )
        )


@blp.route("/merges")
class Merges(MethodView):
    @blp.arguments(MergeQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(MergeSchema))
    def get(self, args):
        """The merges the caller may see, the latest first."""
        stmt = visible(DonorMerge, api_user())
        if args.get("centre"):
            stmt = stmt.join(Centre, Centre.id == DonorMerge.centre_id).where(
                Centre.code == args["centre"]
            )
        return paginate(stmt, args, DonorMerge.id.desc())


@blp.route("/merges/<int:merge_id>")
class MergeById(MethodView):
    @blp.response(200, MergeSchema)
    def get(self, merge_id):
        """One merge."""
        return load_visible(db.session, DonorMerge, merge_id, api_user())


@blp.route("/merges/<int:merge_id>/undo")
class UndoMerge(MethodView):
    @blp.arguments(UndoIn)
    @blp.response(200, MergeSchema)
    def post(self, _values, merge_id):
        """Undo a merge while its fiscal year is open: the rows it moved go back, the merged
        donor is itself again, the survivor's replaced fields return."""
        user = api_user()
        record = load_visible(db.session, DonorMerge, merge_id, user)
        return saved(lambda: merge.undo_merge(db.session, user, record))
