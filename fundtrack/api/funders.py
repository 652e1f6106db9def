"""/api/v1/funders: the network-wide list of funders and their type."""

import marshmallow as ma
from flask.views import MethodView

from fundtrack.api.auth import api_user
from fundtrack.api.common import PageArgs, api_blueprint, page_of, paginate, saved
from fundtrack.api.schemas import Choice, Money, Strict, Text
from fundtrack.auth.access import load_visible, visible
from fundtrack.extensions import db
from fundtrack.income import funders as operations
from fundtrack.income.models import Funder, FunderType

blp = api_blueprint(
    "funders",
    "/funders",
    "Funders are shared by all centres: treasurers may add one; the national office edits them.",
)


class FunderSchema(Strict):
    id = ma.fields.Integer(dump_only=True)
    name = Text(200, 1, required=True)
    type = Choice(FunderType, required=True)
    auditor_statement_threshold = Money(
        dump_only=True,
        allow_none=True,
        metadata={"description": "an award this large needs an auditor's statement (null: never)"},
    )


class FunderQuery(PageArgs):
    type = Choice(FunderType)
    name = Text(200, metadata={"description": "funders whose name contains this text"})


@blp.route("")
class Funders(MethodView):
    @blp.arguments(FunderQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(FunderSchema))
    def get(self, args):
        """List funders."""
        stmt = visible(Funder, api_user())  # another centre's private person stays hidden
        if args.get("type"):
            stmt = stmt.where(Funder.type == args["type"])
        if args.get("name"):
            stmt = stmt.where(Funder.name.contains(args["name"], autoescape=True))
        return paginate(stmt, args, Funder.name, Funder.id)

    @blp.arguments(FunderSchema)
    @blp.response(201, FunderSchema)
    def post(self, values):
        """Add a funder (treasurers, national office, admins)."""
        return saved(lambda: operations.create_funder(db.session, api_user(), values))


@blp.route("/<int:funder_id>")
class FunderById(MethodView):
    @blp.response(200, FunderSchema)
    def get(self, funder_id):
        """One funder."""
        return load_visible(db.session, Funder, funder_id, api_user())

    @blp.arguments(FunderSchema(partial=True))
    @blp.response(200, FunderSchema)
    def patch(self, values, funder_id):
        """Rename or retype a funder (national office and admins)."""
        funder = load_visible(db.session, Funder, funder_id, api_user())
        return saved(lambda: operations.update_funder(db.session, api_user(), funder, values))

    @blp.response(204)
    def delete(self, funder_id):
        """Delete a funder nothing refers to (national office and admins)."""
        funder = load_visible(db.session, Funder, funder_id, api_user())
        saved(lambda: operations.delete_funder(db.session, api_user(), funder))
