"""/api/v1/network: the network's settings, under the rules of the admin's settings screen."""

import marshmallow as ma
from flask.views import MethodView

from fundtrack.api.auth import api_user
from fundtrack.api.common import api_blueprint, saved
from fundtrack.api.schemas import Money, Strict, Text, Whole
from fundtrack.centres import network as operations
from fundtrack.centres.models import Network
from fundtrack.extensions import db

blp = api_blueprint(
    "network",
    "/network",
    "The network's name, currency, locale, structural target and fiscal year. Everyone reads "
    "them; the national office and admins change them; an admin creates the network once.",
)


class NetworkSchema(Strict):
    name = Text(200, 1, required=True)
    currency = Text(3, 3, required=True, metadata={"example": "EUR"})
    locale = Text(16, 2, required=True, metadata={"example": "nl_NL"})
    target = Text(
        20,
        1,
        load_default=None,
        metadata={"description": "structural target as a fraction of costs", "example": "2/3"},
    )
    fiscal_year_start_month = Whole(
        load_default=None, validate=ma.validate.Range(1, 12), metadata={"example": 1}
    )
    organisation_number = Text(
        30, metadata={"description": "KvK (8 digits) or Norwegian organisation number (9)"}
    )
    volunteer_hour_rate = Money(
        allow_none=True,
        load_default=None,
        metadata={"description": "what a volunteer hour is worth in grant reports' in-kind "
                  "co-funding, in the network's currency"},
    )  # fmt: skip


def _settings(network: Network) -> dict:
    return operations.settings(network)


@blp.route("")
class NetworkSettings(MethodView):
    @blp.response(200, NetworkSchema)
    def get(self):
        """The network's settings; 409 while the network is not set up."""
        return _settings(Network.current(db.session))

    @blp.arguments(NetworkSchema)
    @blp.response(201, NetworkSchema)
    def post(self, values):
        """Create the network (admins, once); 409 when it exists."""
        user = api_user()
        network = saved(lambda: operations.create_network(db.session, user, values))
        return _settings(network)

    @blp.arguments(NetworkSchema(partial=True))
    @blp.response(200, NetworkSchema)
    def patch(self, values):
        """Change settings (national office and admins)."""
        network = saved(lambda: operations.update_network(db.session, api_user(), values))
        return _settings(network)
